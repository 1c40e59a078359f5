import { describe, expect, it } from 'vitest'
import { dump, newApp, projectInput, raw, refused, seedBasics } from '../helpers/app'

async function setup() {
  const app = await newApp()
  const b = await seedBasics(app)
  const { project } = await app.call('project.create', projectInput(b))
  const problem = await app.call('problem.create', {
    projectId: project.id,
    categoryId: b.problemCategoryId,
    description: '项目用地指标尚未落实',
    raisedOn: '2026-09-01',
    responsibleUnitId: b.unit2Id,
    deadline: '2026-10-31',
  })
  return { app, b, projectId: project.id, problem }
}

describe('problems (问题清单)', () => {
  it('raises a problem owned by the 包联领导 by default, at the 专班 level', async () => {
    const { problem } = await setup()
    expect(problem).toMatchObject({
      status: 'open',
      level: 'task_force',
      responsibleLeader: { name: '赵一平' },
      responsibleUnit: { name: '区工信局' },
      category: { name: '用地' },
      projectCode: 'XM-001',
    })
  })

  it('walks 待办 → 办理中 → 提级 → 已销号 → reopened, each step audited', async () => {
    const { app, problem, projectId } = await setup()
    const started = await app.call('problem.start', { id: problem.id, version: 1 })
    expect(started.status).toBe('in_progress')
    const up = await app.call('problem.escalate', {
      id: problem.id,
      version: 2,
      toLevel: 'leader',
      note: '专班协调未果',
    })
    expect(up.level).toBe('leader')
    const county = await app.call('problem.escalate', {
      id: problem.id,
      version: 3,
      toLevel: 'county',
      note: '提交县调度会',
    })
    const closed = await app.call('problem.close', {
      id: problem.id,
      version: county.version,
      resolution: '县调度会议定，自然资源局调剂指标',
      closedOn: '2026-11-10',
    })
    expect(closed).toMatchObject({ status: 'closed', closedOn: '2026-11-10' })
    const reopened = await app.call('problem.reopen', {
      id: problem.id,
      version: closed.version,
      reason: '指标未实际下达',
    })
    expect(reopened).toMatchObject({ status: 'in_progress', closedOn: null, resolution: '' })
    const log = await app.call('audit.list', { projectId })
    expect(log.filter((e) => e.entity === 'problem').map((e) => e.action)).toEqual(
      expect.arrayContaining(['create', 'start', 'escalate', 'close', 'reopen']),
    )
    expect(log.find((e) => e.action === 'escalate' && e.newValue === '县调度会')?.note).toBe('提交县调度会')
  })

  it('销号 requires a resolution; the database refuses one without it too', async () => {
    const { app, problem } = await setup()
    const before = await dump(app)
    const error = await refused(
      app,
      'problem.close',
      { id: problem.id, version: 1, resolution: '', closedOn: '2026-11-01' },
      'INVALID_INPUT',
    )
    expect(error.message).toContain('「办理结果」不能为空')
    await refused(app, 'problem.close', { id: problem.id, version: 1, closedOn: '2026-11-01' }, 'INVALID_INPUT')
    // SQLite: "CHECK constraint failed"; PostgreSQL: "violates check constraint".
    await expect(
      raw(app, `UPDATE problems SET status = 'closed', closed_on = '2026-11-01' WHERE id = ?`, problem.id),
    ).rejects.toThrow(/check constraint/i)
    expect(await dump(app)).toEqual(before)
  })

  it('refuses escalating down or sideways, acting on closed problems, and bad dates', async () => {
    const { app, problem, b, projectId } = await setup()
    const before = await dump(app)
    await refused(app, 'problem.escalate', { id: problem.id, version: 1, toLevel: 'task_force', note: '同级' }, 'RULE')
    await refused(
      app,
      'problem.close',
      { id: problem.id, version: 1, resolution: '已解决', closedOn: '2026-08-01' },
      'RULE',
    )
    await refused(
      app,
      'problem.close',
      { id: problem.id, version: 1, resolution: '已解决', closedOn: '2026-12-01' },
      'RULE',
    )
    await refused(app, 'problem.reopen', { id: problem.id, version: 1, reason: '未销号' }, 'RULE')
    await refused(app, 'problem.update', { id: problem.id, version: 1, deadline: '2026-08-01' }, 'RULE')
    await refused(
      app,
      'problem.create',
      {
        projectId,
        categoryId: b.problemCategoryId,
        description: 'x',
        raisedOn: '2026-10-01',
        responsibleUnitId: b.unitId,
        deadline: '2026-09-01',
      },
      'RULE',
    )
    await refused(
      app,
      'problem.create',
      {
        projectId,
        categoryId: b.unitId,
        description: 'x',
        raisedOn: '2026-10-01',
        responsibleUnitId: b.unitId,
        deadline: '2026-12-01',
      },
      'NOT_FOUND',
    )
    expect(await dump(app)).toEqual(before)
    const closed = await app.call('problem.close', {
      id: problem.id,
      version: 1,
      resolution: '已解决',
      closedOn: '2026-10-30',
    })
    await refused(
      app,
      'problem.escalate',
      { id: problem.id, version: closed.version, toLevel: 'county', note: 'x' },
      'RULE',
    )
    await refused(app, 'problem.update', { id: problem.id, version: closed.version, description: '改' }, 'RULE')
    await refused(app, 'problem.start', { id: problem.id, version: closed.version }, 'RULE')
  })

  it('filters by state, level, category, unit and overdue', async () => {
    const { app, b, projectId, problem } = await setup()
    const second = await app.call('problem.create', {
      projectId,
      categoryId: b.problemCategoryId,
      description: '融资未到位',
      raisedOn: '2026-11-01',
      responsibleUnitId: b.unitId,
      deadline: '2026-12-31',
      level: 'leader',
    })
    const ids = async (f: object) => (await app.call('problem.list', f)).map((p) => p.id)
    expect(await ids({})).toEqual([problem.id, second.id])
    expect(await ids({ overdueOn: '2026-11-21' })).toEqual([problem.id])
    expect(await ids({ level: 'leader' })).toEqual([second.id])
    expect(await ids({ responsibleUnitId: b.unitId })).toEqual([second.id])
    expect(await ids({ status: 'closed' })).toEqual([])
    expect(await ids({ categoryId: b.problemCategoryId, projectId })).toHaveLength(2)
  })

  it('updates assignment fields and audits them by name', async () => {
    const { app, b, problem } = await setup()
    const updated = await app.call('problem.update', {
      id: problem.id,
      version: 1,
      responsibleUnitId: b.unitId,
      responsibleLeaderId: b.leader2Id,
    })
    expect(updated).toMatchObject({ responsibleUnit: { name: '区发改局' }, responsibleLeader: { name: '钱二和' } })
    const log = await app.call('audit.list', { entity: 'problem' })
    expect(log.filter((e) => e.action === 'update').map((e) => [e.field, e.oldValue, e.newValue])).toEqual(
      expect.arrayContaining([
        ['unit', '区工信局', '区发改局'],
        ['leader', '赵一平', '钱二和'],
      ]),
    )
  })
})

describe('a problem raised from a phone (requestId)', () => {
  it('is one problem when the same request comes again after a lost answer; another project may not reuse it', async () => {
    const { app, b, projectId } = await setup()
    const input = {
      projectId,
      categoryId: b.problemCategoryId,
      description: '塔吊基础验收未通过',
      raisedOn: '2026-11-20',
      responsibleUnitId: b.unit2Id,
      deadline: '2026-12-20',
      requestId: '5f2c9a7e1b3d4f6a8c0e2b4d6f8a0c1e',
    }
    const first = await app.call('problem.create', input)
    const again = await app.call('problem.create', input)
    expect(again.id).toBe(first.id)
    expect(
      (await app.call('problem.list', { projectId })).filter((p) => p.description === '塔吊基础验收未通过'),
    ).toHaveLength(1)
    expect(
      await raw(app, `SELECT count(*) AS n FROM audit_log WHERE entity = 'problem' AND entity_id = ?`, first.id),
    ).toEqual([{ n: expect.anything() }])
    const other = await app.call('project.create', projectInput(b, { code: 'XM-002', name: '另一项目' }))
    await refused(app, 'problem.create', { ...input, projectId: other.project.id }, 'RULE')
    await refused(app, 'problem.create', { ...input, requestId: 'short' }, 'INVALID_INPUT')
  })
})
