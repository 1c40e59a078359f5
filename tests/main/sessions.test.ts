/**
 * Sessions in the database (auth/sessions.ts, migration 9): on PostgreSQL two app servers share them — a login
 * through one works through the other, a logout or a disabled account ends it everywhere; the database keeps
 * only the token's hash; a session ends at its lifetime even when in use; sessions never move the data version.
 */
import { describe, expect, it } from 'vitest'
import { newApp, newApps, raw, rawNumber, fixedClock } from '../helpers/app'
import { CHANGED, loginAs, newSession } from '../helpers/accounts'
import { readDataVersion } from '../../src/main/store/data-version'
import { TOUCH_EVERY_MS } from '../../src/main/auth/sessions'

describe('sessions kept in the database', () => {
  it('are shared by the app servers on one database: log in through one, work and log out through the other', async () => {
    const [a, b] = await newApps(2)
    await a!.call('auth.setup', { login: 'admin', name: '管理员', unit: '县重点项目办', password: 'Admin#2026x' })
    const office = await loginAs(a!, 'office1', { roles: ['office'] })
    // The same browser (its cookie) now reaches the other server.
    const me = await b!.call('auth.me', {}, office.from)
    expect(me?.login).toBe('office1')
    const created = await b!.call('dict.create', { kind: 'unit', name: '县数据局' }, office.from)
    expect(created.name).toBe('县数据局')
    await b!.call('auth.logout', {}, office.from)
    expect(office.from.slot.token).toBeNull()
    // The token the browser held is ended on the first server too.
    const stale = newSession()
    await a!.call('auth.login', { login: 'office1', password: CHANGED }, stale)
    const token = stale.slot.token
    await b!.call('auth.logout', {}, stale)
    expect(await a!.invoke('auth.me', {}, { ...stale, slot: { token } })).toEqual({ ok: true, result: null })
    expect((await a!.invoke('dict.list', { kind: 'unit' }, { ...stale, slot: { token } })).ok === false).toBe(true)
  })

  it('ends every session of an account that is disabled, on every server', async () => {
    const [a, b] = await newApps(2)
    await a!.call('auth.setup', { login: 'admin', name: '管理员', unit: '县重点项目办', password: 'Admin#2026x' })
    const office = await loginAs(a!, 'office1', { roles: ['office'] })
    const account = (await a!.call('user.list', {})).find((u) => u.login === 'office1')!
    await b!.call('user.update', { id: account.id, version: account.version, active: false })
    expect(await rawNumber(a!, 'SELECT count(*) AS n FROM sessions WHERE user_id = ?', office.userId)).toBe(0)
    const refused = await a!.invoke('dict.list', { kind: 'unit' }, office.from)
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('keeps only the hash of a token: the token itself is nowhere in the database', async () => {
    const app = await newApp()
    await app.call('auth.setup', { login: 'admin', name: '管理员', unit: '县重点项目办', password: 'Admin#2026x' })
    const from = newSession()
    await app.call('auth.login', { login: 'admin', password: 'Admin#2026x' }, from)
    const rows = await raw<{ token_hash: string; source: string }>(app, 'SELECT token_hash, source FROM sessions')
    expect(rows).toHaveLength(1)
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(rows[0]!.token_hash).not.toContain(from.slot.token!)
    expect(rows[0]!.source).toBe('测试')
    // A row whose hash is known does not log in with the hash as a token.
    expect(await app.invoke('auth.me', {}, { ...from, slot: { token: rows[0]!.token_hash } })).toEqual({
      ok: true,
      result: null,
    })
  })

  it('ends a session at its lifetime even while it is in use, and asks for the password again', async () => {
    let now = fixedClock().getTime()
    const app = await newApp(undefined, { clock: () => new Date(now), sessionHours: 2 })
    await app.call('auth.setup', { login: 'admin', name: '管理员', unit: '县重点项目办', password: 'Admin#2026x' })
    const from = newSession()
    await app.call('auth.login', { login: 'admin', password: 'Admin#2026x' }, from)
    // Busy every 10 minutes for almost two hours: never idle, still logged in.
    for (let minutes = 10; minutes < 120; minutes += 10) {
      now = fixedClock().getTime() + minutes * 60_000
      expect((await app.call('auth.me', {}, from))?.login).toBe('admin')
    }
    now = fixedClock().getTime() + 120 * 60_000
    const ended = await app.invoke('dict.list', { kind: 'unit' }, from)
    expect(ended).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(ended.ok === false && ended.error.message).toBe(
      '本次登录已满2小时，为保护数据请重新输入密码。当前页面会保留',
    )
    expect(from.slot.token).toBeNull()
    // Marked ended, not deleted (a page's other calls on their way are told the same); the next login clears it.
    expect(await rawNumber(app, 'SELECT count(*) AS n FROM sessions WHERE last_seen > 1')).toBe(0)
    await app.call('auth.login', { login: 'admin', password: 'Admin#2026x' }, newSession())
    expect(await rawNumber(app, 'SELECT count(*) AS n FROM sessions')).toBe(1)
  })

  it('writes the last use at most once a minute, and never moves the data version', async () => {
    let now = fixedClock().getTime()
    const app = await newApp(undefined, { clock: () => new Date(now) })
    await app.call('auth.setup', { login: 'admin', name: '管理员', unit: '县重点项目办', password: 'Admin#2026x' })
    const version = await readDataVersion(app.deps.db)
    const from = newSession()
    await app.call('auth.login', { login: 'admin', password: 'Admin#2026x' }, from)
    const lastSeen = async () => Number((await raw<{ t: number }>(app, 'SELECT last_seen AS t FROM sessions'))[0]!.t)
    const opened = await lastSeen()
    now += TOUCH_EVERY_MS - 1
    await app.call('auth.me', {}, from)
    expect(await lastSeen()).toBe(opened)
    now += 1
    await app.call('auth.me', {}, from)
    expect(await lastSeen()).toBe(now)
    await app.call('auth.logout', {}, from)
    expect(await readDataVersion(app.deps.db)).toBe(version)
  })

  it('answers a page’s parallel calls when their session’s last use is due to be written (no call refuses another)', async () => {
    let now = fixedClock().getTime()
    const [a, b] = await newApps(2, { clock: () => new Date(now) })
    await a!.call('auth.setup', { login: 'admin', name: '管理员', unit: '县重点项目办', password: 'Admin#2026x' })
    const from = newSession()
    await a!.call('auth.login', { login: 'admin', password: 'Admin#2026x' }, from)
    now += TOUCH_EVERY_MS + 1
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a! : b!).invoke('dict.list', { kind: 'unit' }, from)),
    )
    expect(answers.filter((x) => !x.ok)).toEqual([])
    expect(Number((await raw<{ t: number }>(a!, 'SELECT last_seen AS t FROM sessions'))[0]!.t)).toBe(now)
  })

  it('keeps whoever is logged in through a restore; the backup’s own sessions end', async () => {
    const app = await newApp()
    await app.call('auth.setup', { login: 'admin', name: '管理员', unit: '县重点项目办', password: 'Admin#2026x' })
    const early = newSession()
    await app.call('auth.login', { login: 'admin', password: 'Admin#2026x' }, early)
    const backup = await app.call('backup.create', {})
    const earlyToken = early.slot.token
    await app.call('auth.logout', {}, early)
    const admin = newSession()
    await app.call('auth.login', { login: 'admin', password: 'Admin#2026x' }, admin)
    // The backup holds `early`'s session; after the restore it is ended, and the restoring admin is still in.
    await app.call('backup.restore', { name: backup.name }, admin)
    expect((await app.call('auth.me', {}, admin))?.login).toBe('admin')
    expect(await app.invoke('auth.me', {}, { ...early, slot: { token: earlyToken } })).toEqual({
      ok: true,
      result: null,
    })
    expect(await rawNumber(app, 'SELECT count(*) AS n FROM sessions')).toBe(1)
  })
})
