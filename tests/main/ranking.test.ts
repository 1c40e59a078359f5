/** The ranking on a real database: hand-built cases, freezing, history, and agreement with the pure rules. */
import { LOCAL } from '../../src/main/app'
import { describe, expect, it } from 'vitest'
import type { App } from '../../src/main/app'
import { lastDayOfPeriod } from '../../src/shared/dates'
import { DEFAULT_RULES } from '../../src/shared/domain'
import { lightFactsFromRaw, lightOf } from '../../src/shared/rules/lights'
import { basisText, tieText } from '../../src/shared/rules/ranking'
import { componentHundredths, componentsOf, scoreFactsOfBreakdown } from '../../src/shared/rules/scores'
import ExcelJS from 'exceljs'
import { dump, newApp, projectInput, raw, refused, seedBasics, someProjectIds, type Basics } from '../helpers/app'

async function workbookOf(base64: string) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer)
  return wb
}

/** Three projects worked out by hand for October 2026 (D = 2026-10-31, m = 10). */
async function scenario(app: App, b: Basics) {
  const p1 = await app.call('project.create', projectInput(b, { code: 'XM-001', name: '甲项目' }))
  const p2 = await app.call(
    'project.create',
    projectInput(b, {
      code: 'XM-002',
      name: '乙项目',
      leaderId: b.leader2Id,
      townshipId: b.township2Id,
      leadUnitId: b.unit2Id,
    }),
  )
  const p3 = await app.call('project.create', projectInput(b, { code: 'XM-003', name: '丙项目', stage: 'planning' }))
  // 甲: milestones 1 on time (w1), 1 late by D (w1) → (2 + 1) / 4 = 0.75; investment 900/1200 at 10/12 → 0.9;
  // problems 1 of 1 in time → 1. Score = 50×0.75 + 30×0.9 + 20×1 = 37.5 + 27 + 20 = 84.50
  const a1 = await app.call('milestone.create', { planId: p1.plan.id, name: '立项', plannedDate: '2026-03-01' })
  await app.call('milestone.complete', { id: a1.id, version: 1, actualDate: '2026-02-20' })
  const a2 = await app.call('milestone.create', { planId: p1.plan.id, name: '开工', plannedDate: '2026-06-01' })
  await app.call('milestone.complete', { id: a2.id, version: 1, actualDate: '2026-07-10' })
  await app.call('project.setAnnualPlan', { projectId: p1.project.id, year: 2026, amount: 120000 })
  for (const [period, amount] of [
    ['2026-03', 40000],
    ['2026-06', 50000],
  ] as const)
    await app.call('report.save', { projectId: p1.project.id, period, investment: amount })
  const q1 = await app.call('problem.create', {
    projectId: p1.project.id,
    categoryId: b.problemCategoryId,
    description: '用地',
    raisedOn: '2026-04-01',
    responsibleUnitId: b.unitId,
    deadline: '2026-05-01',
  })
  await app.call('problem.close', { id: q1.id, version: 1, resolution: '已解决', closedOn: '2026-04-28' })
  // 乙: one milestone (w1) not done, planned 2026-09-15 → 0; investment 1200/1200 → capped 1.
  // Score = (50×0 + 30×1) / 80 = 0.375 → 37.50. Light on 10-31: milestone 46 days overdue → red.
  await app.call('milestone.create', { planId: p2.plan.id, name: '施工许可', plannedDate: '2026-09-15' })
  await app.call('project.setAnnualPlan', { projectId: p2.project.id, year: 2026, amount: 120000 })
  await app.call('report.save', { projectId: p2.project.id, period: '2026-10', investment: 120000 })
  // 丙: nothing due → 不参与排名.
  return { p1: p1.project.id, p2: p2.project.id, p3: p3.project.id }
}

describe('the ranking of a month', () => {
  it('equals the hand calculation, with places, components and lights', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { p1, p2, p3 } = await scenario(app, b)
    const r = await app.call('ranking.projects', { period: '2026-10' })
    expect(r).toMatchObject({ period: '2026-10', asOf: '2026-10-31', frozen: false, previousPeriod: null })
    expect(r.rows.map((x) => [x.projectId, x.rank, x.score, x.components, x.light])).toEqual([
      [p1, 1, 8450, { milestones: 7500, investment: 9000, problems: 10000 }, 'green'],
      [p2, 2, 3750, { milestones: 0, investment: 10000, problems: null }, 'red'],
      [p3, null, null, { milestones: null, investment: null, problems: null }, 'green'],
    ])
    // 甲 on 10-31: both milestones done, 900 of 1,000 pro rata is 90 % (≥ 80 %), its problem closed: green.
    expect(r.rows[0]!.reasons).toEqual([])
    expect(r.rows[1]!.reasons[0]!.text).toContain('施工许可')
    expect(r.rows.every((x) => x.change.kind === 'new' || x.change.kind === 'none')).toBe(true)
  })

  it('ranks leaders, townships and units by the mean of their projects', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    await scenario(app, b)
    const leaders = await app.call('ranking.groups', { period: '2026-10', by: 'leader' })
    expect(
      leaders.rows.map((g) => [g.group.name, g.rank, g.mean, g.projects, g.ranked, g.red, g.yellow, g.green]),
    ).toEqual([
      ['赵一平', 1, 8450, 2, 1, 0, 0, 2],
      ['钱二和', 2, 3750, 1, 1, 1, 0, 0],
    ])
    const townships = await app.call('ranking.groups', { period: '2026-10', by: 'township' })
    expect(townships.rows.map((g) => [g.group.name, g.rank])).toEqual([
      ['城东街道', 1],
      ['吴桥镇', 2],
    ])
    const units = await app.call('ranking.groups', { period: '2026-10', by: 'unit' })
    expect(units.rows.map((g) => [g.group.name, g.mean])).toEqual([
      ['区发改局', 8450],
      ['区工信局', 3750],
    ])
  })

  it('counts a project for the leader it had on the last day of the month (reassigned mid-year)', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { p1 } = await scenario(app, b)
    const project = (await app.call('project.get', { id: p1 })).project
    await app.call('project.reassignLeader', {
      projectId: p1,
      version: project.version,
      leaderId: b.leader2Id,
      fromDate: '2026-07-01',
      note: '分工调整',
    })
    const may = await app.call('ranking.groups', { period: '2026-05', by: 'leader' })
    const oct = await app.call('ranking.groups', { period: '2026-10', by: 'leader' })
    expect(may.rows.find((g) => g.group.name === '赵一平')!.projects).toBe(2)
    expect(oct.rows.find((g) => g.group.name === '赵一平')!.projects).toBe(1)
    expect(oct.rows.find((g) => g.group.name === '钱二和')!.projects).toBe(2)
    const rows = (await app.call('ranking.projects', { period: '2026-06' })).rows
    expect(rows.find((r) => r.projectId === p1)!.leader!.name).toBe('赵一平')
  })

  it('refuses a month that has not begun', async () => {
    const app = await newApp()
    await refused(app, 'ranking.projects', { period: '2026-12' }, 'RULE')
    await refused(app, 'ranking.groups', { period: '2027-01', by: 'leader' }, 'RULE')
    await refused(app, 'ranking.groups', { period: '2026-10', by: 'county' }, 'INVALID_INPUT')
  })
})

describe('月度封账', () => {
  it('freezes a month into a snapshot that later edits do not change', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { p1, p2 } = await scenario(app, b)
    const before = await app.call('ranking.projects', { period: '2026-10' })
    const frozen = await app.call('ranking.freeze', { period: '2026-10' })
    expect(frozen).toMatchObject({ period: '2026-10', asOf: '2026-10-31', operator: '王测试', projects: 3 })
    // Edit October's facts afterwards: complete 乙's milestone in time (backdated), move 甲 to another township.
    const m = (await app.call('project.get', { id: p2 })).plan.milestones[0]!
    await app.call('milestone.complete', { id: m.id, version: m.version, actualDate: '2026-09-10' })
    const p = (await app.call('project.get', { id: p1 })).project
    await app.call('project.update', { id: p1, version: p.version, townshipId: b.township2Id })
    await refused(app, 'report.save', { projectId: p2, period: '2026-10', investment: 1, version: 1 }, 'FROZEN')
    const after = await app.call('ranking.projects', { period: '2026-10' })
    expect(after.frozen).toBe(true)
    expect(after.rows.map(({ change: _c, ...row }) => row)).toEqual(before.rows.map(({ change: _c, ...row }) => row))
    const towns = await app.call('ranking.groups', { period: '2026-10', by: 'township' })
    expect(towns.rows.find((g) => g.group.name === '城东街道')!.projects).toBe(2) // as it was when frozen
    // A month not frozen sees the edits.
    const nov = await app.call('ranking.projects', { period: '2026-11' })
    expect(nov.rows.find((r) => r.projectId === p2)!.components.milestones).toBe(10000)
    expect(nov.rows.find((r) => r.projectId === p1)!.township.name).toBe('吴桥镇')
  })

  it('keeps the rules used: editing weights later does not change a frozen month', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    await scenario(app, b)
    await app.call('ranking.freeze', { period: '2026-10' })
    const settings = await app.call('settings.get', {})
    await app.call('settings.updateRules', {
      version: settings.rulesVersion,
      thresholds: settings.rules.thresholds,
      weights: { milestones: 20, investment: 60, problems: 20 },
    })
    const frozen = await app.call('ranking.projects', { period: '2026-10' })
    expect(frozen.rules.weights).toEqual(DEFAULT_RULES.weights)
    expect(frozen.rows[0]!.score).toBe(8450)
    const live = await app.call('ranking.projects', { period: '2026-09' })
    expect(live.rules.weights).toEqual({ milestones: 20, investment: 60, problems: 20 })
  })

  it('shows rank changes against the previous frozen month, skipping months not frozen', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { p1, p2 } = await scenario(app, b)
    // In August 乙 is ahead: its milestone is not yet due and its August investment is on plan … check by ranking.
    const aug = await app.call('ranking.projects', { period: '2026-08' })
    await app.call('ranking.freeze', { period: '2026-08' })
    const oct = await app.call('ranking.projects', { period: '2026-10' })
    expect(oct.previousPeriod).toBe('2026-08')
    for (const row of oct.rows) {
      const before = aug.rows.find((r) => r.projectId === row.projectId)!.rank
      if (row.rank === null) expect(row.change.kind).toBe('none')
      else if (before === null) expect(row.change.kind).toBe('new')
      else
        expect(row.change).toEqual({
          kind: before > row.rank ? 'up' : before < row.rank ? 'down' : 'same',
          places: Math.abs(before - row.rank),
        })
    }
    expect([p1, p2].map((id) => oct.rows.find((r) => r.projectId === id)!.change.kind)).not.toContain('none')
    const leaders = await app.call('ranking.groups', { period: '2026-10', by: 'leader' })
    expect(leaders.rows.every((g) => g.change.kind !== 'new')).toBe(true)
  })

  it('refuses to freeze the current month, a month twice, and unfreezing without a reason', async () => {
    const app = await newApp()
    await seedBasics(app)
    await refused(app, 'ranking.freeze', { period: '2026-11' }, 'RULE')
    await app.call('ranking.freeze', { period: '2026-10' })
    const before = await dump(app)
    await refused(app, 'ranking.freeze', { period: '2026-10' }, 'RULE')
    await refused(app, 'ranking.unfreeze', { period: '2026-10', reason: '' }, 'INVALID_INPUT')
    await refused(app, 'ranking.unfreeze', { period: '2026-09', reason: '误操作' }, 'RULE')
    expect(await dump(app)).toEqual(before)
  })

  it('unfreezes with a reason, audited, and the month is live and editable again', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { p2 } = await scenario(app, b)
    await app.call('ranking.freeze', { period: '2026-10' })
    expect((await app.call('ranking.frozenMonths', {})).map((f) => f.period)).toEqual(['2026-10'])
    await app.call('ranking.unfreeze', { period: '2026-10', reason: '乙项目10月投资填报有误，需更正' })
    expect(await app.call('ranking.frozenMonths', {})).toEqual([])
    expect((await app.call('ranking.projects', { period: '2026-10' })).frozen).toBe(false)
    expect(
      (await app.invoke('report.save', { projectId: p2, period: '2026-10', investment: 100000, version: 1 }, LOCAL)).ok,
    ).toBe(true)
    const log = await app.call('audit.list', { entity: 'period' })
    expect(log.map((e) => [e.action, e.note])).toEqual([
      ['unfreeze', '乙项目10月投资填报有误，需更正'],
      ['freeze', '2026年10月封账：3个项目'],
    ])
  })
})

describe('the breakdown of a score', () => {
  it('lists what counted and how, live and frozen, agreeing with the ranking row', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { p1 } = await scenario(app, b)
    const live = await app.call('ranking.breakdown', { projectId: p1, period: '2026-10' })
    expect(live.milestones.map((m) => [m.name, m.credit])).toEqual([
      ['立项', 1],
      ['开工', 0.5],
    ])
    expect(live.investment).toMatchObject({ annualPlan: 120000, completed: 90000, months: 10 })
    expect(live.problems.map((p) => p.inTime)).toEqual([true])
    expect(live).toMatchObject({
      score: 8450,
      appliedWeights: { milestones: 50, investment: 30, problems: 20 },
      frozen: false,
    })
    await app.call('ranking.freeze', { period: '2026-10' })
    const frozen = await app.call('ranking.breakdown', { projectId: p1, period: '2026-10' })
    expect({ ...frozen, frozen: false }).toEqual(live)
  })

  it('agrees with the ranking for every demo project, and the SQL lights agree with the pure rule', async () => {
    const app = await newApp()
    await app.call('demo.load', {})
    for (const period of ['2026-03', '2026-10']) {
      const ranking = await app.call('ranking.projects', { period })
      for (const row of ranking.rows) {
        const breakdown = await app.call('ranking.breakdown', { projectId: row.projectId, period })
        expect([breakdown.score, breakdown.components, breakdown.light, breakdown.reasons], row.code).toEqual([
          row.score,
          row.components,
          row.light,
          row.reasons,
        ])
        // The dialog's arithmetic is rebuilt from the items it lists: the same components, and as many items
        // as the row's 计分依据 says.
        expect(componentHundredths(componentsOf(scoreFactsOfBreakdown(breakdown), period)), row.code).toEqual(
          row.components,
        )
        if (row.basis?.milestones != null) expect(breakdown.milestones).toHaveLength(row.basis.milestones)
        if (row.basis?.problems != null) expect(breakdown.problems).toHaveLength(row.basis.problems)
      }
    }
    const lights = await app.call('lights.get', { date: '2026-11-21', projectIds: await someProjectIds(app) })
    expect(lights).toHaveLength(55)
    const some = lights.slice(0, 10)
    for (const l of some) {
      const d = await app.call('project.get', { id: l.projectId })
      const problems = await app.call('problem.list', { projectId: l.projectId })
      const reports = await app.call('report.list', { projectId: l.projectId })
      const raw = {
        milestones: d.plan.milestones.map((m) => ({
          id: m.id,
          name: m.name,
          plannedDate: m.plannedDate,
          actualDate: m.actualDate,
          weight: m.weight,
        })),
        problems: problems.map((p) => ({
          id: p.id,
          description: p.description,
          deadline: p.deadline,
          closedOn: p.closedOn,
        })),
        reports: reports.map((r) => ({ period: r.period, investment: r.investment })),
        annualPlans: d.annualPlans.map((a) => ({ year: a.year, amount: a.amount })),
      }
      const expected = lightOf(
        lightFactsFromRaw(raw, '2026-11-21', DEFAULT_RULES.thresholds),
        '2026-11-21',
        DEFAULT_RULES.thresholds,
      )
      expect({ light: l.light, reasons: l.reasons }).toEqual(expected)
    }
    const subset = await app.call('lights.get', { date: lastDayOfPeriod('2026-10'), projectIds: [some[0]!.projectId] })
    expect(subset.map((l) => l.projectId)).toEqual([some[0]!.projectId])
  })
})

describe('the ranking explains itself (issue 16)', () => {
  it('every row carries its 计分依据 and, when it shares its place, its tie-break', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { p1, p2, p3 } = await scenario(app, b)
    // 丁 ties with 乙 at 37.50 (a milestone due, not done → 0; its plan fully reported → 1): with no rate
    // difference (both 100 %), they are listed by code.
    const p4 = await app.call('project.create', projectInput(b, { code: 'XM-004', name: '丁项目' }))
    await app.call('milestone.create', { planId: p4.plan.id, name: '环评', plannedDate: '2026-09-20' })
    await app.call('project.setAnnualPlan', { projectId: p4.project.id, year: 2026, amount: 60000 })
    await app.call('report.save', { projectId: p4.project.id, period: '2026-10', investment: 60000 })
    const r = await app.call('ranking.projects', { period: '2026-10' })
    expect(r.rows.map((x) => [x.projectId, x.rank, basisText(x.basis), tieText(x.tie, x.investmentRate)])).toEqual([
      [p1, 1, '节点 2项、投资、问题办结 1项', ''],
      [p2, 2, '节点 1项、投资', '同分2个并列，按项目编号'],
      [p4.project.id, 2, '节点 1项、投资', '同分2个并列，按项目编号'],
      [p3, null, '无可计分项', ''],
    ])
    // 乙 reports 10 万元 more than planned: its rate is now higher, and that is what sets it first.
    await app.call('report.save', { projectId: p2, period: '2026-09', investment: 1000 })
    const again = await app.call('ranking.projects', { period: '2026-10' })
    expect(again.rows.slice(1, 3).map((x) => [x.code, x.rank, tieText(x.tie, x.investmentRate)])).toEqual([
      ['XM-002', 2, '同分2个，按年度投资完成率 100.83%'],
      ['XM-004', 2, '同分2个，按年度投资完成率 100.00%'],
    ])
    // A frozen month keeps them with its rows.
    await app.call('ranking.freeze', { period: '2026-10' })
    const frozen = await app.call('ranking.projects', { period: '2026-10' })
    expect(frozen.rows.map(({ change: _c, ...row }) => row)).toEqual(again.rows.map(({ change: _c, ...row }) => row))
  })

  it('a month frozen before the basis existed shows — and never fails (screen, 总览, Excel)', async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 12 })
    await app.call('ranking.freeze', { period: '2026-10' })
    // Rows as they were stored before issue 16: no basis, no tie.
    const stored = await raw<{ period: string; kind: string; key: number; row: string }>(
      app,
      `SELECT period, kind, key, row FROM ranking_snapshots WHERE kind = 'project'`,
    )
    expect(stored.length).toBeGreaterThan(0)
    for (const { period, kind, key, row } of stored) {
      const { basis: _b, tie: _t, ...old } = JSON.parse(row) as Record<string, unknown>
      await raw(
        app,
        'UPDATE ranking_snapshots SET row = ? WHERE period = ? AND kind = ? AND key = ?',
        JSON.stringify(old),
        period,
        kind,
        key,
      )
    }
    const r = await app.call('ranking.projects', { period: '2026-10' })
    expect(r.frozen).toBe(true)
    expect(r.rows.every((x) => x.basis === undefined && basisText(x.basis) === '—')).toBe(true)
    expect(r.rows.every((x) => tieText(x.tie, x.investmentRate) === '')).toBe(true)
    const o = await app.call('overview.ranking', {})
    expect(o.frozen).toBe(true)
    const file = await app.call('excel.export', { what: 'ranking', period: '2026-10' })
    const ws = (await workbookOf(file.base64)).worksheets[0]!
    const basisColumn = (ws.getRow(2).values as unknown[]).indexOf('计分依据')
    expect(ws.getRow(3).getCell(basisColumn).value).toBe('—')
  })

  it('exports 计分依据 and 同分排序 columns in the Excel ranking', async () => {
    const app = await newApp()
    await app.call('demo.load', {})
    const rows = (await app.call('ranking.projects', { period: '2026-10' })).rows
    const ws = (await workbookOf((await app.call('excel.export', { what: 'ranking', period: '2026-10' })).base64))
      .worksheets[0]!
    const headers = ws.getRow(2).values as unknown[]
    const basis = headers.indexOf('计分依据')
    const tie = headers.indexOf('同分排序')
    expect(basis).toBeGreaterThan(0)
    expect(tie).toBe(basis + 1)
    rows.forEach((row, i) => {
      expect(ws.getRow(3 + i).getCell(2 + 1).value, row.code).toBe(row.code)
      expect(ws.getRow(3 + i).getCell(basis).value, row.code).toBe(basisText(row.basis))
      expect(ws.getRow(3 + i).getCell(tie).value ?? '', row.code).toBe(tieText(row.tie, row.investmentRate))
    })
    // The demo has a shared first place: the export says how it was broken.
    expect(rows.filter((r) => r.rank === 1).length).toBeGreaterThan(1)
    expect(ws.getRow(3).getCell(tie).value).toMatch(/^同分\d+个/)
  })
})

describe('前五 and 后五 on 总览 never share a project', () => {
  /** `n` projects ranked for October with distinct scores: project i has i of 10 milestones on time. */
  async function ranked(n: number) {
    const app = await newApp()
    const b = await seedBasics(app)
    for (let i = 1; i <= n; i++) {
      const p = await app.call(
        'project.create',
        projectInput(b, { code: `XM-${String(i).padStart(3, '0')}`, name: `项目${i}` }),
      )
      const m = await app.call('milestone.create', { planId: p.plan.id, name: '开工', plannedDate: '2026-05-01' })
      if (i % 2) await app.call('milestone.complete', { id: m.id, version: 1, actualDate: '2026-05-01' })
      await app.call('project.setAnnualPlan', { projectId: p.project.id, year: 2026, amount: 120000 })
      await app.call('report.save', { projectId: p.project.id, period: '2026-10', investment: 10000 * i })
    }
    return app.call('overview.ranking', {})
  }

  it.each([
    [1, 1, 0],
    [2, 2, 0],
    [4, 4, 0],
    [7, 5, 2],
  ])('with %i ranked: %i best, %i worst, none in both', async (n, best, worst) => {
    const o = await ranked(n)
    expect(o.best).toHaveLength(best)
    expect(o.worst).toHaveLength(worst)
    const top = new Set(o.best.map((r) => r.projectId))
    expect(o.worst.filter((r) => top.has(r.projectId))).toEqual([])
    // Worst first, each row with its 计分依据.
    expect(o.worst.map((r) => r.rank)).toEqual([...o.worst.map((r) => r.rank)].sort((a, b) => b! - a!))
    expect([...o.best, ...o.worst].every((r) => basisText(r.basis) === '节点 1项、投资')).toBe(true)
  })
})

describe('frozen snapshot property', () => {
  it('does not change, whatever is edited in that month afterwards', async () => {
    const fc = (await import('fast-check')).default
    const app = await newApp()
    await app.call('demo.load', { projects: 12 })
    await app.call('ranking.freeze', { period: '2026-09' })
    const snapshot = async () => [
      { ...(await app.call('ranking.projects', { period: '2026-09' })), version: 0 }, // the data's, not the month's
      { ...(await app.call('ranking.groups', { period: '2026-09', by: 'leader' })), version: 0 },
      { ...(await app.call('ranking.groups', { period: '2026-09', by: 'township' })), version: 0 },
    ]
    const frozen = JSON.stringify(await snapshot())
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('complete' as const), pick: fc.nat(), day: fc.integer({ min: 1, max: 30 }) }),
      fc.record({ kind: fc.constant('reopen' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('close' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('report' as const), pick: fc.nat(), amount: fc.integer({ min: 0, max: 100000 }) }),
      fc.record({ kind: fc.constant('reassign' as const), pick: fc.nat() }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        const projects = await app.call('project.list', {})
        for (const e of edits) {
          const p = projects[e.pick % projects.length]!
          const detail = await app.call('project.get', { id: p.id })
          if (e.kind === 'complete') {
            const m = detail.plan.milestones.find((x) => !x.actualDate)
            if (m)
              await app.invoke(
                'milestone.complete',
                {
                  id: m.id,
                  version: m.version,
                  actualDate: `2026-09-${String(e.day).padStart(2, '0')}`,
                },
                LOCAL,
              )
          } else if (e.kind === 'reopen') {
            const m = detail.plan.milestones.find((x) => x.actualDate)
            if (m) await app.invoke('milestone.reopen', { id: m.id, version: m.version, reason: '复核' }, LOCAL)
          } else if (e.kind === 'close') {
            const q = (await app.call('problem.list', { projectId: p.id })).find((x) => x.status !== 'closed')
            if (q)
              await app.invoke(
                'problem.close',
                {
                  id: q.id,
                  version: q.version,
                  resolution: '已办结',
                  closedOn: q.raisedOn,
                },
                LOCAL,
              )
          } else if (e.kind === 'report') {
            const r = (await app.call('report.list', { projectId: p.id, period: '2026-09' }))[0]
            // Refused (frozen), and nothing else may change either.
            await app.invoke(
              'report.save',
              {
                projectId: p.id,
                period: '2026-09',
                investment: e.amount,
                version: r?.version,
              },
              LOCAL,
            )
          } else {
            const leaders = await app.call('leader.list', {})
            const other = leaders.find((l) => l.id !== detail.leader.id)!
            await app.invoke(
              'project.reassignLeader',
              {
                projectId: p.id,
                version: detail.project.version,
                leaderId: other.id,
                fromDate: '2026-11-21',
                note: '',
              },
              LOCAL,
            )
          }
        }
        expect(JSON.stringify(await snapshot())).toBe(frozen)
      }),
      { numRuns: 15 },
    )
  })
})
