/**
 * `npm run bench [-- --projects 10000 --runs 7 --out bench-results]`: the province-scale benchmark.
 * `npm run bench -- --scaling 1000,10000,30000`: the main side's figures at each size and how they grow
 * (scaling.ts), instead of the one-size run.
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
import { BENCH_ACCOUNT, browserFigures, builtApp, RSS_SCENARIO, type BrowserTarget } from './browser'
import { callSizes, callSizesJson, printCallSizes, samplesOf } from './call-sizes'
import { round, STORE_NAMES, STORES, type BenchStore, type Figure, type Measured } from './measure'
import { openBenchServer, type BenchServer } from './postgres'
import { printScaling, scalingFigures, type SizeResult } from './scaling'
import { benchClock, serviceFigures } from './services'

const { values } = parseArgs({
  options: {
    projects: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '7' },
    scaling: { type: 'string' }, // sizes, e.g. 1000,10000,30000
    out: { type: 'string', default: 'bench-results' },
    'skip-build': { type: 'boolean', default: false }, // use the project's own `npm run build` output
  },
})
const projects = Number(values.projects)
// Every figure is a median of at least this many runs (issue 19: ≥ 7); CI's smoke run asks for fewer.
const runs = Number(values.runs)
const scaling = values.scaling?.split(',').map(Number)
if (scaling && (scaling.length < 2 || scaling.some((n) => !Number.isInteger(n) || n < 10)))
  throw new Error('--scaling 需要两个以上的项目数，用逗号分隔，如 1000,10000,30000')
const ROOT = path.resolve(import.meta.dirname, '..', '..')
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-bench-'))
// The server databases' backups (a pre-import dump …) go under the app's data folder: the bench's own, removed
// with it — never the user's ~/.config (the serve processes it starts inherit this).
process.env.XDG_CONFIG_HOME = path.join(workDir, 'config')

/** The province-scale shape, per project: ~20 milestones, ~60 reports, ~5 problems, 100 audit rows. */
async function generate(target: string, size: number) {
  // The clock of the day the data is generated for: the main-side figures rank the same month on any date.
  const app = await openAppAt(target, { localName: { name: '基准测试', unit: '市重点项目办' }, clock: benchClock })
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

/** One store's result of a figure, judged against the figure's budget (and its check, when it has one). */
function judged(f: Pick<Figure, 'budget' | 'maxRatio'>, m: Measured) {
  const ratio = m.floor ? m.value / m.floor : null
  const withinBudget =
    m.value <= f.budget &&
    (f.maxRatio === undefined || (ratio !== null && ratio <= f.maxRatio)) &&
    (m.check?.ok ?? true)
  return {
    value: round(m.value),
    floor: m.floor === null ? null : round(m.floor),
    ratio: ratio === null ? null : round(ratio),
    withinBudget,
    runs: m.runs,
    ...(m.note ? { note: m.note } : {}),
    ...(m.check ? { check: m.check } : {}),
    ...(m.largestCall ? { largestCall: m.largestCall } : {}),
  }
}

/** The commit measured, and whether the work tree had changes besides it (then the figures are of those too). */
function commitOf() {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()
  try {
    return { sha: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no') !== '' }
  } catch {
    return { sha: null, dirty: null }
  }
}

/** Generates one size on both stores (the same seed: the same rows), each in a new database; checks they match. */
async function generateBoth(targets: Record<BenchStore, string>, size: number) {
  const sizes = {} as Record<BenchStore, { counts: DemoCounts; bytes: number; seconds: number }>
  for (const store of STORES) {
    console.log(`生成 ${size} 个项目的数据库（${STORE_NAMES[store]}）……`)
    const { app, counts, seconds } = await generate(targets[store], size)
    apps[store] = app
    const bytes = store === 'sqlite' ? fs.statSync(targets.sqlite).size : await server!.databaseBytes(targets.postgres)
    sizes[store] = { counts, bytes, seconds }
    console.log(
      `  ${counts.projects} 个项目、${counts.milestones} 个节点、${counts.reports} 份月报、${counts.problems} 个问题、` +
        `${counts.auditRows} 条变更记录；${(bytes / 1e6).toFixed(0)} MB，用时 ${seconds.toFixed(1)} 秒`,
    )
  }
  // The same seed gives the same rows on both stores: the two columns compare the same data.
  if (JSON.stringify(sizes.sqlite.counts) !== JSON.stringify(sizes.postgres.counts))
    throw new Error(
      `两种数据库生成的数据不同：${JSON.stringify(sizes.sqlite.counts)} / ${JSON.stringify(sizes.postgres.counts)}`,
    )
  return sizes
}

async function closeApps() {
  for (const store of STORES) {
    await apps[store]?.close()
    delete apps[store]
  }
}

function machine() {
  return {
    cpu: os.cpus()[0]?.model ?? '?',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
  }
}

function writeJson(name: string, result: { commit: ReturnType<typeof commitOf> } & Record<string, unknown>) {
  const { sha, dirty } = result.commit
  console.log(`\n测量的代码：提交 ${sha ?? '（不是 git 工作区）'}${dirty ? '，另有未提交的改动' : ''}`)
  fs.mkdirSync(path.resolve(ROOT, values.out), { recursive: true })
  const out = path.resolve(ROOT, values.out, name)
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  const m = machine()
  console.log(`\n机器：${m.cpu}，${m.cores} 核，${m.memoryGb} GB；结果已写入 ${out}`)
}

/** `--scaling`: each size on both stores, the main-side figures, and the growth table. */
async function runScaling(sizesWanted: number[]) {
  const results: SizeResult[] = []
  for (const size of sizesWanted) {
    const targets = {
      sqlite: path.join(workDir, `scale-${size}.db`),
      postgres: await server!.createDatabase(`scale_${size}`),
    }
    await generateBoth(targets, size)
    console.log(`主进程（${size} 个项目）：`)
    results.push({ projects: size, figures: await scalingFigures(apps as Record<BenchStore, App>, runs) })
    await closeApps()
    fs.rmSync(targets.sqlite, { force: true })
  }
  const rows = printScaling(results)
  writeJson(`bench-scaling-${sizesWanted.join('-')}.json`, {
    at: new Date().toISOString(),
    commit: commitOf(),
    machine: machine(),
    postgres: server!.describe,
    runs,
    sizes: sizesWanted,
    // Per figure and store: the value at each size, and per step its growth against the data's.
    figures: rows,
  })
}

/** The one-size run: every figure on both stores, the check of every call's answer, the table and the JSON. */
async function runOneSize(built: ReturnType<typeof builtApp>) {
  const targets: Record<BenchStore, BrowserTarget> = {
    sqlite: { db: path.join(workDir, 'province.db') },
    postgres: { db: await server!.createDatabase('province') },
  }
  const sizes = await generateBoth({ sqlite: targets.sqlite.db, postgres: targets.postgres.db }, projects)

  console.log('主进程（接口调用）：')
  const open = apps as Record<BenchStore, App>
  const { projectId } = await samplesOf(open.sqlite)
  console.log('  每个读接口的应答大小……')
  const calls = await callSizes(open)
  const figures: Figure[] = await serviceFigures({
    apps: open,
    runs,
    importTarget: async (store, i) =>
      store === 'sqlite' ? path.join(workDir, `import-${i}.db`) : server!.createDatabase(`import_${i}`),
  })
  await closeApps()
  console.log('Chromium（浏览器模式）：')
  figures.push(...(await browserFigures({ app: built, targets, projects, runs, workDir, projectId })))

  const rows = figures.map(({ stores, ...figure }) => ({
    ...figure,
    ...judged(figure, stores.sqlite),
    postgres: judged(figure, stores.postgres),
  }))
  const floorCell = (unit: string, r: ReturnType<typeof judged>) =>
    r.floor === null ? '—' : `${r.floor} ${unit}${r.ratio === null ? '' : `（${r.ratio}×）`}`
  const result = (r: ReturnType<typeof judged>) =>
    (r.withinBudget ? '达标' : '未达标') + (r.check && !r.check.ok ? `（${r.check.text}）` : '')
  console.log('')
  console.log(`| 指标 | SQLite | PostgreSQL | 预算 | 下限（倍数）SQLite / PostgreSQL | 结果 SQLite / PostgreSQL |`)
  console.log(`|---|---:|---:|---:|---:|---|`)
  for (const r of rows) {
    const floors =
      r.floor === null && r.postgres.floor === null ? '—' : `${floorCell(r.unit, r)} / ${floorCell(r.unit, r.postgres)}`
    console.log(
      `| ${r.label} | ${r.value} ${r.unit} | ${r.postgres.value} ${r.unit} | ≤ ${r.budget} ${r.unit}${r.maxRatio ? `，≤ ${r.maxRatio}× 下限` : ''} | ${floors} | ${result(r)} / ${result(r.postgres)} |`,
    )
  }
  printCallSizes(calls)
  writeJson(`bench-${projects}.json`, {
    at: new Date().toISOString(),
    commit: commitOf(),
    machine: machine(),
    postgres: server!.describe,
    // The same rows on both stores (checked above); what each takes on disk, and how long each took to load.
    size: {
      ...sizes.sqlite.counts,
      databaseMb: Math.round(sizes.sqlite.bytes / 1e6),
      postgresDatabaseMb: Math.round(sizes.postgres.bytes / 1e6),
    },
    generationSeconds: { sqlite: round(sizes.sqlite.seconds), postgres: round(sizes.postgres.seconds) },
    runs,
    rssScenario: RSS_SCENARIO,
    // Each figure: its budget, the SQLite file's result (value, floor, ratio, withinBudget, runs, note, check)
    // and the same fields for PostgreSQL under `postgres`.
    figures: rows,
    // Every read call's answer: bytes of JSON and ms (SQLite's; PostgreSQL's under `postgres`), within 200 KB.
    callSizes: callSizesJson(calls),
  })
}

try {
  let built = builtApp(ROOT)
  if (!values['skip-build'] && !scaling) {
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
  if (scaling) await runScaling(scaling)
  else await runOneSize(built)
} finally {
  for (const app of Object.values(apps)) await app.close()
  await server?.close()
  fs.rmSync(workDir, { recursive: true, force: true })
}
