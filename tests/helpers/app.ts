/** Test helpers: a real SQLite file per test in a temporary folder, a fixed clock, and a whole-database dump. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import { LOCAL, openApp, type App, type AppOptions } from '../../src/main/app'
import type { CallInput } from '../../src/shared/contract'

import { fixedClock } from './clock'

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

export function newApp(file = path.join(tempDir(), 'test.db'), options: AppOptions = {}): App {
  const app = openApp(file, { clock: fixedClock, localName: LOCAL_NAME, ...options })
  opened.push(app)
  return app
}

/** Every row of every table, in a stable order: two dumps are equal exactly when the data is. */
export function dump(app: App): Record<string, unknown[]> {
  const tables = app.deps.sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .all() as { name: string }[]
  return Object.fromEntries(
    tables.map(({ name }) => [name, app.deps.sqlite.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]),
  )
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
