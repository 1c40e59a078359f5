/**
 * Accounts and authentication (issue 17; GB/T 22239-2019 第二级 8.1.4.1 身份鉴别 and 8.1.4.3 安全审计): the first
 * administrator, no default password, the password rule, lockout after failures, idle sessions, password
 * expiry, account changes that end sessions or would leave nobody to administer, the security log, and an
 * upgraded database whose former operator becomes the first administrator.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { LOCAL, type App, type CallFrom } from '../../src/main/app'
import type { CallInput } from '../../src/shared/contract'
import type { Outcome } from '../../src/shared/bridge'
import { dump, newApp, projectInput, raw, seedBasics, tempDir } from '../helpers/app'
import { CHANGED, PASSWORD, loginAs, newSession } from '../helpers/accounts'

type Session = Extract<CallFrom, { kind: 'session' }>

/** A clock the test moves (idle sessions, lockouts, password age), starting at the tests' fixed today. */
function movableClock() {
  let now = Date.parse('2026-11-21T04:00:00Z')
  return {
    clock: () => new Date(now),
    advance(minutes: number) {
      now += minutes * 60_000
    },
  }
}

/** What every refused login says (services/auth.ts), under a policy's lock threshold and minutes. */
const refusedLogin = (threshold: number, minutes: number) =>
  `登录名或密码不正确。连续输错${threshold}次账号将锁定${minutes}分钟，锁定期间请稍后再试或请系统管理员解锁`

/** The error of a refused call, checked for its code and a Chinese message. */
function errorOf(outcome: Outcome<unknown>, code: string) {
  expect(outcome).toMatchObject({ ok: false, error: { code } })
  const error = (outcome as { error: { code: string; message: string } }).error
  expect(error.message).toMatch(/[\u4e00-\u9fff]/)
  return error
}

/** Sets up the first administrator (also 重点项目办 unless told otherwise) on a new session. */
async function firstAdmin(app: App, input: Partial<CallInput<'auth.setup'>> = {}): Promise<Session> {
  const from = newSession()
  await app.call(
    'auth.setup',
    { login: 'admin', name: '李管理', unit: '区重点项目办', password: PASSWORD, ...input },
    from,
  )
  return from
}

const securityRows = (app: App) =>
  raw<{ event: string; user_id: number | null; login: string; detail: string }>(
    app,
    'SELECT event, user_id, login, detail FROM security_log ORDER BY id',
  )
const eventsOf = async (app: App, login: string) =>
  (await securityRows(app)).filter((r) => r.login === login).map((r) => r.event)

async function setPolicy(app: App, from: CallFrom, change: Partial<CallInput<'security.updatePolicy'>>) {
  const { policy, version } = await app.call('security.policy', {}, from)
  return app.call('security.updatePolicy', { ...policy, ...change, version }, from)
}

describe('the first run', () => {
  it('has no account and no default password: the start screen asks for the first administrator', async () => {
    const app = await newApp()
    expect(await app.call('auth.status', {})).toEqual({ state: 'create-admin', hasProjects: false })
    expect((await dump(app)).users).toEqual([])
    for (const password of ['admin', '123456', 'Admin@123', PASSWORD]) {
      const outcome = await app.invoke('auth.login', { login: 'admin', password }, newSession())
      expect(errorOf(outcome, 'UNAUTHENTICATED').message).toContain('登录名或密码不正确')
    }
  })

  it('creates the 系统管理员 (also 重点项目办), logs it in on the slot, and then refuses a second setup', async () => {
    const app = await newApp()
    const from = newSession()
    const me = await app.call(
      'auth.setup',
      { login: 'admin', name: '李管理', unit: '区重点项目办', password: PASSWORD },
      from,
    )
    expect(me).toMatchObject({ login: 'admin', name: '李管理', roles: ['admin', 'office'], mustChangePassword: null })
    expect(from.slot.token).toEqual(expect.any(String))
    expect(await app.call('auth.me', {}, from)).toMatchObject({ id: me.id, login: 'admin' })
    expect(await app.call('auth.status', {})).toEqual({ state: 'ready' })
    // Logged in with both roles: it may manage accounts and enter projects at once.
    expect(await app.invoke('user.list', {}, from)).toMatchObject({ ok: true })
    expect(await app.invoke('dict.create', { kind: 'unit', name: '区统计局' }, from)).toMatchObject({ ok: true })
    // The password is stored hashed, never as typed.
    const [stored] = await raw<{ password_hash: string; must_change: number }>(
      app,
      'SELECT password_hash, must_change FROM users',
    )
    expect(stored!.password_hash).toMatch(/^scrypt\$/)
    expect(stored!.password_hash).not.toContain(PASSWORD)
    expect(stored!.must_change).toBe(0)
    expect(await eventsOf(app, 'admin')).toEqual(['setup'])

    const before = await dump(app)
    const again = await app.invoke(
      'auth.setup',
      { login: 'other', name: '张冒名', unit: '区重点项目办', password: CHANGED },
      newSession(),
    )
    expect(errorOf(again, 'RULE').message).toContain('已经建立')
    expect(await dump(app)).toEqual(before)
  })

  it('creates a 系统管理员 only when alsoOffice is false, or when the policy keeps the administrator apart', async () => {
    const app = await newApp()
    const from = newSession()
    const me = await app.call(
      'auth.setup',
      { login: 'admin', name: '李管理', unit: '区信息中心', password: PASSWORD, alsoOffice: false },
      from,
    )
    expect(me.roles).toEqual(['admin'])
    errorOf(await app.invoke('dict.create', { kind: 'unit', name: '区统计局' }, from), 'FORBIDDEN')

    // The command line may set the policy before anyone exists: the first administrator then stays apart.
    const apart = await newApp()
    await setPolicy(apart, LOCAL, { separateAdmin: true })
    const alone = await apart.call(
      'auth.setup',
      { login: 'admin', name: '李管理', unit: '区信息中心', password: PASSWORD },
      newSession(),
    )
    expect(alone.roles).toEqual(['admin'])
  })

  it.each([
    ['shorter than 8', 'admin', 'Ab#1234', '密码至少8位'],
    ['of two kinds only', 'admin', 'abcdefgh12', '至少三种'],
    ['of two kinds only (capitals and digits)', 'admin', 'ABCDEFGH12', '至少三种'],
    ['equal to the login name', 'Admin_2026', 'admin_2026', '不能与登录名相同'],
    ['with a space', 'admin', 'Ab#1234 5678', '不能包含空格'],
  ])('refuses a first password %s, in Chinese, and stores nothing', async (_label, login, password, message) => {
    const app = await newApp()
    const before = await dump(app)
    const from = newSession()
    const outcome = await app.invoke('auth.setup', { login, name: '李管理', unit: '区重点项目办', password }, from)
    expect(errorOf(outcome, 'INVALID_INPUT').message).toContain(message)
    expect(await dump(app)).toEqual(before)
    expect(from.slot.token).toBeNull()
    expect(await app.call('auth.status', {})).toEqual({ state: 'create-admin', hasProjects: false })
    // The same rule for an administrator's new account.
    const create = await app.invoke(
      'user.create',
      { login, name: '张三', unit: '区发改局', roles: ['office'], password },
      LOCAL,
    )
    expect(errorOf(create, 'INVALID_INPUT').message).toContain(message)
    expect(await dump(app)).toEqual(before)
  })
})

describe('initial passwords', () => {
  it('makes a new account change its password at first login, checking the old one and the rule', async () => {
    const app = await newApp()
    const admin = await firstAdmin(app)
    const account = await app.call(
      'user.create',
      { login: 'zhangsan', name: '张三', unit: '区发改局', roles: ['office'], password: PASSWORD },
      admin,
    )
    expect(account).toMatchObject({ mustChangePassword: true, lastLoginAt: null })
    const from = newSession()
    const me = await app.call('auth.login', { login: 'zhangsan', password: PASSWORD }, from)
    expect(me.mustChangePassword).toBe('first')
    expect(errorOf(await app.invoke('project.list', {}, from), 'PASSWORD_CHANGE').message).toContain('初始密码')

    const wrongOld = await app.invoke('auth.changePassword', { oldPassword: 'Zb#wrong1', password: CHANGED }, from)
    expect(errorOf(wrongOld, 'INVALID_INPUT').message).toContain('原密码不正确')
    // (A wrong 原密码 counts as a failed login: see "issues found by the first probe".)
    const before = await dump(app)
    const same = await app.invoke('auth.changePassword', { oldPassword: PASSWORD, password: PASSWORD }, from)
    expect(errorOf(same, 'INVALID_INPUT').message).toContain('不能与原密码相同')
    const weak = await app.invoke('auth.changePassword', { oldPassword: PASSWORD, password: 'zhangsan' }, from)
    expect(errorOf(weak, 'INVALID_INPUT').message).toMatch(/至少三种|登录名/)
    const asLogin = await app.invoke('auth.changePassword', { oldPassword: PASSWORD, password: 'ZhangSan' }, from)
    errorOf(asLogin, 'INVALID_INPUT')
    expect(await dump(app)).toEqual(before)
    errorOf(await app.invoke('project.list', {}, from), 'PASSWORD_CHANGE')

    const changed = await app.call('auth.changePassword', { oldPassword: PASSWORD, password: CHANGED }, from)
    expect(changed.mustChangePassword).toBeNull()
    expect(await app.invoke('project.list', {}, from)).toMatchObject({ ok: true })
    // The old password no longer logs in; the new one does, with nothing more to change.
    errorOf(await app.invoke('auth.login', { login: 'zhangsan', password: PASSWORD }, newSession()), 'UNAUTHENTICATED')
    const again = await app.call('auth.login', { login: 'zhangsan', password: CHANGED }, newSession())
    expect(again.mustChangePassword).toBeNull()
    expect(await eventsOf(app, 'zhangsan')).toEqual([
      'account_created',
      'login',
      'login_failed', // the wrong 原密码
      'password_changed',
      'login_failed',
      'login',
    ])
  })

  it("ends the account's other sessions when it changes its password, and keeps the one it changed it on", async () => {
    const app = await newApp()
    const who = await loginAs(app, 'zhangsan', { roles: ['office'] })
    const other = newSession()
    await app.call('auth.login', { login: 'zhangsan', password: CHANGED }, other)
    await app.call('auth.changePassword', { oldPassword: CHANGED, password: 'Zb#20261123' }, who.from)
    expect(await app.invoke('project.list', {}, who.from)).toMatchObject({ ok: true })
    errorOf(await app.invoke('project.list', {}, other), 'UNAUTHENTICATED')
  })
})

describe('failed logins and lockout', () => {
  it('locks for 15 minutes at the 5th wrong password, says so alike to everyone, and logs every step', async () => {
    const time = movableClock()
    const app = await newApp(undefined, { clock: time.clock })
    await loginAs(app, 'zhangsan', { roles: ['office'] })
    const attempt = (password: string) => app.invoke('auth.login', { login: 'zhangsan', password }, newSession())
    for (let i = 0; i < 5; i++)
      expect(errorOf(await attempt('Zb#wrong1'), 'UNAUTHENTICATED').message).toBe(refusedLogin(5, 15))
    const events = (await eventsOf(app, 'zhangsan')).filter((e) => e === 'login_failed' || e === 'locked')
    expect(events).toEqual(['login_failed', 'login_failed', 'login_failed', 'login_failed', 'login_failed', 'locked'])
    const [locked] = await raw<{ locked_until: string }>(
      app,
      'SELECT locked_until FROM users WHERE login = ?',
      'zhangsan',
    )
    expect(locked!.locked_until).toBe('2026-11-21T04:15:00.000Z')

    // The right password while locked is refused too (and logged).
    time.advance(14)
    const from = newSession()
    expect(
      errorOf(await app.invoke('auth.login', { login: 'zhangsan', password: CHANGED }, from), 'UNAUTHENTICATED')
        .message,
    ).toBe(refusedLogin(5, 15))
    expect(from.slot.token).toBeNull()
    expect((await securityRows(app)).at(-1)).toMatchObject({ event: 'login_failed', detail: '账号锁定中' })

    time.advance(2)
    expect(await app.invoke('auth.login', { login: 'zhangsan', password: CHANGED }, from)).toMatchObject({ ok: true })
    expect(from.slot.token).toEqual(expect.any(String))
    // A success starts the count again: four more wrong ones do not lock.
    for (let i = 0; i < 4; i++) errorOf(await attempt('Zb#wrong1'), 'UNAUTHENTICATED')
    expect(await app.invoke('auth.login', { login: 'zhangsan', password: CHANGED }, newSession())).toMatchObject({
      ok: true,
    })
  })

  it('refuses an unknown login name without saying it is unknown, and logs it', async () => {
    const app = await newApp()
    const outcome = await app.invoke('auth.login', { login: 'nobody', password: PASSWORD }, newSession())
    expect(errorOf(outcome, 'UNAUTHENTICATED').message).toBe(refusedLogin(5, 15))
    expect(await securityRows(app)).toEqual([
      { event: 'login_failed', user_id: null, login: 'nobody', detail: '无此登录名' },
    ])
  })

  it('answers a stranger alike whether the name is unknown, known, locked or disabled; tells 停用 only to its password', async () => {
    const app = await newApp()
    await firstAdmin(app)
    await loginAs(app, 'zhangsan', { roles: ['office'] })
    await loginAs(app, 'lisi', { roles: ['office'] })
    const said = async (login: string, password = 'Zb#guess99') =>
      errorOf(await app.invoke('auth.login', { login, password }, newSession()), 'UNAUTHENTICATED').message
    const unknown = await said('nobody')
    expect(await said('zhangsan')).toBe(unknown)
    for (let i = 0; i < 4; i++) await said('zhangsan') // locked now
    expect(await said('zhangsan')).toBe(unknown)
    expect(await said('zhangsan', CHANGED)).toBe(unknown) // the right password is not even checked while locked
    const lisi = (await app.call('user.list', {})).find((u) => u.login === 'lisi')!
    await app.call('user.update', { id: lisi.id, version: lisi.version, active: false })
    expect(await said('lisi')).toBe(unknown)
    expect(await said('lisi', CHANGED)).toBe('该账号已停用，请联系系统管理员')
    // The administrator's log tells which it was.
    const details = (await securityRows(app)).filter((r) => r.event === 'login_failed').map((r) => r.detail)
    expect(details).toEqual(
      expect.arrayContaining(['无此登录名', '账号锁定中', '账号已停用（密码错误）', '账号已停用']),
    )
  })

  it('is unlocked at once by an administrator', async () => {
    const app = await newApp()
    const admin = await firstAdmin(app)
    await loginAs(app, 'zhangsan', { roles: ['office'] })
    for (let i = 0; i < 5; i++)
      await app.invoke('auth.login', { login: 'zhangsan', password: 'Zb#wrong1' }, newSession())
    const account = (await app.call('user.list', {}, admin)).find((u) => u.login === 'zhangsan')!
    expect(account.lockedUntil).not.toBeNull()
    errorOf(await app.invoke('auth.login', { login: 'zhangsan', password: CHANGED }, newSession()), 'UNAUTHENTICATED')

    const unlocked = await app.call('user.unlock', { id: account.id, version: account.version }, admin)
    expect(unlocked).toMatchObject({ lockedUntil: null, failedLogins: 0 })
    expect(await app.invoke('auth.login', { login: 'zhangsan', password: CHANGED }, newSession())).toMatchObject({
      ok: true,
    })
    expect((await securityRows(app)).find((r) => r.event === 'unlocked')).toMatchObject({
      login: 'zhangsan',
      user_id: account.id,
    })
  })

  it('applies the lock threshold and duration of the security policy', async () => {
    const time = movableClock()
    const app = await newApp(undefined, { clock: time.clock })
    const admin = await firstAdmin(app)
    await loginAs(app, 'zhangsan', { roles: ['office'] })
    await setPolicy(app, admin, { lockThreshold: 3, lockMinutes: 5 })
    const attempt = (password: string) => app.invoke('auth.login', { login: 'zhangsan', password }, newSession())
    for (let i = 0; i < 3; i++)
      expect(errorOf(await attempt('Zb#wrong1'), 'UNAUTHENTICATED').message).toBe(refusedLogin(3, 5))
    expect((await eventsOf(app, 'zhangsan')).at(-1)).toBe('locked')
    time.advance(4)
    errorOf(await attempt(CHANGED), 'UNAUTHENTICATED')
    time.advance(2)
    expect(await attempt(CHANGED)).toMatchObject({ ok: true })
    expect((await securityRows(app)).find((r) => r.event === 'policy_changed')?.detail).toContain('连续失败次数：5 → 3')
  })
})

describe('idle sessions', () => {
  it('ends a session after 30 minutes without a call, says so, logs it, and lets the account log in again', async () => {
    const time = movableClock()
    const app = await newApp(undefined, { clock: time.clock })
    const who = await loginAs(app, 'zhangsan', { roles: ['office'] })
    // Each call restarts the count: 29 minutes, then 29 more, keep the session.
    time.advance(29)
    expect(await app.invoke('project.list', {}, who.from)).toMatchObject({ ok: true })
    time.advance(29)
    expect(await app.invoke('project.list', {}, who.from)).toMatchObject({ ok: true })
    time.advance(31)
    const ended = errorOf(await app.invoke('project.list', {}, who.from), 'UNAUTHENTICATED')
    expect(ended.message).toContain('长时间未操作')
    expect((who.from as Session).slot.token).toBeNull()
    expect((await securityRows(app)).at(-1)).toMatchObject({
      event: 'session_ended',
      user_id: who.userId,
      login: 'zhangsan',
    })
    // Once: the next call is simply not logged in.
    expect(errorOf(await app.invoke('project.list', {}, who.from), 'UNAUTHENTICATED').message).not.toContain('长时间')
    expect(await app.call('auth.me', {}, who.from)).toBeNull()

    await app.call('auth.login', { login: 'zhangsan', password: CHANGED }, who.from)
    expect(await app.invoke('project.list', {}, who.from)).toMatchObject({ ok: true })
  })

  it('tells every call a page had on its way why its session ended, logs the end once, and never revives it', async () => {
    const time = movableClock()
    const app = await newApp(undefined, { clock: time.clock })
    const who = await loginAs(app, 'lisi', { roles: ['office'] })
    const token = (who.from as Session).slot.token
    time.advance(31)
    // A page's four calls, each with the cookie it was sent with.
    const pages = Array.from({ length: 4 }, () => ({ ...(who.from as Session), slot: { token } }))
    const outcomes = await Promise.all(pages.map((from) => app.invoke('project.list', {}, from)))
    for (const outcome of outcomes) expect(errorOf(outcome, 'UNAUTHENTICATED').message).toContain('长时间未操作')
    expect((await securityRows(app)).filter((r) => r.event === 'session_ended')).toHaveLength(1)
    // A longer idle time set afterwards does not bring the ended session back.
    const policy = await app.call('security.policy', {})
    await app.call('security.updatePolicy', { ...policy.policy, version: policy.version, idleMinutes: 120 })
    const again = await app.invoke('project.list', {}, { ...(who.from as Session), slot: { token } })
    expect(errorOf(again, 'UNAUTHENTICATED').message).toContain('长时间未操作')
    expect((await securityRows(app)).filter((r) => r.event === 'session_ended')).toHaveLength(1)
  })

  it('applies the idle minutes of the security policy', async () => {
    const time = movableClock()
    const app = await newApp(undefined, { clock: time.clock })
    const admin = await firstAdmin(app)
    await setPolicy(app, admin, { idleMinutes: 10 })
    const who = await loginAs(app, 'zhangsan', { roles: ['office'] })
    expect(await app.call('auth.me', {}, who.from)).toMatchObject({ idleMinutes: 10 })
    time.advance(9)
    expect(await app.invoke('project.list', {}, who.from)).toMatchObject({ ok: true })
    time.advance(11)
    expect(errorOf(await app.invoke('project.list', {}, who.from), 'UNAUTHENTICATED').message).toContain('长时间未操作')
  })
})

describe('password expiry', () => {
  it('asks for a new password once the password is older than the policy allows', async () => {
    const time = movableClock()
    const app = await newApp(undefined, { clock: time.clock })
    const admin = await firstAdmin(app)
    await setPolicy(app, admin, { passwordMaxAgeDays: 30 })
    await loginAs(app, 'zhangsan', { roles: ['office'] })

    time.advance(29 * 24 * 60)
    expect(await app.call('auth.login', { login: 'zhangsan', password: CHANGED }, newSession())).toMatchObject({
      mustChangePassword: null,
    })
    time.advance(2 * 24 * 60)
    const from = newSession()
    const me = await app.call('auth.login', { login: 'zhangsan', password: CHANGED }, from)
    expect(me.mustChangePassword).toBe('expired')
    expect(errorOf(await app.invoke('project.list', {}, from), 'PASSWORD_CHANGE').message).toContain('有效期')
    await app.call('auth.changePassword', { oldPassword: CHANGED, password: 'Zb#20261225' }, from)
    expect(await app.invoke('project.list', {}, from)).toMatchObject({ ok: true })
  })

  it('never expires a password when the policy says 0 days', async () => {
    const time = movableClock()
    const app = await newApp(undefined, { clock: time.clock })
    const admin = await firstAdmin(app)
    await setPolicy(app, admin, { passwordMaxAgeDays: 0 })
    time.advance(400 * 24 * 60)
    const me = await app.call('auth.login', { login: 'admin', password: PASSWORD }, newSession())
    expect(me.mustChangePassword).toBeNull()
  })

  it('expires after the default 90 days', async () => {
    const time = movableClock()
    const app = await newApp(undefined, { clock: time.clock })
    await firstAdmin(app)
    time.advance(91 * 24 * 60)
    const me = await app.call('auth.login', { login: 'admin', password: PASSWORD }, newSession())
    expect(me.mustChangePassword).toBe('expired')
  })
})

describe('changing accounts', () => {
  it('ends the sessions of a deactivated account (they stay ended when it is enabled again)', async () => {
    const app = await newApp()
    const admin = await firstAdmin(app)
    const who = await loginAs(app, 'zhangsan', { roles: ['office'] })
    // A second window of the same account, which makes no call while the account is disabled.
    const second = newSession()
    await app.call('auth.login', { login: 'zhangsan', password: CHANGED }, second)
    let account = (await app.call('user.list', {}, admin)).find((u) => u.id === who.userId)!
    account = await app.call('user.update', { id: account.id, version: account.version, active: false }, admin)
    expect(account.active).toBe(false)
    errorOf(await app.invoke('project.list', {}, who.from), 'UNAUTHENTICATED')
    const refused = await app.invoke('auth.login', { login: 'zhangsan', password: CHANGED }, newSession())
    expect(errorOf(refused, 'UNAUTHENTICATED').message).toContain('停用')

    await app.call('user.update', { id: account.id, version: account.version, active: true }, admin)
    errorOf(await app.invoke('project.list', {}, second), 'UNAUTHENTICATED')
    errorOf(await app.invoke('project.list', {}, who.from), 'UNAUTHENTICATED')
    expect(await app.invoke('auth.login', { login: 'zhangsan', password: CHANGED }, who.from)).toMatchObject({
      ok: true,
    })
    expect(await app.invoke('project.list', {}, who.from)).toMatchObject({ ok: true })
  })

  it('refuses to deactivate the last active 系统管理员 or take its role away', async () => {
    const app = await newApp()
    const admin = await firstAdmin(app)
    const me = (await app.call('user.list', {}, admin))[0]!
    const before = await dump(app)
    for (const change of [{ active: false }, { roles: ['office'] }] as const) {
      const outcome = await app.invoke('user.update', { id: me.id, version: me.version, ...change }, admin)
      expect(errorOf(outcome, 'RULE').message).toContain('至少要保留一个启用的「系统管理员」')
      expect(await dump(app)).toEqual(before)
    }
    // With a second administrator, the first may go.
    const second = await loginAs(app, 'admin2', { roles: ['admin'] })
    const done = await app.call('user.update', { id: me.id, version: me.version, active: false }, second.from)
    expect(done.active).toBe(false)
    errorOf(await app.invoke('user.list', {}, admin), 'UNAUTHENTICATED')
    const last = (await app.call('user.list', {}, second.from)).find((u) => u.id === second.userId)!
    const outcome = await app.invoke(
      'user.update',
      { id: last.id, version: last.version, roles: ['office'] },
      second.from,
    )
    errorOf(outcome, 'RULE')
  })

  it('keeps the 系统管理员 apart when the policy says so', async () => {
    const app = await newApp()
    const admin = await firstAdmin(app)
    // The setup account is 系统管理员 and 重点项目办: the policy cannot require the separation yet.
    const { policy, version } = await app.call('security.policy', {}, admin)
    const unchanged = await dump(app)
    const mixed = await app.invoke('security.updatePolicy', { ...policy, separateAdmin: true, version }, admin)
    expect(errorOf(mixed, 'RULE').message).toContain('李管理')
    expect(await dump(app)).toEqual(unchanged)
    const me = (await app.call('user.list', {}, admin))[0]!
    await app.call('user.update', { id: me.id, version: me.version, roles: ['admin'] }, admin)
    await setPolicy(app, admin, { separateAdmin: true })

    const before = await dump(app)
    const create = await app.invoke(
      'user.create',
      { login: 'both', name: '兼职', unit: '区重点项目办', roles: ['admin', 'office'], password: PASSWORD },
      admin,
    )
    expect(errorOf(create, 'RULE').message).toContain('单独设账号')
    expect(await dump(app)).toEqual(before)
    const office = await app.call(
      'user.create',
      { login: 'office', name: '王办事', unit: '区重点项目办', roles: ['office'], password: PASSWORD },
      admin,
    )
    const after = await dump(app)
    const update = await app.invoke(
      'user.update',
      { id: office.id, version: office.version, roles: ['office', 'admin'] },
      admin,
    )
    errorOf(update, 'RULE')
    expect(await dump(app)).toEqual(after)
  })

  it.each([
    ['leader', '对应领导', 'leaderId'],
    ['member', '对应专班人员', 'personId'],
    ['liaison', '责任单位', 'unitId'],
  ] as const)('requires the link a %s account needs', async (role, what, field) => {
    const app = await newApp()
    const admin = await firstAdmin(app)
    const b = await seedBasics(app)
    const before = await dump(app)
    const create = await app.invoke(
      'user.create',
      { login: 'linked', name: '赵关联', unit: '区发改局', roles: [role], password: PASSWORD },
      admin,
    )
    const error = errorOf(create, 'RULE') as { message: string; issues?: { path: string }[] }
    expect(error.message).toContain(what)
    expect(error.issues?.[0]?.path).toBe(field)
    expect(await dump(app)).toEqual(before)

    // Nor may an account take the role on without it.
    const office = await app.call(
      'user.create',
      { login: 'plain', name: '钱普通', unit: '区发改局', roles: ['office'], password: PASSWORD },
      admin,
    )
    const update = await app.invoke('user.update', { id: office.id, version: office.version, roles: [role] }, admin)
    expect(errorOf(update, 'RULE').message).toContain(what)

    // With it, both are accepted.
    const { project } = await app.call('project.create', projectInput(b))
    const member = await app.call('taskForce.addMember', {
      taskForceId: (await app.call('project.get', { id: project.id })).taskForce.id,
      person: { name: '孙专班', unit: '区发改局' },
      role: 'member',
    })
    const links = { leaderId: b.leaderId, personId: member.person.id, unitId: b.unitId }
    const ok = await app.invoke(
      'user.update',
      { id: office.id, version: office.version, roles: [role], [field]: links[field] },
      admin,
    )
    expect(ok).toMatchObject({ ok: true, result: { roles: [role], [field]: links[field] } })
  })

  it('refuses a login name already taken, whatever its capitals, and logs in regardless of them', async () => {
    const app = await newApp()
    const admin = await firstAdmin(app)
    await app.call(
      'user.create',
      { login: 'zhangsan', name: '张三', unit: '区发改局', roles: ['office'], password: PASSWORD },
      admin,
    )
    const before = await dump(app)
    const outcome = await app.invoke(
      'user.create',
      { login: 'ZhangSan', name: '张三丰', unit: '区工信局', roles: ['office'], password: PASSWORD },
      admin,
    )
    expect(errorOf(outcome, 'DUPLICATE').message).toContain('ZhangSan')
    expect(await dump(app)).toEqual(before)
    const me = await app.call('auth.login', { login: 'ZHANGSAN', password: PASSWORD }, newSession())
    expect(me.login).toBe('zhangsan')
  })
})

describe('resetting a password', () => {
  it('makes the account change it at next login, ends its sessions and unlocks it', async () => {
    const app = await newApp()
    const admin = await firstAdmin(app)
    const who = await loginAs(app, 'zhangsan', { roles: ['office'] })
    for (let i = 0; i < 5; i++)
      await app.invoke('auth.login', { login: 'zhangsan', password: 'Zb#wrong1' }, newSession())
    const account = (await app.call('user.list', {}, admin)).find((u) => u.id === who.userId)!
    expect(account.lockedUntil).not.toBeNull()

    const weak = await app.invoke(
      'user.resetPassword',
      { id: account.id, version: account.version, password: '12345678' },
      admin,
    )
    errorOf(weak, 'INVALID_INPUT')
    const reset = await app.call(
      'user.resetPassword',
      { id: account.id, version: account.version, password: 'Zb#20261130' },
      admin,
    )
    expect(reset).toMatchObject({ mustChangePassword: true, lockedUntil: null, failedLogins: 0 })
    errorOf(await app.invoke('project.list', {}, who.from), 'UNAUTHENTICATED')
    errorOf(await app.invoke('auth.login', { login: 'zhangsan', password: CHANGED }, newSession()), 'UNAUTHENTICATED')
    const from = newSession()
    const me = await app.call('auth.login', { login: 'zhangsan', password: 'Zb#20261130' }, from)
    expect(me.mustChangePassword).toBe('first')
    errorOf(await app.invoke('project.list', {}, from), 'PASSWORD_CHANGE')
    await app.call('auth.changePassword', { oldPassword: 'Zb#20261130', password: 'Zb#20261201' }, from)
    expect(await app.invoke('project.list', {}, from)).toMatchObject({ ok: true })
  })
})

describe('the security log', () => {
  it('records every login, logout, failure, lockout, refusal, reset and unlock, newest first, for the administrator only', async () => {
    const app = await newApp()
    const admin = await firstAdmin(app)
    const who = await loginAs(app, 'zhangsan', { roles: ['office'] })
    await app.call('auth.logout', {}, who.from)
    await app.call('auth.login', { login: 'zhangsan', password: CHANGED }, who.from)
    const denied = await app.invoke('security.log', {}, who.from) // 重点项目办 may not read it
    errorOf(denied, 'FORBIDDEN')
    for (let i = 0; i < 5; i++)
      await app.invoke('auth.login', { login: 'zhangsan', password: 'Zb#wrong1' }, newSession())
    let account = (await app.call('user.list', {}, admin)).find((u) => u.id === who.userId)!
    account = await app.call('user.unlock', { id: account.id, version: account.version }, admin)
    await app.call('user.resetPassword', { id: account.id, version: account.version, password: 'Zb#20261130' }, admin)

    const log = await app.call('security.log', {}, admin)
    expect(log.map((e) => e.id)).toEqual([...log.map((e) => e.id)].sort((a, b) => b - a))
    const mine = log.filter((e) => e.userId === who.userId).map((e) => e.event)
    expect([...mine].reverse()).toEqual([
      'account_created',
      'login',
      'password_changed',
      'logout',
      'login',
      'denied',
      'login_failed',
      'login_failed',
      'login_failed',
      'login_failed',
      'login_failed',
      'locked',
      'unlocked',
      'password_reset',
    ])
    const refusal = log.find((e) => e.event === 'denied')!
    expect(refusal).toMatchObject({ login: 'zhangsan', source: '测试' })
    expect(refusal.detail).toContain('查看安全日志')
    expect(log.find((e) => e.event === 'password_reset')!.detail).toContain('李管理')
    // Filtered by event and by account.
    expect((await app.call('security.log', { event: 'locked' }, admin)).map((e) => e.userId)).toEqual([who.userId])
    const byUser = await app.call('security.log', { userId: who.userId, limit: 3 }, admin)
    expect(byUser.map((e) => e.event)).toEqual(['password_reset', 'unlocked', 'locked'])
    // And nobody can rewrite it.
    await expect(raw(app, 'DELETE FROM security_log')).rejects.toThrow(/安全日志不能删除/)
    await expect(raw(app, `UPDATE security_log SET detail = ''`)).rejects.toThrow(/安全日志不能修改/)
    expect((await securityRows(app)).length).toBeGreaterThan(0)
  })

  it("records an account's changes in the audit log under its id and name", async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const who = await loginAs(app, 'zhangsan', { roles: ['office'], name: '张三', unit: '区发改局' })
    const created = await app.call('project.create', projectInput(b), who.from)
    const rows = await raw(
      app,
      'SELECT DISTINCT operator, operator_unit, user_id FROM audit_log WHERE project_id = ?',
      created.project.id,
    )
    expect(rows).toEqual([{ operator: '张三', operator_unit: '区发改局', user_id: who.userId }])
    // The command line's own changes carry its name and no account.
    const local = await raw(app, `SELECT DISTINCT operator, user_id FROM audit_log WHERE entity = 'dict'`)
    expect(local).toEqual([{ operator: '王测试', user_id: null }])
    // An administrator's change of an account is audited under the administrator.
    const admin = await loginAs(app, 'admin', { roles: ['admin'], name: '李管理' })
    const account = (await app.call('user.list', {}, admin.from)).find((u) => u.id === who.userId)!
    await app.call('user.update', { id: account.id, version: account.version, phone: '13800000000' }, admin.from)
    expect(
      await raw(
        app,
        `SELECT operator, user_id, field, new_value FROM audit_log WHERE entity = 'user' AND action = 'update'`,
      ),
    ).toEqual([{ operator: '李管理', user_id: admin.userId, field: 'phone', new_value: '13800000000' }])
  })
})

describe('an upgraded database', () => {
  function copyOfV6(): string {
    const file = path.join(tempDir(), 'office-v6.db')
    fs.copyFileSync(path.resolve('tests/fixtures/schema/v6.db'), file)
    return file
  }

  it('makes the former operator the first administrator: the start screen asks for its password', async () => {
    const app = await newApp(copyOfV6())
    expect(await app.call('auth.status', {})).toEqual({
      state: 'set-password',
      login: 'admin',
      name: '王办事',
      unit: '区发改局',
    })
    const oldAudit = await raw<{ operator: string; user_id: number | null }>(
      app,
      'SELECT id, operator, operator_unit, user_id FROM audit_log ORDER BY id',
    )
    expect(oldAudit.length).toBeGreaterThan(0)
    expect(oldAudit.every((r) => r.user_id === null)).toBe(true)
    // Without a password nobody logs in as it.
    errorOf(await app.invoke('auth.login', { login: 'admin', password: PASSWORD }, newSession()), 'UNAUTHENTICATED')
    errorOf(
      await app.invoke(
        'auth.setup',
        { login: 'admin', name: '王办事', unit: '区发改局', password: 'short' },
        newSession(),
      ),
      'INVALID_INPUT',
    )

    const from = newSession()
    const me = await app.call(
      'auth.setup',
      { login: 'wangbs', name: '王办事', unit: '区发改局', password: PASSWORD },
      from,
    )
    expect(me).toMatchObject({ login: 'wangbs', name: '王办事', roles: ['admin', 'office'], mustChangePassword: null })
    expect(await app.call('auth.status', {})).toEqual({ state: 'ready' })
    expect(await app.call('user.list', {}, from)).toHaveLength(1)
    // Logged in: it works at once, under its account.
    const leader = await app.call('leader.create', { name: '孙新任', title: '副区长', sortOrder: 99 }, from)
    const after = await raw(app, 'SELECT id, operator, operator_unit, user_id FROM audit_log ORDER BY id')
    expect(after.slice(0, oldAudit.length)).toEqual(oldAudit)
    expect(after.slice(oldAudit.length)).toEqual([
      expect.objectContaining({ operator: '王办事', user_id: me.id }),
      ...after.slice(oldAudit.length + 1).map(() => expect.objectContaining({ user_id: me.id })),
    ])
    expect(leader.name).toBe('孙新任')
    // The new login name logs in; the old one no longer exists; a second setup is refused.
    errorOf(await app.invoke('auth.login', { login: 'admin', password: PASSWORD }, newSession()), 'UNAUTHENTICATED')
    expect(await app.invoke('auth.login', { login: 'wangbs', password: PASSWORD }, newSession())).toMatchObject({
      ok: true,
    })
    errorOf(
      await app.invoke(
        'auth.setup',
        { login: 'admin', name: '冒名', unit: '区发改局', password: CHANGED },
        newSession(),
      ),
      'RULE',
    )
    expect(await eventsOf(app, 'wangbs')).toEqual(['setup', 'login'])
  })
})

describe('issues found by the first probe', () => {
  it('a wrong 原密码 in 修改密码 counts as a failed login: logged, and the fifth locks and ends the session', async () => {
    const app = await newApp()
    await seedBasics(app)
    await app.call('auth.setup', { login: 'admin', name: '王测试', unit: '区重点项目办', password: PASSWORD })
    const office = await loginAs(app, 'guess', { roles: ['office'] })
    for (let i = 1; i <= 4; i++) {
      const out = await app.invoke(
        'auth.changePassword',
        { oldPassword: `Wrong#${i}abc`, password: 'Zb#20261199' },
        office.from,
      )
      expect(out).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', message: expect.stringContaining(`再错${5 - i}次`) },
      })
    }
    const fifth = await app.invoke(
      'auth.changePassword',
      { oldPassword: 'Wrong#5abc', password: 'Zb#20261199' },
      office.from,
    )
    expect(fifth).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('已锁定') },
    })
    expect(await app.invoke('project.list', {}, office.from)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    })
    const log = await app.call('security.log', { userId: office.userId })
    expect(log.filter((e) => e.event === 'login_failed')).toHaveLength(5)
    expect(log[0]).toMatchObject({ event: 'locked' })
  })

  it('a session of an account disabled meanwhile says so (not 长时间未操作), and is logged', async () => {
    const app = await newApp()
    await seedBasics(app)
    await app.call('auth.setup', { login: 'admin', name: '王测试', unit: '区重点项目办', password: PASSWORD })
    const office = await loginAs(app, 'soon', { roles: ['office'] })
    const [user] = (await app.call('user.list', {})).filter((u) => u.login === 'soon')
    await app.call('user.update', { id: user!.id, version: user!.version, active: false })
    const out = await app.invoke('project.list', {}, office.from)
    expect(out).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    // (user.update ends the sessions at once: the session is simply unknown then — "please log in".)
    expect(JSON.stringify(out)).not.toContain('长时间未操作')
  })

  it('keeps only the links its roles use: no leader on an office account, no person left on a former member', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    await app.call('auth.setup', { login: 'admin', name: '王测试', unit: '区重点项目办', password: PASSWORD })
    const made = await app.call('user.create', {
      login: 'mixed',
      name: '混合',
      unit: '区重点项目办',
      roles: ['office'],
      leaderId: b.leaderId,
      password: 'Zb#20261121',
    })
    expect(made).toMatchObject({ leaderId: null, personId: null, unitId: null })
    // The leader stays free for its real account.
    await app.call('user.create', {
      login: 'leader',
      name: '赵一平',
      unit: '区政府',
      roles: ['leader'],
      leaderId: b.leaderId,
      password: 'Zb#20261121',
    })
    const changed = await app.call('user.update', {
      id: made.id,
      version: made.version,
      roles: ['liaison'],
      unitId: b.unitId,
    })
    expect(changed).toMatchObject({ roles: ['liaison'], unitId: b.unitId, leaderId: null })
  })

  it('the command line resets a forgotten password (the only administrator): a new initial one, logged', async () => {
    const app = await newApp()
    await app.call('auth.setup', { login: 'admin', name: '王测试', unit: '区重点项目办', password: 'Zb#20261121' })
    const [admin] = await app.call('user.list', {})
    await app.call('user.resetPassword', { id: admin!.id, version: admin!.version, password: 'Xy#98765432' })
    expect((await app.call('security.log', { event: 'password_reset' }))[0]).toMatchObject({
      login: 'admin',
      source: '命令行',
    })
    const session = newSession()
    await app.call('auth.login', { login: 'admin', password: 'Xy#98765432' }, session)
    expect(await app.invoke('project.list', {}, session)).toMatchObject({
      ok: false,
      error: { code: 'PASSWORD_CHANGE' },
    })
  })
})
