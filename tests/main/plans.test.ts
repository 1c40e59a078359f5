import { describe, expect, it } from 'vitest'
import { dump, newApp, projectInput, refused, seedBasics } from '../helpers/app'

async function setup() {
  const app = await newApp()
  const b = await seedBasics(app)
  const detail = await app.call('project.create', projectInput(b))
  return { app, b, plan: detail.plan, projectId: detail.project.id }
}

describe('plans and milestones (一套方案)', () => {
  it('edits goals and service content with a version', async () => {
    const { app, plan } = await setup()
    const updated = await app.call('plan.update', {
      id: plan.id,
      version: plan.version,
      goals: '年底主体完工',
      serviceContent: ['approval', 'approval', 'production'],
    })
    expect(updated).toMatchObject({ goals: '年底主体完工', serviceContent: ['approval', 'production'], version: 2 })
    await refused(app, 'plan.update', { id: plan.id, version: 1, goals: '旧版本' }, 'CONFLICT')
    const log = await app.call('audit.list', { entity: 'plan' })
    expect(log.find((e) => e.field === 'serviceContent')?.newValue).toBe('审批落地、投产达效')
  })

  it('creates by hand and from a template, appending in order', async () => {
    const { app, b, plan } = await setup()
    const first = await app.call('milestone.create', {
      planId: plan.id,
      name: '项目立项',
      plannedDate: '2026-02-01',
      responsibleUnit: '区发改局',
    })
    expect(first).toMatchObject({ weight: 1, actualDate: null, responsibleUnit: '区发改局' })
    const added = await app.call('milestone.createFromTemplate', {
      planId: plan.id,
      templateId: b.templateId,
      startDate: '2026-03-01',
      endDate: '2026-12-31',
    })
    expect(added).toHaveLength(8)
    expect(added[0]!.position).toBeGreaterThan(first.position)
    expect(added.at(-1)!.plannedDate).toBe('2026-12-31')
    const detail = await app.call('project.get', { id: plan.projectId })
    expect(detail.plan.milestones.map((m) => m.name)[0]).toBe('项目立项')
  })

  it('completes with date and evidence, reopens with a reason, all audited', async () => {
    const { app, plan, projectId } = await setup()
    const m = await app.call('milestone.create', { planId: plan.id, name: '施工许可', plannedDate: '2026-10-01' })
    const done = await app.call('milestone.complete', {
      id: m.id,
      version: m.version,
      actualDate: '2026-10-15',
      evidence: '施工许可证已核发',
    })
    expect(done).toMatchObject({ actualDate: '2026-10-15', evidence: '施工许可证已核发', version: 2 })
    const before = await dump(app)
    await refused(app, 'milestone.complete', { id: m.id, version: 2, actualDate: '2026-10-16' }, 'RULE')
    expect(await dump(app)).toEqual(before)
    await refused(app, 'milestone.reopen', { id: m.id, version: 2, reason: '  ' }, 'INVALID_INPUT')
    const reopened = await app.call('milestone.reopen', { id: m.id, version: 2, reason: '许可证信息有误，需重新办理' })
    expect(reopened).toMatchObject({ actualDate: null, evidence: '', version: 3 })
    const log = await app.call('audit.list', { projectId })
    const reopenRow = log.find((e) => e.action === 'reopen' && e.field === 'actualDate')!
    expect(reopenRow).toMatchObject({ oldValue: '2026-10-15', newValue: null })
    expect(reopenRow.note).toContain('许可证信息有误')
    await refused(app, 'milestone.reopen', { id: m.id, version: 3, reason: '再开一次' }, 'RULE')
  })

  it('refuses completion in the future', async () => {
    const { app, plan } = await setup()
    const m = await app.call('milestone.create', { planId: plan.id, name: '开工', plannedDate: '2026-12-01' })
    const error = await refused(app, 'milestone.complete', { id: m.id, version: 1, actualDate: '2026-11-22' }, 'RULE')
    expect(error.message).toContain('不能晚于今天')
  })

  it('reorders the whole list, refusing a list that does not match the plan', async () => {
    const { app, plan } = await setup()
    const a = await app.call('milestone.create', { planId: plan.id, name: 'A', plannedDate: '2026-01-01' })
    const b = await app.call('milestone.create', { planId: plan.id, name: 'B', plannedDate: '2026-02-01' })
    const c = await app.call('milestone.create', { planId: plan.id, name: 'C', plannedDate: '2026-03-01' })
    const reordered = await app.call('milestone.reorder', { planId: plan.id, orderedIds: [c.id, a.id, b.id] })
    expect(reordered.map((m) => m.name)).toEqual(['C', 'A', 'B'])
    const before = await dump(app)
    await refused(app, 'milestone.reorder', { planId: plan.id, orderedIds: [a.id, b.id] }, 'CONFLICT')
    await refused(app, 'milestone.reorder', { planId: plan.id, orderedIds: [a.id, a.id, b.id] }, 'CONFLICT')
    await refused(app, 'milestone.reorder', { planId: plan.id, orderedIds: [a.id, b.id, 9999] }, 'CONFLICT')
    expect(await dump(app)).toEqual(before)
  })

  it('edits and removes with a version and a reason', async () => {
    const { app, plan, projectId } = await setup()
    const m = await app.call('milestone.create', {
      planId: plan.id,
      name: '环评',
      plannedDate: '2026-05-01',
      weight: 2,
    })
    const edited = await app.call('milestone.update', { id: m.id, version: 1, plannedDate: '2026-06-01' })
    expect(edited).toMatchObject({ plannedDate: '2026-06-01', weight: 2, name: '环评' })
    const editRows = (await app.call('audit.list', { projectId })).filter((e) => e.action === 'update')
    expect(editRows.map((e) => [e.field, e.oldValue, e.newValue])).toEqual([
      ['plannedDate', '2026-05-01', '2026-06-01'],
    ])
    const created = (await app.call('audit.list', { projectId })).filter(
      (e) => e.action === 'create' && e.entity === 'milestone',
    )
    expect(created.map((e) => e.field).sort()).toEqual(['name', 'plannedDate', 'weight'])
    await refused(app, 'milestone.remove', { id: m.id, version: 1, reason: '重复录入' }, 'CONFLICT')
    await app.call('milestone.remove', { id: m.id, version: 2, reason: '重复录入' })
    expect((await app.call('project.get', { id: projectId })).plan.milestones).toEqual([])
    const log = await app.call('audit.list', { projectId })
    expect(log[0]).toMatchObject({ action: 'delete', oldValue: '环评（计划2026-06-01）', note: '重复录入' })
  })

  it('refuses weights outside 1–100 and unknown plans', async () => {
    const { app, plan } = await setup()
    const before = await dump(app)
    await refused(
      app,
      'milestone.create',
      { planId: plan.id, name: 'X', plannedDate: '2026-01-01', weight: 0 },
      'INVALID_INPUT',
    )
    await refused(
      app,
      'milestone.create',
      { planId: plan.id, name: 'X', plannedDate: '2026-01-01', weight: 101 },
      'INVALID_INPUT',
    )
    await refused(app, 'milestone.create', { planId: 999, name: 'X', plannedDate: '2026-01-01' }, 'NOT_FOUND')
    await refused(
      app,
      'milestone.createFromTemplate',
      { planId: plan.id, templateId: 999, startDate: '2026-01-01', endDate: '2026-12-31' },
      'NOT_FOUND',
    )
    await refused(
      app,
      'milestone.createFromTemplate',
      { planId: plan.id, templateId: 1, startDate: '2026-12-31', endDate: '2026-01-01' },
      'INVALID_INPUT',
    )
    expect(await dump(app)).toEqual(before)
  })
})
