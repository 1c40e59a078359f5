/**
 * `npm run bench [-- --projects 10000 --runs 7 --out bench-results]`: the province-scale benchmark.
 * Generates the database with the demo generator (10,000 projects, ~200,000 milestones, ~600,000 monthly
 * reports, ~50,000 problems, 1,000,000 audit rows at the default size), measures every figure of the budget
 * over repeated runs, and prints medians with the budget and the ratio to a floor measured in the same run.
 * Every figure is measured on both stores with the same data and the same budget, side by side: a SQLite file
 * and a PostgreSQL database (ZHUANBAN_BENCH_PG, or a throwaway cluster of the bench's own: postgres.ts).
 * Writes the same as JSON. Budgets are reported, not asserted (CI runs a small size to prove it works).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { openAppAt, type App } from '../../src/main/app'
import { generateDemo, type DemoCounts } from '../../src/main/demo/generate'
import { BENCH_ACCOUNT, browserFigures, builtApp, type BrowserTarget } from './browser'
import { round, STORE_NAMES, STORES, type BenchStore, type Figure, type Measured } from './measure'
import { openBenchServer, type BenchServer } from './postgres'
import { serviceFigures } from './services'

const { values } = parseArgs({
  options: {
    projects: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '7' },
    out: { type: 'string', default: 'bench-results' },
    'skip-build': { type: 'boolean', default: false }, // use the project's own `npm run build` output
  },
})
const projects = Number(values.projects)
const runs = Number(values.runs)
const ROOT = path.resolve(import.meta.dirname, '..', '..')
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-bench-'))
// The server databases' backups (a pre-import dump …) go under the app's data folder: the bench's own, removed
// with it — never the user's ~/.config (the serve processes it starts inherit this).
process.env.XDG_CONFIG_HOME = path.join(workDir, 'config')

/** The province-scale shape, per project: ~20 milestones, ~60 reports, ~5 problems, 100 audit rows. */
async function generate(target: string, size: number) {
  const app = await openAppAt(target, { localName: { name: '基准测试', unit: '市重点项目办' } })
  try {
    const started = Date.now()
    const counts = await generateDemo(app.deps.store, {
      seed: 20261121,
      projects: size,
      today: '2026-11-21',
      milestones: [15, 25],
      problems: [4, 10],
      startYearsBack: 15,
      reportYearsBefore: 20,
      auditRowsAtLeast: size * 100,
    })
    // The account the browser figures log in as (browser mode asks for a login like the desktop).
    await app.call('auth.setup', { ...BENCH_ACCOUNT, name: '基准测试', unit: '市重点项目办' })
    // No ANALYZE on the file: the application never runs it, so the plans measured are the ones an office gets.
    // On PostgreSQL the server's autovacuum analyzes (and vacuums) a table soon after a bulk load by itself: the
    // bench's VACUUM ANALYZE (server.settle) stands for that.
    const seconds = (Date.now() - started) / 1000
    if (app.deps.store.kind === 'postgres') await server!.settle(target)
    return { app, counts, seconds }
  } catch (error) {
    await app.close()
    throw error
  }
}

/**
 * The renderer and the command line, built into the bench's own folder (node_modules linked for the command
 * line's dependencies): the project's dist/ and dist-electron/ — an app that may be open — are left alone.
 */
function buildApp(dir: string) {
  fs.mkdirSync(dir, { recursive: true })
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'junction')
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js')
  const build = (...args: string[]) =>
    execFileSync(process.execPath, [vite, 'build', ...args], { cwd: ROOT, stdio: 'ignore' })
  build('--outDir', path.join(dir, 'dist', 'renderer'))
  build('--config', 'vite.node.config.ts', '--outDir', path.join(dir, 'dist-electron'))
  return builtApp(dir)
}

let server: BenchServer | null = null
let stopCluster: (() => void) | null = null
const apps: Partial<Record<BenchStore, App>> = {}

// Ctrl+C or a kill: the throwaway cluster goes with its databases; on a given server the bench's are dropped.
function onSignal(signal: NodeJS.Signals) {
  console.error(`\n收到 ${signal}，正在清理……`)
  const done = () => {
    fs.rmSync(workDir, { recursive: true, force: true })
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  if (stopCluster) {
    stopCluster()
    done()
  } else if (server) void Promise.race([server.close(), new Promise((r) => setTimeout(r, 10_000))]).finally(done)
  else done()
}
process.once('SIGINT', onSignal)
process.once('SIGTERM', onSignal)

/** One store's result of a figure, judged against the figure's budget. */
function judged(f: Pick<Figure, 'budget' | 'maxRatio'>, m: Measured) {
  const ratio = m.floor ? m.value / m.floor : null
  const withinBudget = m.value <= f.budget && (f.maxRatio === undefined || (ratio !== null && ratio <= f.maxRatio))
  return {
    value: round(m.value),
    floor: m.floor === null ? null : round(m.floor),
    ratio: ratio === null ? null : round(ratio),
    withinBudget,
    runs: m.runs,
    ...(m.note ? { note: m.note } : {}),
  }
}

try {
  let built = builtApp(ROOT)
  if (!values['skip-build']) {
    console.log('构建界面和命令行……')
    built = buildApp(path.join(workDir, 'app'))
  }
  console.log('PostgreSQL……')
  server = await openBenchServer((stop) => (stopCluster = stop))
  const pgInfo = server.describe
  console.log(
    `  ${pgInfo.location}，PostgreSQL ${pgInfo.version}${pgInfo.own ? '（本次启动的临时实例，用完即删）' : ''}；` +
      Object.entries(pgInfo.settings)
        .map(([k, v]) => `${k}=${v}`)
        .join('，'),
  )
  const targets: Record<BenchStore, BrowserTarget> = {
    sqlite: { db: path.join(workDir, 'province.db'), smallDb: path.join(workDir, 'city.db') },
    postgres: { db: await server.createDatabase('province'), smallDb: await server.createDatabase('city') },
  }
  const sizes = {} as Record<BenchStore, { counts: DemoCounts; bytes: number; seconds: number }>
  for (const store of STORES) {
    console.log(`生成 ${projects} 个项目的数据库（${STORE_NAMES[store]}）……`)
    const { app, counts, seconds } = await generate(targets[store].db, projects)
    apps[store] = app
    const bytes =
      store === 'sqlite' ? fs.statSync(targets.sqlite.db).size : await server.databaseBytes(targets.postgres.db)
    sizes[store] = { counts, bytes, seconds }
    console.log(
      `  ${counts.projects} 个项目、${counts.milestones} 个节点、${counts.reports} 份月报、${counts.problems} 个问题、` +
        `${counts.auditRows} 条变更记录；${(bytes / 1e6).toFixed(0)} MB，用时 ${seconds.toFixed(1)} 秒`,
    )
    const small = await generate(targets[store].smallDb, Math.min(1000, projects))
    await small.app.close()
  }
  // The same seed gives the same rows on both stores: the two columns compare the same data.
  if (JSON.stringify(sizes.sqlite.counts) !== JSON.stringify(sizes.postgres.counts))
    throw new Error(
      `两种数据库生成的数据不同：${JSON.stringify(sizes.sqlite.counts)} / ${JSON.stringify(sizes.postgres.counts)}`,
    )

  console.log('主进程（接口调用）：')
  const figures: Figure[] = await serviceFigures({
    apps: apps as Record<BenchStore, App>,
    runs,
    importTarget: async (store, i) =>
      store === 'sqlite' ? path.join(workDir, `import-${i}.db`) : server!.createDatabase(`import_${i}`),
  })
  for (const store of STORES) {
    await apps[store]?.close()
    delete apps[store]
  }
  console.log('Chromium（浏览器模式）：')
  figures.push(...(await browserFigures({ app: built, targets, projects, runs, workDir })))

  const rows = figures.map(({ stores, ...figure }) => ({
    ...figure,
    ...judged(figure, stores.sqlite),
    postgres: judged(figure, stores.postgres),
  }))
  const floorCell = (unit: string, r: ReturnType<typeof judged>) =>
    r.floor === null ? '—' : `${r.floor} ${unit}${r.ratio === null ? '' : `（${r.ratio}×）`}`
  console.log('')
  console.log(`| 指标 | SQLite | PostgreSQL | 预算 | 下限（倍数）SQLite / PostgreSQL | 结果 SQLite / PostgreSQL |`)
  console.log(`|---|---:|---:|---:|---:|---|`)
  for (const r of rows) {
    const floors =
      r.floor === null && r.postgres.floor === null ? '—' : `${floorCell(r.unit, r)} / ${floorCell(r.unit, r.postgres)}`
    const result = (ok: boolean) => (ok ? '达标' : '未达标')
    console.log(
      `| ${r.label} | ${r.value} ${r.unit} | ${r.postgres.value} ${r.unit} | ≤ ${r.budget} ${r.unit}${r.maxRatio ? `，≤ ${r.maxRatio}× 下限` : ''} | ${floors} | ${result(r.withinBudget)} / ${result(r.postgres.withinBudget)} |`,
    )
  }
  const cpu = os.cpus()[0]?.model ?? '?'
  const result = {
    at: new Date().toISOString(),
    machine: {
      cpu,
      cores: os.cpus().length,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()}`,
      node: process.version,
    },
    postgres: pgInfo,
    // The same rows on both stores (checked above); what each takes on disk, and how long each took to load.
    size: {
      ...sizes.sqlite.counts,
      databaseMb: Math.round(sizes.sqlite.bytes / 1e6),
      postgresDatabaseMb: Math.round(sizes.postgres.bytes / 1e6),
    },
    generationSeconds: { sqlite: round(sizes.sqlite.seconds), postgres: round(sizes.postgres.seconds) },
    runs,
    // Each figure: its budget, the SQLite file's result (value, floor, ratio, withinBudget, runs, note) and the
    // same fields for PostgreSQL under `postgres`.
    figures: rows,
  }
  fs.mkdirSync(path.resolve(ROOT, values.out), { recursive: true })
  const out = path.resolve(ROOT, values.out, `bench-${projects}.json`)
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  console.log(`\n机器：${cpu}，${os.cpus().length} 核，${result.machine.memoryGb} GB；结果已写入 ${out}`)
} finally {
  for (const app of Object.values(apps)) await app.close()
  await server?.close()
  fs.rmSync(workDir, { recursive: true, force: true })
}
