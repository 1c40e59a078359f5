/**
 * PostgreSQL's schema (src/main/store/postgres/migrations.ts) against SQLite's (src/main/db/migrations.ts): the
 * same tables, columns, keys, indexes and triggers, and the same rows accepted or refused, for the same reason.
 * Each describe block has its own new PostgreSQL database (dropped afterwards) and its own in-memory SQLite;
 * each case runs in a transaction that is rolled back. The few places where the two cannot agree are tested
 * as such at the end, so that a change in them is noticed.
 *
 * Runs in the postgres project only (vitest.config.ts), on the server its global setup provides.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Compilable,
} from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { LATEST_SCHEMA_VERSION } from '../../src/main/db/migrations'
import { openSqlite, type SqliteDb } from '../../src/main/db/open'
import type { Database } from '../../src/main/db/schema'
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from '../../src/main/store/postgres/migrations'
import { migratePostgres } from '../../src/main/store/postgres/migrate'
import { copyRows } from '../../src/main/store/postgres/copy'
import { readDataVersion } from '../../src/main/store/data-version'
import { openAppAt } from '../../src/main/app'
import { fixedClock } from '../helpers/clock'
import { dropPgDatabases, newPgDatabase } from '../helpers/store'
import BetterSqlite3 from 'better-sqlite3'
import path from 'node:path'

const PG_URL = inject('pgUrl')

interface Stores {
  sqlite: SqliteDb
  pg: pg.Client
  close(): Promise<void>
}

/** A new PostgreSQL database with every PG migration (one transaction), and a new in-memory SQLite. */
async function openStores(): Promise<Stores> {
  const name = `zb_schema_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  let client: pg.Client | undefined
  let sqlite: SqliteDb | undefined
  const close = async () => {
    sqlite?.close()
    await client?.end().catch(() => undefined)
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    } finally {
      await admin.end()
    }
  }
  try {
    await admin.query(`CREATE DATABASE ${name}`)
    const url = new URL(PG_URL)
    url.pathname = `/${name}`
    client = new pg.Client({ connectionString: url.toString() })
    await client.connect()
    await client.query('BEGIN')
    for (const migration of PG_MIGRATIONS) await client.query(migration.sql)
    await client.query('COMMIT')
    sqlite = openSqlite(':memory:')
    return { sqlite, pg: client, close }
  } catch (error) {
    await close()
    throw error
  }
}

/** Query builders that only compile, one per dialect: a step written once with Kysely, parameters as the services send them. */
function compiler(kind: 'sqlite' | 'pg'): Kysely<Database> {
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => (kind === 'sqlite' ? new SqliteAdapter() : new PostgresAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => (kind === 'sqlite' ? new SqliteIntrospector(db) : new PostgresIntrospector(db)),
      createQueryCompiler: () => (kind === 'sqlite' ? new SqliteQueryCompiler() : new PostgresQueryCompiler()),
    },
  })
}
const builders = { sqlite: compiler('sqlite'), pg: compiler('pg') }

/** A statement: literal SQL that both dialects accept, or a Kysely query compiled for each. */
type Step = string | ((db: Kysely<Database>) => Compilable)

/** Why a store refused (or 'ok'). A trigger's refusal carries its message. */
type Reason = 'ok' | 'check' | 'unique' | 'foreign key' | 'not null' | 'type' | `trigger: ${string}`

interface Outcome {
  reason: Reason
  /** SQLite's typeof() money CHECK: it refuses a negative amount (a CHECK in PG) and a non-integer (PG's type). */
  typeOrCheck?: boolean
  message?: string
}

function sqliteOutcome(error: unknown): Outcome {
  const { code, message = '' } = error as { code?: string; message?: string }
  switch (code) {
    case 'SQLITE_CONSTRAINT_CHECK':
      // json_valid() and typeof() stand in SQLite for what a column's type checks in PostgreSQL.
      if (/json_valid\(/.test(message)) return { reason: 'type', message }
      return { reason: 'check', typeOrCheck: /typeof\(/.test(message), message }
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return { reason: 'unique', message }
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return { reason: 'foreign key', message }
    case 'SQLITE_CONSTRAINT_NOTNULL':
      return { reason: 'not null', message }
    case 'SQLITE_CONSTRAINT_TRIGGER':
      return { reason: `trigger: ${message}`, message }
  }
  throw error // a mistake in the case itself
}

function pgOutcome(error: unknown): Outcome {
  const { code, message = '' } = error as { code?: string; message?: string }
  switch (code) {
    case '23514':
      return { reason: 'check', message }
    case '23505':
      return { reason: 'unique', message }
    case '23503':
      return { reason: 'foreign key', message }
    case '23502':
      return { reason: 'not null', message }
    case 'P0001':
      return { reason: `trigger: ${message}`, message }
    case '22P02': // invalid text representation (bigint, json)
    case '22003': // out of range for the type
    case '22021': // a NUL character
      return { reason: 'type', message }
  }
  throw error
}

function runSqlite(db: SqliteDb, steps: readonly Step[]): Outcome {
  db.exec('BEGIN')
  try {
    for (const step of steps) {
      if (typeof step === 'string') db.prepare(step).run()
      else {
        const query = step(builders.sqlite).compile()
        db.prepare(query.sql).run(...(query.parameters as unknown[]))
      }
    }
    return { reason: 'ok' }
  } catch (error) {
    return sqliteOutcome(error)
  } finally {
    db.exec('ROLLBACK')
  }
}

async function runPg(client: pg.Client, steps: readonly Step[]): Promise<Outcome> {
  await client.query('BEGIN')
  try {
    for (const step of steps) {
      if (typeof step === 'string') await client.query(step)
      else {
        const query = step(builders.pg).compile()
        await client.query(query.sql, query.parameters as unknown[])
      }
    }
    return { reason: 'ok' }
  } catch (error) {
    return pgOutcome(error)
  } finally {
    await client.query('ROLLBACK')
  }
}

/** SQLite's reason as the case names it (its typeof() CHECK counts as a type refusal where one is expected). */
const sqliteAs = (outcome: Outcome, expected: Reason): Reason =>
  outcome.typeOrCheck && expected === 'type' ? 'type' : outcome.reason

// ---- literal SQL -------------------------------------------------------------------------------------------

type Value = string | number | null
const literal = (value: Value): string =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`
const insert = (table: keyof Database, row: Record<string, Value>): string =>
  `INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.values(row).map(literal).join(', ')})`

const NOW = '2024-01-01T00:00:00.000Z'

/** The rows every case starts from (explicit ids, as a copy from SQLite writes them). */
const FIXTURE = [
  `INSERT INTO dict_items (id, kind, name) VALUES (1, 'category', '产业'), (2, 'township', '城关镇'), (3, 'unit', '发改局'),
     (4, 'problem_category', '用地'), (5, 'unit', '住建局')`,
  `INSERT INTO leaders (id, name, title, sort_order, created_at, updated_at) VALUES (1, '张县长', '副县长', 10, '${NOW}', '${NOW}')`,
  `INSERT INTO people (id, name, unit, created_at) VALUES (1, '李四', '发改局', '${NOW}'), (2, '王五', '住建局', '${NOW}')`,
  `INSERT INTO projects (id, code, name, level, township_id, total_investment, start_year, end_year, stage, position,
     created_at, updated_at)
   VALUES (1, 'P001', '产业园', 'county', 2, 100000, 2024, 2026, 'construction', 1, '${NOW}', '${NOW}'),
          (2, 'P002', '污水厂', 'city', 2, 5000, 2024, 2025, 'planning', 2, '${NOW}', '${NOW}'),
          (3, 'P003', '刚录入的项目', 'county', 2, 0, 2024, 2024, 'planning', 3, '${NOW}', '${NOW}')`,
  `INSERT INTO leader_assignments (id, project_id, leader_id, start_date, end_date, created_at)
   VALUES (1, 1, 1, '2023-01-01', '2023-12-31', '${NOW}'), (2, 1, 1, '2024-01-01', NULL, '${NOW}')`,
  `INSERT INTO task_forces (id, project_id, lead_unit_id) VALUES (1, 1, 3), (2, 2, 5)`,
  `INSERT INTO task_force_members (id, task_force_id, person_id, role) VALUES (1, 1, 1, 'head')`,
  `INSERT INTO plans (id, project_id) VALUES (1, 1), (2, 2)`,
  `INSERT INTO milestones (id, plan_id, project_id, name, planned_date, position) VALUES (1, 1, 1, '开工', '2024-03-01', 1)`,
  `INSERT INTO annual_plans (project_id, year, amount) VALUES (1, 2024, 50000)`,
  `INSERT INTO stage_moves (id, project_id, from_stage, to_stage, moved_on, operator, created_at)
   VALUES (1, 1, 'signed', 'construction', '2024-02-01', '办公室', '${NOW}')`,
  `INSERT INTO monthly_reports (id, project_id, period, investment, created_at, updated_at)
   VALUES (1, 1, '2024-01', 3000, '${NOW}', '${NOW}')`,
  `INSERT INTO frozen_periods (period, frozen_at, operator) VALUES ('2024-01', '${NOW}', '办公室')`,
  `INSERT INTO ranking_snapshots (period, kind, key, position, rank, row) VALUES ('2024-01', 'project', 1, 1, 1, '{"score": 90}')`,
  `INSERT INTO breakdown_snapshots (period, project_id, breakdown) VALUES ('2024-01', 1, '{"milestones": 50}')`,
  `INSERT INTO problems (id, project_id, category_id, description, raised_on, responsible_unit_id, deadline, level, status,
     created_at, updated_at)
   VALUES (1, 1, 4, '用地指标不足', '2024-01-10', 3, '2024-03-31', 'county', 'open', '${NOW}', '${NOW}')`,
  `INSERT INTO users (id, login, name, created_at, updated_at) VALUES (1, 'admin', '管理员', '${NOW}', '${NOW}')`,
  `INSERT INTO user_roles (user_id, role) VALUES (1, 'admin')`,
  `INSERT INTO audit_log (id, at, operator, operator_unit, entity, entity_id, project_id, action, user_id)
   VALUES (1, '${NOW}', '管理员', '县重点项目办', 'project', 1, 1, 'create', 1)`,
  `INSERT INTO security_log (id, at, event, user_id, login) VALUES (1, '${NOW}', 'login', 1, 'admin')`,
  `INSERT INTO instructions (id, project_id, problem_id, leader_id, user_id, given_on, text, created_at)
   VALUES (1, 1, 1, 1, 1, '2024-02-01', '抓紧协调用地', '${NOW}')`,
  `INSERT INTO listing_changes (id, project_id, status, on_date, reason, operator, created_at)
   VALUES (1, 2, 'removed', '2024-05-01', '调出', '办公室', '${NOW}')`,
  `INSERT INTO settings (key, value) VALUES ('rules', '{"weights": {"milestones": 50}}')`,
  `INSERT INTO milestone_templates (id, name, items) VALUES (1, '产业项目标准节点', '[]')`,
  `INSERT INTO attachments (id, project_id, problem_id, name, mime, bytes, sha256, added_at, added_by)
   VALUES (1, 1, 1, '批复.pdf', 'application/pdf', 3, '${'a'.repeat(64)}', '${NOW}', '李四')`,
]

/** A valid new row of each table; a case overrides one field to break one rule. */
const valid = {
  dict_items: { id: 100, kind: 'unit', name: '财政局' },
  settings: { key: 'report', value: '{"title": "月报"}' },
  milestone_templates: { id: 100, name: '基础设施节点', items: '[{"name": "开工", "weight": 1}]' },
  leaders: { id: 100, name: '赵县长', title: '县长', sort_order: 1, created_at: NOW, updated_at: NOW },
  people: { id: 100, name: '钱六', unit: '财政局', phone: '', created_at: NOW },
  projects: {
    id: 100,
    code: 'P100',
    name: '新项目',
    level: 'county' as const,
    township_id: 2,
    construction_unit: '',
    content: '',
    total_investment: 1200,
    start_year: 2024,
    end_year: 2025,
    stage: 'planning' as const,
    position: 9,
    created_at: NOW,
    updated_at: NOW,
  },
  leader_assignments: {
    id: 100,
    project_id: 2,
    leader_id: 1,
    start_date: '2024-01-01',
    end_date: null,
    created_at: NOW,
  },
  task_forces: { id: 100, project_id: 3, lead_unit_id: 3 },
  task_force_members: { id: 100, task_force_id: 1, person_id: 2, role: 'member' },
  plans: { id: 100, project_id: 3 },
  milestones: { id: 100, plan_id: 1, project_id: 1, name: '竣工', planned_date: '2025-01-01', position: 2 },
  annual_plans: { project_id: 1, year: 2025, amount: 1 },
  stage_moves: {
    id: 100,
    project_id: 2,
    from_stage: 'planning',
    to_stage: 'signed',
    moved_on: '2024-03-01',
    operator: '办公室',
    created_at: NOW,
  },
  monthly_reports: { id: 100, project_id: 1, period: '2024-02', investment: 0, created_at: NOW, updated_at: NOW },
  frozen_periods: { period: '2024-02', frozen_at: NOW, operator: '办公室' },
  ranking_snapshots: { period: '2024-01', kind: 'leader', key: 1, position: 1, rank: null, row: '{}' },
  breakdown_snapshots: { period: '2024-01', project_id: 2, breakdown: '{}' },
  problems: {
    id: 100,
    project_id: 1,
    category_id: 4,
    description: '审批慢',
    raised_on: '2024-02-01',
    responsible_unit_id: 3,
    deadline: '2024-04-30',
    level: 'leader',
    status: 'open',
    created_at: NOW,
    updated_at: NOW,
  },
  users: { id: 100, login: 'office1', name: '办公室', created_at: NOW, updated_at: NOW },
  user_roles: { user_id: 1, role: 'office' },
  audit_log: {
    id: 100,
    at: NOW,
    operator: '管理员',
    operator_unit: '县重点项目办',
    entity: 'project',
    entity_id: 2,
    action: 'update',
  },
  security_log: { id: 100, at: NOW, event: 'logout', user_id: 1 },
  instructions: { id: 100, project_id: 1, leader_id: 1, given_on: '2024-03-01', text: '请加快推进', created_at: NOW },
  listing_changes: {
    id: 100,
    project_id: 1,
    status: 'archived',
    on_date: '2024-06-01',
    reason: '已竣工',
    operator: '办公室',
    created_at: NOW,
  },
  data_version: { id: 1, version: 5 },
  sessions: {
    token_hash: 'a'.repeat(64),
    user_id: 1,
    created_at: NOW,
    last_seen: 1_764_000_000_000,
    expires: 1_764_043_200_000,
    source: '浏览器',
  },
  rate_limits: { key: 'login:127.0.0.1', hits: 1, reset_at: 1_764_000_060_000 },
  jobs: { id: 'j1', user_id: 1, kind: 'import', total: 10, beat: 1_764_000_000_000 },
  attachments: {
    id: 100,
    project_id: 1,
    milestone_id: 1,
    name: '开工照片.jpg',
    mime: 'image/jpeg',
    bytes: 3,
    sha256: 'b'.repeat(64),
    latitude: 30.5,
    longitude: 114.25,
    added_at: NOW,
    added_by: '李四',
  },
  attachment_files: { attachment_id: 1, content: 'abc', thumb: null },
  reminders: { id: 100, project_id: 1, note: '请于12月5日前报送11月月报', sent_at: NOW, operator: '办公室' },
  instruction_answers: {
    instruction_id: 1,
    text: '已协调自然资源局，指标下周下达',
    answered_on: '2024-02-05',
    operator: '李四',
    created_at: NOW,
  },
  migrations: { id: 12, name: 'next', applied_at: NOW },
} satisfies { [T in keyof Database]: Record<string, Value> }

type Table = keyof typeof valid
/** The valid row of `table` with `change` applied, as an INSERT. */
const row = (table: Table, change: Record<string, Value> = {}) => insert(table, { ...valid[table], ...change })

interface Case {
  name: string
  steps: Step[]
  expect: Reason
}
const c = (name: string, expect: Reason, ...steps: Step[]): Case => ({ name, steps, expect })
const trigger = (message: string): Reason => `trigger: ${message}`

const CASES: Case[] = [
  // ---- valid rows and changes: accepted by both
  ...(Object.keys(valid) as Table[]).map((table) => c(`a valid ${table} row`, 'ok', row(table))),
  c(
    'a dictionary item without an id (the id is generated)',
    'ok',
    `INSERT INTO dict_items (kind, name) VALUES ('unit', '水利局')`,
  ),
  c(
    'a project with every optional field NULL',
    'ok',
    row('projects', {
      category_id: null,
      industry_tag_id: null,
      planned_start: null,
      planned_end: null,
      actual_start: null,
      actual_end: null,
    }),
  ),
  c('a planned end without a planned start', 'ok', row('projects', { planned_start: null, planned_end: '2024-01-01' })),
  c(
    'a project whose planned end is its planned start',
    'ok',
    row('projects', { planned_start: '2024-05-01', planned_end: '2024-05-01' }),
  ),
  c('money up to 2^53 - 1', 'ok', row('projects', { total_investment: 9007199254740991 })),
  c('money as a parameter', 'ok', (db) => db.insertInto('annual_plans').values({ ...valid.annual_plans, amount: 12 })),
  c(
    'weight 1 and 100',
    'ok',
    row('milestones', { weight: 1 }),
    row('milestones', { id: 101, weight: 100, position: 3 }),
  ),
  c(
    'a 50-character Chinese name and one of 50 emoji',
    'ok',
    row('dict_items', { name: '项'.repeat(50) }),
    row('dict_items', { id: 101, name: '😀'.repeat(50) }),
  ),
  c(
    'logins of 2 and 32 characters, and a Chinese one',
    'ok',
    row('users', { login: 'ab' }),
    row('users', { id: 101, login: 'x'.repeat(32) }),
    row('users', { id: 102, login: '张三' }),
  ),
  c(
    'a 200-character reason, a 1000-character instruction',
    'ok',
    row('listing_changes', { reason: '因'.repeat(200) }),
    row('instructions', { text: '批'.repeat(1000) }),
  ),
  c('a date of the right shape that is no date (shape only)', 'ok', row('listing_changes', { on_date: '2024-02-30' })),
  c(
    'a second ended assignment of the same project',
    'ok',
    row('leader_assignments', { project_id: 1, start_date: '2022-01-01', end_date: '2022-12-31' }),
  ),
  c('a second member who is not the head', 'ok', row('task_force_members', { role: 'liaison' })),
  c('valid JSON with spaces around it', 'ok', row('settings', { value: ' [1, 2.5, "三", null, true] ' })),
  c('ending the current assignment', 'ok', `UPDATE leader_assignments SET end_date = '2024-06-30' WHERE id = 2`),
  c(
    'a note on an ended assignment (end_date untouched)',
    'ok',
    `UPDATE leader_assignments SET note = '补记' WHERE id = 1`,
  ),
  c('the goals of a plan', 'ok', `UPDATE plans SET goals = '年内投产', version = version + 1 WHERE id = 1`),
  c('the lead unit of a task force', 'ok', `UPDATE task_forces SET lead_unit_id = 5 WHERE id = 1`),
  c(
    'closing a problem with a resolution',
    'ok',
    `UPDATE problems SET status = 'closed', resolution = '已协调', closed_on = '2024-03-01' WHERE id = 1`,
  ),
  c('a new amount in a monthly report', 'ok', `UPDATE monthly_reports SET investment = 4500 WHERE id = 1`),
  c(
    'removing a member and a role',
    'ok',
    `DELETE FROM task_force_members WHERE id = 1`,
    `DELETE FROM user_roles WHERE user_id = 1`,
  ),
  c('deleting no audit row at all', 'ok', `DELETE FROM audit_log WHERE id = 999`),

  // ---- every CHECK, one violating row each
  c('a file on a report', 'ok', row('attachments', { milestone_id: null, report_id: 1 })),
  c('a file with its bytes', 'ok', row('attachments'), row('attachment_files', { attachment_id: 100 })),
  c('a file on no record', 'check', row('attachments', { milestone_id: null })),
  c('a file on two records', 'check', row('attachments', { problem_id: 1 })),
  c('a file of a kind not taken', 'check', row('attachments', { mime: 'text/html' })),
  c('a file of no bytes', 'check', row('attachments', { bytes: 0 })),
  c('a hash that is not SHA-256', 'check', row('attachments', { sha256: 'abc' })),
  c('a latitude past the pole', 'check', row('attachments', { latitude: 91 })),
  c('bytes of no file', 'foreign key', row('attachment_files', { attachment_id: 999 })),
  c('a file on no milestone', 'foreign key', row('attachments', { milestone_id: 999 })),
  c('a 催报 marked done', 'ok', row('reminders', { done_at: NOW, done_by: '李四' })),
  c('a 催报 done by nobody', 'check', row('reminders', { done_at: NOW })),
  c('an empty 催报', 'check', row('reminders', { note: '' })),
  c('a 催报 on no project', 'foreign key', row('reminders', { project_id: 999 })),
  c('a second answer to one 批示', 'unique', row('instruction_answers'), row('instruction_answers')),
  c('an answer to no 批示', 'foreign key', row('instruction_answers', { instruction_id: 999 })),
  c('an answer dated as no date', 'check', row('instruction_answers', { answered_on: '2月5日' })),
  c('dict_items.kind', 'check', row('dict_items', { kind: 'colour' })),
  c('dict_items.name empty', 'check', row('dict_items', { name: '' })),
  c('dict_items.name of 51 characters', 'check', row('dict_items', { name: '项'.repeat(51) })),
  c('dict_items.active', 'check', row('dict_items', { active: 2 })),
  c('dict_items.demo', 'check', row('dict_items', { demo: -1 })),
  c('leaders.active', 'check', row('leaders', { active: 2 })),
  c('leaders.demo', 'check', row('leaders', { demo: 2 })),
  c('people.demo', 'check', row('people', { demo: 2 })),
  c('projects.level', 'check', row('projects', { level: 'town' })),
  c('projects.total_investment negative', 'check', row('projects', { total_investment: -1 })),
  c('projects.end_year before start_year', 'check', row('projects', { end_year: 2023 })),
  c('projects.stage', 'check', row('projects', { stage: 'done' })),
  c(
    'projects.planned_end before planned_start',
    'check',
    row('projects', { planned_start: '2024-05-02', planned_end: '2024-05-01' }),
  ),
  c('projects.demo', 'check', row('projects', { demo: 2 })),
  c('leader_assignments.end_date before start_date', 'check', row('leader_assignments', { end_date: '2023-12-31' })),
  c(
    'ending an assignment before it started',
    'check',
    `UPDATE leader_assignments SET end_date = '2020-01-01' WHERE id = 2`,
  ),
  c('task_force_members.role', 'check', row('task_force_members', { role: 'boss' })),
  c('milestones.weight 0', 'check', row('milestones', { weight: 0 })),
  c('milestones.weight 101', 'check', row('milestones', { weight: 101 })),
  c('annual_plans.amount negative', 'check', row('annual_plans', { amount: -5 })),
  c('monthly_reports.investment negative', 'check', row('monthly_reports', { investment: -1 })),
  c('problems.level', 'check', row('problems', { level: 'province' })),
  c('problems.status', 'check', row('problems', { status: 'done' })),
  c('a closed problem without a resolution', 'check', row('problems', { status: 'closed', closed_on: '2024-03-01' })),
  c('a closed problem without closed_on', 'check', row('problems', { status: 'closed', resolution: '已解决' })),
  c(
    'closing a problem without a resolution',
    'check',
    `UPDATE problems SET status = 'closed', closed_on = '2024-03-01' WHERE id = 1`,
  ),
  c('ranking_snapshots.kind', 'check', row('ranking_snapshots', { kind: 'person' })),
  c('listing_changes.status', 'check', row('listing_changes', { status: 'deleted' })),
  c('listing_changes.reason empty', 'check', row('listing_changes', { reason: '' })),
  c('listing_changes.reason of 201 characters', 'check', row('listing_changes', { reason: '因'.repeat(201) })),
  c('instructions.text empty', 'check', row('instructions', { text: '' })),
  c('instructions.text of 1001 characters', 'check', row('instructions', { text: '批'.repeat(1001) })),
  c('user_roles.role', 'check', row('user_roles', { role: 'root' })),
  c('users.login of 1 character', 'check', row('users', { login: 'a' })),
  c('users.login of 33 characters', 'check', row('users', { login: 'x'.repeat(33) })),
  c('users.name empty', 'check', row('users', { name: '' })),
  c('users.name of 51 characters', 'check', row('users', { name: '名'.repeat(51) })),
  c('users.must_change', 'check', row('users', { must_change: 2 })),
  c('users.active', 'check', row('users', { active: 3 })),

  // ---- dates in the wrong shape (GLOB in SQLite, a regular expression in PostgreSQL)
  ...[
    '2024-1-01',
    '2024/01/01',
    '20240101',
    '2024-01-01x',
    ' 2024-01-01',
    '2024-01-0a',
    '２０２４-01-01',
    '2024-01-01\n',
  ].map((date) =>
    c(`listing_changes.on_date ${JSON.stringify(date)}`, 'check', row('listing_changes', { on_date: date })),
  ),
  c('instructions.given_on in the wrong shape', 'check', row('instructions', { given_on: '2024年3月1日' })),

  // ---- values of the wrong type: SQLite's typeof()/json_valid() CHECKs, PostgreSQL's column types
  c('projects.total_investment 12.5 (parameter)', 'type', (db) =>
    db.insertInto('projects').values({ ...valid.projects, total_investment: 12.5 }),
  ),
  c('annual_plans.amount 12.5 (parameter)', 'type', (db) =>
    db.insertInto('annual_plans').values({ ...valid.annual_plans, amount: 12.5 }),
  ),
  c('monthly_reports.investment 12.5 (parameter)', 'type', (db) =>
    db.updateTable('monthly_reports').set({ investment: 12.5 }).where('id', '=', 1),
  ),
  c('money as text that is no number', 'type', (db) =>
    db.insertInto('annual_plans').values({ ...valid.annual_plans, amount: 'viel' as unknown as number }),
  ),
  c('settings.value not JSON', 'type', row('settings', { value: '{rules: 1}' })),
  c('settings.value empty', 'type', row('settings', { value: '' })),
  c('milestone_templates.items not JSON', 'type', row('milestone_templates', { items: '[1,]' })),
  c('plans.service_content not JSON', 'type', row('plans', { service_content: 'NaN' })),
  c('frozen_periods.rules not JSON', 'type', row('frozen_periods', { rules: "{'a': 1}" })),
  c('ranking_snapshots.row not JSON', 'type', row('ranking_snapshots', { row: '01' })),
  c('breakdown_snapshots.breakdown not JSON', 'type', row('breakdown_snapshots', { breakdown: '{"a": 1} x' })),
  c('a JSON column set to bad JSON by an update', 'type', `UPDATE settings SET value = '{' WHERE key = 'rules'`),

  // ---- NOT NULL
  c('projects.name NULL', 'not null', row('projects', { name: null })),
  c('users.login NULL', 'not null', row('users', { login: null })),
  c('settings.value NULL', 'not null', row('settings', { value: null })),

  // ---- every UNIQUE, PRIMARY KEY and partial unique index
  c('dict_items (kind, name)', 'unique', row('dict_items', { kind: 'unit', name: '发改局' })),
  c('the same name in another kind is fine', 'ok', row('dict_items', { kind: 'category', name: '发改局' })),
  c('projects.code', 'unique', row('projects', { code: 'P001' })),
  c('projects.id', 'unique', row('projects', { id: 1 })),
  c('milestone_templates.name', 'unique', row('milestone_templates', { name: '产业项目标准节点' })),
  c('plans.project_id', 'unique', row('plans', { project_id: 1 })),
  c('task_forces.project_id', 'unique', row('task_forces', { project_id: 1 })),
  c('monthly_reports (project_id, period)', 'unique', row('monthly_reports', { period: '2024-01' })),
  c('task_force_members (task_force_id, person_id)', 'unique', row('task_force_members', { person_id: 1 })),
  c('a second head of a task force (task_force_one_head)', 'unique', row('task_force_members', { role: 'head' })),
  c('a second current assignment (leader_assignments_current)', 'unique', row('leader_assignments', { project_id: 1 })),
  c(
    'moving a current assignment to a project that has one',
    'unique',
    row('leader_assignments'),
    `UPDATE leader_assignments SET project_id = 1 WHERE id = 100`,
  ),
  c('annual_plans (project_id, year)', 'unique', row('annual_plans', { year: 2024 })),
  c('settings.key', 'unique', row('settings', { key: 'rules' })),
  c('frozen_periods.period', 'unique', row('frozen_periods', { period: '2024-01' })),
  c('ranking_snapshots (period, kind, key)', 'unique', row('ranking_snapshots', { kind: 'project' })),
  c('breakdown_snapshots (period, project_id)', 'unique', row('breakdown_snapshots', { project_id: 1 })),
  c('user_roles (user_id, role)', 'unique', row('user_roles', { role: 'admin' })),
  c('migrations.id', 'unique', row('migrations'), row('migrations', { name: 'again' })),
  c('users.login, the same', 'unique', row('users', { login: 'admin' })),
  c('users.login, ASCII case ignored (ADMIN)', 'unique', row('users', { login: 'ADMIN' })),
  c('users.login, ASCII case ignored (aDmIn)', 'unique', row('users', { login: 'aDmIn' })),
  c(
    'users.login, ASCII case ignored beside non-ASCII letters',
    'unique',
    row('users', { login: 'élan' }),
    row('users', { id: 101, login: 'éLAN' }),
  ),
  c(
    'users.login, non-ASCII case kept apart (élan, Élan)',
    'ok',
    row('users', { login: 'élan' }),
    row('users', { id: 101, login: 'Élan' }),
  ),
  c(
    'users.login, non-ASCII case kept apart (ÄRGER, ärger)',
    'ok',
    row('users', { login: 'ÄRGER' }),
    row('users', { id: 101, login: 'äRGER' }),
  ),

  // ---- foreign keys
  c('a project in a missing township', 'foreign key', row('projects', { township_id: 999 })),
  c('a project in a missing category', 'foreign key', row('projects', { category_id: 999 })),
  c('an assignment of a missing leader', 'foreign key', row('leader_assignments', { leader_id: 999 })),
  c('a milestone of a missing plan', 'foreign key', row('milestones', { plan_id: 999 })),
  c('a plan of a missing project', 'foreign key', row('annual_plans', { project_id: 999 })),
  c('a member who is no person', 'foreign key', row('task_force_members', { person_id: 999 })),
  c('a snapshot of a month never frozen', 'foreign key', row('ranking_snapshots', { period: '2099-01' })),
  c('a breakdown of a month never frozen', 'foreign key', row('breakdown_snapshots', { period: '2099-01' })),
  c('a problem with a missing responsible unit', 'foreign key', row('problems', { responsible_unit_id: 999 })),
  c('a role of a missing user', 'foreign key', row('user_roles', { user_id: 999 })),
  c('an audit row of a missing user', 'foreign key', row('audit_log', { user_id: 999 })),
  c('a security row of a missing user', 'foreign key', row('security_log', { user_id: 999 })),
  c('a second data version row', 'check', row('data_version', { id: 2 })),
  c('a data version of 0', 'check', row('data_version', { version: 0 })),
  c('a data version that is not whole (parameter)', 'type', (db) =>
    db.insertInto('data_version').values({ id: 1, version: 1.5 }),
  ),
  c('a session of a missing user', 'foreign key', row('sessions', { user_id: 999 })),
  c('a session kept by something else than a SHA-256', 'check', row('sessions', { token_hash: 'abc' })),
  c('an instruction on a missing problem', 'foreign key', row('instructions', { problem_id: 999 })),
  c('a user tied to a missing person', 'foreign key', row('users', { person_id: 999 })),
  c('a listing change of a missing project', 'foreign key', row('listing_changes', { project_id: 999 })),
  c('deleting a person who is a member', 'foreign key', `DELETE FROM people WHERE id = 1`),
  c('deleting a unit that leads a task force', 'foreign key', `DELETE FROM dict_items WHERE id = 3`),
  c('deleting a frozen month that has snapshots', 'foreign key', `DELETE FROM frozen_periods WHERE period = '2024-01'`),
  c('deleting a user with roles', 'foreign key', `DELETE FROM users WHERE id = 1`),
  c('deleting an unused leader', 'ok', row('leaders'), `DELETE FROM leaders WHERE id = 100`),

  // ---- every trigger
  c(
    'deleting a project nothing refers to',
    trigger('重点项目不能删除（一抓到底）'),
    `DELETE FROM projects WHERE id = 3`,
  ),
  c(
    'deleting a project (trigger before its foreign keys)',
    trigger('重点项目不能删除（一抓到底）'),
    `DELETE FROM projects WHERE id = 1`,
  ),
  c('deleting a task force', trigger('每个项目必须有一个专班，专班不能删除'), `DELETE FROM task_forces WHERE id = 2`),
  c(
    'moving a task force to another project',
    trigger('专班不能转给另一个项目'),
    `UPDATE task_forces SET project_id = 3 WHERE id = 2`,
  ),
  c(
    'setting a task force to its own project (the column is named)',
    trigger('专班不能转给另一个项目'),
    `UPDATE task_forces SET project_id = project_id WHERE id = 2`,
  ),
  c('deleting a plan', trigger('每个项目必须有一套方案，方案不能删除'), `DELETE FROM plans WHERE id = 2`),
  c(
    'moving a plan to another project',
    trigger('方案不能转给另一个项目'),
    `UPDATE plans SET project_id = 3 WHERE id = 2`,
  ),
  c('deleting an assignment', trigger('包联领导的任职记录不能删除'), `DELETE FROM leader_assignments WHERE id = 1`),
  c(
    'changing the end of an ended assignment',
    trigger('已结束的包联记录不能修改'),
    `UPDATE leader_assignments SET end_date = '2023-06-30' WHERE id = 1`,
  ),
  c(
    'reopening an ended assignment',
    trigger('已结束的包联记录不能修改'),
    `UPDATE leader_assignments SET end_date = NULL WHERE id = 1`,
  ),
  c('updating the audit log', trigger('变更记录不能修改'), `UPDATE audit_log SET note = '改' WHERE id = 1`),
  c('deleting from the audit log', trigger('变更记录不能删除'), `DELETE FROM audit_log WHERE id = 1`),
  c('updating the security log', trigger('安全日志不能修改'), `UPDATE security_log SET detail = '改' WHERE id = 1`),
  c('deleting from the security log', trigger('安全日志不能删除'), `DELETE FROM security_log`),
  c('updating an instruction', trigger('领导批示不能修改'), `UPDATE instructions SET text = '改' WHERE id = 1`),
  c('deleting an instruction', trigger('领导批示不能删除'), `DELETE FROM instructions WHERE id = 1`),
  c(
    'updating a listing change',
    trigger('项目调出、归档和恢复的记录不能修改'),
    `UPDATE listing_changes SET reason = '改' WHERE id = 1`,
  ),
  c(
    'deleting a listing change',
    trigger('项目调出、归档和恢复的记录不能删除'),
    `DELETE FROM listing_changes WHERE id = 1`,
  ),
]

/** SQLite's own seed rows (migration 2) are data, not schema: both stores start empty, then get the same rows. */
async function seed(stores: Stores): Promise<void> {
  stores.sqlite.exec(
    `DELETE FROM dict_items; DELETE FROM milestone_templates; DELETE FROM settings; DELETE FROM migrations`,
  )
  for (const sql of FIXTURE) {
    stores.sqlite.exec(sql)
    await stores.pg.query(sql)
  }
  await advanceIdentities(stores.pg)
}

/** What a copy with explicit ids must do on PostgreSQL: move each identity past the largest id. */
async function advanceIdentities(client: pg.Client): Promise<void> {
  const identities = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'`,
  )
  for (const { table_name: table, column_name: column } of identities.rows)
    await client.query(
      `SELECT setval(pg_get_serial_sequence('${table}', '${column}'), coalesce(max(${column}), 0) + 1, false) FROM ${table}`,
    )
}

// ---- what the catalogs say ------------------------------------------------------------------------------------

interface SqliteColumn {
  name: string
  type: string
  notnull: number
  dflt_value: string | null
  pk: number
}

function sqliteTables(db: SqliteDb): { name: string; sql: string }[] {
  return db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .all() as { name: string; sql: string }[]
}

const sqliteColumns = (db: SqliteDb, table: string) => db.pragma(`table_info(${table})`) as SqliteColumn[]

/** Columns that SQLite's CHECKs name in `pattern` (json_valid(x), typeof(x), x IN (0, 1)), as table.column. */
function checkedColumns(db: SqliteDb, pattern: RegExp): string[] {
  const found: string[] = []
  for (const { name, sql } of sqliteTables(db))
    for (const match of sql.matchAll(pattern)) found.push(`${name}.${match[1]}`)
  return [...new Set(found)].sort()
}

describe('the PostgreSQL schema beside SQLite', () => {
  let stores: Stores
  beforeAll(async () => {
    stores = await openStores()
  })
  afterAll(async () => {
    await stores?.close()
  })

  it('numbers its migrations like SQLite (7 builds what SQLite 1–7 build, then one each)', () => {
    expect(PG_MIGRATIONS.map((m) => [m.version, m.name])).toEqual([
      [7, 'schema_as_of_sqlite_7'],
      [8, 'data_version'],
      [9, 'server_state'],
      [10, 'problem_order'],
      [11, 'attachments'],
      [12, 'reminders'],
    ])
    expect(PG_SCHEMA_VERSION).toBe(12)
    expect(PG_SCHEMA_VERSION).toBe(LATEST_SCHEMA_VERSION)
  })

  it('has the same tables, columns in the same order, nullability and defaults', async () => {
    const { sqlite, pg: client } = stores
    const tables = sqliteTables(sqlite).map((t) => t.name)
    const pgTables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
       ORDER BY table_name COLLATE "C"`,
    )
    expect(pgTables.rows.map((r) => r.table_name)).toEqual(tables)

    const pgColumns = await client.query<{
      table_name: string
      column_name: string
      is_nullable: 'YES' | 'NO'
      column_default: string | null
    }>(
      `SELECT table_name, column_name, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    )
    for (const table of tables) {
      // A PRIMARY KEY column is NOT NULL in PostgreSQL. In SQLite, `id INTEGER PRIMARY KEY` never holds NULL
      // (a NULL becomes a new id); a TEXT PRIMARY KEY does accept NULL there, see "where they cannot agree".
      const expected = sqliteColumns(sqlite, table).map((col) => ({
        name: col.name,
        nullable: col.notnull === 0 && col.pk === 0,
        default: col.dflt_value,
      }))
      const actual = pgColumns.rows
        .filter((col) => col.table_name === table)
        .map((col) => ({
          name: col.column_name,
          nullable: col.is_nullable === 'YES',
          default: col.column_default?.replace(/::[a-z ]+$/, '') ?? null,
        }))
      expect({ table, columns: actual }).toEqual({ table, columns: expected })
    }
  })

  it('maps each column type as the schema says (ids, money, flags, JSON, "C" text)', async () => {
    const { sqlite, pg: client } = stores
    const money = checkedColumns(sqlite, /typeof\((\w+)\)/g)
    const json = checkedColumns(sqlite, /json_valid\((\w+)\)/g)
    const flags = checkedColumns(sqlite, /(\w+) IN \(0, 1\)/g)
    // typeof(x) = 'integer' marks the money columns, the data version and times in ms: all bigint on PostgreSQL.
    expect(money).toEqual([
      'annual_plans.amount',
      'data_version.version',
      'jobs.beat',
      'monthly_reports.investment',
      'projects.total_investment',
      'rate_limits.reset_at',
      'sessions.expires',
      'sessions.last_seen',
    ])
    expect(json).toHaveLength(6)

    const pgColumns = await client.query<{
      table_name: string
      column_name: string
      data_type: string
      collation_name: string | null
      is_identity: 'YES' | 'NO'
    }>(
      `SELECT table_name, column_name, data_type, collation_name, is_identity FROM information_schema.columns
       WHERE table_schema = 'public'`,
    )
    const pgType = new Map(pgColumns.rows.map((col) => [`${col.table_name}.${col.column_name}`, col]))
    for (const { name: table } of sqliteTables(sqlite)) {
      const columns = sqliteColumns(sqlite, table)
      for (const col of columns) {
        const key = `${table}.${col.name}`
        const expected =
          col.type === 'TEXT'
            ? json.includes(key)
              ? { data_type: 'json', collation_name: null }
              : { data_type: 'text', collation_name: 'C' }
            : col.type === 'REAL'
              ? { data_type: 'double precision', collation_name: null }
              : col.type === 'BLOB'
                ? { data_type: 'bytea', collation_name: null }
                : {
                    data_type: money.includes(key) ? 'bigint' : flags.includes(key) ? 'smallint' : 'integer',
                    collation_name: null,
                  }
        // SQLite's rowid alias; the runner gives migrations its ids, and the data version's one row is id 1.
        const rowid = col.pk === 1 && col.type === 'INTEGER' && columns.filter((x) => x.pk > 0).length === 1
        // A file's bytes and a 批示's answer are keyed by their parent's id: never made by the table itself.
        const identity =
          rowid && !['migrations', 'data_version', 'attachment_files', 'instruction_answers'].includes(table)
            ? 'YES'
            : 'NO'
        const actual = pgType.get(key)
        expect({
          key,
          type: actual?.data_type,
          collation: actual?.collation_name,
          identity: actual?.is_identity,
        }).toEqual({ key, type: expected.data_type, collation: expected.collation_name, identity })
      }
    }
  })

  it('has the same primary keys, foreign keys, unique constraints and CHECK counts', async () => {
    const { sqlite, pg: client } = stores
    const sqliteKeys = { pk: [] as string[], fk: [] as string[], unique: [] as string[], checks: [] as string[] }
    for (const { name: table, sql } of sqliteTables(sqlite)) {
      const pk = sqliteColumns(sqlite, table)
        .filter((col) => col.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((col) => col.name)
      sqliteKeys.pk.push(`${table} (${pk.join(', ')})`)
      for (const fk of sqlite.pragma(`foreign_key_list(${table})`) as { table: string; from: string; to: string }[])
        sqliteKeys.fk.push(`${table}.${fk.from} → ${fk.table}.${fk.to}`)
      for (const index of sqlite.pragma(`index_list(${table})`) as { name: string; origin: string }[]) {
        if (index.origin !== 'u') continue
        const cols = (sqlite.pragma(`index_info(${index.name})`) as { name: string }[]).map((col) => col.name)
        sqliteKeys.unique.push(`${table} (${cols.join(', ')})`)
      }
      // json_valid() CHECKs become the json type; every other CHECK stays a CHECK.
      const checks = (sql.match(/CHECK \(/g) ?? []).length - (sql.match(/CHECK \(json_valid\(/g) ?? []).length
      if (checks > 0) sqliteKeys.checks.push(`${table}: ${checks}`)
    }

    const constraints = await client.query<{
      tbl: string
      type: string
      cols: string[]
      ref: string | null
      refcols: string[] | null
    }>(
      `SELECT t.relname AS tbl, c.contype AS type,
              array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS cols,
              r.relname AS ref,
              array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS refcols
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid LEFT JOIN pg_class r ON r.oid = c.confrelid
       WHERE c.connamespace = 'public'::regnamespace`,
    )
    const of = (type: string) => constraints.rows.filter((con) => con.type === type)
    const sorted = (list: string[]) => [...list].sort()
    expect(sorted(of('p').map((con) => `${con.tbl} (${con.cols.join(', ')})`))).toEqual(sorted(sqliteKeys.pk))
    expect(sorted(of('f').map((con) => `${con.tbl}.${con.cols[0]} → ${con.ref}.${con.refcols?.[0]}`))).toEqual(
      sorted(sqliteKeys.fk),
    )
    // users.login's NOCASE unique is the expression index users_login_nocase (checked with the indexes).
    expect(sorted(of('u').map((con) => `${con.tbl} (${con.cols.join(', ')})`))).toEqual(
      sorted(sqliteKeys.unique.filter((u) => u !== 'users (login)')),
    )
    const checkCounts = new Map<string, number>()
    for (const con of of('c')) checkCounts.set(con.tbl, (checkCounts.get(con.tbl) ?? 0) + 1)
    expect(sorted([...checkCounts].map(([table, n]) => `${table}: ${n}`))).toEqual(sorted(sqliteKeys.checks))
  })

  it('has the same indexes by name, table, columns, uniqueness and partiality', async () => {
    const { sqlite, pg: client } = stores
    const expected: string[] = []
    for (const { name: table } of sqliteTables(sqlite))
      for (const index of sqlite.pragma(`index_list(${table})`) as {
        name: string
        unique: number
        partial: number
      }[]) {
        if (index.name.startsWith('sqlite_autoindex_')) continue
        const cols = (sqlite.pragma(`index_info(${index.name})`) as { name: string }[]).map((col) => col.name)
        expected.push(
          `${index.name} ON ${table} (${cols.join(', ')})${index.unique ? ' unique' : ''}${index.partial ? ' partial' : ''}`,
        )
      }
    expected.push('users_login_nocase ON users (lower(login)) unique')

    const indexes = await client.query<{
      name: string
      tbl: string
      cols: string[]
      unique: boolean
      partial: boolean
    }>(
      `SELECT i.relname AS name, t.relname AS tbl, x.indisunique AS unique, x.indpred IS NOT NULL AS partial,
              array(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnkeyatts) k ORDER BY k)::text[] AS cols
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       WHERE t.relnamespace = 'public'::regnamespace AND i.relname !~ '_(pkey|key)$'`,
    )
    const actual = indexes.rows.map(
      (ix) =>
        `${ix.name} ON ${ix.tbl} (${ix.cols.join(', ').replaceAll('"', '')})${ix.unique ? ' unique' : ''}${ix.partial ? ' partial' : ''}`,
    )
    expect(actual.sort()).toEqual(expected.sort())
  })

  it('has the same triggers: name, table, event, column, condition and message', async () => {
    const { sqlite, pg: client } = stores
    const shape = (
      name: string,
      event: string,
      column: string | undefined,
      table: string,
      when: string | undefined,
      message: string,
    ) =>
      `${name}: BEFORE ${event}${column ? ` OF ${column}` : ''} ON ${table}${when ? ` WHEN ${when}` : ''} → ${message}`
    const expected = (
      sqlite.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger'`).all() as { sql: string }[]
    ).map(({ sql }) => {
      const m =
        /^CREATE TRIGGER (\w+) BEFORE (DELETE|UPDATE)(?: OF (\w+))? ON (\w+)\s+(?:WHEN (.+?)\s+)?BEGIN SELECT RAISE\(ABORT, '(.+)'\); END$/s.exec(
          sql,
        )
      if (!m) throw new Error(`unexpected trigger: ${sql}`)
      return shape(m[1]!, m[2]!, m[3], m[4]!, m[5]?.toLowerCase(), m[6]!)
    })
    const triggers = await client.query<{ def: string }>(
      `SELECT pg_get_triggerdef(g.oid) AS def FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
       WHERE t.relnamespace = 'public'::regnamespace AND NOT g.tgisinternal`,
    )
    const actual = triggers.rows.map(({ def }) => {
      const m =
        /^CREATE TRIGGER (\w+) BEFORE (DELETE|UPDATE)(?: OF (\w+))? ON public\.(\w+) FOR EACH ROW (?:WHEN \(\((.+)\)\) )?EXECUTE FUNCTION refuse_change\('(.+)'\)$/.exec(
          def,
        )
      if (!m) throw new Error(`unexpected trigger: ${def}`)
      return shape(m[1]!, m[2]!, m[3], m[4]!, m[5]?.toLowerCase(), m[6]!)
    })
    expect(actual.sort()).toEqual(expected.sort())
    expect(actual).toHaveLength(15)
  })
})

describe('the same rows accepted and refused on both stores', () => {
  let stores: Stores
  beforeAll(async () => {
    stores = await openStores()
    await seed(stores)
  })
  afterAll(async () => {
    await stores?.close()
  })

  it('starts both stores from the same rows', async () => {
    for (const { name: table } of sqliteTables(stores.sqlite)) {
      const inSqlite = (stores.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
      const inPg = (await stores.pg.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n
      expect({ table, rows: Number(inPg) }).toEqual({ table, rows: inSqlite })
    }
  })

  it.each(CASES)('$name → $expect', async ({ steps, expect: expected }) => {
    const inSqlite = runSqlite(stores.sqlite, steps)
    const inPg = await runPg(stores.pg, steps)
    expect({ sqlite: sqliteAs(inSqlite, expected), pg: inPg.reason }).toEqual({ sqlite: expected, pg: expected })
  })

  it('has a refusing case for every trigger message, and at least one CHECK case per CHECK', () => {
    const reasons = new Set(CASES.map((x) => x.expect))
    const messages = (
      stores.sqlite.prepare(`SELECT sql FROM sqlite_master WHERE type = 'trigger'`).all() as { sql: string }[]
    ).map(({ sql }) => trigger(/RAISE\(ABORT, '(.+)'\)/.exec(sql)![1]!))
    for (const message of messages) expect(reasons).toContain(message)
    const checkCases = CASES.filter((x) => x.expect === 'check' || x.expect === 'type').length
    const checks = sqliteTables(stores.sqlite).reduce((n, t) => n + (t.sql.match(/CHECK \(/g) ?? []).length, 0)
    expect(checkCases).toBeGreaterThanOrEqual(checks)
  })

  it('keeps JSON text exactly as written, and orders text by bytes on both', async () => {
    const text = ' {"b": 1,  "a": [2, 1], "b": 3} '
    const steps = [
      `UPDATE settings SET value = '${text}' WHERE key = 'rules'`,
      ...['b', 'B', 'a', 'Z', 'é', 'É', '_', '中', '1', 'ａ'].map((name, i) =>
        row('dict_items', { id: 200 + i, name }),
      ),
    ]
    stores.sqlite.exec('BEGIN')
    await stores.pg.query('BEGIN')
    try {
      for (const step of steps) {
        stores.sqlite.exec(step)
        await stores.pg.query(step)
      }
      const order = `SELECT name FROM dict_items WHERE id >= 200 ORDER BY name`
      const sqliteNames = (stores.sqlite.prepare(order).all() as { name: string }[]).map((r) => r.name)
      const pgNames = (await stores.pg.query<{ name: string }>(order)).rows.map((r) => r.name)
      expect(pgNames).toEqual(sqliteNames)
      expect(sqliteNames).toEqual(['1', 'B', 'Z', '_', 'a', 'b', 'É', 'é', '中', 'ａ'])
      const between = `SELECT count(*) AS n FROM dict_items WHERE id >= 200 AND name > 'Z' AND name < 'b'`
      expect(Number((await stores.pg.query<{ n: string }>(between)).rows[0]!.n)).toBe(
        (stores.sqlite.prepare(between).get() as { n: number }).n,
      )
      const value = `SELECT value FROM settings WHERE key = 'rules'`
      expect((stores.sqlite.prepare(value).get() as { value: string }).value).toBe(text)
      expect(
        (await stores.pg.query<{ value: string }>(`SELECT value::text AS value FROM settings WHERE key = 'rules'`))
          .rows[0]!.value,
      ).toBe(text)
    } finally {
      stores.sqlite.exec('ROLLBACK')
      await stores.pg.query('ROLLBACK')
    }
  })
})

describe('a copy from SQLite with explicit ids', () => {
  let stores: Stores
  beforeAll(async () => {
    stores = await openStores()
  })
  afterAll(async () => {
    await stores?.close()
  })

  it('keeps the ids; PostgreSQL then needs its identities moved past them', async () => {
    const { sqlite, pg: client } = stores
    sqlite.exec('DELETE FROM dict_items')
    const copy = `INSERT INTO dict_items (id, kind, name) VALUES (1, 'unit', '甲'), (2, 'unit', '乙'), (7, 'unit', '丙')`
    const next = `INSERT INTO dict_items (kind, name) VALUES ('unit', '丁')`
    sqlite.exec(copy)
    await client.query(copy)
    expect(runSqlite(sqlite, [next]).reason).toBe('ok')
    // The identity still starts at 1: the copy's id 1 is in the way.
    expect((await runPg(client, [next])).reason).toBe('unique')
    await advanceIdentities(client)
    sqlite.exec(next)
    await client.query(next)
    const ids = `SELECT id FROM dict_items ORDER BY id`
    expect((await client.query<{ id: number }>(ids)).rows.map((r) => r.id)).toEqual([1, 2, 7, 8])
    expect((sqlite.prepare(ids).all() as { id: number }[]).map((r) => r.id)).toEqual([1, 2, 7, 8])
  })
})

describe('where the two stores cannot agree', () => {
  let stores: Stores
  beforeAll(async () => {
    stores = await openStores()
    await seed(stores)
  })
  afterAll(async () => {
    await stores?.close()
  })

  const both = async (steps: Step[]) => ({
    sqlite: sqliteAs(runSqlite(stores.sqlite, steps), 'type'),
    pg: (await runPg(stores.pg, steps)).reason,
  })

  it('money written as a numeric literal: SQLite refuses 12.5, PostgreSQL rounds it (write money as parameters)', async () => {
    expect(await both([row('annual_plans', { amount: 12.5 })])).toEqual({ sqlite: 'type', pg: 'ok' })
    await stores.pg.query('BEGIN')
    try {
      await stores.pg.query(row('annual_plans', { amount: 12.5 }))
      const stored = await stores.pg.query<{ amount: string }>(`SELECT amount FROM annual_plans WHERE year = 2025`)
      expect(stored.rows[0]!.amount).toBe('13')
    } finally {
      await stores.pg.query('ROLLBACK')
    }
  })

  it('a NULL primary key of text: SQLite accepts it (its old quirk), PostgreSQL refuses', async () => {
    expect(await both([row('settings', { key: null })])).toEqual({ sqlite: 'ok', pg: 'not null' })
    expect(await both([row('frozen_periods', { period: null })])).toEqual({ sqlite: 'ok', pg: 'not null' })
  })

  it('an integer past 32 bits outside money: SQLite keeps it, PostgreSQL refuses', async () => {
    expect(await both([row('leaders', { sort_order: 3_000_000_000 })])).toEqual({ sqlite: 'ok', pg: 'type' })
  })

  it('text in an integer column: SQLite keeps the text, PostgreSQL refuses', async () => {
    expect(await both([row('leaders', { sort_order: 'first' })])).toEqual({ sqlite: 'ok', pg: 'type' })
  })

  it('a NUL character in text: SQLite keeps it, PostgreSQL refuses', async () => {
    const step: Step = (db) => db.insertInto('people').values({ ...valid.people, name: 'a\u0000b' })
    expect(await both([step])).toEqual({ sqlite: 'ok', pg: 'type' })
  })

  it('a login compared with =: case-blind in SQLite (NOCASE), case-sensitive in PostgreSQL; lower() agrees', async () => {
    const count = async (sql: string) => ({
      sqlite: (stores.sqlite.prepare(sql).get() as { n: number }).n,
      pg: Number((await stores.pg.query<{ n: string }>(sql)).rows[0]!.n),
    })
    expect(await count(`SELECT count(*) AS n FROM users WHERE login = 'ADMIN'`)).toEqual({ sqlite: 1, pg: 0 })
    expect(await count(`SELECT count(*) AS n FROM users WHERE lower(login) = lower('ADMIN')`)).toEqual({
      sqlite: 1,
      pg: 1,
    })
  })
})

describe('a county server database of an earlier version', () => {
  it('is upgraded when an app server opens it: migrations 8 (the data version) and 9 (sessions) applied, every row kept', async () => {
    const url = await newPgDatabase()
    const fixture = new BetterSqlite3(path.resolve('tests/fixtures/schema/v7.db'), { readonly: true })
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      // Version 7 as a server held it: PostgreSQL's migration 7, the v7 desktop file's rows copied in.
      await migratePostgres(client as unknown as pg.PoolClient, {
        migrations: PG_MIGRATIONS.filter((m) => m.version === 7),
        fill: async (c) => void (await copyRows(fixture, c)),
      })
    } finally {
      await client.end()
    }
    const projects = (fixture.prepare('SELECT count(*) AS n FROM projects').get() as { n: number }).n
    fixture.close()
    const app = await openAppAt(url, { clock: fixedClock })
    try {
      expect((await app.call('system.info', {})).schemaVersion).toBe(PG_SCHEMA_VERSION)
      expect((await app.call('project.list', {})).length).toBe(projects)
      expect(await readDataVersion(app.deps.db)).toBe(0)
      await app.call('dict.create', { kind: 'unit', name: '县新设单位' })
      expect(await readDataVersion(app.deps.db)).toBe(1)
    } finally {
      await app.close()
      await dropPgDatabases()
    }
  })
})
