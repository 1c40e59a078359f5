import { describe, expect, it } from 'vitest'
import { LOCAL } from '../../src/main/app'
import { dump, newApp, projectInput, raw, refused, seedBasics } from '../helpers/app'

async function setup() {
  const app = await newApp()
  const b = await seedBasics(app)
  const { project } = await app.call('project.create', projectInput(b))
  return { app, projectId: project.id }
}

describe('monthly reports (月报)', () => {
  it('keeps one report per project and month, updated with its version', async () => {
    const { app, projectId } = await setup()
    const created = await app.call('report.save', {
      projectId,
      period: '2026-10',
      investment: 150000,
      narrative: '主体结构施工中',
    })
    expect(created).toMatchObject({ investment: 150000, frozen: false, version: 1 })
    const before = await dump(app)
    const error = await refused(app, 'report.save', { projectId, period: '2026-10', investment: 1 }, 'CONFLICT')
    expect(error.message).toContain('已有人填报')
    expect(await dump(app)).toEqual(before)
    const updated = await app.call('report.save', {
      projectId,
      period: '2026-10',
      investment: 160000,
      narrative: '主体封顶',
      version: 1,
    })
    expect(updated).toMatchObject({ investment: 160000, narrative: '主体封顶', version: 2 })
    await refused(app, 'report.save', { projectId, period: '2026-10', investment: 1, version: 1 }, 'CONFLICT')
    const log = await app.call('audit.list', { projectId })
    expect(log.find((e) => e.entity === 'report' && e.action === 'update' && e.field === 'investment')).toMatchObject({
      oldValue: '1,500.00',
      newValue: '1,600.00',
      note: '2026年10月',
    })
  })

  it('refuses a future month, negative money and an unknown project', async () => {
    const { app, projectId } = await setup()
    const before = await dump(app)
    await refused(app, 'report.save', { projectId, period: '2026-12', investment: 1 }, 'RULE')
    await refused(app, 'report.save', { projectId, period: '2026-10', investment: -1 }, 'INVALID_INPUT')
    await refused(app, 'report.save', { projectId: 999, period: '2026-10', investment: 1 }, 'NOT_FOUND')
    expect(await dump(app)).toEqual(before)
    // The current month may be reported as it goes.
    expect((await app.invoke('report.save', { projectId, period: '2026-11', investment: 1 }, LOCAL)).ok).toBe(true)
  })

  it('makes a frozen month read-only (the hook the month freeze uses)', async () => {
    const { app, projectId } = await setup()
    await app.call('report.save', { projectId, period: '2026-09', investment: 100 })
    await raw(app, `INSERT INTO frozen_periods (period, frozen_at, operator) VALUES ('2026-09', 'x', '项目办')`)
    const before = await dump(app)
    const error = await refused(
      app,
      'report.save',
      { projectId, period: '2026-09', investment: 200, version: 1 },
      'FROZEN',
    )
    expect(error.message).toContain('2026年9月已封账')
    await refused(app, 'report.save', { projectId, period: '2026-09', investment: 200 }, 'FROZEN')
    expect(await dump(app)).toEqual(before)
    const listed = await app.call('report.list', { projectId })
    expect(listed.map((r) => [r.period, r.frozen])).toEqual([['2026-09', true]])
  })

  it('lists by project, month or year', async () => {
    const { app, projectId } = await setup()
    for (const period of ['2025-12', '2026-01', '2026-02'])
      await app.call('report.save', { projectId, period, investment: 100 })
    expect((await app.call('report.list', { year: 2026 })).map((r) => r.period)).toEqual(['2026-01', '2026-02'])
    expect((await app.call('report.list', { period: '2025-12' })).map((r) => r.period)).toEqual(['2025-12'])
    expect(await app.call('report.list', { projectId: 999 })).toEqual([])
  })
})
