/**
 * Issue 19: the ranking is sent a page at a time, sorted, searched and filtered over all of a month's rows on
 * the main side; a month is computed once per state of the data (versioned-cache.ts, store/data-version.ts): a
 * write changes the next ranking, a read or a refused write does not.
 */
import { describe, expect, it } from 'vitest'
import { LOCAL, type App } from '../../src/main/app'
import { allPages } from '../../src/shared/paging'
import { PAGE_LIMIT_MAX } from '../../src/shared/schemas'
import { readDataVersion } from '../../src/main/store/data-version'
import { newApp, newApps } from '../helpers/app'
import { CHANGED, PASSWORD, loginAs, newSession } from '../helpers/accounts'

const PERIOD = '2026-10'

async function district(projects = 260): Promise<App> {
  const app = await newApp()
  await app.call('demo.load', { projects })
  return app
}

const everyRow = (app: App, input: { sort?: 'rank' | 'code' | 'score'; descending?: boolean; text?: string } = {}) =>
  allPages((offset, limit) => app.call('ranking.projects', { period: PERIOD, offset, limit, ...input }))

describe('ranking.projects, a page at a time', () => {
  it('pages through the whole month in rank order, each page at most 200 rows', async () => {
    const app = await district()
    const first = await app.call('ranking.projects', { period: PERIOD })
    expect(first.rows).toHaveLength(100) // the default page
    expect(first.total).toBe(260)
    expect(first.projects).toBe(260)
    const { rows } = await everyRow(app)
    expect(rows).toHaveLength(260)
    expect(rows.slice(0, 100)).toEqual(first.rows)
    const ranks = rows.map((r) => r.rank ?? Infinity)
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
    expect(new Set(rows.map((r) => r.projectId)).size).toBe(260)
    const past = await app.call('ranking.projects', { period: PERIOD, offset: 1000 })
    expect(past.rows).toEqual([])
    expect(past.total).toBe(260)
  })

  it('sorts over all rows, not only the page shown', async () => {
    const app = await district()
    const { rows } = await everyRow(app)
    const byCodeDesc = [...rows].sort((a, b) => (a.code < b.code ? 1 : -1))
    const page = await app.call('ranking.projects', { period: PERIOD, sort: 'code', descending: true, limit: 10 })
    expect(page.rows.map((r) => r.code)).toEqual(byCodeDesc.slice(0, 10).map((r) => r.code))
    const lowest = await app.call('ranking.projects', { period: PERIOD, sort: 'score', limit: 5 })
    const scores = rows
      .map((r) => r.score)
      .filter((x) => x !== null)
      .sort((a, b) => a - b)
    expect(lowest.rows.map((r) => r.score)).toEqual(scores.slice(0, 5))
    // Unranked (不参与排名) rows come last in either direction.
    const { rows: byRankDesc } = await everyRow(app, { sort: 'rank', descending: true })
    const ranked = rows.filter((r) => r.rank !== null).length
    expect(ranked).toBeLessThan(rows.length)
    expect(byRankDesc.slice(ranked).every((r) => r.rank === null)).toBe(true)
    expect(byRankDesc[0]!.rank).toBe(Math.max(...rows.map((r) => r.rank ?? 0)))
    const { rows: byScoreDesc } = await everyRow(app, { sort: 'score', descending: true })
    expect(byScoreDesc.at(-1)!.score).toBeNull()
    // Equal keys keep the ranking's order (a stable sort), so paging never repeats or skips a row.
    const { rows: byScore } = await everyRow(app, { sort: 'score', descending: true })
    expect(new Set(byScore.map((r) => r.projectId)).size).toBe(260)
  })

  it('searches all rows by name or code, and the total is of the matches', async () => {
    const app = await district()
    const { rows } = await everyRow(app)
    const last = rows.at(-1)!
    const byCode = await app.call('ranking.projects', { period: PERIOD, text: last.code.toLowerCase() })
    expect(byCode.rows.map((r) => r.projectId)).toContain(last.projectId)
    expect(byCode.total).toBe(rows.filter((r) => r.code.includes(last.code) || r.name.includes(last.code)).length)
    expect(byCode.rows.every((r) => r.code.includes(last.code))).toBe(true)
    const word = last.name.slice(0, 2)
    const byName = await everyRow(app, { text: word })
    expect(byName.rows.map((r) => r.projectId)).toEqual(
      rows.filter((r) => r.code.includes(word) || r.name.includes(word)).map((r) => r.projectId),
    )
    const none = await app.call('ranking.projects', { period: PERIOD, text: '没有这样的项目' })
    expect([none.rows, none.total, none.projects]).toEqual([[], 0, 260])
  })

  it("filters to the caller's own projects, with their county ranks", async () => {
    const app = await district()
    const leader = (await app.call('leader.list', {}))[0]!
    const own = await loginAs(app, 'leader1', { roles: ['leader'], leaderId: leader.id })
    const mine = await app.call('ranking.projects', { period: PERIOD, mine: true, limit: 200 }, own.from)
    const county = (await everyRow(app)).rows.filter((r) => r.leader?.id === leader.id)
    expect(mine.rows.length).toBeGreaterThan(0)
    expect(mine.rows.map((r) => [r.projectId, r.rank])).toEqual(county.map((r) => [r.projectId, r.rank]))
    expect(mine.total).toBe(mine.rows.length)
    expect(mine.projects).toBe(260)
  })

  it('pages a group ranking in rank order and searches its names (a leader with any middle dot)', async () => {
    const app = await district()
    const { rows, first } = await allPages((offset, limit) =>
      app.call('ranking.groups', { period: PERIOD, by: 'leader', offset, limit: Math.min(limit, 30) }),
    )
    expect(first.rows).toHaveLength(30)
    expect(rows).toHaveLength(first.total)
    const ranks = rows.map((r) => r.rank ?? Infinity)
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b))
    const one = rows.at(-1)!.group.name
    const found = await app.call('ranking.groups', { period: PERIOD, by: 'leader', text: one })
    expect(found.rows.map((r) => r.group.name)).toContain(one)
    expect(found.total).toBe(rows.filter((r) => r.group.name.includes(one)).length)
    const units = await app.call('ranking.groups', { period: PERIOD, by: 'unit', limit: 200 })
    expect(units.rows).toHaveLength(units.total)
  })

  it('refuses a page larger than 200 rows or a negative start, in Chinese', async () => {
    const app = await district(3)
    for (const input of [
      { limit: PAGE_LIMIT_MAX + 1 },
      { limit: 0 },
      { offset: -1 },
      { sort: 'name' },
      { text: 'x'.repeat(51) },
    ]) {
      const outcome = await app.invoke('ranking.projects', { period: PERIOD, ...input }, LOCAL)
      expect(outcome).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
      if (!outcome.ok) expect(outcome.error.message).toMatch(/[\u4e00-\u9fff]/)
    }
  })
})

describe('a month computed once per state of the data', () => {
  it('serves the screens, the 通报 and 总览 from one computation until something is written', async () => {
    const app = await district(30)
    const cache = app.deps.rankings
    const before = cache.computations
    const page = await app.call('ranking.projects', { period: PERIOD })
    for (const by of ['leader', 'township', 'unit'] as const) await app.call('ranking.groups', { period: PERIOD, by })
    await app.call('ranking.projects', { period: PERIOD, sort: 'code', offset: 10 })
    await app.call('overview.ranking', {}) // 总览's best and worst five of last month: October on 2026-11-21
    expect(cache.computations - before).toBe(1)
    // Reads do not change the data version.
    await app.call('project.get', { id: page.rows[0]!.projectId })
    await app.call('lights.get', { date: '2026-11-21', projectIds: [page.rows[0]!.projectId] })
    await app.call('kanban.cards', {})
    await app.call('ranking.projects', { period: PERIOD })
    expect(cache.computations - before).toBe(1)
    // Another month is its own computation.
    await app.call('ranking.projects', { period: '2026-09' })
    expect(cache.computations - before).toBe(2)
  })

  it('answers many calls at the same moment with one computation', async () => {
    const app = await district(30)
    const before = app.deps.rankings.computations
    const answers = await Promise.all([
      app.call('ranking.projects', { period: PERIOD }),
      app.call('ranking.groups', { period: PERIOD, by: 'leader' }),
      app.call('ranking.groups', { period: PERIOD, by: 'township' }),
      app.call('ranking.groups', { period: PERIOD, by: 'unit' }),
    ])
    expect(app.deps.rankings.computations - before).toBe(1)
    expect(answers[0].rows.length).toBeGreaterThan(0)
  })

  it('brings the month up to date after a write, and the next ranking shows it', async () => {
    const app = await district(30)
    const cache = app.deps.rankings
    const first = await app.call('ranking.projects', { period: PERIOD, limit: 200 })
    const version = await readDataVersion(app.deps.db)
    // A project with a milestone due in October not yet completed: completing it raises its score.
    let target: { projectId: number; milestone: { id: number; version: number } } | null = null
    for (const row of first.rows) {
      const detail = await app.call('project.get', { id: row.projectId })
      const m = detail.plan.milestones.find((x) => !x.actualDate && x.plannedDate <= '2026-10-31')
      if (m) {
        target = { projectId: row.projectId, milestone: m }
        break
      }
    }
    expect(target).not.toBeNull()
    const computed = cache.computations
    await app.call('milestone.complete', {
      id: target!.milestone.id,
      version: target!.milestone.version,
      actualDate: '2026-10-15',
    })
    expect(await readDataVersion(app.deps.db)).toBe(version + 1)
    const after = await app.call('ranking.projects', { period: PERIOD, limit: 200 })
    expect(cache.computations).toBe(computed) // the project's entry computed again, the month ranked again
    expect(cache.patches).toBe(1)
    const score = (r: typeof first) => r.rows.find((x) => x.projectId === target!.projectId)!.score
    expect(score(after)).not.toBe(score(first))
    expect(after.version).toBe(version + 1)
  })

  it('keeps the ranking when a write is refused (nothing changed, not even the version)', async () => {
    const app = await district(30)
    await app.call('ranking.projects', { period: PERIOD })
    const version = await readDataVersion(app.deps.db)
    const computed = app.deps.rankings.computations
    const refused = await app.invoke('ranking.freeze', { period: '2099-01' }, LOCAL)
    expect(refused.ok).toBe(false)
    expect(await readDataVersion(app.deps.db)).toBe(version)
    await app.call('ranking.projects', { period: PERIOD })
    expect(app.deps.rankings.computations).toBe(computed)
  })

  it('keeps the ranking over a morning of logins, right and wrong; an account change is a write like any', async () => {
    const app = await district(30)
    const account = await loginAs(app, 'member1', { roles: ['office'] })
    await app.call('ranking.projects', { period: PERIOD })
    const version = await readDataVersion(app.deps.db)
    const computed = app.deps.rankings.computations
    for (let i = 0; i < 3; i++) await app.call('auth.login', { login: account.login, password: CHANGED }, newSession())
    const wrong = await app.invoke('auth.login', { login: account.login, password: 'Wrong#2026' }, newSession())
    expect(wrong.ok).toBe(false)
    // The logins were written (the security log has them) …
    const log = await app.call('security.log', { limit: 10 })
    expect(log.filter((r) => r.event === 'login' && r.login === account.login).length).toBeGreaterThanOrEqual(4)
    expect(log.some((r) => r.event === 'login_failed' && r.login === account.login)).toBe(true)
    // … without a new state of the data: the kept month answers.
    expect(await readDataVersion(app.deps.db)).toBe(version)
    await app.call('ranking.projects', { period: PERIOD })
    expect(app.deps.rankings.computations).toBe(computed)
    // A change of the account itself (its password) advances the version as every other write does.
    await app.call('auth.changePassword', { oldPassword: CHANGED, password: PASSWORD }, account.from)
    expect(await readDataVersion(app.deps.db)).toBe(version + 1)
  })

  it("after a restore, ranks the restored data (its version is past the replaced data's)", async () => {
    const app = await district(20)
    const saved = await app.call('ranking.projects', { period: PERIOD })
    const backup = await app.call('backup.create', {})
    await app.call('ranking.freeze', { period: PERIOD })
    const frozen = await app.call('ranking.projects', { period: PERIOD })
    expect(frozen.frozen).toBe(true)
    await app.call('backup.restore', { name: backup.name })
    const restored = await app.call('ranking.projects', { period: PERIOD })
    expect(restored.version).toBeGreaterThan(frozen.version)
    expect({ ...restored, version: 0 }).toEqual({ ...saved, version: 0 })
  })

  it('is shared through the database: a write through one app server is seen by the next call of another', async () => {
    const [one, two] = await newApps(2)
    await one!.call('demo.load', { projects: 20 })
    const before = await two!.call('ranking.projects', { period: PERIOD })
    await one!.call('ranking.freeze', { period: PERIOD })
    const after = await two!.call('ranking.projects', { period: PERIOD })
    expect([before.frozen, after.frozen]).toEqual([false, true])
    expect(after.version).toBeGreaterThan(before.version)
  })
})
