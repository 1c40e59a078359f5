/**
 * The main side's figures, through the contract on the benchmark databases (in this process), each figure on
 * the SQLite file and then on PostgreSQL right after it (so that both see the same state of the machine),
 * each with the store's own floor: a plain scan of the rows the call has to read, through the same Kysely.
 */
import { performance } from 'node:perf_hooks'
import { sql, type Kysely } from 'kysely'
import { openAppAt, type App } from '../../src/main/app'
import { readTx } from '../../src/main/context'
import type { Database } from '../../src/main/db/schema'
import { computeRanking } from '../../src/main/ranking/compute'
import { readRules } from '../../src/main/services/settings'
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

const PERIOD = '2026-10'
const TODAY = '2026-11-21'

/**
 * The store's own time for statements that visit the same rows (all of them: no LIMIT, an aggregate), on one
 * read snapshot as the calls have theirs.
 */
function scan(app: App, sqls: string[]): () => Promise<void> {
  return () =>
    app.deps.store.read(async (db) => {
      for (const text of sqls) await sql.raw(text).execute(db)
    })
}

export interface ServiceOptions {
  apps: Record<BenchStore, App>
  runs: number
  /** Where the import of run `i` goes: a new SQLite file's path, or a new (empty) PostgreSQL database's URL. */
  importTarget: (store: BenchStore, i: number) => Promise<string>
}

export async function serviceFigures({ apps, runs, importTarget }: ServiceOptions): Promise<Figure[]> {
  const per: Record<BenchStore, StoreFigure[]> = { sqlite: [], postgres: [] }
  /** Measures one figure on each store in turn. */
  const both = async (measure: (app: App, store: BenchStore) => Promise<StoreFigure>) => {
    for (const store of STORES) {
      const figure = await measure(apps[store], store)
      per[store].push(figure)
      logFigure(store, figure)
    }
  }

  // The ranking reads every project's milestones, this year's reports and plans, problems and leaders.
  const rankingScan = [
    `SELECT count(*), sum(weight), max(planned_date), max(actual_date) FROM milestones`,
    `SELECT count(*), sum(investment) FROM monthly_reports WHERE period BETWEEN '2026-01' AND '${PERIOD}'`,
    `SELECT count(*), sum(amount) FROM annual_plans WHERE year = 2026`,
    `SELECT count(*), max(deadline), max(closed_on) FROM problems`,
    `SELECT count(*), max(stage), max(township_id) FROM projects`,
    `SELECT count(*), max(leader_id) FROM leader_assignments`,
    `SELECT count(*), max(lead_unit_id) FROM task_forces`,
  ]
  // The three main-side reads take a fraction of a second each: more runs make their medians steadier here.
  const paired = Math.max(runs, 15)
  await both(async (app) => {
    const rules = (await readRules(app.deps.db)).rules
    const ranking = await timePaired(paired, scan(app, rankingScan), () =>
      readTx(app.deps, (db) => computeRanking(db, PERIOD, rules)),
    )
    return {
      key: 'ranking',
      label: '一个月的排名（项目、领导、乡镇、单位四种分组）',
      unit: 'ms',
      budget: 300,
      maxRatio: 5,
      measured: { value: median(ranking.value), floor: median(ranking.floor), runs: paired },
    }
  })

  await both(async (app) => {
    const lights = await timePaired(
      paired,
      scan(app, [
        `SELECT count(*), max(planned_date), max(actual_date) FROM milestones`,
        `SELECT count(*), sum(investment) FROM monthly_reports WHERE period BETWEEN '2026-01' AND '2026-11'`,
        `SELECT count(*), sum(amount) FROM annual_plans WHERE year = 2026`,
      ]),
      () => app.call('lights.get', { date: TODAY }),
    )
    return {
      key: 'lights',
      label: '全部项目的预警灯',
      unit: 'ms',
      budget: 200,
      measured: { value: median(lights.value), floor: median(lights.floor), runs: paired },
    }
  })

  await both(async (app) => {
    const kanban = await timePaired(
      paired,
      scan(app, [
        `SELECT count(*), max(name), max(code), max(stage), max(position), max(township_id) FROM projects`,
        `SELECT count(*), max(planned_date), max(actual_date) FROM milestones`,
      ]),
      () => app.call('kanban.cards', {}),
    )
    return {
      key: 'kanban',
      label: '看板全部卡片数据（接口调用）',
      unit: 'ms',
      budget: 200,
      measured: { value: median(kanban.value), floor: median(kanban.floor), runs: paired },
    }
  })

  const projectIds = async (db: Kysely<Database>) =>
    (await db.selectFrom('projects').select('id').orderBy('id').execute()).map((r) => r.id)
  let projects = 0
  await both(async (app) => {
    const ids = await projectIds(app.deps.db)
    projects = ids.length
    const pick = (i: number) => ids[(Math.abs(i) * 7919) % ids.length]!
    const opens = await time(Math.max(runs, 50), (i) => app.call('project.get', { id: pick(i) }))
    const openFloor = (id: number) =>
      sql`SELECT (SELECT count(*) FROM milestones WHERE project_id = ${id})
        + (SELECT count(*) FROM monthly_reports WHERE project_id = ${id}) AS n`.execute(app.deps.db)
    return {
      key: 'projectOpen',
      label: '打开一个项目工作台（接口调用）',
      unit: 'ms',
      budget: 30,
      measured: {
        value: median(opens),
        floor: median(await time(50, (i) => openFloor(pick(i)))),
        runs: opens.length,
      },
    }
  })

  // Completing milestones: distinct open ones, each a real write with its audit row.
  await both(async (app, store) => {
    const open = await app.deps.db
      .selectFrom('milestones')
      .select(['id', 'version'])
      .where('actual_date', 'is', null)
      .orderBy('id')
      .limit(401)
      .execute()
    let next = 0
    const complete = await time(Math.min(400, open.length - 1), async () => {
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
  })

  const exportRuns = Math.min(runs, 3)
  await both(async (app) => ({
    key: 'rankingExport',
    label: '导出排名 Excel（全部项目）',
    unit: 'ms',
    budget: 5000,
    measured: {
      value: median(await time(exportRuns, () => app.call('excel.export', { what: 'ranking', period: PERIOD }))),
      floor: null,
      runs: exportRuns,
    },
  }))

  // Import: a county-shaped ledger of as many rows as there are projects, into a new database each time
  // (made before the clock starts; opening it — migrations and the starting rows — is measured, as on a file).
  const ledger = await toBase64(await countyLedger({ rows: projects }))
  await both(async (_app, store) => {
    const importRuns = exportRuns
    const imports: number[] = []
    for (let i = 0; i < importRuns; i++) {
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
        runs: importRuns,
        note: `${importRuns} 次，每次导入新的空数据库${store === 'sqlite' ? '文件（含建库）' : '（建库不计，迁移和初始数据计入）'}`,
      },
    }
  })
  return sideBySide(per)
}
