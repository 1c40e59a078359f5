/**
 * What 账号管理 says about roles, account states and the security log, written once for its panels: the one-line
 * explanation of each role (issue 17), the links each role needs, the 状态 of an account, and the log as CSV.
 */
import type { Role } from '../../../shared/access'
import { SECURITY_EVENT_LABELS, type SecurityLogEntry, type UserAccount } from '../../../shared/accounts'
import { formatLocalDateTime, localToday } from '../../../shared/dates'

/** What each role may do, in one line (the matrix in 角色权限 says it call by call). */
export const ROLE_HINTS: Record<Role, string> = {
  admin: '账号、备份、安全策略',
  office: '项目库、字典、领导、导入、封账、规则、打印导出',
  leader: '查看全部、写领导批示',
  member: '本人专班项目的节点、月报、问题、方案',
  liaison: '本单位负责的问题和节点',
}

/** The link a role needs: the field of the account and what the form calls it. */
export const ROLE_LINKS = {
  leader: { field: 'leaderId', label: '对应领导' },
  member: { field: 'personId', label: '对应专班人员' },
  liaison: { field: 'unitId', label: '责任单位' },
} as const satisfies Partial<Record<Role, { field: 'leaderId' | 'personId' | 'unitId'; label: string }>>

/** An account's state as tags: 启用 (or 已锁定至 12:15 while a lock lasts) or 已停用, and 须改密码. */
export function accountStates(
  a: UserAccount,
  now: number,
): { text: string; type: 'success' | 'info' | 'danger' | 'warning' }[] {
  // A locked account is enabled but cannot log in until then: 已锁定至 says both.
  const states: { text: string; type: 'success' | 'info' | 'danger' | 'warning' }[] = [
    !a.active
      ? { text: '已停用', type: 'info' }
      : isLocked(a, now)
        ? { text: `已锁定至 ${lockEnd(a.lockedUntil!, now)}`, type: 'danger' }
        : { text: '启用', type: 'success' },
  ]
  if (a.mustChangePassword) states.push({ text: '须改密码', type: 'warning' })
  return states
}

/** Whether logins are refused now after too many failures (a lock that has run out is no lock). */
export function isLocked(a: UserAccount, now: number): boolean {
  return a.lockedUntil !== null && Date.parse(a.lockedUntil) > now
}

/** 12:15 when the lock ends today, 2026-11-22 09:30 when later (a lock lasts up to a day). */
function lockEnd(iso: string, now: number): string {
  const text = formatLocalDateTime(iso)
  return text.startsWith(localToday(new Date(now))) ? text.slice(11) : text
}

/** 最近登录: 2026-11-21 09:30, or 从未登录. */
export const lastLogin = (a: UserAccount) => (a.lastLoginAt ? formatLocalDateTime(a.lastLoginAt) : '从未登录')

/** 账号 in the log: login（name）; an unknown name tried at the login has only the login. */
export function logAccount(e: SecurityLogEntry): string {
  if (e.login && e.name) return `${e.login}（${e.name}）`
  return e.login || e.name || '—'
}

/**
 * One CSV field: quoted when it holds a comma, quote or line break; a text starting with = + - @ gets a leading
 * apostrophe so that a spreadsheet shows it instead of computing it (a typed login name could be a formula).
 */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** The fields an account change or a policy change names in the log's 说明. */
const DETAIL_FIELDS: Record<string, string> = {
  name: '姓名',
  unit: '单位',
  phone: '电话',
  roles: '角色',
  unitId: '责任单位',
  leaderId: '对应领导',
  personId: '对应专班人员',
  active: '状态',
  lockThreshold: '连续失败次数',
  lockMinutes: '锁定时长（分钟）',
  idleMinutes: '无操作退出（分钟）',
  passwordMaxAgeDays: '密码有效期（天）',
  separateAdmin: '系统管理员单独设账号',
}

/**
 * 说明 as it reads on screen. The main side writes an account's or the policy's changes by field name and record
 * number ("leaderId：3 → 空"); they are shown by label and name ("对应领导：周明远 → 空").
 */
export function readableDetail(
  detail: string,
  names: { leader: (id: number) => string; unit: (id: number) => string },
) {
  return detail.replace(/(^|[：；])([A-Za-z]+)：([^；]*)/g, (all, lead: string, key: string, values: string) => {
    const label = DETAIL_FIELDS[key]
    if (!label) return all
    const name = key === 'leaderId' ? names.leader : key === 'unitId' ? names.unit : null
    const shown = values
      .split(' → ')
      .map((v) => (!/^\d+$/.test(v) ? v : name ? name(Number(v)) : `编号${v}`))
      .join(' → ')
    return `${lead}${label}：${key === 'personId' || name ? shown : values}`
  })
}

/** The security log as CSV: UTF-8 with a byte order mark (Excel then reads the Chinese), CRLF lines. */
export function securityLogCsv(
  entries: readonly SecurityLogEntry[],
  detail: (e: SecurityLogEntry) => string = (e) => e.detail,
): string {
  const header = ['时间', '事件', '登录名', '姓名', '来源', '说明']
  const rows = entries.map((e) => [
    formatLocalDateTime(e.at, true),
    SECURITY_EVENT_LABELS[e.event] ?? e.event,
    e.login,
    e.name,
    e.source,
    detail(e),
  ])
  return '\uFEFF' + [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n'
}

/**
 * Saves a text file through the browser's (or Electron's) download, as download.ts `saveFile` does for the
 * main side's .xlsx files (that one takes base64 and says the file is a spreadsheet).
 */
export function saveText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
