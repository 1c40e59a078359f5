import { describe, expect, it } from 'vitest'
import type { App } from '../../src/main/app'
import { contract, type CallInput } from '../../src/shared/contract'
import { createProjects } from '../../src/main/services/project-create'
import {
  TODAY,
  dump,
  fixedClock,
  newApp,
  projectInput,
  raw,
  rawNumber,
  refused,
  seedBasics,
  type Basics,
} from '../helpers/app'

/** A unique index or constraint refused the row: SQLite's wording or PostgreSQL's. */
const UNIQUE = /UNIQUE constraint failed|duplicate key value violates unique constraint/

describe('projects: 一个项目、一名领导、一个专班、一套方案', () => {
  it('creates the project with its leader, task force and plan in one go', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const detail = await app.call(
      'project.create',
      projectInput(b, { templateId: b.templateId, serviceContent: ['approval', 'financing'] }),
    )
    expect(detail.project.code).toBe('XM-001')
    expect(detail.project.totalInvestment).toBe(123456)
    expect(detail.leader).toEqual({ id: b.leaderId, name: '赵一平' })
    expect(detail.leaderHistory).toHaveLength(1)
    expect(detail.taskForce.leadUnit.name).toBe('区发改局')
    expect(detail.plan.serviceContent).toEqual(['approval', 'financing'])
    // The template's eight milestones, spread over 2026-03-01 … 2027-06-30, in order.
    expect(detail.plan.milestones.map((m) => m.name)).toEqual([
      '立项',
      '用地预审',
      '环评批复',
      '施工许可',
      '开工',
      '主体完工',
      '竣工验收',
      '投产',
    ])
    expect(detail.plan.milestones[0]!.plannedDate).toBe('2026-03-01')
    expect(detail.plan.milestones.at(-1)!.plannedDate).toBe('2027-06-30')
    const dates = detail.plan.milestones.map((m) => m.plannedDate)
    expect([...dates].sort()).toEqual(dates)
    expect(await rawNumber(app, 'SELECT count(*) AS n FROM task_forces WHERE project_id = ?', detail.project.id)).toBe(
      1,
    )
    expect(await rawNumber(app, 'SELECT count(*) AS n FROM plans WHERE project_id = ?', detail.project.id)).toBe(1)
  })

  it('writes an audit row with the operator for the creation', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { project } = await app.call('project.create', projectInput(b))
    const log = await app.call('audit.list', { projectId: project.id })
    expect(log.length).toBeGreaterThan(0)
    expect(log.every((e) => e.operator === '王测试' && e.operatorUnit === '区重点项目办')).toBe(true)
    expect(log.find((e) => e.field === 'totalInvestment')?.newValue).toBe('1,234.56')
    expect(log.find((e) => e.field === 'leader')?.newValue).toBe('赵一平')
  })

  it('refuses a duplicate project code and leaves the database as it was', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    await app.call('project.create', projectInput(b))
    const before = await dump(app)
    const error = await refused(app, 'project.create', projectInput(b, { name: '另一个项目' }), 'DUPLICATE')
    expect(error.message).toContain('项目编号「XM-001」已被项目「城东年产10万吨新型建材项目」使用')
    expect(await dump(app)).toEqual(before)
  })

  it('refuses a project whose template cannot be dated, creating nothing at all', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const before = await dump(app)
    await refused(
      app,
      'project.create',
      projectInput(b, { templateId: b.templateId, plannedStart: null, plannedEnd: null }),
      'RULE',
    )
    expect(await dump(app)).toEqual(before)
  })

  it('refuses unknown or wrong-kind references', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const before = await dump(app)
    await refused(app, 'project.create', projectInput(b, { leaderId: 999 }), 'NOT_FOUND')
    // A unit given where a township is expected.
    const error = await refused(app, 'project.create', projectInput(b, { townshipId: b.unitId }), 'NOT_FOUND')
    expect(error.message).toContain('乡镇/街道')
    await refused(app, 'project.create', projectInput(b, { leadUnitId: b.townshipId }), 'NOT_FOUND')
    expect(await dump(app)).toEqual(before)
  })

  it('refuses a deactivated leader or township for a new project', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const [leader] = (await app.call('leader.list', {})).filter((l) => l.id === b.leader2Id)
    await app.call('leader.update', { id: b.leader2Id, version: leader!.version, active: false })
    await refused(app, 'project.create', projectInput(b, { leaderId: b.leader2Id }), 'RULE')
    const township = (await app.call('dict.list', { kind: 'township' })).find((t) => t.id === b.township2Id)!
    await app.call('dict.update', { id: township.id, version: township.version, active: false })
    const error = await refused(app, 'project.create', projectInput(b, { townshipId: b.township2Id }), 'RULE')
    expect(error.message).toContain('已停用')
  })

  describe('exactly one 包联领导 at any time', () => {
    it('reassigns with a date and keeps the history', async () => {
      const app = await newApp()
      const b = await seedBasics(app)
      const { project } = await app.call('project.create', projectInput(b))
      const after = await app.call('project.reassignLeader', {
        projectId: project.id,
        version: project.version,
        leaderId: b.leader2Id,
        fromDate: '2026-07-01',
        note: '工作分工调整',
      })
      expect(after.leader.name).toBe('钱二和')
      expect(after.leaderHistory.map((h) => [h.leader.name, h.startDate, h.endDate])).toEqual([
        ['赵一平', '2026-01-01', '2026-07-01'],
        ['钱二和', '2026-07-01', null],
      ])
      expect(after.project.version).toBe(project.version + 1)
      const log = await app.call('audit.list', { projectId: project.id })
      expect(log[0]).toMatchObject({ action: 'reassign', field: 'leader', oldValue: '赵一平', newValue: '钱二和' })
    })

    it('refuses a second current leader at the database level', async () => {
      const app = await newApp()
      const b = await seedBasics(app)
      const { project } = await app.call('project.create', projectInput(b))
      const before = await dump(app)
      await expect(
        raw(
          app,
          `INSERT INTO leader_assignments (project_id, leader_id, start_date, end_date, note, created_at) VALUES (?, ?, '2026-05-01', NULL, '', 'x')`,
          project.id,
          b.leader2Id,
        ),
      ).rejects.toThrow(UNIQUE)
      expect(await dump(app)).toEqual(before)
    })

    it('refuses reassigning to the same leader, before the current start, or in the future', async () => {
      const app = await newApp()
      const b = await seedBasics(app)
      const { project } = await app.call('project.create', projectInput(b))
      const before = await dump(app)
      const base = { projectId: project.id, version: project.version, note: '' }
      expect(
        (
          await refused(
            app,
            'project.reassignLeader',
            { ...base, leaderId: b.leaderId, fromDate: '2026-05-01' },
            'RULE',
          )
        ).message,
      ).toContain('已是该项目的包联领导')
      expect(
        (
          await refused(
            app,
            'project.reassignLeader',
            { ...base, leaderId: b.leader2Id, fromDate: '2025-12-31' },
            'RULE',
          )
        ).message,
      ).toContain('不能早于')
      expect(
        (
          await refused(
            app,
            'project.reassignLeader',
            { ...base, leaderId: b.leader2Id, fromDate: '2026-12-01' },
            'RULE',
          )
        ).message,
      ).toContain('不能晚于今天')
      expect(await dump(app)).toEqual(before)
    })

    it('does not let history be deleted or rewritten', async () => {
      const app = await newApp()
      const b = await seedBasics(app)
      const { project } = await app.call('project.create', projectInput(b))
      await app.call('project.reassignLeader', {
        projectId: project.id,
        version: 1,
        leaderId: b.leader2Id,
        fromDate: '2026-07-01',
        note: '',
      })
      const before = await dump(app)
      await expect(raw(app, 'DELETE FROM leader_assignments WHERE project_id = ?', project.id)).rejects.toThrow(
        /不能删除/,
      )
      await expect(
        raw(app, `UPDATE leader_assignments SET end_date = '2026-08-01' WHERE end_date IS NOT NULL`),
      ).rejects.toThrow(/不能修改/)
      expect(await dump(app)).toEqual(before)
    })
  })

  it('refuses a second task force, a second plan, or losing either', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { project } = await app.call('project.create', projectInput(b))
    const before = await dump(app)
    await expect(
      raw(app, 'INSERT INTO task_forces (project_id, lead_unit_id) VALUES (?, ?)', project.id, b.unit2Id),
    ).rejects.toThrow(UNIQUE)
    await expect(raw(app, `INSERT INTO plans (project_id, goals) VALUES (?, '')`, project.id)).rejects.toThrow(UNIQUE)
    await expect(raw(app, 'DELETE FROM plans WHERE project_id = ?', project.id)).rejects.toThrow(/必须有一套方案/)
    await expect(raw(app, 'DELETE FROM task_forces WHERE project_id = ?', project.id)).rejects.toThrow(/必须有一个专班/)
    await expect(raw(app, 'DELETE FROM projects WHERE id = ?', project.id)).rejects.toThrow(/不能删除/)
    expect(await dump(app)).toEqual(before)
  })

  it('updates fields with a version and audits old → new in readable form', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { project } = await app.call('project.create', projectInput(b))
    const updated = await app.call('project.update', {
      id: project.id,
      version: project.version,
      name: '城东年产20万吨新型建材项目',
      totalInvestment: 200000,
      townshipId: b.township2Id,
    })
    expect(updated.version).toBe(2)
    expect(updated.townshipId).toBe(b.township2Id)
    const log = await app.call('audit.list', { projectId: project.id })
    const byField = Object.fromEntries(
      log.filter((e) => e.action === 'update').map((e) => [e.field, [e.oldValue, e.newValue]]),
    )
    expect(byField).toEqual({
      name: ['城东年产10万吨新型建材项目', '城东年产20万吨新型建材项目'],
      totalInvestment: ['1,234.56', '2,000.00'],
      township: ['城东街道', '吴桥镇'],
    })
  })

  it('refuses a stale version and changes nothing (lost update)', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { project } = await app.call('project.create', projectInput(b))
    await app.call('project.update', { id: project.id, version: 1, name: '第一人改的名称' })
    const before = await dump(app)
    const error = await refused(
      app,
      'project.update',
      { id: project.id, version: 1, name: '第二人改的名称' },
      'CONFLICT',
    )
    expect(error.message).toContain('请刷新后重新操作')
    expect(await dump(app)).toEqual(before)
  })

  it('refuses an update that puts the end before the start, merging with what is stored', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { project } = await app.call('project.create', projectInput(b))
    const before = await dump(app)
    await refused(app, 'project.update', { id: project.id, version: 1, plannedEnd: '2026-01-01' }, 'RULE')
    await refused(app, 'project.update', { id: project.id, version: 1, endYear: 2025 }, 'RULE')
    await refused(app, 'project.update', { id: project.id, version: 1, code: 'XM 001' }, 'INVALID_INPUT')
    expect(await dump(app)).toEqual(before)
  })

  it('lists with every filter', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    await app.call('project.create', projectInput(b))
    await app.call(
      'project.create',
      projectInput(b, {
        code: 'XM-002',
        name: '吴桥光伏发电项目',
        townshipId: b.township2Id,
        leaderId: b.leader2Id,
        leadUnitId: b.unit2Id,
        level: 'city',
        stage: 'construction',
      }),
    )
    await app.call('project.create', projectInput(b, { code: 'XM-100', name: '百分百项目' }))
    const codes = async (f: object) => (await app.call('project.list', f)).map((p) => p.code)
    expect(await codes({})).toHaveLength(3)
    expect(await codes({ stage: 'construction' })).toEqual(['XM-002'])
    expect(await codes({ leaderId: b.leader2Id })).toEqual(['XM-002'])
    expect(await codes({ townshipId: b.township2Id })).toEqual(['XM-002'])
    expect(await codes({ leadUnitId: b.unit2Id })).toEqual(['XM-002'])
    expect(await codes({ level: 'city' })).toEqual(['XM-002'])
    expect(await codes({ categoryId: b.categoryId })).toHaveLength(3)
    expect(await codes({ text: '光伏' })).toEqual(['XM-002'])
    expect(await codes({ text: 'xm-002' })).toEqual(['XM-002'])
    // LIKE wildcards in the search text are matched literally.
    expect(await codes({ text: '%' })).toEqual([])
    expect(await codes({ text: '_项' })).toEqual([])
  })
})

describe('many projects at once (createProjects, the ledger import)', () => {
  const operator = { userId: null, name: '王测试', unit: '区重点项目办' }
  function makeMany(app: App, inputs: CallInput<'project.create'>[], where?: (i: number) => string) {
    const parsed = inputs.map((i) => contract['project.create'].input.parse(i))
    return app.deps.store.write((db) =>
      createProjects(
        { db, now: fixedClock().toISOString(), today: TODAY, operator, touched: new Set() },
        parsed,
        where,
      ),
    )
  }
  const three = (b: Basics): CallInput<'project.create'>[] => [
    projectInput(b),
    projectInput(b, { code: 'XM-002', name: '吴桥物流园', stage: 'signed', leaderId: b.leader2Id, categoryId: null }),
    // The template last: a batch writes template milestones after all the projects' own audit rows.
    projectInput(b, {
      code: 'XM-003',
      name: '城东污水处理厂',
      townshipId: b.township2Id,
      leadUnitId: b.unit2Id,
      templateId: b.templateId,
    }),
  ]
  /** Every table but migrations, with the audit rows' operator left out (a call's caller and the test's differ only there). */
  async function contents(app: App) {
    const all = await dump(app)
    delete all.migrations // when each database was made
    delete all.data_version // how many write transactions made them
    all.audit_log = all.audit_log!.map((r) => {
      const { operator: _o, operator_unit: _u, user_id: _id, ...rest } = r as Record<string, unknown>
      return rest
    })
    return all
  }

  it('writes the same rows, positions and audit rows as the same projects made one at a time', async () => {
    const single = await newApp()
    const batch = await newApp()
    const [b1, b2] = [await seedBasics(single), await seedBasics(batch)]
    for (const input of three(b1)) await single.call('project.create', input)
    const ids = await makeMany(batch, three(b2))
    expect(ids).toHaveLength(3)
    expect(await contents(batch)).toEqual(await contents(single))
    // The kanban columns: two in 谋划包装 one after the other, the 签约落地 one alone.
    expect(await raw(batch, 'SELECT code, stage, position FROM projects ORDER BY id')).toEqual([
      { code: 'XM-001', stage: 'planning', position: 1024 },
      { code: 'XM-002', stage: 'signed', position: 1024 },
      { code: 'XM-003', stage: 'planning', position: 2048 },
    ])
  })

  it('refuses a code used twice in the batch or already stored, naming the input, and writes nothing', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    await app.call('project.create', projectInput(b, { code: 'XM-100', name: '已有项目' }))
    const before = await dump(app)
    const twice = [projectInput(b), projectInput(b, { name: '同编号的另一个项目' })]
    await expect(makeMany(app, twice, (i) => `第${i + 1}个：`)).rejects.toMatchObject({
      code: 'DUPLICATE',
      message: '第2个：项目编号「XM-001」已被项目「城东年产10万吨新型建材项目」使用，请换一个编号',
    })
    const stored = [projectInput(b), projectInput(b, { code: 'XM-100', name: '新项目' })]
    await expect(makeMany(app, stored)).rejects.toMatchObject({
      code: 'DUPLICATE',
      message: /「XM-100」已被项目「已有项目」/,
    })
    expect(await dump(app)).toEqual(before)
  })

  it('checks every input before writing any: a deactivated leader or unknown township in the last refuses all', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const [leader] = (await app.call('leader.list', {})).filter((l) => l.id === b.leader2Id)
    await app.call('leader.update', { id: b.leader2Id, version: leader!.version, active: false })
    const before = await dump(app)
    const inputs = (last: Partial<CallInput<'project.create'>>) => [
      projectInput(b),
      projectInput(b, { code: 'XM-002', ...last }),
    ]
    await expect(makeMany(app, inputs({ leaderId: b.leader2Id }), (i) => `第${i + 1}个：`)).rejects.toMatchObject({
      code: 'RULE',
      message: /^第2个：领导「钱二和」已停用/,
    })
    await expect(makeMany(app, inputs({ townshipId: 999 }))).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(makeMany(app, inputs({ townshipId: b.unitId }))).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await dump(app)).toEqual(before)
  })
})

describe('stage moves (五个一批) and kanban order', () => {
  async function setup() {
    const app = await newApp()
    const b = await seedBasics(app)
    const ids: number[] = []
    for (const [i, stage] of (['signed', 'signed', 'construction', 'construction'] as const).entries()) {
      const d = await app.call(
        'project.create',
        projectInput(b, { code: `XM-00${i + 1}`, name: `项目${i + 1}`, stage }),
      )
      ids.push(d.project.id)
    }
    return { app, b, ids }
  }

  const column = async (app: App, stage: string) =>
    (await app.call('project.list', { stage: stage as 'signed' })).map((p) => p.code)

  it('a 签约 → 开工 move records the date, the operator and the actual start', async () => {
    const { app, ids } = await setup()
    const moved = await app.call('project.move', {
      id: ids[0]!,
      version: 1,
      toStage: 'construction',
      date: '2026-11-02',
    })
    expect(moved.stage).toBe('construction')
    expect(moved.actualStart).toBe('2026-11-02')
    const detail = await app.call('project.get', { id: ids[0]! })
    expect(detail.stageMoves).toMatchObject([
      { fromStage: 'signed', toStage: 'construction', movedOn: '2026-11-02', operator: '王测试' },
    ])
    expect(await column(app, 'construction')).toEqual(['XM-003', 'XM-004', 'XM-001'])
    const log = await app.call('audit.list', { projectId: ids[0]! })
    const moveRows = log.filter((e) => e.action === 'move').reverse()
    expect(moveRows.map((e) => [e.field, e.oldValue, e.newValue])).toEqual([
      ['stage', '签约落地', '开工建设'],
      ['actualStart', null, '2026-11-02'],
    ])
  })

  it('defaults the date to today and refuses a future one', async () => {
    const { app, ids } = await setup()
    const before = await dump(app)
    await refused(app, 'project.move', { id: ids[0]!, version: 1, toStage: 'construction', date: '2026-11-22' }, 'RULE')
    expect(await dump(app)).toEqual(before)
    expect((await app.call('project.move', { id: ids[0]!, version: 1, toStage: 'construction' })).actualStart).toBe(
      '2026-11-21',
    )
  })

  it('drops a card in front of another, and renumbers when the gap is used up', async () => {
    const { app, ids } = await setup()
    await app.call('project.move', {
      id: ids[0]!,
      version: 1,
      toStage: 'construction',
      beforeId: ids[3]!,
      date: '2026-11-01',
    })
    expect(await column(app, 'construction')).toEqual(['XM-003', 'XM-001', 'XM-004'])
    // Squeeze cards between the same two neighbours until no integer is left between them.
    let version = 2
    let moving = ids[0]!
    let other = ids[1]!
    let otherVersion = 1
    for (let i = 0; i < 14; i++) {
      const res = await app.call('project.move', {
        id: other,
        version: otherVersion,
        toStage: 'construction',
        beforeId: moving,
      })
      ;[moving, other, otherVersion, version] = [other, moving, version, res.version]
    }
    const positions = (await app.call('project.list', { stage: 'construction' })).map((p) => p.position)
    expect(new Set(positions).size).toBe(positions.length)
    expect([...positions].sort((a, c) => a - c)).toEqual(positions)
  })

  it('reorders within a column without a stage move record', async () => {
    const { app, ids } = await setup()
    await app.call('project.move', { id: ids[3]!, version: 1, toStage: 'construction', beforeId: ids[2]! })
    expect(await column(app, 'construction')).toEqual(['XM-004', 'XM-003'])
    expect((await app.call('project.get', { id: ids[3]! })).stageMoves).toEqual([])
  })

  it('refuses a target card in another column, itself as target, or a stale card', async () => {
    const { app, ids } = await setup()
    const before = await dump(app)
    await refused(app, 'project.move', { id: ids[0]!, version: 1, toStage: 'construction', beforeId: ids[1]! }, 'RULE')
    await refused(app, 'project.move', { id: ids[0]!, version: 1, toStage: 'signed', beforeId: ids[0]! }, 'RULE')
    await refused(app, 'project.move', { id: ids[0]!, version: 9, toStage: 'construction' }, 'CONFLICT')
    await refused(app, 'project.move', { id: 999, version: 1, toStage: 'construction' }, 'NOT_FOUND')
    expect(await dump(app)).toEqual(before)
  })

  it('moving back before 开工 clears the actual start; reaching 竣工投产 sets the completion', async () => {
    const { app, ids } = await setup()
    const started = await app.call('project.move', {
      id: ids[0]!,
      version: 1,
      toStage: 'construction',
      date: '2026-10-01',
    })
    const done = await app.call('project.move', {
      id: ids[0]!,
      version: started.version,
      toStage: 'production',
      date: '2026-11-20',
    })
    expect([done.actualStart, done.actualEnd]).toEqual(['2026-10-01', '2026-11-20'])
    const back = await app.call('project.move', {
      id: ids[0]!,
      version: done.version,
      toStage: 'signed',
      date: '2026-11-21',
    })
    expect([back.actualStart, back.actualEnd]).toEqual([null, null])
  })
})

describe('annual planned investment', () => {
  it('sets one figure per project and year, versioned and within the construction period', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { project } = await app.call('project.create', projectInput(b))
    const created = await app.call('project.setAnnualPlan', { projectId: project.id, year: 2026, amount: 60000 })
    expect(created).toEqual({ projectId: project.id, year: 2026, amount: 60000, version: 1 })
    const before = await dump(app)
    await refused(app, 'project.setAnnualPlan', { projectId: project.id, year: 2026, amount: 1 }, 'CONFLICT')
    await refused(app, 'project.setAnnualPlan', { projectId: project.id, year: 2030, amount: 1 }, 'RULE')
    await refused(
      app,
      'project.setAnnualPlan',
      { projectId: project.id, year: 2026, amount: -5, version: 1 },
      'INVALID_INPUT',
    )
    expect(await dump(app)).toEqual(before)
    const updated = await app.call('project.setAnnualPlan', {
      projectId: project.id,
      year: 2026,
      amount: 65000,
      version: 1,
    })
    expect(updated.version).toBe(2)
    expect((await app.call('project.get', { id: project.id })).annualPlans).toEqual([updated])
  })
})
