/** 催报 and 待办 on both stores: what is due for whom, the office's 催报, answers to 批示, settings, the digest. */
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { App } from '../../src/main/app'
import { digestTick } from '../../src/main/reminders/schedule'
import { dump, newApp, newApps, projectInput, raw, refused, seedBasics } from '../helpers/app'
import { loginAs, type LoggedIn } from '../helpers/accounts'

/** A project under construction on 2026-11-21 with one of each thing due, and its 专班成员, leader and liaison. */
async function county(app: App) {
  const b = await seedBasics(app)
  const { project } = await app.call('project.create', projectInput(b))
  await app.call('project.move', { id: project.id, version: 1, toStage: 'construction', date: '2026-03-01' })
  const other = (await app.call('project.create', projectInput(b, { code: 'XM-002', name: '别人的项目' }))).project
  const detail = await app.call('project.get', { id: project.id })
  const plan = detail.plan
  const soon = await app.call('milestone.create', { planId: plan.id, name: '设备安装', plannedDate: '2026-11-24' })
  const late = await app.call('milestone.create', {
    planId: plan.id,
    name: '主体封顶',
    plannedDate: '2026-10-01',
    responsibleUnit: '区发改局',
  })
  await app.call('milestone.create', { planId: plan.id, name: '竣工验收', plannedDate: '2027-05-01' })
  const problem = await app.call('problem.create', {
    projectId: project.id,
    categoryId: b.problemCategoryId,
    description: '施工用电未接入',
    raisedOn: '2026-09-01',
    responsibleUnitId: b.unitId,
    deadline: '2026-10-31',
  })
  const person = await app.call('taskForce.addMember', {
    taskForceId: detail.taskForce.id,
    person: { name: '孙专班', unit: '区发改局' },
    role: 'member',
  })
  const member = await loginAs(app, 'sun', { roles: ['member'], personId: person.person.id })
  const leader = await loginAs(app, 'zhao', { roles: ['leader'], leaderId: b.leaderId })
  const liaison = await loginAs(app, 'lian', { roles: ['liaison'], unitId: b.unitId })
  const instruction = (
    await app.invoke(
      'instruction.create',
      { projectId: project.id, problemId: null, givenOn: '2026-11-20', text: '请抓紧接电' },
      leader.from,
    )
  ).ok
  expect(instruction).toBe(true)
  return { b, project, other, soon, late, problem, member, leader, liaison }
}

const todosOf = async (app: App, who: LoggedIn) => {
  const outcome = await app.invoke('reminder.mine', {}, who.from)
  if (!outcome.ok) throw new Error(outcome.error.message)
  return outcome.result as Awaited<ReturnType<typeof app.call<'reminder.mine'>>>
}

describe('待办 (reminder.mine)', () => {
  it("lists a 专班成员's own: milestones in the window or late, last month's report, problems past 限期, 批示 unanswered", async () => {
    const app = await newApp()
    const c = await county(app)
    const todos = await todosOf(app, c.member)
    expect(todos.scope).toBe('mine')
    expect(todos.counts).toEqual({ reminder: 0, milestone: 2, report: 1, problem: 1, instruction: 1 })
    expect(todos.total).toBe(5)
    const texts = todos.items.map((i) => `${i.kind}:${i.text}`)
    expect(texts).toEqual(
      expect.arrayContaining([
        'milestone:节点「主体封顶」已逾期51天',
        'milestone:节点「设备安装」2026-11-24到期',
        // Due on the 5th (the default): past on the 21st.
        'report:10月月报逾期未报（11月5日截止）',
        'problem:问题「施工用电未接入」超过限期21天未销号',
        'instruction:赵一平2026-11-20批示待答复：请抓紧接电',
      ]),
    )
    expect(todos.items.every((i) => i.projectId === c.project.id)).toBe(true)
    // Overdue first, then by date.
    expect(todos.items[0]!.overdue).toBe(true)
    // The leader follows its projects' milestones, reports and problems; the 批示 it gave is the 专班's to answer.
    const leader = await todosOf(app, c.leader)
    expect(leader.counts).toEqual({ reminder: 0, milestone: 2, report: 1, problem: 1, instruction: 0 })
    // The liaison: its unit's milestone and problem only (a unit files no monthly report).
    const liaison = await todosOf(app, c.liaison)
    expect(liaison.counts).toEqual({ reminder: 0, milestone: 1, report: 0, problem: 1, instruction: 0 })
    expect(liaison.items.find((i) => i.kind === 'milestone')!.refId).toBe(c.late.id)
    // The office: the whole county.
    const office = await app.call('reminder.mine', {})
    expect(office.scope).toBe('all')
    expect(office.total).toBeGreaterThanOrEqual(todos.total)
  })

  it('says the report as not yet due before the office’s deadline day, and counts it as filed once saved', async () => {
    const app = await newApp()
    const c = await county(app)
    const { version } = await app.call('settings.reminders', {})
    await app.call('settings.updateReminders', {
      version,
      reportDueDay: 25,
      digest: { enabled: false, kind: 'wecom', url: '', secret: '', keepSecret: true, time: '08:30' },
    })
    const before = await todosOf(app, c.member)
    expect(before.items.find((i) => i.kind === 'report')).toMatchObject({
      text: '10月月报未报（11月25日前报送）',
      due: '2026-11-25',
      overdue: false,
    })
    await app.invoke('report.save', { projectId: c.project.id, period: '2026-10', investment: 100 }, c.member.from)
    expect((await todosOf(app, c.member)).counts.report).toBe(0)
  })
})

describe('催报', () => {
  it('is sent by the office, seen in the 专班成员’s 待办, marked done by them, and audited', async () => {
    const app = await newApp()
    const c = await county(app)
    const sent = await app.call('reminder.send', { projectId: c.project.id, note: '请于今日内补报10月月报' })
    expect(sent).toMatchObject({ note: '请于今日内补报10月月报', operator: '王测试', doneAt: null })
    const todos = await todosOf(app, c.member)
    expect(todos.items[0]).toMatchObject({
      kind: 'reminder',
      refId: sent.id,
      text: '王测试催报：请于今日内补报10月月报',
    })
    // The 催报 is the 专班's: not in the leader's 待办.
    expect((await todosOf(app, c.leader)).counts.reminder).toBe(0)
    // A 专班成员 may not send one; nor mark another project's done.
    expect(await app.invoke('reminder.send', { projectId: c.project.id, note: 'x' }, c.member.from)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    })
    const elsewhere = await app.call('reminder.send', { projectId: c.other.id, note: '请报送' })
    expect(await app.invoke('reminder.done', { id: elsewhere.id }, c.member.from)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    })
    const done = await app.invoke('reminder.done', { id: sent.id }, c.member.from)
    expect(done).toMatchObject({ ok: true, result: { doneBy: '测试sun' } })
    expect((await todosOf(app, c.member)).counts.reminder).toBe(0)
    await refused(app, 'reminder.done', { id: sent.id }, 'RULE')
    expect((await app.call('reminder.sent', { open: true })).map((r) => r.id)).toEqual([elsewhere.id])
    const log = await raw(app, `SELECT action, operator FROM audit_log WHERE entity = 'reminder' ORDER BY id`)
    expect(log).toEqual([
      { action: 'remind', operator: '王测试' },
      { action: 'remind', operator: '王测试' },
      { action: 'done', operator: '测试sun' },
    ])
  })

  it('a 批示 answered by the 专班 leaves the 待办; a second answer, a future or earlier date are refused', async () => {
    const app = await newApp()
    const c = await county(app)
    const [given] = await app.call('instruction.list', { projectId: c.project.id })
    const before = await dump(app)
    await refused(
      app,
      'instruction.answer',
      { id: given!.id, text: '已接电', answeredOn: '2026-11-22' },
      'INVALID_INPUT',
    )
    await refused(
      app,
      'instruction.answer',
      { id: given!.id, text: '已接电', answeredOn: '2026-11-19' },
      'INVALID_INPUT',
    )
    await refused(app, 'instruction.answer', { id: given!.id, text: '', answeredOn: '2026-11-21' }, 'INVALID_INPUT')
    expect(await dump(app)).toEqual(before)
    const answered = await app.invoke(
      'instruction.answer',
      { id: given!.id, text: '供电公司已排期，11月25日接电', answeredOn: '2026-11-21' },
      c.member.from,
    )
    expect(answered).toMatchObject({
      ok: true,
      result: { answer: { text: '供电公司已排期，11月25日接电', answeredOn: '2026-11-21', operator: '测试sun' } },
    })
    expect((await todosOf(app, c.member)).counts.instruction).toBe(0)
    await refused(app, 'instruction.answer', { id: given!.id, text: '再答', answeredOn: '2026-11-21' }, 'RULE')
  })
})

/** A stand-in group robot on loopback: records each POST and answers as told. */
async function standInRobot(answer: (body: unknown) => { status: number; json: unknown }) {
  const received: { url: string; body: unknown }[] = []
  const server = http.createServer((req, res) => {
    let text = ''
    req.on('data', (d) => (text += d))
    req.on('end', () => {
      const body = JSON.parse(text) as unknown
      received.push({ url: req.url ?? '', body })
      const { status, json } = answer(body)
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(json))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  robots.push(server)
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cgi-bin/webhook/send?key=k1`, received }
}
const robots: http.Server[] = []
afterEach(() => {
  for (const r of robots.splice(0)) r.close()
})

async function setDigest(
  app: App,
  digest: Partial<{
    enabled: boolean
    kind: 'wecom' | 'dingtalk'
    url: string
    secret: string
    keepSecret: boolean
    time: string
  }>,
) {
  const { version } = await app.call('settings.reminders', {})
  return app.call('settings.updateReminders', {
    version,
    reportDueDay: 5,
    digest: { enabled: true, kind: 'wecom', url: '', secret: '', keepSecret: false, time: '08:30', ...digest },
  })
}

describe('the daily digest to a group robot', () => {
  it('posts the county’s 待办 as 政务微信 markdown, and keeps the outcome', async () => {
    const app = await newApp()
    await county(app)
    const robot = await standInRobot(() => ({ status: 200, json: { errcode: 0, errmsg: 'ok' } }))
    await setDigest(app, { url: robot.url })
    expect(await app.call('reminder.sendDigest', {})).toEqual({ ok: true, message: '已推送' })
    const [post] = robot.received
    const body = post!.body as { msgtype: string; markdown: { content: string } }
    expect(body.msgtype).toBe('markdown')
    expect(body.markdown.content).toContain('### 专班每日待办（2026年11月21日）')
    expect(body.markdown.content).toContain('超期未销号问题：**1**个')
    expect(body.markdown.content).toContain('XM-001 城东年产10万吨新型建材项目')
    expect(Buffer.byteLength(body.markdown.content)).toBeLessThanOrEqual(4096)
    expect((await app.call('settings.reminders', {})).lastDigest).toMatchObject({ ok: true, message: '已推送' })
  })

  it('signs for 钉钉 (加签) and never returns the secret; a refusal and an unreachable robot are said', async () => {
    const app = await newApp()
    await county(app)
    const robot = await standInRobot(() => ({ status: 200, json: { errcode: 310000, errmsg: 'sign not match' } }))
    const state = await setDigest(app, { kind: 'dingtalk', url: robot.url, secret: 'SEC123' })
    expect(JSON.stringify(state)).not.toContain('SEC123')
    expect(state.settings.digest.hasSecret).toBe(true)
    const refusedOutcome = await app.call('reminder.sendDigest', {})
    expect(refusedOutcome.ok).toBe(false)
    expect(refusedOutcome.message).toContain('sign not match')
    const url = new URL(robot.received[0]!.url, 'http://x')
    const timestamp = url.searchParams.get('timestamp')!
    const expected = crypto.createHmac('sha256', 'SEC123').update(`${timestamp}\nSEC123`).digest('base64')
    expect(url.searchParams.get('sign')).toBe(expected)
    expect(url.searchParams.get('key')).toBe('k1')
    expect(robot.received[0]!.body).toMatchObject({ msgtype: 'markdown', markdown: { title: expect.any(String) } })
    // Saved again without retyping: the secret stays.
    await setDigest(app, { kind: 'dingtalk', url: robot.url, secret: '', keepSecret: true })
    expect((await app.call('settings.reminders', {})).settings.digest.hasSecret).toBe(true)
    // Nobody listening there (a port just freed), and a port fetch refuses to use.
    const free = http.createServer()
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve))
    const freePort = (free.address() as AddressInfo).port
    await new Promise<void>((resolve) => free.close(() => resolve()))
    const closed = robot.url.replace(/:\d+\//, `:${freePort}/`)
    await setDigest(app, { url: closed })
    const unreachable = await app.call('reminder.sendDigest', {})
    expect(unreachable).toMatchObject({ ok: false, message: '推送地址拒绝连接（该端口没有服务），请检查地址和端口' })
    await setDigest(app, { url: robot.url.replace(/:\d+\//, ':9/') })
    expect((await app.call('reminder.sendDigest', {})).message).toContain('禁止使用的端口')
  })

  it('keeps the address’s key out of the audit log, and a 加签 secret only for 钉钉', async () => {
    const app = await newApp()
    await setDigest(app, {
      kind: 'dingtalk',
      url: 'https://oapi.dingtalk.com/robot/send?access_token=TOKEN123',
      secret: 'SEC9',
    })
    await setDigest(app, { kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY456' })
    const log = JSON.stringify(await raw(app, `SELECT old_value, new_value FROM audit_log WHERE action = 'reminders'`))
    expect(log).toContain('access_token=***')
    expect(log).toContain('key=***')
    for (const secret of ['TOKEN123', 'KEY456', 'SEC9']) expect(log).not.toContain(secret)
    expect((await app.call('settings.reminders', {})).settings.digest.hasSecret).toBe(false)
  })

  it('refuses an address that is not http(s), and turning it on without one; a damaged setting reads as off', async () => {
    const app = await newApp()
    for (const url of [
      'ftp://robot/x',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'https://',
      'http://user:pw@127.0.0.1/send',
      'http://169.254.169.254/latest/meta-data/',
    ]) {
      const { version } = await app.call('settings.reminders', {})
      const before = await dump(app)
      await refused(
        app,
        'settings.updateReminders',
        { version, reportDueDay: 5, digest: { enabled: true, kind: 'wecom', url, secret: '', time: '08:30' } },
        'INVALID_INPUT',
      )
      expect(await dump(app)).toEqual(before)
    }
    const { version } = await app.call('settings.reminders', {})
    await refused(
      app,
      'settings.updateReminders',
      { version, reportDueDay: 5, digest: { enabled: true, kind: 'wecom', url: '', secret: '', time: '08:30' } },
      'INVALID_INPUT',
    )
    await refused(
      app,
      'settings.updateReminders',
      { version, reportDueDay: 31, digest: { enabled: false, kind: 'wecom', url: '', secret: '', time: '8点半' } },
      'INVALID_INPUT',
    )
    await raw(app, `INSERT INTO settings (key, value) VALUES ('reminders', '{"reportDueDay": "五号", "digest": 7}')`)
    expect((await app.call('settings.reminders', {})).settings).toMatchObject({
      reportDueDay: 5,
      digest: { enabled: false, url: '' },
    })
    await refused(app, 'reminder.sendDigest', {}, 'RULE')
  })

  it('is posted once a day, after its time, by one of several app servers', async () => {
    // The digest's time is this computer's local time (the county's); the test holds in any time zone.
    const at = (iso: string) => new Date(iso)
    const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
    let now = at('2026-11-21T04:00:00.000Z')
    const apps = await newApps(2, { clock: () => now })
    await county(apps[0]!)
    const robot = await standInRobot(() => ({ status: 200, json: { errcode: 0, errmsg: 'ok' } }))
    await setDigest(apps[0]!, { url: robot.url, time: hhmm(at('2026-11-21T04:20:00.000Z')) })
    expect(await digestTick(apps[0]!.deps)).toEqual({ posted: false })
    now = at('2026-11-21T04:21:00.000Z')
    const ticks = await Promise.all(apps.flatMap((a) => [digestTick(a.deps), digestTick(a.deps)]))
    expect(ticks.filter((t) => t.posted)).toHaveLength(1)
    expect(robot.received).toHaveLength(1)
    now = at('2026-11-22T04:21:00.000Z')
    expect((await digestTick(apps[1]!.deps)).posted).toBe(true)
    expect(robot.received).toHaveLength(2)
  })

  it('tries a digest the robot did not take again half an hour later, three times a day at most', async () => {
    let now = new Date('2026-11-21T04:30:00.000Z')
    const app = await newApp(undefined, { clock: () => now })
    await county(app)
    let down = true
    const robot = await standInRobot(() =>
      down
        ? { status: 200, json: { errcode: -1, errmsg: 'system busy' } }
        : { status: 200, json: { errcode: 0, errmsg: 'ok' } },
    )
    await setDigest(app, { url: robot.url, time: '00:00' })
    expect(await digestTick(app.deps)).toMatchObject({ posted: true, ok: false })
    expect((await digestTick(app.deps)).posted).toBe(false) // not at once again
    now = new Date('2026-11-21T05:01:00.000Z')
    expect(await digestTick(app.deps)).toMatchObject({ posted: true, ok: false })
    now = new Date('2026-11-21T05:32:00.000Z')
    down = false
    expect(await digestTick(app.deps)).toMatchObject({ posted: true, ok: true })
    now = new Date('2026-11-21T06:10:00.000Z')
    expect((await digestTick(app.deps)).posted).toBe(false)
    expect(robot.received).toHaveLength(3)
  })
})
