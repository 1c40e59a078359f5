/**
 * The permission matrix of issue 17: every call × every role, allowed or refused as the issue's table says
 * (written out below, independently of the contract's own access declarations), the database byte-identical
 * after each refusal but for the one 'denied' row of the security log; the scoped writes of a 专班成员 (its own
 * 专班's projects) and a 责任单位联络员 (its own unit's problems and milestones) on real records; and the local
 * command line, a session with nobody logged in and an account that must still change its password.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { LOCAL, openApp, openAppAt, type App, type CallFrom } from '../../src/main/app'
import { ROLES, type Role } from '../../src/shared/access'
import { CALL_NAMES, type CallName } from '../../src/shared/contract'
import { CALL_LABELS } from '../../src/shared/call-labels'
import type { Outcome } from '../../src/shared/bridge'
import { LOCAL_NAME, dump, fixedClock, newApp, projectInput, raw, seedBasics, type Basics } from '../helpers/app'
import { CHANGED, PASSWORD, loginAs, newSession, type LoggedIn } from '../helpers/accounts'
import { TEST_STORE, withDatabase } from '../helpers/store'
import { b64, photo } from '../helpers/images'

// ---- The table: who may make each call ----------------------------------------------------------

/** Before logging in: anyone (the start screen). Not in the matrix: tested below on their own. */
const PUBLIC_CALLS = ['auth.status', 'auth.setup', 'auth.login', 'auth.me', 'auth.logout']
/** Any logged-in account, even one that must still change its password. Not in the matrix either. */
const SESSION_CALLS = ['auth.changePassword']
/** Every role reads everything. */
const READS = [
  'reminder.mine',
  'reminder.sent',
  'attachment.list',
  'attachment.get',
  'auth.roles',
  'system.info',
  'settings.get',
  'settings.report',
  'dict.list',
  'dict.usage',
  'template.list',
  'leader.list',
  'leader.options',
  'leader.page',
  'leader.usage',
  'project.list',
  'project.ledgerDetails',
  'project.get',
  'person.list',
  'taskForce.contacts',
  'report.list',
  'report.figures',
  'problem.list',
  'problem.page',
  'project.page',
  'kanban.cards',
  'kanban.board',
  'kanban.column',
  'overview.get',
  'overview.ranking',
  'overview.setup',
  'lights.get',
  'ranking.projects',
  'ranking.groups',
  'ranking.breakdown',
  'ranking.frozenMonths',
  'audit.list',
  'instruction.list',
]
/** 系统管理员: accounts, the security log and policy, backups and restore (and reads; no project data edits). */
const ADMIN_CALLS = [
  'user.list',
  'user.create',
  'user.update',
  'user.resetPassword',
  'user.unlock',
  'security.log',
  'security.policy',
  'security.updatePolicy',
  'backup.list',
  'backup.create',
  'backup.restore',
  'backup.resetFolder',
]
/**
 * 重点项目办: everything on project data — the project library, dictionaries, leaders, templates, Excel imports and
 * exports, 封账/解除封账, rules and weights, 通报 settings, demo data (and the scoped writes below, everywhere).
 */
const OFFICE_CALLS = [
  'demo.load',
  'demo.remove',
  'settings.updateRules',
  'settings.updateReport',
  'dict.create',
  'dict.update',
  'template.create',
  'template.update',
  'leader.create',
  'leader.update',
  'leader.delete',
  'project.create',
  'project.update',
  'project.reassignLeader',
  'project.move',
  'project.setAnnualPlan',
  'project.remove',
  'project.archive',
  'project.restore',
  'taskForce.update',
  'taskForce.addMember',
  'taskForce.updateMember',
  'taskForce.removeMember',
  'person.update',
  'ranking.freeze',
  'ranking.unfreeze',
  'excel.export',
  'excel.preview',
  'excel.import',
  'excel.importProgress',
  'excel.cancelImport',
  'reminder.send',
  'settings.reminders',
  'settings.updateReminders',
  'reminder.sendDigest',
]
/** 重点项目办, and a 专班成员 on the projects whose 专班 it belongs to. */
const MEMBER_CALLS = [
  'plan.update',
  'milestone.create',
  'milestone.createFromTemplate',
  'milestone.update',
  'milestone.reorder',
  'milestone.reopen',
  'milestone.remove',
  'report.save',
  'problem.create',
  'problem.update',
  'problem.escalate',
  'problem.reopen',
  'attachment.addToReport',
  'reminder.done',
  'instruction.answer',
]
/** As MEMBER_CALLS, and a 责任单位联络员 on the problems and milestones its unit is responsible for. */
const LIAISON_CALLS = [
  'milestone.complete',
  'problem.start',
  'problem.close',
  'attachment.addToMilestone',
  'attachment.addToProblem',
  'attachment.remove',
]
/**
 * 县领导: reads everything and writes nothing of the project data. Its one write is 领导批示 (the table
 * says "no writes" because 批示 was not built yet; it is being added as access 'instruction'): on any project or
 * problem, under the leader record its account is linked to, and nobody else's.
 */
const LEADER_CALLS = ['instruction.create']

type Group = 'public' | 'session' | 'read' | 'admin' | 'office' | 'leader' | 'member' | 'liaison'
const GROUPS: Record<Group, string[]> = {
  public: PUBLIC_CALLS,
  session: SESSION_CALLS,
  read: READS,
  admin: ADMIN_CALLS,
  office: OFFICE_CALLS,
  leader: LEADER_CALLS,
  member: MEMBER_CALLS,
  liaison: LIAISON_CALLS,
}

/** 'all': allowed everywhere; 'scoped': allowed on its own projects / unit only; 'none': refused. */
type May = 'all' | 'scoped' | 'none'
const TABLE: Record<Exclude<Group, 'public' | 'session'>, Record<Role, May>> = {
  read: { admin: 'all', office: 'all', leader: 'all', member: 'all', liaison: 'all' },
  admin: { admin: 'all', office: 'none', leader: 'none', member: 'none', liaison: 'none' },
  office: { admin: 'none', office: 'all', leader: 'none', member: 'none', liaison: 'none' },
  leader: { admin: 'none', office: 'none', leader: 'all', member: 'none', liaison: 'none' },
  member: { admin: 'none', office: 'all', leader: 'none', member: 'scoped', liaison: 'none' },
  liaison: { admin: 'none', office: 'all', leader: 'none', member: 'scoped', liaison: 'scoped' },
}
/** The roles a refusal must name as needed. */
const NEEDED: Record<Exclude<Group, 'public' | 'session' | 'read'>, string[]> = {
  admin: ['系统管理员'],
  office: ['重点项目办'],
  leader: ['县领导'],
  member: ['重点项目办', '专班成员'],
  liaison: ['重点项目办', '专班成员', '责任单位联络员'],
}
const ROLE_NAMES: Record<Role, string> = {
  admin: '系统管理员',
  office: '重点项目办',
  leader: '县领导',
  member: '专班成员',
  liaison: '责任单位联络员',
}

function groupOf(name: string): Group | undefined {
  return (Object.keys(GROUPS) as Group[]).find((g) => GROUPS[g].includes(name))
}

const ACCESS_CODES = ['FORBIDDEN', 'UNAUTHENTICATED', 'PASSWORD_CHANGE']
const chinese = /[\u4e00-\u9fff]/
type Dump = Record<string, unknown[]>

/** The refusal left every table as it was, but one 'denied' row of `userId` added to the security log. */
function expectOnlyDenied(before: Dump, after: Dump, userId: number, call: string) {
  const { security_log: unsortedBefore, ...restBefore } = before
  const { security_log: unsortedAfter, ...restAfter } = after
  // In the order written (a PostgreSQL dump orders rows by their text, not their id).
  const byId = (rows: unknown[] | undefined) =>
    [...rows!].sort((x, y) => (x as { id: number }).id - (y as { id: number }).id)
  const logBefore = byId(unsortedBefore)
  const logAfter = byId(unsortedAfter)
  expect(restAfter).toEqual(restBefore)
  expect(logAfter.slice(0, -1)).toEqual(logBefore)
  expect(logAfter).toHaveLength(logBefore.length + 1)
  expect(logAfter.at(-1)).toMatchObject({ event: 'denied', user_id: userId })
  // Named as the screens name it (账号 → 安全日志 reads in Chinese).
  expect(String((logAfter.at(-1) as { detail: string }).detail)).toContain(CALL_LABELS[call as CallName])
}

function expectForbidden(outcome: Outcome<unknown>, needed: string[]) {
  expect(outcome).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  const { message } = (outcome as { error: { message: string } }).error
  expect(message).toMatch(chinese)
  // "此操作需要「…」；您的账号（…）是「…」…": the first clause names the roles the call needs, and only those.
  const need = message.split('；')[0]!
  for (const role of ROLES)
    if (needed.includes(ROLE_NAMES[role])) expect(need).toContain(`「${ROLE_NAMES[role]}」`)
    else expect(need).not.toContain(`「${ROLE_NAMES[role]}」`)
}

// ---- Shared databases (one per role): the helpers' newApp closes its apps (and drops their PostgreSQL
// databases) after every test, so these are made here, on the store under test, and kept for the file -----

const sharedDirs: string[] = []
const sharedDatabases: string[] = []
const sharedApps: App[] = []

/** One statement on the test PostgreSQL server's maintenance database (creating and dropping databases). */
async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('pgUrl') })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

async function sharedApp(): Promise<App> {
  const options = { clock: fixedClock, localName: LOCAL_NAME }
  let app: App
  if (TEST_STORE === 'postgres') {
    const name = `zb_perm_${process.pid}_${randomBytes(4).toString('hex')}`
    await onServer(`CREATE DATABASE ${name}`)
    sharedDatabases.push(name)
    app = await openAppAt(withDatabase(inject('pgUrl'), name), options)
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-perm-'))
    sharedDirs.push(dir)
    app = openApp(path.join(dir, 'test.db'), options)
  }
  sharedApps.push(app)
  return app
}
afterAll(async () => {
  for (const app of sharedApps.splice(0)) await app.close()
  for (const dir of sharedDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  for (const name of sharedDatabases.splice(0)) await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
})

/** Two projects: A with a 专班成员 (孙专班) and B without; each with milestones and problems of two units. */
interface World {
  b: Basics
  personId: number
  A: ProjectBits
  B: ProjectBits
}
interface ProjectBits {
  projectId: number
  planId: number
  /** Milestones whose 责任单位 is 区发改局 (b.unitId) and 区工信局 (b.unit2Id). */
  milestoneOwn: number
  milestoneOther: number
  /** Problems whose 责任单位 is b.unitId and b.unit2Id. */
  problemOwn: number
  problemOther: number
}

async function projectBits(app: App, b: Basics, code: string): Promise<ProjectBits> {
  const { project, plan } = await app.call('project.create', projectInput(b, { code, name: `项目${code}` }))
  const m1 = await app.call('milestone.create', {
    planId: plan.id,
    name: '办理施工许可',
    plannedDate: '2026-09-30',
    responsibleUnit: '区发改局',
  })
  const m2 = await app.call('milestone.create', {
    planId: plan.id,
    name: '供电接入',
    plannedDate: '2026-10-31',
    responsibleUnit: '区工信局',
  })
  const problem = (unitId: number) =>
    app.call('problem.create', {
      projectId: project.id,
      categoryId: b.problemCategoryId,
      description: '用地指标未落实',
      raisedOn: '2026-10-01',
      responsibleUnitId: unitId,
      deadline: '2026-12-01',
    })
  const p1 = await problem(b.unitId)
  const p2 = await problem(b.unit2Id)
  return {
    projectId: project.id,
    planId: plan.id,
    milestoneOwn: m1.id,
    milestoneOther: m2.id,
    problemOwn: p1.id,
    problemOther: p2.id,
  }
}

async function buildWorld(app: App): Promise<World> {
  const b = await seedBasics(app)
  const A = await projectBits(app, b, 'XM-001')
  const B = await projectBits(app, b, 'XM-002')
  const tfA = (await app.call('project.get', { id: A.projectId })).taskForce
  const member = await app.call('taskForce.addMember', {
    taskForceId: tfA.id,
    person: { name: '孙专班', unit: '区发改局' },
    role: 'member',
  })
  return { b, personId: member.person.id, A, B }
}

/** The account of one role, with the link its role needs. */
function accountOf(role: Role, w: World) {
  return {
    roles: [role],
    ...(role === 'leader' && { leaderId: w.b.leaderId }),
    ...(role === 'member' && { personId: w.personId }),
    ...(role === 'liaison' && { unitId: w.b.unitId }),
  }
}

// ---- The matrix ---------------------------------------------------------------------------------------

describe('the permission matrix', () => {
  it('classifies every call of the contract exactly once, and nothing else', () => {
    const classified = Object.values(GROUPS).flat()
    expect(new Set(classified).size).toBe(classified.length)
    expect([...classified].sort()).toEqual([...CALL_NAMES].sort())
  })

  it('is what 账号管理 shows (auth.roles), for every call and role', async () => {
    const app = await newApp()
    const rows = await app.call('auth.roles', {})
    const expected = CALL_NAMES.filter((n) => !PUBLIC_CALLS.includes(n) && !SESSION_CALLS.includes(n)).map((call) => {
      const group = groupOf(call) as keyof typeof TABLE
      return { call, roles: TABLE[group] }
    })
    expect(rows.map((r) => ({ call: r.call, roles: r.roles }))).toEqual(expected)
  })

  const worlds = new Map<Role, { app: App; who: LoggedIn }>()
  beforeAll(async () => {
    for (const role of ROLES) {
      const app = await sharedApp()
      const w = await buildWorld(app)
      worlds.set(role, { app, who: await loginAs(app, role, accountOf(role, w)) })
    }
  })

  // Public and session-only calls are not a matter of role: they are tested on their own below.
  const cases = CALL_NAMES.filter((n) => !PUBLIC_CALLS.includes(n) && !SESSION_CALLS.includes(n)).flatMap((name) =>
    ROLES.map((role) => [name, role] as const),
  )

  it.each(cases)('%s as %s', async (name, role) => {
    const group = groupOf(name)
    expect(group, `${name} 不在权限表中：请按 issue 17 的角色表归类`).toBeDefined()
    const may = TABLE[group as keyof typeof TABLE][role]
    const { app, who } = worlds.get(role)!
    const before = await dump(app)
    const outcome = await app.invoke(name, {}, who.from)
    if (may === 'none') {
      expectForbidden(outcome, NEEDED[group as keyof typeof NEEDED])
      expectOnlyDenied(before, await dump(app), who.userId, name)
    } else if (!outcome.ok) {
      // Past the access check ({} is usually not a valid input: INVALID_INPUT is fine here).
      expect(ACCESS_CODES, `${name} as ${role}: ${outcome.error.message}`).not.toContain(outcome.error.code)
    }
  })
})

// ---- Scoped writes on real records -------------------------------------------------------------------

/** A valid input for each scoped write on the project `p`, built on the state the earlier steps left. */
type Step = (app: App, w: World, p: ProjectBits) => Promise<Record<string, unknown>>

/** A 批示 on `projectId` by the world's leader: its id. */
async function givenInstruction(app: App, w: World, projectId: number): Promise<number> {
  const { rows } = await sql<{
    id: number
  }>`INSERT INTO instructions (project_id, leader_id, given_on, text, created_at)
    VALUES (${projectId}, ${w.b.leaderId}, '2026-11-20', '请加快推进', '2026-11-20T00:00:00.000Z') RETURNING id`.execute(
    app.deps.db,
  )
  return rows[0]!.id
}
const milestone = async (app: App, p: ProjectBits, id: number) =>
  (await app.call('project.get', { id: p.projectId })).plan.milestones.find((m) => m.id === id)!
const problem = async (app: App, p: ProjectBits, id: number) =>
  (await app.call('problem.list', { projectId: p.projectId })).find((x) => x.id === id)!

const MEMBER_STEPS: [CallName, Step][] = [
  [
    'plan.update',
    async (app, _w, p) => {
      const plan = (await app.call('project.get', { id: p.projectId })).plan
      return { id: plan.id, version: plan.version, goals: '年内开工' }
    },
  ],
  ['milestone.create', async (_a, _w, p) => ({ planId: p.planId, name: '立项', plannedDate: '2026-03-01' })],
  [
    'milestone.createFromTemplate',
    async (_a, w, p) => ({
      planId: p.planId,
      templateId: w.b.templateId,
      startDate: '2026-01-01',
      endDate: '2026-12-31',
    }),
  ],
  [
    'milestone.update',
    async (app, _w, p) => {
      const m = await milestone(app, p, p.milestoneOwn)
      return { id: m.id, version: m.version, weight: 3 }
    },
  ],
  [
    'milestone.reorder',
    async (app, _w, p) => {
      const plan = (await app.call('project.get', { id: p.projectId })).plan
      return { planId: plan.id, orderedIds: plan.milestones.map((m) => m.id).reverse() }
    },
  ],
  [
    'milestone.complete',
    async (app, _w, p) => {
      const m = await milestone(app, p, p.milestoneOwn)
      return { id: m.id, version: m.version, actualDate: '2026-11-01' }
    },
  ],
  [
    'milestone.reopen',
    async (app, _w, p) => {
      const m = await milestone(app, p, p.milestoneOwn)
      return { id: m.id, version: m.version, reason: '录入有误' }
    },
  ],
  [
    'milestone.remove',
    async (app, _w, p) => {
      const m = await milestone(app, p, p.milestoneOther)
      return { id: m.id, version: m.version, reason: '重复' }
    },
  ],
  ['report.save', async (_a, _w, p) => ({ projectId: p.projectId, period: '2026-10', investment: 500 })],
  [
    'attachment.addToReport',
    async (app, _w, p) => {
      const report = await app.call('report.save', { projectId: p.projectId, period: '2026-09', investment: 100 })
      return { reportId: report.id, name: '形象进度.jpg', base64: b64(await photo()) }
    },
  ],
  [
    'reminder.done',
    async (app, _w, p) => ({
      id: (await app.call('reminder.send', { projectId: p.projectId, note: '请报送月报' })).id,
    }),
  ],
  [
    'instruction.answer',
    async (app, w, p) => {
      // A 批示 on the project, given by a 县领导 (through the local caller's leader link below the contract).
      const id = await givenInstruction(app, w, p.projectId)
      return { id, text: '已落实', answeredOn: '2026-11-21' }
    },
  ],
  [
    'attachment.addToMilestone',
    async (_a, _w, p) => ({ milestoneId: p.milestoneOwn, name: '开工照片.jpg', base64: b64(await photo()) }),
  ],
  [
    'attachment.addToProblem',
    async (_a, _w, p) => ({ problemId: p.problemOwn, name: '办理结果.jpg', base64: b64(await photo()) }),
  ],
  [
    'attachment.remove',
    async (app, _w, p) => {
      const file = await app.call('attachment.addToMilestone', {
        milestoneId: p.milestoneOwn,
        name: '传错的照片.jpg',
        base64: b64(await photo()),
      })
      return { id: file.id, reason: '传错了' }
    },
  ],
  [
    'problem.create',
    async (_a, w, p) => ({
      projectId: p.projectId,
      categoryId: w.b.problemCategoryId,
      description: '施工用电未接入',
      raisedOn: '2026-10-05',
      responsibleUnitId: w.b.unitId,
      deadline: '2026-12-10',
    }),
  ],
  [
    'problem.update',
    async (app, _w, p) => {
      const x = await problem(app, p, p.problemOwn)
      return { id: x.id, version: x.version, deadline: '2026-12-15' }
    },
  ],
  [
    'problem.start',
    async (app, _w, p) => {
      const x = await problem(app, p, p.problemOwn)
      return { id: x.id, version: x.version }
    },
  ],
  [
    'problem.escalate',
    async (app, _w, p) => {
      const x = await problem(app, p, p.problemOwn)
      return { id: x.id, version: x.version, toLevel: 'leader', note: '需领导协调' }
    },
  ],
  [
    'problem.close',
    async (app, _w, p) => {
      const x = await problem(app, p, p.problemOwn)
      return { id: x.id, version: x.version, resolution: '已落实', closedOn: '2026-11-20' }
    },
  ],
  [
    'problem.reopen',
    async (app, _w, p) => {
      const x = await problem(app, p, p.problemOwn)
      return { id: x.id, version: x.version, reason: '问题反复' }
    },
  ],
]

describe('scoped writes', () => {
  it('has a step for every write a 专班成员 may make on its own projects', () => {
    expect(MEMBER_STEPS.map(([name]) => name).sort()).toEqual([...MEMBER_CALLS, ...LIAISON_CALLS].sort())
  })

  it("lets a 专班成员 write its own 专班's project and refuses the other one, which stays unchanged", async () => {
    const app = await newApp()
    const w = await buildWorld(app)
    const member = await loginAs(app, 'sun', { roles: ['member'], personId: w.personId })
    for (const [name, step] of MEMBER_STEPS) {
      // The input first: a step may make what the call needs (a report to attach to, a file to remove).
      const input = await step(app, w, w.B)
      const before = await dump(app)
      const refusedOutcome = await app.invoke(name, input, member.from)
      expectForbidden(refusedOutcome, NEEDED[groupOf(name) as 'member' | 'liaison'])
      expect((refusedOutcome as { error: { message: string } }).error.message).toContain('不是您')
      expectOnlyDenied(before, await dump(app), member.userId, name)

      const outcome = await app.invoke(name, await step(app, w, w.A), member.from)
      expect(outcome, name).toMatchObject({ ok: true })
    }
    // Its changes are audited under its account.
    const rows = await raw(
      app,
      'SELECT DISTINCT operator, user_id FROM audit_log WHERE project_id = ? AND user_id IS NOT NULL',
      w.A.projectId,
    )
    expect(rows).toEqual([{ operator: '测试sun', user_id: member.userId }])
  })

  it('refuses a 专班成员 who is in no 专班, and one whose account names another person', async () => {
    const app = await newApp()
    const w = await buildWorld(app)
    const stranger = await app.call('taskForce.addMember', {
      taskForceId: (await app.call('project.get', { id: w.B.projectId })).taskForce.id,
      person: { name: '周外人', unit: '区工信局' },
      role: 'member',
    })
    // 周外人 is in B's 专班 only: A's records are not his.
    const other = await loginAs(app, 'zhou', { roles: ['member'], personId: stranger.person.id })
    const before = await dump(app)
    const outcome = await app.invoke(
      'report.save',
      { projectId: w.A.projectId, period: '2026-10', investment: 1 },
      other.from,
    )
    expectForbidden(outcome, NEEDED.member)
    expectOnlyDenied(before, await dump(app), other.userId, 'report.save')
  })

  it("lets a 责任单位联络员 start and close its unit's problems and complete its unit's milestones, nothing else", async () => {
    const app = await newApp()
    const w = await buildWorld(app)
    const liaison = await loginAs(app, 'lian', { roles: ['liaison'], unitId: w.b.unitId })
    const as = (name: CallName, input: Record<string, unknown>) => app.invoke(name, input, liaison.from)
    const refuses = async (name: CallName, input: Record<string, unknown>, needed: string[]) => {
      const before = await dump(app)
      expectForbidden(await as(name, input), needed)
      expectOnlyDenied(before, await dump(app), liaison.userId, name)
    }
    for (const p of [w.A, w.B]) {
      // Another unit's problem and milestone: refused, unchanged.
      const other = await problem(app, p, p.problemOther)
      await refuses('problem.start', { id: other.id, version: other.version }, NEEDED.liaison)
      await refuses(
        'problem.close',
        { id: other.id, version: other.version, resolution: '已落实', closedOn: '2026-11-20' },
        NEEDED.liaison,
      )
      const otherMilestone = await milestone(app, p, p.milestoneOther)
      await refuses(
        'milestone.complete',
        { id: otherMilestone.id, version: otherMilestone.version, actualDate: '2026-11-01' },
        NEEDED.liaison,
      )
      // Its own unit's problem: it may not edit, escalate or reopen it (only 专班 and office do).
      const own = await problem(app, p, p.problemOwn)
      await refuses('problem.update', { id: own.id, version: own.version, deadline: '2026-12-15' }, NEEDED.member)
      await refuses(
        'problem.escalate',
        { id: own.id, version: own.version, toLevel: 'leader', note: '协调' },
        NEEDED.member,
      )
      // …but it may start and close it, in any project.
      const started = await as('problem.start', { id: own.id, version: own.version })
      expect(started).toMatchObject({ ok: true, result: { status: 'in_progress' } })
      const closed = await as('problem.close', {
        id: own.id,
        version: own.version + 1,
        resolution: '已协调落实',
        closedOn: '2026-11-20',
      })
      expect(closed).toMatchObject({ ok: true, result: { status: 'closed' } })
      await refuses('problem.reopen', { id: own.id, version: own.version + 2, reason: '反复' }, NEEDED.member)
      // Its own unit's milestone (责任单位 text = the unit's name): complete, but not reopen.
      const m = await milestone(app, p, p.milestoneOwn)
      const done = await as('milestone.complete', { id: m.id, version: m.version, actualDate: '2026-11-01' })
      expect(done).toMatchObject({ ok: true, result: { actualDate: '2026-11-01' } })
      await refuses('milestone.reopen', { id: m.id, version: m.version + 1, reason: '有误' }, NEEDED.member)
      const create = MEMBER_STEPS.find(([name]) => name === 'problem.create')![1]
      await refuses('problem.create', await create(app, w, p), NEEDED.member)
    }
  })

  it('lets a 县领导 give a 批示 on a real project, and refuses 重点项目办 and 专班成员 the same', async () => {
    const app = await newApp()
    const w = await buildWorld(app)
    const leader = await loginAs(app, 'zhao', { roles: ['leader'], leaderId: w.b.leaderId })
    const office = await loginAs(app, 'office', { roles: ['office'] })
    const member = await loginAs(app, 'sun', { roles: ['member'], personId: w.personId })
    const input = {
      projectId: w.A.projectId,
      problemId: w.A.problemOwn,
      givenOn: '2026-11-20',
      text: '请发改局本周内协调落实',
    }
    for (const who of [office, member]) {
      const before = await dump(app)
      expectForbidden(await app.invoke('instruction.create', input, who.from), NEEDED.leader)
      expectOnlyDenied(before, await dump(app), who.userId, 'instruction.create')
    }
    expect(await app.invoke('instruction.create', input, leader.from)).toMatchObject({ ok: true })
    const rows = await raw(app, `SELECT operator, user_id FROM audit_log WHERE entity = 'instruction'`)
    expect(rows).toEqual([{ operator: '测试zhao', user_id: leader.userId }])
  })

  it('lets 重点项目办 make every scoped write on any project', async () => {
    const app = await newApp()
    const w = await buildWorld(app)
    const office = await loginAs(app, 'office', { roles: ['office'] })
    for (const p of [w.A, w.B])
      for (const [name, step] of MEMBER_STEPS)
        expect(await app.invoke(name, await step(app, w, p), office.from), name).toMatchObject({ ok: true })
  })
})

// ---- The command line, nobody logged in, a password still to change ----------------------------------

describe('callers outside the matrix', () => {
  let app: App
  beforeAll(async () => {
    app = await sharedApp()
    await buildWorld(app)
  })

  it.each(CALL_NAMES)('the command line may call %s', async (name) => {
    const outcome = await app.invoke(name, {}, LOCAL)
    if (!outcome.ok) expect(ACCESS_CODES, `${name}: ${outcome.error.message}`).not.toContain(outcome.error.code)
  })

  it('answers UNAUTHENTICATED to every call but the public ones when nobody is logged in, and writes nothing', async () => {
    const from: CallFrom = newSession()
    const before = await dump(app)
    for (const name of CALL_NAMES) {
      const outcome = await app.invoke(name, {}, from)
      if (PUBLIC_CALLS.includes(name)) {
        if (!outcome.ok) expect(ACCESS_CODES, name).not.toContain(outcome.error.code)
        continue
      }
      expect(outcome, name).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
      expect((outcome as { error: { message: string } }).error.message).toMatch(chinese)
    }
    expect(await app.call('auth.me', {}, from)).toBeNull()
    expect(await dump(app)).toEqual(before)
  })

  it('answers PASSWORD_CHANGE to every read and write of an account with its initial password', async () => {
    const fresh = await newApp()
    const world = await buildWorld(fresh)
    // Every role, so that only the password stands in the way.
    await fresh.call('user.create', {
      login: 'every',
      name: '全角色',
      unit: '区重点项目办',
      roles: ['office', 'leader', 'member', 'liaison'],
      leaderId: world.b.leaderId,
      personId: world.personId,
      unitId: world.b.unitId,
      password: PASSWORD,
    })
    const from = newSession()
    const me = await fresh.call('auth.login', { login: 'every', password: PASSWORD }, from)
    expect(me.mustChangePassword).toBe('first')
    const before = await dump(fresh)
    for (const name of CALL_NAMES) {
      if (PUBLIC_CALLS.includes(name) || SESSION_CALLS.includes(name)) continue
      const outcome = await fresh.invoke(name, {}, from)
      expect(outcome, name).toMatchObject({ ok: false, error: { code: 'PASSWORD_CHANGE' } })
      expect((outcome as { error: { message: string } }).error.message).toContain('初始密码')
    }
    expect(await dump(fresh)).toEqual(before)
    // What it may do: see who it is, change the password, log out.
    expect(await fresh.call('auth.me', {}, from)).toMatchObject({ login: 'every', mustChangePassword: 'first' })
    const changed = await fresh.call('auth.changePassword', { oldPassword: PASSWORD, password: CHANGED }, from)
    expect(changed.mustChangePassword).toBeNull()
    expect(await fresh.invoke('project.list', {}, from)).toMatchObject({ ok: true })
    expect(await fresh.invoke('auth.logout', {}, from)).toMatchObject({ ok: true })
    expect(await fresh.invoke('project.list', {}, from)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    })
  })

  it('lets an account with its initial password log out without changing it', async () => {
    const fresh = await newApp()
    await fresh.call('user.create', {
      login: 'later',
      name: '稍后改',
      unit: '区重点项目办',
      roles: ['office'],
      password: PASSWORD,
    })
    const from = newSession()
    await fresh.call('auth.login', { login: 'later', password: PASSWORD }, from)
    expect(await fresh.invoke('auth.logout', {}, from)).toMatchObject({ ok: true })
    expect(await fresh.call('auth.me', {}, from)).toBeNull()
  })
})
