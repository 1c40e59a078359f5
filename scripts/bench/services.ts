/**
 * The main side's figures, through the contract on the benchmark database (in this process), each with the
 * SQLite floor: a plain scan of the rows the call has to read.
 */
import type { App } from '../../src/main/app'
import { readTx } from '../../src/main/context'
import { computeRanking } from '../../src/main/ranking/compute'
import { readRules } from '../../src/main/services/settings'
import { countyLedger, toBase64 } from '../../tests/helpers/ledgers'
import { openApp } from '../../src/main/app'
import { median, percentile, time, timePaired, type Figure } from './measure'

const PERIOD = '2026-10'
const TODAY = '2026-11-21'

/** SQLite's own time for a statement that visits the same rows (all of them: no LIMIT, an aggregate). */
function scan(app: App, sqls: string[]): () => void {
  const statements = sqls.map((s) => app.deps.sqlite.prepare(s))
  return () => {
    for (const s of statements) s.get()
  }
}

export async function serviceFigures(app: App, runs: number, workDir: string): Promise<Figure[]> {
  const figures: Figure[] = []
  const add = (f: Figure) => {
    figures.push(f)
    console.log(
      `  ${f.label}: ${f.value.toFixed(1)} ${f.unit}${f.floor !== null ? `（下限 ${f.floor.toFixed(1)}）` : ''}`,
    )
  }

  // The ranking reads every project's milestones, this year's reports and plans, problems and leaders.
  const rankingFloor = scan(app, [
    `SELECT count(*), sum(weight), max(planned_date), max(actual_date) FROM milestones`,
    `SELECT count(*), sum(investment) FROM monthly_reports WHERE period BETWEEN '2026-01' AND '${PERIOD}'`,
    `SELECT count(*), sum(amount) FROM annual_plans WHERE year = 2026`,
    `SELECT count(*), max(deadline), max(closed_on) FROM problems`,
    `SELECT count(*), max(stage), max(township_id) FROM projects`,
    `SELECT count(*), max(leader_id) FROM leader_assignments`,
    `SELECT count(*), max(lead_unit_id) FROM task_forces`,
  ])
  const rules = (await readRules(app.deps.db)).rules
  // The three main-side reads take a fraction of a second each: more runs make their medians steadier here.
  const paired = Math.max(runs, 15)
  const ranking = await timePaired(paired, rankingFloor, () =>
    readTx(app.deps, (db) => computeRanking(db, PERIOD, rules)),
  )
  add({
    key: 'ranking',
    label: '一个月的排名（项目、领导、乡镇、单位四种分组）',
    unit: 'ms',
    value: median(ranking.value),
    budget: 300,
    floor: median(ranking.floor),
    maxRatio: 5,
    runs: paired,
  })

  const lights = await timePaired(
    paired,
    scan(app, [
      `SELECT count(*), max(planned_date), max(actual_date) FROM milestones`,
      `SELECT count(*), sum(investment) FROM monthly_reports WHERE period BETWEEN '2026-01' AND '2026-11'`,
      `SELECT count(*), sum(amount) FROM annual_plans WHERE year = 2026`,
    ]),
    () => app.call('lights.get', { date: TODAY }),
  )
  add({
    key: 'lights',
    label: '全部项目的预警灯',
    unit: 'ms',
    value: median(lights.value),
    budget: 200,
    floor: median(lights.floor),
    runs: paired,
  })

  const kanban = await timePaired(
    paired,
    scan(app, [
      `SELECT count(*), max(name), max(code), max(stage), max(position), max(township_id) FROM projects`,
      `SELECT count(*), max(planned_date), max(actual_date) FROM milestones`,
    ]),
    () => app.call('kanban.cards', {}),
  )
  add({
    key: 'kanban',
    label: '看板全部卡片数据（接口调用）',
    unit: 'ms',
    value: median(kanban.value),
    budget: 200,
    floor: median(kanban.floor),
    runs: paired,
  })

  const ids = (app.deps.sqlite.prepare(`SELECT id FROM projects ORDER BY id`).all() as { id: number }[]).map(
    (r) => r.id,
  )
  const pick = (i: number) => ids[(Math.abs(i) * 7919) % ids.length]!
  const opens = await time(Math.max(runs, 50), (i) => app.call('project.get', { id: pick(i) }))
  const openFloor = app.deps.sqlite.prepare(
    `SELECT (SELECT count(*) FROM milestones WHERE project_id = :id) + (SELECT count(*) FROM monthly_reports WHERE project_id = :id)`,
  )
  add({
    key: 'projectOpen',
    label: '打开一个项目工作台（接口调用）',
    unit: 'ms',
    value: median(opens),
    budget: 30,
    floor: median(await time(50, (i) => openFloor.get({ id: pick(i) }))),
    runs: opens.length,
  })

  // Completing milestones: distinct open ones, each a real write with its audit row.
  const open = app.deps.sqlite
    .prepare(`SELECT id, version FROM milestones WHERE actual_date IS NULL ORDER BY id LIMIT 401`)
    .all() as { id: number; version: number }[]
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
  app.deps.sqlite.exec('CREATE TABLE IF NOT EXISTS main.bench_floor (x)')
  const bare = app.deps.sqlite.prepare(`INSERT INTO main.bench_floor VALUES (1)`)
  const commitFloor = await time(200, () => app.deps.sqlite.transaction(() => bare.run()).immediate())
  add({
    key: 'milestoneComplete',
    label: '完成一个节点（含变更记录），p99',
    unit: 'ms',
    value: percentile(complete, 99),
    budget: 5,
    floor: percentile(commitFloor, 99),
    runs: complete.length,
    note: `中位数 ${median(complete).toFixed(2)} ms；下限：同一数据库上插入一行的事务（含同步写盘）`,
  })

  const exportRuns = Math.min(runs, 3)
  add({
    key: 'rankingExport',
    label: '导出排名 Excel（全部项目）',
    unit: 'ms',
    value: median(await time(exportRuns, () => app.call('excel.export', { what: 'ranking', period: PERIOD }))),
    budget: 5000,
    floor: null,
    runs: exportRuns,
  })

  // Import: a county-shaped ledger of as many rows as there are projects, into a fresh database each time.
  const ledger = await toBase64(await countyLedger({ rows: ids.length }))
  const imports = await time(
    exportRuns,
    async (i) => {
      const target = openApp(`${workDir}/import-${i + 10}.db`, { localName: { name: '基准测试', unit: '测试' } })
      try {
        await target.call('excel.preview', { fileName: '台账.xlsx', base64: ledger })
        await target.call('excel.import', { fileName: '台账.xlsx', base64: ledger })
      } finally {
        await target.close()
      }
    },
    0,
  )
  add({
    key: 'ledgerImport',
    label: `导入 ${ids.length} 行台账（预览 + 导入）`,
    unit: 'ms',
    value: median(imports),
    budget: 10_000,
    floor: null,
    runs: exportRuns,
  })
  return figures
}
