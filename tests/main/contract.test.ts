/**
 * The contract as a whole: every call is implemented, every call refuses bad input in Chinese without
 * changing anything, and every write leaves an audit row.
 */
import { LOCAL, type CallFrom } from '../../src/main/app'
import { loginAs } from '../helpers/accounts'
import { describe, expect, it } from 'vitest'
import { CALL_NAMES, contract, type CallName } from '../../src/shared/contract'
import { createHandlers } from '../../src/main/handlers'
import { dump, newApp, projectInput, rawNumber, refused, seedBasics, tempDir, type Basics } from '../helpers/app'
import { b64, pdf, photo } from '../helpers/images'
import { setBackupFolder } from '../../src/main/services/backups'
import { VersionedCache } from '../../src/main/versioned-cache'
import type { App } from '../../src/main/app'
import { countyLedger, toBase64 } from '../helpers/ledgers'

describe('the contract', () => {
  it('has a handler for every call and nothing else', async () => {
    const app = await newApp()
    expect(Object.keys(createHandlers(app.deps)).sort()).toEqual([...CALL_NAMES].sort())
  })

  it('names calls as feature.action', () => {
    for (const name of CALL_NAMES) expect(name).toMatch(/^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/)
  })

  it('refuses an unknown call', async () => {
    const app = await newApp()
    const error = await refused(app, 'project.drop', {}, 'UNKNOWN_CALL')
    expect(error.message).toContain('project.drop')
    await refused(app, '__proto__', {}, 'UNKNOWN_CALL')
    await refused(app, 'toString', {}, 'UNKNOWN_CALL')
  })

  describe.each(CALL_NAMES)('%s refuses malformed input and changes nothing', (name) => {
    it.each([
      ['a number instead of an object', 42],
      ['a string instead of an object', '{"id":1}'],
      ['an array instead of an object', [1, 2]],
      ['an unknown field', { __unknownField: true }],
    ])('%s', async (_label, input) => {
      const app = await newApp()
      await seedBasics(app)
      const before = await dump(app)
      const error = await refused(app, name, input, 'INVALID_INPUT')
      expect(error.message.startsWith('输入有误：')).toBe(true)
      expect(await dump(app)).toEqual(before)
    })
  })

  const writes = CALL_NAMES.filter((n) => contract[n].write)
  /** The leader session the 批示 scenario logs in (one per app: reset with each test's app). */
  let leader: CallFrom | undefined

  /** A valid input for each write call, built on the state the earlier calls left. */
  type Scenario = (app: App, b: Basics, s: Record<string, number>) => Promise<unknown>
  const scenario: Record<string, Scenario> = {
    'settings.updateRules': async () => ({
      version: 1,
      thresholds: { redOverdueDays: 25, upcomingDays: 7, redInvestmentPercent: 50, yellowInvestmentPercent: 80 },
      weights: { milestones: 50, investment: 30, problems: 20 },
    }),
    'settings.updateReport': async (app) => ({
      version: (await app.call('settings.report', {})).version,
      issuer: '某某区重点项目建设指挥部办公室',
      level: '区',
      docNumber: '〔2026〕12号',
      date: '',
      remarks: '',
    }),
    'dict.create': async () => ({ kind: 'unit', name: '区统计局' }),
    'dict.update': async (_a, b) => ({ id: b.unit2Id, version: 1, sortOrder: 5 }),
    'template.create': async () => ({ name: '简易节点', items: [{ name: '开工', share: 0 }] }),
    'template.update': async (_a, b) => ({ id: b.templateId, version: 1, name: '产业项目节点' }),
    'leader.create': async () => ({ name: '新领导', title: '副区长', sortOrder: 30 }),
    'leader.update': async (_a, b) => ({ id: b.leader2Id, version: 1, phone: '13000000000' }),
    'leader.delete': async (app) => {
      const l = await app.call('leader.create', { name: '临时', title: '副区长', sortOrder: 40 })
      return { id: l.id, version: l.version }
    },
    'project.create': async (_a, b) => projectInput(b, { code: 'XM-900', name: '契约测试项目' }),
    'project.update': async (app, _b, s) => ({
      id: s.project!,
      version: (await app.call('project.get', { id: s.project! })).project.version,
      name: '改名',
    }),
    'project.reassignLeader': async (app, b, s) => ({
      projectId: s.project!,
      version: (await app.call('project.get', { id: s.project! })).project.version,
      leaderId: b.leader2Id,
      fromDate: '2026-06-01',
      note: '',
    }),
    'project.move': async (app, _b, s) => ({
      id: s.project!,
      version: (await app.call('project.get', { id: s.project! })).project.version,
      toStage: 'investment',
    }),
    'project.setAnnualPlan': async (_a, _b, s) => ({ projectId: s.project!, year: 2026, amount: 1000 }),
    'project.remove': async (app, _b, s) => ({
      id: s.project!,
      version: (await app.call('project.get', { id: s.project! })).project.version,
      date: '2026-10-15',
      reason: '不再列为重点项目',
    }),
    'project.archive': async (app, b) => {
      const { project } = await app.call('project.create', projectInput(b, { code: 'XM-901', stage: 'production' }))
      return { id: project.id, version: project.version, date: '2026-11-01', reason: '已竣工投产' }
    },
    'project.restore': async (app, _b, s) => ({
      id: s.project!,
      version: (await app.call('project.get', { id: s.project! })).project.version,
      date: '2026-10-20',
      reason: '恢复推进',
    }),
    'taskForce.update': async (app, b, s) => {
      const tf = (await app.call('project.get', { id: s.project! })).taskForce
      return { id: tf.id, version: tf.version, leadUnitId: b.unit2Id }
    },
    'taskForce.addMember': async (app, _b, s) => ({
      taskForceId: (await app.call('project.get', { id: s.project! })).taskForce.id,
      person: { name: '成员甲', unit: '区发改局' },
      role: 'member',
    }),
    'taskForce.updateMember': async (app, _b, s) => {
      const m = (await app.call('project.get', { id: s.project! })).taskForce.members[0]!
      return { id: m.id, version: m.version, duty: '审批服务' }
    },
    'taskForce.removeMember': async (app, _b, s) => {
      const m = (await app.call('project.get', { id: s.project! })).taskForce.members[0]!
      return { id: m.id, version: m.version }
    },
    'person.update': async (app) => {
      const p = (await app.call('person.list', {}))[0]!
      return { id: p.id, version: p.version, phone: '13100000000' }
    },
    'plan.update': async (app, _b, s) => {
      const plan = (await app.call('project.get', { id: s.project! })).plan
      return { id: plan.id, version: plan.version, goals: '年内开工' }
    },
    'milestone.create': async (app, _b, s) => ({
      planId: (await app.call('project.get', { id: s.project! })).plan.id,
      name: '立项',
      plannedDate: '2026-03-01',
    }),
    'milestone.createFromTemplate': async (app, b, s) => ({
      planId: (await app.call('project.get', { id: s.project! })).plan.id,
      templateId: b.templateId,
      startDate: '2026-01-01',
      endDate: '2026-12-31',
    }),
    'milestone.update': async (app, _b, s) => {
      const m = (await app.call('project.get', { id: s.project! })).plan.milestones[0]!
      return { id: m.id, version: m.version, weight: 3 }
    },
    'milestone.reorder': async (app, _b, s) => {
      const plan = (await app.call('project.get', { id: s.project! })).plan
      return { planId: plan.id, orderedIds: plan.milestones.map((m) => m.id).reverse() }
    },
    'milestone.complete': async (app, _b, s) => {
      const m = (await app.call('project.get', { id: s.project! })).plan.milestones[0]!
      return { id: m.id, version: m.version, actualDate: '2026-11-01' }
    },
    'milestone.reopen': async (app, _b, s) => {
      const m = (await app.call('project.get', { id: s.project! })).plan.milestones.find((x) => x.actualDate)!
      return { id: m.id, version: m.version, reason: '录入有误' }
    },
    'milestone.remove': async (app, _b, s) => {
      const m = (await app.call('project.get', { id: s.project! })).plan.milestones[0]!
      return { id: m.id, version: m.version, reason: '重复' }
    },
    'report.save': async (_a, _b, s) => ({ projectId: s.project!, period: '2026-10', investment: 500 }),
    'problem.create': async (_a, b, s) => ({
      projectId: s.project!,
      categoryId: b.problemCategoryId,
      description: '用地未落实',
      raisedOn: '2026-10-01',
      responsibleUnitId: b.unitId,
      deadline: '2026-12-01',
    }),
    'problem.update': async (app) => {
      const p = (await app.call('problem.list', {}))[0]!
      return { id: p.id, version: p.version, deadline: '2026-12-15' }
    },
    'problem.start': async (app) => {
      const p = (await app.call('problem.list', {}))[0]!
      return { id: p.id, version: p.version }
    },
    'problem.escalate': async (app) => {
      const p = (await app.call('problem.list', {}))[0]!
      return { id: p.id, version: p.version, toLevel: 'leader', note: '协调' }
    },
    'problem.close': async (app) => {
      const p = (await app.call('problem.list', {}))[0]!
      return { id: p.id, version: p.version, resolution: '已落实', closedOn: '2026-11-20' }
    },
    'problem.reopen': async (app) => {
      const p = (await app.call('problem.list', {}))[0]!
      return { id: p.id, version: p.version, reason: '反复' }
    },
    'demo.load': async () => ({ projects: 3 }),
    'demo.remove': async () => ({}),
    // A 批示 is a leader's: written on a leader account's session (see `asLeader`).
    'instruction.create': async (app, b, s) => {
      leader ??= (await loginAs(app, 'zhaoyp', { roles: ['leader'], leaderId: b.leaderId })).from
      const projectId = s.project ?? (await app.call('project.create', projectInput(b, { code: 'PS-01' }))).project.id
      return { projectId, givenOn: '2026-11-20', text: '加快推进' }
    },
    'attachment.addToMilestone': async (app, _b, s) => ({
      milestoneId: (await app.call('project.get', { id: s.project! })).plan.milestones.at(-1)!.id,
      name: '现场.jpg',
      base64: b64(await photo()),
    }),
    'attachment.addToReport': async (app, _b, s) => ({
      reportId: (await app.call('report.list', { projectId: s.project! }))[0]!.id,
      name: '形象进度.jpg',
      base64: b64(await photo()),
    }),
    'attachment.addToProblem': async (app) => ({
      problemId: (await app.call('problem.list', {}))[0]!.id,
      name: '复函.pdf',
      base64: b64(pdf()),
    }),
    // The newest file: the problem's (a milestone with files is not removed, and milestone.remove comes later).
    'attachment.remove': async (app, _b, s) => ({
      id: (await app.call('attachment.list', { projectId: s.project! }))[0]!.id,
      reason: '传错',
    }),
    'reminder.send': async (_a, _b, s) => ({ projectId: s.project!, note: '请报送10月月报' }),
    'reminder.done': async (app) => ({ id: (await app.call('reminder.sent', { open: true }))[0]!.id }),
    'instruction.answer': async (app) => ({
      id: (await app.call('instruction.list', {})).find((i) => !i.answer)!.id,
      text: '已落实',
      answeredOn: '2026-11-21',
    }),
    'settings.updateReminders': async (app) => ({
      version: (await app.call('settings.reminders', {})).version,
      reportDueDay: 10,
      digest: { enabled: false, kind: 'wecom', url: '', secret: '', time: '08:30' },
    }),
    'ranking.freeze': async () => ({ period: '2026-09' }),
    'excel.import': async () => ({ fileName: '台账.xlsx', base64: await toBase64(await countyLedger()) }),
    'ranking.unfreeze': async () => ({ period: '2026-09', reason: '数据更正' }),
    'backup.resetFolder': async (app) => {
      await setBackupFolder(app.deps, tempDir())
      return {}
    },
    'backup.restore': async (app) => ({ name: (await app.call('backup.create', {})).name }),
    'auth.setup': async () => ({ login: 'admin', name: '管理员', unit: '区重点项目办', password: 'Zb#20261121' }),
    'auth.login': async () => ({ login: 'admin', password: 'Zb#20261121' }),
    'auth.changePassword': async () => ({ oldPassword: 'Zb#20261121', password: 'Zb#20261122' }),
    'auth.logout': async () => ({}),
    'user.create': async (app, b) => ({
      login: 'liaison',
      name: '赵联络',
      unit: '区发改局',
      unitId: b.unitId,
      roles: ['liaison'],
      password: 'Zb#20261121',
    }),
    'user.update': async (app) => {
      const user = (await app.call('user.list', {})).find((u) => u.login === 'liaison')!
      return { id: user.id, version: user.version, phone: '13800000000' }
    },
    'user.resetPassword': async (app) => {
      const user = (await app.call('user.list', {})).find((u) => u.login === 'liaison')!
      return { id: user.id, version: user.version, password: 'Zb#20261123' }
    },
    'user.unlock': async (app) => {
      const user = (await app.call('user.list', {})).find((u) => u.login === 'liaison')!
      return { id: user.id, version: user.version }
    },
    'security.updatePolicy': async (app) => ({
      version: (await app.call('security.policy', {})).version,
      lockThreshold: 5,
      lockMinutes: 20,
      idleMinutes: 30,
      passwordMaxAgeDays: 90,
      separateAdmin: false,
    }),
  }

  /**
   * Runs a scenario's write as its caller (the auth calls on `session`, a 批示 as the leader, the rest on the
   * command line) and checks it was accepted; a created project is the state's project from then on.
   */
  async function runWrite(
    app: App,
    name: CallName,
    input: unknown,
    session: CallFrom,
    state: Record<string, number>,
  ): Promise<void> {
    const auth = name.startsWith('auth.')
    const outcome = await app.invoke(name, input, auth ? session : name === 'instruction.create' ? leader! : LOCAL)
    expect(outcome, `${name}: ${JSON.stringify(outcome)}`).toMatchObject({ ok: true })
    if (name === 'project.create')
      state.project = (outcome as { result: { project: { id: number } } }).result.project.id
  }

  it('has a scenario for every write call', () => {
    expect(Object.keys(scenario).sort()).toEqual([...writes].sort())
  })

  it('leaves at least one audit row for every write, with the operator', async () => {
    const app = await newApp()
    leader = undefined
    const b = await seedBasics(app)
    const state: Record<string, number> = {}
    const count = (table: string) => rawNumber(app, `SELECT count(*) AS n FROM ${table}`)
    // Logging in and out changes no data: those calls leave their row in the security log instead.
    const auditCount = (name: string) => count(name.startsWith('auth.') ? 'security_log' : 'audit_log')
    // The auth calls run on one session (set up, log in, change the password, log out); demo.load needs an
    // empty project table, so it runs last.
    const session = { kind: 'session' as const, slot: { token: null }, source: '测试' }
    const auth = ['auth.setup', 'auth.login', 'auth.changePassword', 'auth.logout'] as CallName[]
    const order = [
      ...auth,
      ...writes.filter(
        (w) => !auth.includes(w) && w !== 'demo.load' && w !== 'demo.remove' && w !== 'milestone.remove',
      ),
      'milestone.remove',
      'demo.load',
      'demo.remove',
    ] as CallName[]
    for (const name of order) {
      const input = await scenario[name]!(app, b, state)
      if (name === 'demo.load') {
        // The demo only fills an empty database: check it on a fresh one.
        const fresh = await newApp()
        const n = await rawNumber(fresh, 'SELECT count(*) AS n FROM audit_log')
        await fresh.call('demo.load', input)
        expect(await rawNumber(fresh, 'SELECT count(*) AS n FROM audit_log')).toBeGreaterThan(n)
        continue
      }
      if (name === 'demo.remove') {
        // It removes the demo's own audit rows with the demo, and says so in one row of its own.
        const fresh = await newApp()
        await fresh.call('demo.load', { projects: 3 })
        await fresh.call('demo.remove', input)
        expect(await rawNumber(fresh, `SELECT count(*) AS n FROM audit_log WHERE entity = 'database'`)).toBe(1)
        continue
      }
      const before = await auditCount(name)
      await runWrite(app, name, input, session, state)
      expect(await auditCount(name), `${name} 应写入变更记录`).toBeGreaterThan(before)
    }
  })

  it('keeps what is computed from the whole data equal to computing it again, after every write', async () => {
    // The kanban's cards, 总览 and the months' rankings are kept per data version and, after a write, brought up
    // to date for the projects it named (versioned-cache.ts). A write that changed a project's facts without
    // naming it would leave a kept answer wrong: this compares each with one computed whole, after every write.
    const app = await newApp()
    leader = undefined
    const b = await seedBasics(app)
    await app.call('project.create', projectInput(b, { code: 'XM-801', name: '对照项目', stage: 'construction' }))
    const state: Record<string, number> = {}
    const session = { kind: 'session' as const, slot: { token: null }, source: '测试' }
    const auth = ['auth.setup', 'auth.login', 'auth.changePassword', 'auth.logout'] as CallName[]
    const views = async () => ({
      cards: (await app.call('kanban.cards', { limit: 200 })).cards,
      overview: await app.call('overview.get', {}),
      best: await app.call('overview.ranking', {}),
      october: (await app.call('ranking.projects', { period: '2026-10', limit: 200 })).rows,
      november: (await app.call('ranking.projects', { period: '2026-11', limit: 200 })).rows,
      groups: await Promise.all(
        (['leader', 'township', 'unit'] as const).map((by) => app.call('ranking.groups', { period: '2026-10', by })),
      ),
    })
    const wholeViews = async () => {
      const kept = { rankings: app.deps.rankings, boards: app.deps.boards, overviews: app.deps.overviews }
      Object.assign(app.deps, {
        rankings: new VersionedCache(4),
        boards: new VersionedCache(2),
        overviews: new VersionedCache(2),
      })
      try {
        return await views()
      } finally {
        Object.assign(app.deps, kept)
      }
    }
    await views()
    const patchesBefore = app.deps.boards.patches + app.deps.rankings.patches + app.deps.overviews.patches
    const order = [...auth, ...writes.filter((w) => !auth.includes(w) && !w.startsWith('demo.'))] as CallName[]
    for (const name of order) {
      const input = await scenario[name]!(app, b, state)
      await runWrite(app, name, input, session, state)
      expect(await views(), `${name} 之后保留的计算结果与重新计算的不一致`).toEqual(await wholeViews())
    }
    // The comparison compared something: most writes name their projects, and those were brought up to date.
    const patches = app.deps.boards.patches + app.deps.rankings.patches + app.deps.overviews.patches
    expect(patches - patchesBefore).toBeGreaterThan(30)
  })

  it('refuses the stale version of every versioned write and changes nothing', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { project } = await app.call('project.create', projectInput(b))
    const state = { project: project.id }
    // Bring each record to version ≥ 2 with one accepted write, then replay version 1.
    const versioned = [
      'project.update',
      'leader.update',
      'dict.update',
      'template.update',
      'plan.update',
      'taskForce.update',
      'settings.updateRules',
      'settings.updateReport',
    ] as const
    for (const name of versioned) {
      const input = (await scenario[name]!(app, b, state)) as Record<string, unknown>
      expect((await app.invoke(name, input, LOCAL)).ok, name).toBe(true)
      const before = await dump(app)
      await refused(app, name, { ...input, version: 1 }, 'CONFLICT')
      expect(await dump(app)).toEqual(before)
    }
  })

  it('refuses unknown ids on every call that takes one and changes nothing', async () => {
    const app = await newApp()
    await seedBasics(app)
    const before = await dump(app)
    const cases: [CallName, object][] = [
      ['project.get', { id: 9999 }],
      ['project.update', { id: 9999, version: 1, name: 'x' }],
      ['project.reassignLeader', { projectId: 9999, version: 1, leaderId: 1, fromDate: '2026-01-01', note: '' }],
      ['project.move', { id: 9999, version: 1, toStage: 'signed' }],
      ['project.setAnnualPlan', { projectId: 9999, year: 2026, amount: 1 }],
      ['project.remove', { id: 9999, version: 1, date: '2026-01-01', reason: 'x' }],
      ['project.archive', { id: 9999, version: 1, date: '2026-01-01', reason: 'x' }],
      ['project.restore', { id: 9999, version: 1, date: '2026-01-01', reason: 'x' }],
      ['leader.update', { id: 9999, version: 1, name: 'x' }],
      ['leader.delete', { id: 9999, version: 1 }],
      ['dict.update', { id: 9999, version: 1, name: 'x' }],
      ['template.update', { id: 9999, version: 1, name: 'x' }],
      ['taskForce.update', { id: 9999, version: 1, leadUnitId: 1 }],
      ['taskForce.updateMember', { id: 9999, version: 1, duty: 'x' }],
      ['taskForce.removeMember', { id: 9999, version: 1 }],
      ['person.update', { id: 9999, version: 1, name: 'x' }],
      ['plan.update', { id: 9999, version: 1, goals: 'x' }],
      ['milestone.create', { planId: 9999, name: 'x', plannedDate: '2026-01-01' }],
      ['milestone.update', { id: 9999, version: 1, name: 'x' }],
      ['milestone.reorder', { planId: 9999, orderedIds: [1] }],
      ['milestone.complete', { id: 9999, version: 1, actualDate: '2026-01-01' }],
      ['milestone.reopen', { id: 9999, version: 1, reason: 'x' }],
      ['milestone.remove', { id: 9999, version: 1, reason: 'x' }],
      ['report.save', { projectId: 9999, period: '2026-01', investment: 1 }],
      [
        'problem.create',
        {
          projectId: 9999,
          categoryId: 1,
          description: 'x',
          raisedOn: '2026-01-01',
          responsibleUnitId: 1,
          deadline: '2026-02-01',
        },
      ],
      ['problem.update', { id: 9999, version: 1, description: 'x' }],
      ['problem.start', { id: 9999, version: 1 }],
      ['problem.escalate', { id: 9999, version: 1, toLevel: 'county', note: 'x' }],
      ['problem.close', { id: 9999, version: 1, resolution: 'x', closedOn: '2026-01-01' }],
      ['problem.reopen', { id: 9999, version: 1, reason: 'x' }],
      ['ranking.breakdown', { projectId: 9999, period: '2026-10' }],
    ]
    for (const [name, input] of cases) {
      const error = await refused(app, name, input, 'NOT_FOUND')
      expect(error.message, name).toContain('不存在')
    }
    expect(await dump(app)).toEqual(before)
  })

  it('refuses over-long text and negative money wherever they are typed', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { project, plan } = await app.call('project.create', projectInput(b))
    const before = await dump(app)
    const long = '字'.repeat(3000)
    const cases: [CallName, object][] = [
      ['project.create', projectInput(b, { code: 'XM-002', content: long })],
      ['project.create', projectInput(b, { code: 'XM-002', totalInvestment: -100 })],
      ['project.update', { id: project.id, version: 1, name: long }],
      ['leader.create', { name: long, title: '副区长', sortOrder: 1 }],
      ['dict.create', { kind: 'unit', name: long }],
      ['milestone.create', { planId: plan.id, name: long, plannedDate: '2026-01-01' }],
      ['report.save', { projectId: project.id, period: '2026-10', investment: 1, narrative: long }],
      ['report.save', { projectId: project.id, period: '2026-10', investment: -1 }],
      ['project.setAnnualPlan', { projectId: project.id, year: 2026, amount: -1 }],
      [
        'problem.create',
        {
          projectId: project.id,
          categoryId: b.problemCategoryId,
          description: long,
          raisedOn: '2026-01-01',
          responsibleUnitId: b.unitId,
          deadline: '2026-02-01',
        },
      ],
      ['user.create', { login: 'long', name: long, unit: '区发改局', roles: ['office'], password: 'Zb#20261121' }],
    ]
    for (const [name, input] of cases) await refused(app, name, input, 'INVALID_INPUT')
    expect(await dump(app)).toEqual(before)
  })
})
