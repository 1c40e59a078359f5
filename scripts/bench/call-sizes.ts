/**
 * The budget check of every contract call (issue 19: "no contract call answers more than its budget"): every
 * read call of src/shared/contract.ts — iterated, so a call added or removed is in or out by itself — called
 * through App.call on the benchmark database with representative inputs, its answer's size as JSON and its
 * time. Calls that make files (excel.*, backup.*) are left out; write calls are never made (demo.remove would
 * delete the data). An input the contract refuses is reported as an error line, so this table gets fixed.
 */
import { performance } from 'node:perf_hooks'
import type { App } from '../../src/main/app'
import { contract } from '../../src/shared/contract'
import { DICT_KINDS, STAGES } from '../../src/shared/domain'
import { STORES, type BenchStore } from './measure'
import { BENCH_TODAY, PERIOD } from './services'

/** Budget of one call's answer: bytes of JSON (as the main side hands it to the transport, before compression). */
export const CALL_BYTES_BUDGET = 200 * 1024
/** Budget of one call's time, in ms (the screens' budget). */
export const CALL_MS_BUDGET = 300

/** Ids of existing rows the inputs name. */
export interface Samples {
  projectId: number
  leaderId: number
  townshipId: number
  problemId: number | null
}

export async function samplesOf(app: App): Promise<Samples> {
  const db = app.deps.db
  const first = async (table: 'projects' | 'leaders' | 'problems') =>
    (await db.selectFrom(table).select('id').orderBy('id').limit(1).executeTakeFirst())?.id ?? null
  const township = await db
    .selectFrom('dict_items')
    .select('id')
    .where('kind', '=', 'township')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst()
  return {
    projectId: (await first('projects')) ?? 1,
    leaderId: (await first('leaders')) ?? 1,
    townshipId: township?.id ?? 1,
    problemId: await first('problems'),
  }
}

/** One way of making a call: its input, a label when the call has several. */
interface CallInputCase {
  label?: string
  input: unknown
  /** Asks for everything: the contract may refuse it (bounded since issue 19), which is then not an error. */
  unbounded?: boolean
}

const ALL = { label: '全部', input: {}, unbounded: true }

/**
 * The inputs each call is made with: as the screens ask (paging calls take their defaults), and for a call
 * whose filters are all optional also without any (what the contract lets anyone ask). Calls not listed are
 * made with `{}`.
 */
function inputsOf(s: Samples): Record<string, CallInputCase[]> {
  const project = { projectId: s.projectId }
  return {
    'instruction.list': [{ label: '一个项目', input: project }, ALL],
    'dict.list': DICT_KINDS.map((kind) => ({ label: kind, input: { kind, includeInactive: true } })),
    'dict.usage': [{ input: { id: s.townshipId } }],
    'leader.list': [{ input: { includeInactive: true } }],
    'leader.usage': [{ input: { id: s.leaderId } }],
    'leader.options': [{ input: {} }],
    'project.get': [{ input: { id: s.projectId } }],
    'report.list': [{ label: '一个项目', input: project }, ALL],
    'report.figures': [{ label: '一个项目', input: { projectIds: [s.projectId] } }, ALL],
    'problem.list': [{ label: '一个项目', input: project }, ALL],
    'kanban.board': [{ input: {} }, { label: '按领导分行', input: { lanes: true } }],
    'kanban.column': STAGES.map((stage) => ({ label: stage, input: { stage } })),
    'lights.get': [
      { label: '一个项目', input: { date: BENCH_TODAY, projectIds: [s.projectId] } },
      { ...ALL, input: { date: BENCH_TODAY } },
    ],
    'ranking.projects': [{ input: { period: PERIOD } }],
    'ranking.groups': (['leader', 'township', 'unit'] as const).map((by) => ({
      label: by,
      input: { period: PERIOD, by },
    })),
    'ranking.breakdown': [{ input: { projectId: s.projectId, period: PERIOD } }],
    'audit.list': [{ label: '一个项目', input: { ...project, limit: 200 } }, ALL],
    'attachment.list': [{ label: '一个项目', input: project }],
    'reminder.sent': [{ label: '一个项目', input: project }, ALL],
  }
}

/**
 * Calls left out: they make files (and excel.import / backup.restore write), answer one file (attachment.get: a
 * photo or PDF of up to 20 MB, asked one at a time), or send something (reminder.sendDigest posts to a robot).
 */
const SKIPPED = /^(excel|backup)\.|^attachment\.get$|^reminder\.sendDigest$/

/** One call's answer on one store. */
export interface CallSize {
  name: string
  bytes: number | null
  ms: number | null
  withinBudget: boolean
  error?: string
  /** The contract refused an unbounded ask (INVALID_INPUT): within budget, by its own rule. */
  refused?: string
}

export interface CallSizeRow {
  /** The call, with the input's label when it has several: `lights.get（全部）`. */
  name: string
  sqlite: CallSize
  postgres: CallSize
}

async function measureCall(
  app: App,
  call: string,
  name: string,
  { input, unbounded }: CallInputCase,
): Promise<CallSize> {
  try {
    const start = performance.now()
    const result = await app.call(call as 'auth.status', input)
    const ms = performance.now() - start
    const bytes = Buffer.byteLength(JSON.stringify(result) ?? '')
    return { name, bytes, ms, withinBudget: bytes <= CALL_BYTES_BUDGET && ms <= CALL_MS_BUDGET }
  } catch (error) {
    const message = (error as Error).message
    if (unbounded && (error as { code?: string }).code === 'INVALID_INPUT')
      return { name, bytes: null, ms: null, withinBudget: true, refused: message }
    return { name, bytes: null, ms: null, withinBudget: false, error: message }
  }
}

/** Every read call on both stores (SQLite, then PostgreSQL for each call). */
export async function callSizes(apps: Record<BenchStore, App>): Promise<CallSizeRow[]> {
  const inputs = inputsOf(await samplesOf(apps.sqlite))
  const rows: CallSizeRow[] = []
  for (const [name, spec] of Object.entries(contract)) {
    if (spec.write || SKIPPED.test(name)) continue
    for (const c of inputs[name] ?? [{ input: {} }]) {
      const shown = c.label ? `${name}（${c.label}）` : name
      const row = { name: shown } as CallSizeRow
      for (const store of STORES) row[store] = await measureCall(apps[store], name, shown, c)
      rows.push(row)
    }
  }
  return rows
}

const kb = (bytes: number | null) => (bytes === null ? '—' : `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KB`)
const ms = (v: number | null) => (v === null ? '—' : `${v.toFixed(v < 10 ? 1 : 0)} ms`)

/** The check as a table: every call over budget (or refused) with its size; the count of those within. */
export function printCallSizes(rows: CallSizeRow[]): void {
  const failed = rows.filter((r) => !r.sqlite.withinBudget || !r.postgres.withinBudget)
  console.log('')
  const refused = rows.filter((r) => r.sqlite.refused).map((r) => r.name)
  console.log(
    `接口应答检查（每个读接口，预算 ≤ ${CALL_BYTES_BUDGET / 1024} KB、≤ ${CALL_MS_BUDGET} ms）：` +
      `${rows.length - failed.length} / ${rows.length} 达标` +
      (refused.length ? `；不再接受无筛选请求的：${refused.join('、')}` : ''),
  )
  if (!failed.length) return
  console.log(`| 接口 | SQLite | PostgreSQL | 结果 SQLite / PostgreSQL |`)
  console.log(`|---|---:|---:|---|`)
  const cell = (c: CallSize) => (c.error ? `出错：${c.error}` : `${kb(c.bytes)}，${ms(c.ms)}`)
  const result = (c: CallSize) => (c.error ? '出错' : c.withinBudget ? '达标' : '未达标')
  for (const r of failed)
    console.log(`| ${r.name} | ${cell(r.sqlite)} | ${cell(r.postgres)} | ${result(r.sqlite)} / ${result(r.postgres)} |`)
}

/** For the JSON: per call, SQLite's fields at the top level and PostgreSQL's under `postgres` (as figures). */
export function callSizesJson(rows: CallSizeRow[]) {
  const fields = (c: CallSize) => ({
    bytes: c.bytes,
    ms: c.ms === null ? null : Math.round(c.ms * 10) / 10,
    withinBudget: c.withinBudget,
    ...(c.error ? { error: c.error } : {}),
    ...(c.refused ? { refused: c.refused } : {}),
  })
  return rows.map((r) => ({ name: r.name, ...fields(r.sqlite), postgres: fields(r.postgres) }))
}
