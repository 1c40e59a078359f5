/** Test helpers: a real SQLite file per test in a temporary folder, a fixed clock, and a whole-database dump. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import { sql } from 'kysely'
import { advanceDataVersion } from '../../src/main/store/data-version'
import { LOCAL, openApp, openAppAt, type App, type AppOptions } from '../../src/main/app'
import type { CallArgs, CallInput } from '../../src/shared/contract'
import type { KanbanCard } from '../../src/shared/rules/types'
import { everySlice } from '../../src/shared/paging'
import type { SqliteDb } from '../../src/main/db/open'

import { fixedClock } from './clock'
import { newPgDatabase, TEST_STORE } from './store'

export { TODAY, fixedClock } from './clock'

const opened: App[] = []
const dirs: string[] = []

afterEach(async () => {
  for (const app of opened.splice(0)) await app.close().catch(() => {})
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-test-'))
  dirs.push(dir)
  return dir
}

/** The command line's name in tests' audit rows (the local caller: every role, no login). */
export const LOCAL_NAME = { name: '王测试', unit: '区重点项目办' }

/**
 * A new App on an empty database of the store under test (tests/helpers/store.ts): a SQLite file in a
 * temporary folder, or a database of its own on the test PostgreSQL server. With `file`, always that SQLite
 * file (tests of what only a file has: reopening it, its backups, damage).
 */
export async function newApp(file?: string, options: AppOptions = {}): Promise<App> {
  const all = { clock: fixedClock, localName: LOCAL_NAME, ...options }
  const app =
    file === undefined && TEST_STORE === 'postgres'
      ? await openAppAt(await newPgDatabase(), all)
      : openApp(file ?? path.join(tempDir(), 'test.db'), all)
  opened.push(app)
  return app
}

/**
 * `count` Apps on ONE new database of the store under test, as several app servers share the county's
 * PostgreSQL. On SQLite the one App of the desktop, `count` times: its single connection is what serialises
 * every writer there (other programs on the file are other processes — tests/main/crash.test.ts; two
 * connections in one process would block each other's thread in SQLite's busy wait).
 */
export async function newApps(count: number, options: AppOptions = {}): Promise<App[]> {
  if (TEST_STORE === 'sqlite') {
    const app = await newApp(undefined, options)
    return Array.from({ length: count }, () => app)
  }
  const url = await newPgDatabase()
  const apps: App[] = []
  for (let i = 0; i < count; i++) {
    const app = await openAppAt(url, { clock: fixedClock, localName: LOCAL_NAME, ...options })
    opened.push(app)
    apps.push(app)
  }
  return apps
}

/** The better-sqlite3 handle of a test's SQLite store (tests of what only a SQLite file has). */
export function sqliteOf(app: App): SqliteDb {
  if (!app.deps.store.file) throw new Error('这个测试只适用于 SQLite 数据库文件')
  return app.deps.store.file.handle
}

/**
 * Runs SQL written once for both stores (`?` placeholders, portable SQL) directly on the test's database,
 * outside the services: to look at rows, or to prove the database itself refuses what the services would.
 * Rows come back as the store gives them (counts as numbers on both).
 */
export async function raw<T = Record<string, unknown>>(app: App, text: string, ...params: unknown[]): Promise<T[]> {
  const parts = text.split('?')
  if (parts.length - 1 !== params.length)
    throw new Error(`raw(): ${parts.length - 1} 个占位符，${params.length} 个参数`)
  const query = sql.join(
    parts.map((part, i) => (i < params.length ? sql`${sql.raw(part)}${params[i]}` : sql.raw(part))),
    sql``,
  )
  const rows = (await sql<T>`${query}`.execute(app.deps.db)).rows
  // A change made behind the services' back (a damaged row, a row from an older version) is seen by the next
  // call, as it would be by an App opened on the database: the data version moves as every write's does.
  if (/^\s*(UPDATE|INSERT|DELETE)\b/i.test(text)) await advanceDataVersion(app.deps.db)
  return rows
}

/** Today's kanban cards, all of them (kanban.cards answers 200 at a time). */
export async function allCards(app: App): Promise<KanbanCard[]> {
  return everySlice(async (offset, limit) => (await app.call('kanban.cards', { offset, limit })).cards)
}

/** Every problem matching the filters (problem.list answers 200 at a time). */
export async function allProblems(app: App, filters: Omit<CallArgs<'problem.list'>, 'offset' | 'limit'> = {}) {
  return everySlice((offset, limit) => app.call('problem.list', { ...filters, offset, limit }))
}

/** The ids of the first 200 projects (listed or not): a lights.get or report.figures of a small database's all. */
export async function someProjectIds(app: App): Promise<number[]> {
  return (await raw<{ id: number }>(app, 'SELECT id FROM projects ORDER BY id LIMIT 200')).map((r) => Number(r.id))
}

/** The first row's first column of `raw` as a number (a count, a sum). */
export async function rawNumber(app: App, text: string, ...params: unknown[]): Promise<number> {
  const row = (await raw(app, text, ...params))[0]
  return Number(row ? Object.values(row)[0] : NaN)
}

/** Every row of every table, in a stable order: two dumps are equal exactly when the data is. */
export async function dump(app: App): Promise<Record<string, unknown[]>> {
  if (app.deps.store.file) {
    const db = app.deps.store.file.handle
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .all() as { name: string }[]
    return Object.fromEntries(
      tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]),
    )
  }
  const db = app.deps.db
  const tables = await sql<{ name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`.execute(db)
  const out: Record<string, unknown[]> = {}
  // No rowid: by id where the table has one (as SQLite's rowid order), else by the rows' text — stable, and
  // the same for equal contents.
  for (const { name } of tables.rows) {
    const hasId = await sql`SELECT 1 FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ${name} AND column_name = 'id'`.execute(db)
    const order = hasId.rows.length ? sql`t.id` : sql`t::text`
    out[name] = (await sql`SELECT * FROM ${sql.table(name)} t ORDER BY ${order}`.execute(db)).rows
  }
  return out
}

export interface Basics {
  townshipId: number
  township2Id: number
  unitId: number
  unit2Id: number
  leaderId: number
  leader2Id: number
  categoryId: number
  problemCategoryId: number
  templateId: number
}

/** The few references a project needs: townships, units, leaders. */
export async function seedBasics(app: App): Promise<Basics> {
  const t1 = await app.call('dict.create', { kind: 'township', name: '城东街道' })
  const t2 = await app.call('dict.create', { kind: 'township', name: '吴桥镇' })
  const u1 = await app.call('dict.create', { kind: 'unit', name: '区发改局' })
  const u2 = await app.call('dict.create', { kind: 'unit', name: '区工信局' })
  const l1 = await app.call('leader.create', { name: '赵一平', title: '副区长', sortOrder: 10 })
  const l2 = await app.call('leader.create', { name: '钱二和', title: '区委常委', sortOrder: 5 })
  const categories = await app.call('dict.list', { kind: 'category' })
  const problemCategories = await app.call('dict.list', { kind: 'problem_category' })
  const templates = await app.call('template.list', {})
  return {
    townshipId: t1.id,
    township2Id: t2.id,
    unitId: u1.id,
    unit2Id: u2.id,
    leaderId: l1.id,
    leader2Id: l2.id,
    categoryId: categories[0]!.id,
    problemCategoryId: problemCategories[0]!.id,
    templateId: templates[0]!.id,
  }
}

export function projectInput(
  b: Basics,
  overrides: Partial<CallInput<'project.create'>> = {},
): CallInput<'project.create'> {
  return {
    code: 'XM-001',
    name: '城东年产10万吨新型建材项目',
    categoryId: b.categoryId,
    level: 'county',
    townshipId: b.townshipId,
    constructionUnit: '城东恒泰建材有限公司',
    content: '新建生产线两条',
    totalInvestment: 1_234_56, // 1,234.56 万元
    startYear: 2026,
    endYear: 2027,
    plannedStart: '2026-03-01',
    plannedEnd: '2027-06-30',
    leaderId: b.leaderId,
    leaderFrom: '2026-01-01',
    leadUnitId: b.unitId,
    ...overrides,
  }
}

/**
 * The office's own project among demo data (OWN-1, only the required fields), on the township, leader and lead
 * unit given: what demo removal must leave whole.
 */
export function ownProjectInput(refs: {
  townshipId: number
  leaderId: number
  leadUnitId: number
}): CallInput<'project.create'> {
  return {
    code: 'OWN-1',
    name: '本单位录入的项目',
    level: 'county',
    totalInvestment: 100000,
    startYear: 2026,
    endYear: 2027,
    ...refs,
  }
}

/** Asserts that a call is refused with the given code and a Chinese message, returning the error. */
export async function refused(app: App, name: string, input: unknown, code: string) {
  const outcome = await app.invoke(name, input, LOCAL)
  if (outcome.ok) throw new Error(`${name} 应被拒绝，却成功了：${JSON.stringify(outcome.result).slice(0, 200)}`)
  if (outcome.error.code !== code)
    throw new Error(`${name} 的错误代码应为 ${code}，实际为 ${outcome.error.code}：${outcome.error.message}`)
  if (!/[\u4e00-\u9fff]/.test(outcome.error.message))
    throw new Error(`${name} 的错误信息不是中文：${outcome.error.message}`)
  return outcome.error
}
