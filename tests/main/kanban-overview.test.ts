import { describe, expect, it } from 'vitest'
import { STAGES } from '../../src/shared/domain'
import { OVERVIEW_ITEMS } from '../../src/shared/rules/types'
import { CHANGED, loginAs, newSession } from '../helpers/accounts'
import { newApp, someProjectIds, TODAY } from '../helpers/app'
import { warmFirstScreen } from '../../src/main/warm'

describe('kanban cards and the overview', () => {
  it('gives every project a card with progress and the light of today, agreeing with lights.get', async () => {
    const app = await newApp()
    await app.call('demo.load', {})
    const { asOf, cards } = await app.call('kanban.cards', {})
    expect(asOf).toBe(TODAY)
    expect(cards).toHaveLength(55)
    const lights = await app.call('lights.get', { date: TODAY, projectIds: await someProjectIds(app) })
    for (const c of cards) {
      const l = lights.find((x) => x.projectId === c.id)!
      expect([c.light, c.reasons]).toEqual([l.light, l.reasons])
      const d = await app.call('project.get', { id: c.id })
      expect(c.milestones).toEqual({
        done: d.plan.milestones.filter((m) => m.actualDate).length,
        due: d.plan.milestones.filter((m) => m.plannedDate <= TODAY).length,
        total: d.plan.milestones.length,
      })
      expect(c.leader).toEqual(d.leader)
    }
    // Cards come in kanban order within each column.
    for (const stage of STAGES) {
      const positions = cards.filter((c) => c.stage === stage).map((c) => c.position)
      expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    }
  })

  it("keeps the office's counts until something is written; 我的项目 are counted for the caller", async () => {
    const app = await newApp()
    await app.call('demo.load', {})
    const before = app.deps.overviews.computations
    const first = await app.call('overview.get', {})
    expect(await app.call('overview.get', {})).toEqual(first)
    await app.call('project.get', { id: first.missingReports[0]?.projectId ?? 1 }) // a read changes nothing
    await app.call('overview.get', {})
    expect(app.deps.overviews.computations - before).toBe(1)
    // A project moved to the next stage is in the next answer.
    const { cards } = await app.call('kanban.cards', { limit: 200 })
    const card = cards.find((c) => c.stage === 'planning')!
    await app.call('project.move', { id: card.id, version: card.version, toStage: 'investment', beforeId: null })
    const after = await app.call('overview.get', {})
    expect(app.deps.overviews.computations - before).toBe(1) // brought up to date for the moved project
    expect(app.deps.overviews.patches).toBe(1)
    expect(after.stages.planning).toBe(first.stages.planning - 1)
    expect(after.stages.investment).toBe(first.stages.investment + 1)
    // 我的项目 is the caller's own, never the office's kept counts.
    await app.call('overview.get', { mine: true })
    expect(app.deps.overviews.computations - before).toBe(1)
    expect(app.deps.overviews.patches).toBe(1)
  })

  it('has 总览 computed at start (warmFirstScreen): the first user to log in and open it computes nothing', async () => {
    const app = await newApp()
    await app.call('demo.load', {})
    const { login } = await loginAs(app, 'office1', { roles: ['office'] }) // an account of yesterday
    await warmFirstScreen(app)
    const counts = app.deps.overviews.computations
    const months = app.deps.rankings.computations
    expect(counts).toBeGreaterThan(0)
    expect(months).toBeGreaterThan(0)
    // This morning: the office logs in (not a change of the data) and opens 总览.
    const from = newSession()
    await app.call('auth.login', { login, password: CHANGED }, from)
    await app.call('overview.get', {}, from)
    const ranking = await app.call('overview.ranking', {}, from)
    expect(ranking.best.length).toBeGreaterThan(0)
    expect(app.deps.overviews.computations).toBe(counts)
    expect(app.deps.rankings.computations).toBe(months)
  })

  it('sums the district up and lists what is missing, overdue and mine', async () => {
    const app = await newApp()
    await app.call('demo.load', {})
    const o = await app.call('overview.get', {})
    expect(o.reportPeriod).toBe('2026-10')
    expect(STAGES.reduce((s, k) => s + o.stages[k], 0)).toBe(55)
    expect(o.lights.red + o.lights.yellow + o.lights.green).toBe(55)
    // The same lights and stages the kanban shows (counted here without building the cards).
    const { cards } = await app.call('kanban.cards', {})
    for (const light of ['red', 'yellow', 'green'] as const)
      expect(o.lights[light], light).toBe(cards.filter((c) => c.light === light).length)
    for (const stage of STAGES) expect(o.stages[stage], stage).toBe(cards.filter((c) => c.stage === stage).length)
    expect(o.investment.expected).toBe(Math.round((o.investment.annualPlan * 10) / 12))
    const reported = new Set((await app.call('report.list', { period: '2026-10' })).map((r) => r.projectId))
    const building = (await app.call('project.list', {})).filter(
      (p) => p.stage === 'construction' || p.stage === 'production',
    )
    // Each list's first 20 (OVERVIEW_ITEMS), the counts of all.
    const owing = building.filter((p) => !reported.has(p.id)).map((p) => p.id)
    expect(o.counts.missingReports).toBe(owing.length)
    expect(o.missingReports).toHaveLength(Math.min(owing.length, OVERVIEW_ITEMS))
    for (const m of o.missingReports) expect(owing).toContain(m.projectId)
    const overdue = await app.call('problem.list', { overdueOn: TODAY })
    expect(o.counts.overdueProblems).toBe(overdue.length)
    expect(o.overdueProblems).toHaveLength(Math.min(overdue.length, OVERVIEW_ITEMS))
    const r = await app.call('overview.ranking', {})
    expect(r).toMatchObject({ period: '2026-10', frozen: false })
    expect(r.best).toHaveLength(5)
    expect(r.best[0]!.rank).toBe(1)
    expect(r.worst[0]!.score!).toBeLessThanOrEqual(r.worst[4]!.score!)
    // A frozen month's best and worst come from its snapshot, unchanged by later edits.
    await app.call('ranking.freeze', { period: '2026-10' })
    const frozen = await app.call('overview.ranking', {})
    expect(frozen).toEqual({ ...r, frozen: true })
    // 我的待办 of a 责任单位联络员 of 区发改局: its unit's problems (from its account's unit, not typed text).
    const unit = (await app.call('dict.list', { kind: 'unit' })).find((u) => u.name === '区发改局')!
    const liaison = await loginAs(app, 'liaison', { roles: ['liaison'], unitId: unit.id })
    const todos = (await app.call('overview.get', {}, liaison.from)).todos
    expect(todos.unit).toBe('区发改局')
    const mine = (await app.call('problem.list', {})).filter(
      (p) => p.status !== 'closed' && p.responsibleUnit.name === '区发改局',
    )
    expect(mine.length).toBeGreaterThan(0)
    expect(todos.problems).toHaveLength(Math.min(mine.length, OVERVIEW_ITEMS))
    // The command line has no unit and no projects of its own: no to-dos.
    expect(o.todos).toEqual({ unit: '', milestones: [], reports: [], problems: [] })
  })
})
