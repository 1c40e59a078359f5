/**
 * `npm run bench [-- --projects 10000 --runs 7 --out bench-results]`: the province-scale benchmark.
 * Generates the database with the demo generator (10,000 projects, ~200,000 milestones, ~600,000 monthly
 * reports, ~50,000 problems, 1,000,000 audit rows at the default size), measures every figure of the budget
 * over repeated runs, and prints medians with the budget and the ratio to a floor measured in the same run.
 * Writes the same as JSON. Budgets are reported, not asserted (CI runs a small size to prove it works).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { openApp } from '../../src/main/app'
import { generateDemo } from '../../src/main/demo/generate'
import { BENCH_ACCOUNT, browserFigures, builtApp } from './browser'
import { round, type Figure } from './measure'
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

/** The province-scale shape, per project: ~20 milestones, ~60 reports, ~5 problems, 100 audit rows. */
async function generate(file: string, size: number) {
  const app = openApp(file, { localName: { name: '基准测试', unit: '市重点项目办' } })
  const started = Date.now()
  const counts = generateDemo(app.deps.db, app.deps.sqlite, {
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
  // No ANALYZE: the application never runs it, so the query plans measured are the ones an office gets.
  return { app, counts, seconds: (Date.now() - started) / 1000 }
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

try {
  let built = builtApp(ROOT)
  if (!values['skip-build']) {
    console.log('构建界面和命令行……')
    built = buildApp(path.join(workDir, 'app'))
  }
  const dbFile = path.join(workDir, 'province.db')
  console.log(`生成 ${projects} 个项目的数据库……`)
  const { app, counts, seconds } = await generate(dbFile, projects)
  const bytes = fs.statSync(dbFile).size
  console.log(
    `  ${counts.projects} 个项目、${counts.milestones} 个节点、${counts.reports} 份月报、${counts.problems} 个问题、` +
      `${counts.auditRows} 条变更记录；${(bytes / 1e6).toFixed(0)} MB，用时 ${seconds.toFixed(1)} 秒`,
  )
  const small = await generate(path.join(workDir, 'city.db'), Math.min(1000, projects))
  await small.app.close()

  console.log('主进程（接口调用）：')
  const figures: Figure[] = await serviceFigures(app, runs, workDir)
  await app.close()
  console.log('Chromium（浏览器模式）：')
  figures.push(
    ...(await browserFigures({
      app: built,
      db: dbFile,
      smallDb: path.join(workDir, 'city.db'),
      projects,
      runs,
      workDir,
    })),
  )

  const rows = figures.map((f) => {
    const ratio = f.floor ? f.value / f.floor : null
    const withinBudget = f.value <= f.budget && (f.maxRatio === undefined || (ratio !== null && ratio <= f.maxRatio))
    return {
      ...f,
      value: round(f.value),
      floor: f.floor === null ? null : round(f.floor),
      ratio: ratio === null ? null : round(ratio),
      withinBudget,
    }
  })
  console.log('')
  console.log(`| 指标 | 中位数 | 预算 | 下限 | 倍数 | 结果 |`)
  console.log(`|---|---:|---:|---:|---:|---|`)
  for (const r of rows)
    console.log(
      `| ${r.label} | ${r.value} ${r.unit} | ≤ ${r.budget} ${r.unit}${r.maxRatio ? `，≤ ${r.maxRatio}× 下限` : ''} | ${r.floor ?? '—'} | ${r.ratio === null ? '—' : `${r.ratio}×`} | ${r.withinBudget ? '达标' : '未达标'} |`,
    )
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
    size: { ...counts, databaseMb: Math.round(bytes / 1e6) },
    runs,
    figures: rows,
  }
  fs.mkdirSync(path.resolve(ROOT, values.out), { recursive: true })
  const out = path.resolve(ROOT, values.out, `bench-${projects}.json`)
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  console.log(`\n机器：${cpu}，${os.cpus().length} 核，${result.machine.memoryGb} GB；结果已写入 ${out}`)
} finally {
  fs.rmSync(workDir, { recursive: true, force: true })
}
