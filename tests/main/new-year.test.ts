/**
 * Issue 16, a new year: the demo district of 2026 opened with the clock at 2027-01-15. Plans, 序时进度 and the
 * rankings roll over to 2027 (December 2026 still ranks as 2026), 本年 counts 2027's months only, 开累 counts
 * every month since the project's start, and a project whose 2027 plan is missing says so — its investment
 * component is absent, never 0.
 */
import path from 'node:path'
import ExcelJS from 'exceljs'
import { afterEach, describe, expect, it } from 'vitest'
import { LOCAL, openApp, type App } from '../../src/main/app'
import { scheduleProgress } from '../../src/shared/dates'
import { newApp, someProjectIds, tempDir } from '../helpers/app'

const JANUARY = () => new Date('2027-01-15T04:00:00Z') // 2027-01-15, noon in China

const opened: App[] = []
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close().catch(() => {})
})

/** The 2026 demo district (made on 2026-11-21), then the same database opened on 2027-01-15. */
async function newYear(): Promise<App> {
  const file = path.join(tempDir(), 'new-year.db')
  const old = await newApp(file)
  await old.call('demo.load', {})
  await old.close()
  const app = openApp(file, { clock: JANUARY })
  opened.push(app)
  return app
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0)

/**
 * Three projects under construction: `planned` with a 2027 plan, `missing` whose years were extended to 2027
 * without a plan for it, `ended` whose years end in 2026. Each gets a December 2026 and a January 2027 report.
 */
async function scene(app: App) {
  const list = (await app.call('project.list', {})).filter((p) => p.stage === 'construction')
  const details = await Promise.all(list.map((p) => app.call('project.get', { id: p.id })))
  const planned = details.find((d) => d.annualPlans.some((a) => a.year === 2027))!
  const ended = details.filter((d) => d.project.endYear === 2026)
  expect(ended.length).toBeGreaterThanOrEqual(2)
  const [missing, stillEnded] = ended
  await app.call('project.update', { id: missing!.project.id, version: missing!.project.version, endYear: 2027 })
  for (const d of [planned, missing!, stillEnded!]) {
    await app.call('report.save', { projectId: d.project.id, period: '2026-12', investment: 12_345 })
    await app.call('report.save', { projectId: d.project.id, period: '2027-01', investment: 6_789 })
  }
  return { planned: planned.project.id, missing: missing!.project.id, ended: stillEnded!.project.id }
}

describe('the first days of 2027 on 2026 data', () => {
  it('本年 counts 2027 only, 开累 every month since the start, the 2027 plan or null, and whether it is missing', async () => {
    const app = await newYear()
    const ids = await scene(app)
    const figures = await app.call('report.figures', { projectIds: [ids.planned, ids.missing, ids.ended] })
    const byId = new Map(figures.map((f) => [f.projectId, f]))
    for (const id of [ids.planned, ids.missing, ids.ended]) {
      const reports = await app.call('report.list', { projectId: id })
      const f = byId.get(id)!
      expect(f.year).toBe(2027)
      expect(f.completedThisYear).toBe(6_789) // January 2027 only: December counts for 2026
      expect(f.completedToDate).toBe(sum(reports.map((r) => r.investment)))
      expect(f.completedToDate).toBeGreaterThan(6_789 + 12_345) // the 2026 months are in 开累
    }
    const planned = await app.call('project.get', { id: ids.planned })
    expect(byId.get(ids.planned)).toMatchObject({
      annualPlan: planned.annualPlans.find((a) => a.year === 2027)!.amount,
      planMissing: false,
    })
    // Extended to 2027 without a plan: the prompt's data. Ended in 2026: no plan is asked for.
    expect(byId.get(ids.missing)).toMatchObject({ annualPlan: null, planMissing: true })
    expect(byId.get(ids.ended)).toMatchObject({ annualPlan: null, planMissing: false })
    // The default date is today's (the injected clock).
    const all = await app.call('report.figures', { projectIds: await someProjectIds(app) })
    expect(all).toHaveLength(55)
    expect(all.find((f) => f.projectId === ids.missing)).toEqual(byId.get(ids.missing))
    // As of the last day of 2026 the same project's 本年 is 2026's, and 开累 leaves January 2027 out.
    const [december] = await app.call('report.figures', { projectIds: [ids.planned], date: '2026-12-31' })
    const reports2026 = (await app.call('report.list', { projectId: ids.planned, year: 2026 })).map((r) => r.investment)
    expect(december).toMatchObject({
      year: 2026,
      completedThisYear: sum(reports2026),
      completedToDate: byId.get(ids.planned)!.completedToDate - 6_789,
      annualPlan: planned.annualPlans.find((a) => a.year === 2026)!.amount,
    })
  })

  it('ranks 2027-01 on the 2027 plan (investment absent without one, never 0) and still ranks 2026-12 on 2026', async () => {
    const app = await newYear()
    const ids = await scene(app)
    const january = await app.call('ranking.projects', { period: '2027-01' })
    const row = (id: number) => january.rows.find((r) => r.projectId === id)!
    const plan2027 = (await app.call('project.get', { id: ids.planned })).annualPlans.find((a) => a.year === 2027)!
    // 序时进度 of January is 1/12: min(1, 6,789 × 12 / plan) in hundredths, rounded half up.
    const expected = Math.min(10000, Math.floor((6_789 * 12 * 10000) / plan2027.amount + 0.5))
    expect(row(ids.planned)).toMatchObject({ annualPlan: plan2027.amount, completed: 6_789 })
    expect(row(ids.planned).components.investment).toBe(expected)
    for (const id of [ids.missing, ids.ended]) {
      expect(row(id)).toMatchObject({ annualPlan: null, completed: 6_789, investmentRate: null })
      expect(row(id).components.investment).toBeNull()
    }
    // December 2026, ranked in January: the 2026 plan and all twelve months of 2026.
    const december = await app.call('ranking.projects', { period: '2026-12' })
    const d = december.rows.find((r) => r.projectId === ids.planned)!
    const detail = await app.call('project.get', { id: ids.planned })
    const reports2026 = (await app.call('report.list', { projectId: ids.planned, year: 2026 })).map((r) => r.investment)
    expect(d).toMatchObject({
      annualPlan: detail.annualPlans.find((a) => a.year === 2026)!.amount,
      completed: sum(reports2026),
    })
    expect(december.asOf).toBe('2026-12-31')
    // December is frozen in January, and January's rank changes compare with it across the year.
    await app.call('ranking.freeze', { period: '2026-12' })
    const after = await app.call('ranking.projects', { period: '2027-01' })
    expect(after.previousPeriod).toBe('2026-12')
    expect(after.rows.filter((r) => r.rank !== null).some((r) => r.change.kind !== 'new')).toBe(true)
    // February has not begun: refused as a month in the future.
    expect((await app.invoke('ranking.projects', { period: '2027-02' }, LOCAL)).ok).toBe(false)
  })

  it('序时进度: 0/12 on 2027-01-15 (no month of 2027 has ended), 1/12 from 2027-01-31', async () => {
    expect(scheduleProgress('2027-01-15')).toBe(0)
    expect(scheduleProgress('2027-01-31')).toBe(1 / 12)
    expect(scheduleProgress('2026-12-31')).toBe(1)
    const app = await newYear()
    const ids = await scene(app)
    const overview = await app.call('overview.get', {})
    expect(overview.investment).toMatchObject({ months: 0, expected: 0 })
    const mid = await app.call('lights.get', { date: '2027-01-15', projectIds: await someProjectIds(app) })
    expect(mid.flatMap((l) => l.reasons).filter((r) => r.kind === 'investment_behind')).toEqual([])
    // On the month's last day the plan is due at 1/12: a January report of 6,789 against the 2027 plan.
    const [end] = await app.call('lights.get', { date: '2027-01-31', projectIds: [ids.planned] })
    const plan = (await app.call('project.get', { id: ids.planned })).annualPlans.find((a) => a.year === 2027)!
    expect(6_789 * 12).toBeLessThan(plan.amount * 0.5) // behind the 1/12 due, below the red threshold
    expect(end!.light).toBe('red')
    const behind = end!.reasons.find((r) => r.kind === 'investment_behind')!
    expect(behind.text).toContain('本年完成投资67.89万元')
    expect(behind.text).toContain(
      `（年度计划${(plan.amount / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}万元的1/12）`,
    )
  })

  it('takes the January 2027 report and refuses February; the ledger export names 2027 and carries 开累', async () => {
    const app = await newYear()
    const ids = await scene(app)
    const refusedFeb = await app.invoke(
      'report.save',
      { projectId: ids.planned, period: '2027-02', investment: 1 },
      LOCAL,
    )
    expect(refusedFeb).toMatchObject({ ok: false, error: { code: 'RULE' } })
    const file = await app.call('excel.export', { what: 'ledger' })
    expect(file.fileName).toBe('重点项目台账-2027-01-15.xlsx')
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(file.base64, 'base64') as unknown as ArrayBuffer)
    const ws = wb.worksheets[0]!
    const header = (ws.getRow(2).values as unknown[]).slice(1)
    const col = (title: string) => header.indexOf(title) + 1
    expect(col('2027年计划投资（万元）')).toBeGreaterThan(0)
    expect(col('2027年完成投资（万元）')).toBeGreaterThan(0)
    // 开累 stands right beside 本年.
    expect(col('开累完成投资（万元）')).toBe(col('2027年完成投资（万元）') + 1)
    const figures = new Map(
      (await app.call('report.figures', { projectIds: await someProjectIds(app) })).map((f) => [f.projectId, f]),
    )
    const codes = new Map((await app.call('project.list', {})).map((p) => [p.code, p.id]))
    for (let r = 3; r <= ws.rowCount; r++) {
      const f = figures.get(codes.get(String(ws.getRow(r).getCell(2).value))!)!
      expect(ws.getRow(r).getCell(col('开累完成投资（万元）')).value).toBe(f.completedToDate / 100)
      expect(ws.getRow(r).getCell(col('2027年完成投资（万元）')).value).toBe(f.completedThisYear / 100)
      expect(ws.getRow(r).getCell(col('2027年计划投资（万元）')).value).toBe(
        f.annualPlan === null ? null : f.annualPlan / 100,
      )
    }
    const planned = [...codes].find(([, id]) => id === ids.planned)![0]
    const row = [...Array(ws.rowCount - 2).keys()]
      .map((i) => ws.getRow(i + 3))
      .find((r) => r.getCell(2).value === planned)!
    expect(row.getCell(col('开累完成投资（万元）')).numFmt).toBe('#,##0.00')
    expect(row.getCell(col('2027年完成投资（万元）')).value).toBe(67.89)
  })
})
