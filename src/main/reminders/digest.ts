/**
 * The daily digest (每日待办) posted to a group robot: 政务微信 (企业微信-compatible `msgtype: markdown`) or 钉钉
 * (`msgtype: markdown`, with 加签 when a secret is set: HMAC-SHA256 of "timestamp\nsecret", base64, in the URL).
 * The county's 待办 as counts and the projects with the most due, short enough for either robot (4,096 bytes).
 */
import crypto from 'node:crypto'
import { formatDateChinese } from '../../shared/dates'
import type { ReminderSettings, Todos } from '../../shared/reminders'

/** 政务微信's markdown content limit (钉钉's is larger): the digest is cut to fit, whole lines only. */
const MAX_BYTES = 4000
/** Projects listed by name. */
const TOP = 10

/** The digest of the county's `todos` as a title and markdown lines. */
export function digestMarkdown(todos: Todos, office: string): { title: string; text: string } {
  const title = `专班每日待办（${formatDateChinese(todos.asOf)}）`
  const c = todos.counts
  const lines = [
    `### ${title}`,
    `- 逾期或7天内到期节点：**${c.milestone}**个`,
    `- 月报未报：**${c.report}**个项目`,
    `- 超期未销号问题：**${c.problem}**个`,
    `- 未答复领导批示：**${c.instruction}**条`,
    `- 未办结催报：**${c.reminder}**条`,
  ]
  const byProject = new Map<number, { label: string; texts: string[] }>()
  for (const item of todos.items) {
    const entry = byProject.get(item.projectId) ?? { label: `${item.code} ${item.name}`, texts: [] }
    entry.texts.push(item.text)
    byProject.set(item.projectId, entry)
  }
  const worst = [...byProject.values()].sort((a, b) => b.texts.length - a.texts.length).slice(0, TOP)
  if (worst.length) {
    lines.push('', '**待办较多的项目**')
    worst.forEach((p, i) =>
      lines.push(
        `${i + 1}. ${p.label}：${p.texts.slice(0, 3).join('；')}${p.texts.length > 3 ? `等${p.texts.length}项` : ''}`,
      ),
    )
  } else lines.push('', '今日无待办事项。')
  lines.push('', `> ${office || '县重点项目办'}（专班自动推送）`)
  const kept: string[] = []
  let bytes = 0
  for (const line of lines) {
    const size = Buffer.byteLength(line + '\n')
    if (bytes + size > MAX_BYTES) break
    kept.push(line)
    bytes += size
  }
  return { title, text: kept.join('\n') }
}

/** The robot's request: where to POST and the JSON body (钉钉 signed when a secret is set). */
export function robotRequest(
  digest: ReminderSettings['digest'],
  message: { title: string; text: string },
  now: Date,
): { url: string; body: unknown } {
  if (digest.kind === 'wecom')
    return { url: digest.url, body: { msgtype: 'markdown', markdown: { content: message.text } } }
  let url = digest.url
  if (digest.secret) {
    const timestamp = String(now.getTime())
    const sign = crypto.createHmac('sha256', digest.secret).update(`${timestamp}\n${digest.secret}`).digest('base64')
    url += `${url.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${encodeURIComponent(sign)}`
  }
  return { url, body: { msgtype: 'markdown', markdown: { title: message.title, text: message.text } } }
}

/**
 * Posts the message; never throws: `ok` and what to tell the office in Chinese (the robot's own errmsg when it
 * refused, e.g. a wrong key or a missing 加签).
 */
export async function postToRobot(
  digest: ReminderSettings['digest'],
  message: { title: string; text: string },
  now: Date,
): Promise<{ ok: boolean; message: string }> {
  const { url, body } = robotRequest(digest, message, now)
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    })
  } catch (error) {
    return { ok: false, message: whyNotSent(error as Error) }
  }
  const answer = (await response.json().catch(() => null)) as { errcode?: number; errmsg?: string } | null
  if (!response.ok) return { ok: false, message: `推送地址答复HTTP ${response.status}，请检查地址是否正确` }
  if (answer?.errcode !== 0)
    return {
      ok: false,
      message: `机器人拒绝了推送：${answer?.errmsg ?? '答复不是机器人的格式'}（错误码${answer?.errcode ?? '无'}），请检查地址和加签密钥`,
    }
  return { ok: true, message: '已推送' }
}

/** Why a POST did not reach the robot, in the office's words (Node's fetch says "fetch failed" and a cause). */
function whyNotSent(error: Error): string {
  if (error.name === 'TimeoutError') return '推送地址10秒内没有应答，请检查网络或地址'
  const cause = (error as Error & { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause
  const code = cause?.code ?? cause?.errors?.[0]?.code ?? ''
  if (/bad port/i.test(cause?.message ?? '')) return '推送地址的端口是禁止使用的端口，请检查地址中的端口号'
  if (/redirect/i.test(cause?.message ?? '') || /redirect/i.test(error.message))
    return '推送地址要求跳转到别处，专班不跟随跳转：请填写群机器人的完整地址'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return '找不到推送地址的服务器（域名无法解析），请检查地址和本机的DNS设置'
  if (code === 'ECONNREFUSED') return '推送地址拒绝连接（该端口没有服务），请检查地址和端口'
  if (code === 'ECONNRESET' || code === 'EPIPE') return '与推送地址的连接被中断，请稍后再试'
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('UNABLE_TO'))
    return '推送地址的HTTPS证书无法验证，请确认地址正确，或请信息中心提供证书'
  if (code === 'ETIMEDOUT' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH')
    return '无法连接推送地址（网络不通），请检查本机能否访问该地址（防火墙、出站代理）'
  return `无法连接推送地址${code ? `（${code}）` : ''}，请检查地址和本机网络`
}
