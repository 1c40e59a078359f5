/**
 * Deactivation keeps names (issue 16): a deactivated dictionary item or leader is asked about first (how much
 * it is used), keeps its name everywhere it is used, is not offered for new use, and can be re-enabled.
 */
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { dump, newApp, projectInput, refused, seedBasics } from '../helpers/app'

async function workbookOf(base64: string) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer)
  return wb
}

async function setup() {
  const app = await newApp()
  const b = await seedBasics(app)
  const one = await app.call('project.create', projectInput(b))
  const two = await app.call('project.create', projectInput(b, { code: 'XM-002', name: '城东物流园' }))
  await app.call(
    'project.create',
    projectInput(b, { code: 'XM-003', name: '吴桥镇污水处理', townshipId: b.township2Id }),
  )
  await app.call('problem.create', {
    projectId: one.project.id,
    categoryId: b.problemCategoryId,
    description: '用地指标未落实',
    raisedOn: '2026-09-01',
    responsibleUnitId: b.unit2Id,
    deadline: '2026-12-31',
  })
  return { app, b, one, two }
}

describe('dictionary items: usage, deactivation, re-enabling', () => {
  it('counts the projects and problems that use an item, by its kind', async () => {
    const { app, b } = await setup()
    expect(await app.call('dict.usage', { id: b.townshipId })).toMatchObject({
      kind: 'township',
      name: '城东街道',
      active: true,
      projects: 2,
      problems: 0,
    })
    expect(await app.call('dict.usage', { id: b.township2Id })).toMatchObject({ projects: 1, problems: 0 })
    // 区发改局 leads three 专班; 区工信局 leads none but is responsible for a problem.
    expect(await app.call('dict.usage', { id: b.unitId })).toMatchObject({ kind: 'unit', projects: 3, problems: 0 })
    expect(await app.call('dict.usage', { id: b.unit2Id })).toMatchObject({ projects: 0, problems: 1 })
    expect(await app.call('dict.usage', { id: b.categoryId })).toMatchObject({ kind: 'category', projects: 3 })
    expect(await app.call('dict.usage', { id: b.problemCategoryId })).toMatchObject({ projects: 0, problems: 1 })
    const unused = await app.call('dict.create', { kind: 'township', name: '新区街道' })
    expect(await app.call('dict.usage', { id: unused.id })).toMatchObject({ projects: 0, problems: 0 })
    await refused(app, 'dict.usage', { id: 9999 }, 'NOT_FOUND')
  })

  it('keeps the name of a deactivated township on its projects everywhere, and refuses it for new use', async () => {
    const { app, b, one } = await setup()
    const [township] = (await app.call('dict.list', { kind: 'township' })).filter((d) => d.id === b.townshipId)
    const off = await app.call('dict.update', { id: b.townshipId, version: township!.version, active: false })
    expect(off).toMatchObject({ active: false, name: '城东街道' })
    expect((await app.call('dict.list', { kind: 'township' })).map((d) => d.name)).toEqual(['吴桥镇'])
    expect((await app.call('dict.list', { kind: 'township', includeInactive: true })).map((d) => d.name)).toEqual([
      '城东街道',
      '吴桥镇',
    ])
    // Where it is used, it is still 城东街道 (never its number).
    expect((await app.call('project.get', { id: one.project.id })).township).toEqual({
      id: b.townshipId,
      name: '城东街道',
    })
    const list = await app.call('project.list', {})
    expect(list.filter((p) => p.township.id === b.townshipId).map((p) => p.township.name)).toEqual([
      '城东街道',
      '城东街道',
    ])
    const cards = (await app.call('kanban.cards', {})).cards
    expect(cards.find((c) => c.id === one.project.id)!.township.name).toBe('城东街道')
    const ranking = await app.call('ranking.groups', { period: '2026-10', by: 'township' })
    expect(ranking.rows.map((r) => r.group.name)).toContain('城东街道')
    const ledger = (await workbookOf((await app.call('excel.export', { what: 'ledger' })).base64)).worksheets[0]!
    const townships = ledger.getColumn(7).values.slice(3)
    expect(townships.filter((v) => v === '城东街道')).toHaveLength(2)
    // Other fields of its projects can still be saved; the township stays.
    const saved = await app.call('project.update', {
      id: one.project.id,
      version: one.project.version,
      townshipId: b.townshipId,
      name: '城东年产12万吨新型建材项目',
    })
    expect(saved.townshipId).toBe(b.townshipId)
    // Not for a new project, nor for moving another project there; refused in Chinese, nothing changed.
    const before = await dump(app)
    const error = await refused(
      app,
      'project.create',
      projectInput(b, { code: 'XM-009', townshipId: b.townshipId }),
      'RULE',
    )
    expect(error.message).toContain('「城东街道」已停用')
    const third = (await app.call('project.list', { text: 'XM-003' }))[0]!
    await refused(app, 'project.update', { id: third.id, version: third.version, townshipId: b.townshipId }, 'RULE')
    expect(await dump(app)).toEqual(before)
  })

  it('records deactivating and re-enabling in the audit log, naming the item and how much it was used', async () => {
    const { app, b } = await setup()
    const off = await app.call('dict.update', { id: b.townshipId, version: 1, active: false })
    const on = await app.call('dict.update', { id: b.townshipId, version: off.version, active: true })
    expect(on).toMatchObject({ active: true, version: off.version + 1 })
    expect((await app.call('dict.list', { kind: 'township' })).map((d) => d.name)).toContain('城东街道')
    const log = (await app.call('audit.list', { entity: 'dict' })).filter((e) => e.entityId === b.townshipId)
    const [reEnabled, deactivated] = log
    expect(deactivated).toMatchObject({
      action: 'update',
      field: 'active',
      oldValue: '是',
      newValue: '否',
      note: '乡镇/街道「城东街道」，停用时2个项目、0个问题在用',
    })
    expect(reEnabled).toMatchObject({ field: 'active', oldValue: '否', newValue: '是', note: '乡镇/街道「城东街道」' })
    // A stale copy cannot flip it back.
    const before = await dump(app)
    await refused(app, 'dict.update', { id: b.townshipId, version: off.version, active: false }, 'CONFLICT')
    expect(await dump(app)).toEqual(before)
  })

  it('lets a 专班 keep a deactivated 牵头单位 but not choose one anew', async () => {
    const { app, b, one, two } = await setup()
    await app.call('dict.update', { id: b.unitId, version: 1, active: false })
    const tf = one.taskForce
    const kept = await app.call('taskForce.update', { id: tf.id, version: tf.version, leadUnitId: b.unitId })
    expect(kept.leadUnit).toEqual({ id: b.unitId, name: '区发改局' })
    const moved = await app.call('taskForce.update', { id: tf.id, version: kept.version, leadUnitId: b.unit2Id })
    expect(moved.leadUnit.name).toBe('区工信局')
    const before = await dump(app)
    const error = await refused(
      app,
      'taskForce.update',
      { id: moved.id, version: moved.version, leadUnitId: b.unitId },
      'RULE',
    )
    expect(error.message).toContain('单位「区发改局」已停用')
    expect(await dump(app)).toEqual(before)
    expect((await app.call('project.get', { id: two.project.id })).taskForce.leadUnit.name).toBe('区发改局')
  })
})

describe('leaders: usage, deactivation (not deletion), re-enabling', () => {
  it('counts current and past projects and problems', async () => {
    const { app, b, one } = await setup()
    await app.call('project.reassignLeader', {
      projectId: one.project.id,
      version: one.project.version,
      leaderId: b.leader2Id,
      fromDate: '2026-06-01',
      note: '分工调整',
    })
    const problem = (await app.call('problem.list', {}))[0]!
    await app.call('problem.update', { id: problem.id, version: problem.version, responsibleLeaderId: b.leaderId })
    expect(await app.call('leader.usage', { id: b.leaderId })).toEqual({
      id: b.leaderId,
      name: '赵一平',
      active: true,
      currentProjects: 2,
      pastProjects: 1,
      problems: 1,
      openProblems: 1,
    })
    expect(await app.call('leader.usage', { id: b.leader2Id })).toMatchObject({ currentProjects: 1, pastProjects: 0 })
    await refused(app, 'leader.usage', { id: 9999 }, 'NOT_FOUND')
  })

  it('deactivates a leader with history (never deletes), keeps the name in the history, and re-enables', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { project } = await app.call('project.create', projectInput(b))
    await app.call('project.reassignLeader', {
      projectId: project.id,
      version: project.version,
      leaderId: b.leader2Id,
      fromDate: '2026-06-01',
      note: '',
    })
    const before = await dump(app)
    await refused(app, 'leader.delete', { id: b.leaderId, version: 1 }, 'RULE')
    expect(await dump(app)).toEqual(before)
    const off = await app.call('leader.update', { id: b.leaderId, version: 1, active: false })
    expect(off.active).toBe(false)
    expect((await app.call('leader.list', {})).map((l) => l.name)).toEqual(['钱二和'])
    expect((await app.call('leader.list', { includeInactive: true })).map((l) => [l.name, l.active])).toEqual([
      ['钱二和', true],
      ['赵一平', false],
    ])
    // The project's history and the ranking of a month it was leader in still name 赵一平.
    const detail = await app.call('project.get', { id: project.id })
    expect(detail.leaderHistory.map((h) => h.leader.name)).toEqual(['赵一平', '钱二和'])
    // Not for new use.
    const refusedCreate = await refused(app, 'project.create', projectInput(b, { code: 'XM-2' }), 'RULE')
    expect(refusedCreate.message).toContain('「赵一平」已停用')
    const log = (await app.call('audit.list', { entity: 'leader' })).filter((e) => e.entityId === b.leaderId)
    expect(log[0]).toMatchObject({
      field: 'active',
      oldValue: '是',
      newValue: '否',
      note: '赵一平（副区长），停用时曾包联1个项目、负责0个问题',
    })
    const on = await app.call('leader.update', { id: b.leaderId, version: off.version, active: true })
    expect(on.active).toBe(true)
    expect((await app.call('leader.list', {})).map((l) => l.name)).toEqual(['钱二和', '赵一平'])
    const again = (await app.call('audit.list', { entity: 'leader' })).filter((e) => e.entityId === b.leaderId)[0]
    expect(again).toMatchObject({ field: 'active', oldValue: '否', newValue: '是' })
  })

  it('refuses to deactivate a leader who owns projects now, saying how many', async () => {
    const { app, b } = await setup()
    const before = await dump(app)
    const error = await refused(app, 'leader.update', { id: b.leaderId, version: 1, active: false }, 'RULE')
    expect(error.message).toContain('目前包联3个项目')
    expect(await dump(app)).toEqual(before)
  })
})
