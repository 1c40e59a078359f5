/**
 * The main side's figures, through the contract on the benchmark databases (in this process), each figure on
 * the SQLite file and then on PostgreSQL right after it (so that both see the same state of the machine).
 * A read's floor is the same statements the call ran, run again without the rules (replay.ts): the same rows
 * handed to JavaScript through the same driver.
 */
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { openAppAt, type App } from '../../src/main/app'
import { readTx } from '../../src/main/context'
import { lightsAt } from '../../src/main/ranking/compute'
import { KEPT_MONTHS } from '../../src/main/services/ranking'
import { readRules } from '../../src/main/services/settings'
import { VersionedCache } from '../../src/main/versioned-cache'
import { countyLedger, toBase64 } from '../../tests/helpers/ledgers'
import {
  logFigure,
  median,
  percentile,
  STORES,
  time,
  timePaired,
  type BenchStore,
  type Figure,
  type StoreFigure,
  sideBySide,
} from './measure'
import { recordQueries, replay } from './replay'

/** The month the main-side figures rank (the benchmark's apps run on a clock fixed at BENCH_TODAY). */
export const PERIOD = '2026-10'
export const BENCH_TODAY = '2026-11-21'
/** The clock of the bench's in-process apps: the day the data was generated for, so figures do not drift by date. */
export const benchClock = () => new Date(`${BENCH_TODAY}T10:00:00+08:00`)

/** A figure measured on each store in turn (SQLite, then PostgreSQL), collected per store. */
export function perStore(apps: Record<BenchStore, App>) {
  const per: Record<BenchStore, StoreFigure[]> = { sqlite: [], postgres: [] }
  return {
    per,
    async both(measure: (app: App, store: BenchStore) => Promise<StoreFigure>) {
      for (const store of STORES) {
        const figure = await measure(apps[store], store)
        per[store].push(figure)
        logFigure(store, figure)
      }
    },
    figures: () => sideBySide(per),
  }
}

/** The note of a replayed floor: how much it read. */
const floorNote = (queries: number, rows: number) =>
  `下限：重放该调用的 ${queries} 条查询（${rows} 行交给 JS），不含规则计算`

/**
 * `ranking.projects` for PERIOD computed afresh (a new cache: all four groupings with their changes), paired
 * with its floor. Shared with the scaling run.
 */
export async function rankingFirst(app: App, runs: number): Promise<StoreFigure> {
  const first = () => {
    app.deps.rankings = new VersionedCache(KEPT_MONTHS)
    return app.call('ranking.projects', { period: PERIOD })
  }
  const rec = await recordQueries(first)
  const computed = app.deps.rankings.computations
  const t = await timePaired(runs, replay(app, rec.queries), first)
  return {
    key: 'ranking',
    label: '一个月的排名：首次计算（四种分组）',
    unit: 'ms',
    budget: 300,
    maxRatio: 5,
    measured: {
      value: median(t.value),
      floor: median(t.floor),
      runs,
      note: `ranking.projects（${PERIOD}，第一页），缓存清空后；${floorNote(rec.queries.length, rec.rows)}`,
      check: { ok: computed === 1, text: `一次调用计算排名 ${computed} 次` },
    },
  }
}

/**
 * `ranking.projects` again at the same data version (the kept computation), and the check that a write makes
 * the next one compute again, exactly once.
 */
export async function rankingAgain(app: App, runs: number): Promise<StoreFigure> {
  const call = () => app.call('ranking.projects', { period: PERIOD })
  await call()
  const again = await time(runs, call)
  const before = app.deps.rankings.computations
  await call()
  const unchanged = app.deps.rankings.computations - before
  const open = await app.deps.db
    .selectFrom('milestones')
    .select(['id', 'version'])
    .where('actual_date', 'is', null)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow()
  await app.call('milestone.complete', {
    id: open.id,
    version: open.version,
    actualDate: '2026-11-20',
    evidence: '基准测试',
  })
  await call()
  const afterWrite = app.deps.rankings.computations - before - unchanged
  await call()
  const afterAgain = app.deps.rankings.computations - before - unchanged - afterWrite
  return {
    key: 'rankingAgain',
    label: '一个月的排名：数据未变时再次调用',
    unit: 'ms',
    budget: 20,
    measured: {
      value: median(again),
      floor: null,
      runs,
      check: {
        ok: unchanged === 0 && afterWrite === 1 && afterAgain === 0,
        text: `数据未变时计算 ${unchanged} 次；写入一个节点后下一次调用计算 ${afterWrite} 次，再调用 ${afterAgain} 次`,
      },
    },
  }
}

/** A read (a call, a computation) paired with the replay of its own statements. */
export async function pairedRead(
  app: App,
  runs: number,
  read: () => Promise<unknown>,
): Promise<{ value: number; floor: number; note: string }> {
  const rec = await recordQueries(read)
  const t = await timePaired(runs, replay(app, rec.queries), read)
  return { value: median(t.value), floor: median(t.floor), note: floorNote(rec.queries.length, rec.rows) }
}

/**
 * Every project's light today, as the kanban's cards compute them (lights.get answers at most 200 projects
 * since issue 19, so the computation behind it is measured: lightsAt with the rules read in the same snapshot).
 */
export async function lightsFigure(app: App, runs: number): Promise<StoreFigure> {
  const m = await pairedRead(app, runs, () =>
    readTx(app.deps, async (db) => lightsAt(db, BENCH_TODAY, (await readRules(db)).rules)),
  )
  return {
    key: 'lights',
    label: '全部项目的预警灯（计算）',
    unit: 'ms',
    budget: 300,
    measured: { value: m.value, floor: m.floor, runs, note: `lightsAt（看板卡片和 lights.get 所用）；${m.note}` },
  }
}

export async function kanbanFigure(app: App, runs: number): Promise<StoreFigure> {
  // Computed afresh each time (a new cache of today's cards), as after any write.
  const m = await pairedRead(app, runs, () => {
    app.deps.boards = new VersionedCache(2)
    return app.call('kanban.board', {})
  })
  return {
    key: 'kanban',
    label: '看板数据：首次计算（kanban.board）',
    unit: 'ms',
    budget: 300,
    measured: { value: m.value, floor: m.floor, runs, note: `今天的全部卡片重新计算；${m.note}` },
  }
}

/** `project.get` of 50 different projects, each paired with the replay of its own statements. */
export async function projectOpenFigure(app: App, runs: number): Promise<StoreFigure> {
  const ids = (await app.deps.db.selectFrom('projects').select('id').orderBy('id').execute()).map((r) => r.id)
  const n = Math.max(runs, 50)
  const values: number[] = []
  const floors: number[] = []
  for (let i = -1; i < n; i++) {
    const id = ids[(Math.abs(i) * 7919) % ids.length]!
    const rec = await recordQueries(() => app.call('project.get', { id }))
    let start = performance.now()
    await replay(app, rec.queries)()
    const floor = performance.now() - start
    start = performance.now()
    await app.call('project.get', { id })
    if (i >= 0) {
      values.push(performance.now() - start)
      floors.push(floor)
    }
  }
  return {
    key: 'projectOpen',
    label: '打开一个项目工作台（project.get）',
    unit: 'ms',
    budget: 30,
    measured: {
      value: median(values),
      floor: median(floors),
      runs: n,
      note: `${n} 个不同项目；下限：重放各自的查询`,
    },
  }
}

/** Completing distinct open milestones, each a real write with its audit row; the floor a one-row write. */
export async function milestoneFigure(app: App, store: BenchStore, runs: number): Promise<StoreFigure> {
  const open = await app.deps.db
    .selectFrom('milestones')
    .select(['id', 'version'])
    .where('actual_date', 'is', null)
    .orderBy('id')
    .limit(401)
    .execute()
  let next = 0
  const complete = await time(Math.min(Math.max(runs, 400), open.length - 1), async () => {
    const m = open[next++]!
    await app.call('milestone.complete', {
      id: m.id,
      version: m.version,
      actualDate: '2026-11-20',
      evidence: '基准测试',
    })
  })
  // The floor: the store's own write transaction of one row (SQLite: BEGIN IMMEDIATE, synced to disk;
  // PostgreSQL: SERIALIZABLE, its WAL flushed at commit).
  await sql.raw('CREATE TABLE IF NOT EXISTS bench_floor (x integer)').execute(app.deps.db)
  const commitFloor = await time(200, () =>
    app.deps.store.write((db) => sql`INSERT INTO bench_floor VALUES (1)`.execute(db)),
  )
  await sql.raw('DROP TABLE bench_floor').execute(app.deps.db)
  return {
    key: 'milestoneComplete',
    label: '完成一个节点（含变更记录），p99',
    unit: 'ms',
    budget: 5,
    measured: {
      value: percentile(complete, 99),
      floor: percentile(commitFloor, 99),
      runs: complete.length,
      note:
        `中位数 ${median(complete).toFixed(2)} ms；下限：同一数据库上插入一行的写事务` +
        (store === 'sqlite' ? '（含同步写盘）' : '（SERIALIZABLE，提交时写入 WAL）'),
    },
  }
}

export interface ServiceOptions {
  apps: Record<BenchStore, App>
  runs: number
  /** Where the import of run `i` goes: a new SQLite file's path, or a new (empty) PostgreSQL database's URL. */
  importTarget: (store: BenchStore, i: number) => Promise<string>
}

export async function serviceFigures({ apps, runs, importTarget }: ServiceOptions): Promise<Figure[]> {
  const { both, figures } = perStore(apps)
  // The main-side reads take a fraction of a second each: more runs make their medians steadier here.
  const paired = Math.max(runs, 15)
  await both((app) => rankingFirst(app, paired))
  await both((app) => rankingAgain(app, paired))
  await both((app) => lightsFigure(app, paired))
  await both((app) => kanbanFigure(app, paired))
  await both((app) => projectOpenFigure(app, runs))
  await both((app, store) => milestoneFigure(app, store, runs))
  await both(async (app) => ({
    key: 'rankingExport',
    label: '导出排名 Excel（全部项目）',
    unit: 'ms',
    budget: 5000,
    measured: {
      value: median(await time(runs, () => app.call('excel.export', { what: 'ranking', period: PERIOD }))),
      floor: null,
      runs,
    },
  }))

  // Import: a county-shaped ledger of as many rows as there are projects, into a new database each time
  // (made before the clock starts; opening it — migrations and the starting rows — is measured, as on a file).
  const projects = Number(
    (
      await apps.sqlite.deps.db
        .selectFrom('projects')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst()
    )?.n ?? 0,
  )
  const ledger = await toBase64(await countyLedger({ rows: projects }))
  await both(async (_app, store) => {
    const imports: number[] = []
    for (let i = 0; i < runs; i++) {
      const target = await importTarget(store, i)
      const start = performance.now()
      const app = await openAppAt(target, { localName: { name: '基准测试', unit: '测试' } })
      try {
        await app.call('excel.preview', { fileName: '台账.xlsx', base64: ledger })
        await app.call('excel.import', { fileName: '台账.xlsx', base64: ledger })
      } finally {
        await app.close()
      }
      imports.push(performance.now() - start)
    }
    return {
      key: 'ledgerImport',
      label: `导入 ${projects} 行台账（预览 + 导入）`,
      unit: 'ms',
      budget: 10_000,
      measured: {
        value: median(imports),
        floor: null,
        runs,
        note: `每次导入新的空数据库${store === 'sqlite' ? '文件（含建库）' : '（建库不计，迁移和初始数据计入）'}`,
      },
    }
  })
  return figures()
}
