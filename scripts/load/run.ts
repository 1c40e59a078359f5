/**
 * `npm run load [-- --projects 10000 --users 200 --seconds 60 --out docs]`: the county server under load.
 * Generates the province-scale database on PostgreSQL (the demo generator with the benchmark's shape) with the
 * accounts of `--users` people, copies it for the run, starts `zhuanban server` in a process of its own on
 * 127.0.0.1, logs every user in, lets them work for `--seconds` (users.ts: the role mix and the screens' calls),
 * stops the server, and looks for every acknowledged write in the database. Prints the table and writes it
 * (load.md) with the JSON (load-<projects>.json) into `--out`.
 *
 * Bounded: loopback only, no action starts after `--seconds`, a request is abandoned after 30 s, the whole run is
 * stopped after `--timeout-minutes` (the server killed, the databases dropped, the throwaway cluster stopped).
 * Exit status: 0 when it ran and lost no write — budgets (errors, p95s) are reported, not asserted; 1 when it
 * could not run, a login failed, or an acknowledged write is not in the database.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import * as prettier from 'prettier'
import { openAppAt } from '../../src/main/app'
import { generateDemo } from '../../src/main/demo/generate'
import { localToday } from '../../src/shared/dates'
import { createAccounts, readCast, roleMix } from './cast'
import { cpuBetween, sampleCpu, type CpuUse } from './cpu'
import { openLoadServer, type LoadDatabaseServer } from './database'
import { budgetOf, BUDGET, document, machine, markdown, type LoadResult, type PhaseResult } from './report'
import { startServerChild, type ServerChild } from './server-process'
import { percentile, Recorder, type CallFigures } from './stats'
import { seeded, SimulatedUser, WEIGHTS, type Acknowledged, type Action, type RunShared } from './users'
import { verifyWrites } from './verify'

const { values } = parseArgs({
  options: {
    projects: { type: 'string', default: '10000' },
    users: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '60' },
    // The longest think time, uniform from 0; several (1000,10000): one phase each, on the same server and data.
    'think-ms': { type: 'string', default: '1000' },
    seed: { type: 'string', default: '20261201' },
    out: { type: 'string', default: 'load-results' },
    // Keep the generated database (on a given server) and copy it next time: the 10,000 projects take minutes.
    'keep-template': { type: 'boolean', default: false },
    'timeout-minutes': { type: 'string', default: '60' },
  },
})
const projects = Number(values.projects)
const users = Number(values.users)
const seconds = Number(values.seconds)
/** Each phase: its longest think time, and whether the members only read (`10000:reads`). */
const phasesWanted = values['think-ms'].split(',').map((text) => {
  const [ms, what] = text.trim().split(':')
  if (what !== undefined && what !== 'reads') throw new Error(`--think-ms: ${text}? (e.g. 1000,10000:reads)`)
  return { pace: Number(ms), readOnly: what === 'reads' }
})
const paces = phasesWanted.map((p) => p.pace)
const seed = Number(values.seed)
/** How many times the user alone does each action (the figures of an idle server). */
const ALONE_ROUNDS = 5
for (const [name, n, min] of [
  ['--projects', projects, 10],
  ['--users', users, 3],
  ['--seconds', seconds, 1],
  ...paces.map((pace) => ['--think-ms', pace, 0] as const),
] as const)
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} should be a whole number ≥ ${min}`)
const ROOT = path.resolve(import.meta.dirname, '..', '..')
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-load-'))
// Backups the App makes of a server database (none expected) go under the run's folder, never ~/.config.
process.env.XDG_CONFIG_HOME = path.join(workDir, 'config')

let dbServer: LoadDatabaseServer | null = null
let stopCluster: (() => void) | null = null
let serverChild: ServerChild | null = null
const template = `zb_load_tpl_p${projects}_u${users}`
const keepTemplate = values['keep-template'] && Boolean(process.env.ZHUANBAN_BENCH_PG)

/** Everything the run started, gone: the server, the run's databases (a kept template stays), the cluster. */
async function cleanUp() {
  serverChild?.kill()
  if (dbServer) await Promise.race([dbServer.close(keepTemplate ? template : undefined), sleep(15_000)])
  else stopCluster?.()
  fs.rmSync(workDir, { recursive: true, force: true })
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function onSignal(signal: NodeJS.Signals) {
  console.error(`\n${signal}: stopping the server and dropping the load databases…`)
  serverChild?.kill()
  if (stopCluster) stopCluster()
  void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
}
// A closed pipe (`npm run load | head`) must not end the process before it has stopped what it started.
process.stdout.on('error', () => {})
process.once('SIGINT', onSignal)
process.once('SIGTERM', onSignal)
// The whole run is bounded, whatever hangs.
const watchdog = setTimeout(
  () => {
    console.error(`The load test did not finish in ${values['timeout-minutes']} minutes: stopped.`)
    void cleanUp().finally(() => process.exit(1))
  },
  Number(values['timeout-minutes']) * 60_000,
)
watchdog.unref()

function commitOf() {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()
  try {
    return { sha: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no') !== '' }
  } catch {
    return { sha: null, dirty: null }
  }
}

/** The template: generated (the benchmark's shape per project) with the accounts, or an earlier one kept. */
async function prepareTemplate(server: LoadDatabaseServer) {
  if (keepTemplate && (await server.templateReady(template))) {
    console.log(`Using the kept database ${template}.`)
    return { generatedSeconds: null, reused: true }
  }
  console.log(`Generating ${projects} projects and ${users} accounts on PostgreSQL…`)
  const started = Date.now()
  const url = await server.createEmpty(template)
  const app = await openAppAt(url)
  try {
    const counts = await generateDemo(app.deps.store, {
      seed,
      projects,
      today: localToday(),
      milestones: [15, 25],
      problems: [4, 10],
      startYearsBack: 15,
      reportYearsBefore: 20,
      auditRowsAtLeast: projects * 100,
    })
    console.log(
      `  ${counts.projects} projects, ${counts.milestones} milestones, ${counts.reports} reports, ` +
        `${counts.problems} problems, ${counts.auditRows} audit rows (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    )
    await createAccounts(app, url, users)
  } finally {
    await app.close()
  }
  await server.settle(url)
  await server.markReady(template)
  const generatedSeconds = (Date.now() - started) / 1000
  console.log(`  accounts made, analyzed: ${generatedSeconds.toFixed(0)} s in all`)
  return { generatedSeconds, reused: false }
}

async function countRows(url: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const counts: Record<string, number> = {}
    for (const table of ['projects', 'milestones', 'monthly_reports', 'problems', 'audit_log', 'users'])
      counts[table] = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n)
    return counts
  } finally {
    await client.end()
  }
}

/** One phase's figures, each call and the groups judged against its budget. */
function phaseResult(pace: number, readOnly: boolean, recorder: Recorder, cpu: CpuUse, elapsed: number): PhaseResult {
  const judged = (c: CallFigures) => {
    const budgetP95 = budgetOf(c)
    return { ...c, budgetP95, withinBudget: c.p95 <= budgetP95 && c.errors === 0 }
  }
  const calls = recorder.calls().map(judged)
  const isRanking = (name: string) => name.startsWith('ranking.')
  const groups = {
    reads: { ...judged(recorder.together('reads', 'read', (n) => !isRanking(n))), budgetP95: BUDGET.read },
    writes: { ...judged(recorder.together('writes', 'write', () => true)), budgetP95: BUDGET.write },
    ranking: { ...judged(recorder.together('ranking', 'read', isRanking)), budgetP95: BUDGET.ranking },
  }
  for (const g of Object.values(groups)) g.withinBudget = g.p95 <= g.budgetP95 && g.errors === 0
  const requests = recorder.total()
  const errors = [...recorder.errors.values()].sort((a, b) => b.count - a.count)
  const errorCount = errors.reduce((a, e) => a + e.count, 0)
  return {
    thinkMs: pace,
    readOnly,
    run: {
      seconds: Math.round(elapsed * 10) / 10,
      requests,
      requestsPerSecond: Math.round((requests / elapsed) * 10) / 10,
      requestsPerSecondPerCore: Math.round((requests / elapsed / cpu.cores) * 10) / 10,
      errors: errorCount,
    },
    cpu,
    calls,
    groups,
    errors,
    budgets: {
      errors: errorCount === 0,
      readsP95: calls.filter((c) => c.kind === 'read' && !isRanking(c.name)).every((c) => c.p95 <= BUDGET.read),
      writesP95: calls.filter((c) => c.kind === 'write').every((c) => c.p95 <= BUDGET.write),
      rankingP95: calls.filter((c) => isRanking(c.name)).every((c) => c.p95 <= BUDGET.ranking),
    },
  }
}

/** Waits (at most 2 minutes) until the server answers /healthz within 100 ms: nothing queued any more. */
async function drain(base: string) {
  const until = Date.now() + 120_000
  while (Date.now() < until) {
    const started = performance.now()
    const ok = await fetch(new URL('/healthz', base), { signal: AbortSignal.timeout(60_000) })
      .then((r) => r.ok)
      .catch(() => false)
    if (ok && performance.now() - started < 100) return
    await sleep(1000)
  }
}

/** Logs every user in, a few at a time (the login's scrypt is the server's dearest call). */
async function logIn(all: SimulatedUser[]) {
  const queue = [...all]
  const ok: SimulatedUser[] = []
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let u = queue.shift(); u; u = queue.shift()) if (await u.login()) ok.push(u)
    }),
  )
  return ok
}

async function main(): Promise<number> {
  dbServer = await openLoadServer((stop) => (stopCluster = stop))
  console.log(`PostgreSQL ${dbServer.describe.version} at ${dbServer.describe.location}`)
  const prepared = await prepareTemplate(dbServer)
  const runDb = `zb_load_run_${process.pid}`
  const url = await dbServer.copy(template, runDb)
  const counts = await countRows(url)
  const cast = await readCast(url)
  const roles = { 专班成员: 0, 县领导: 0, 重点项目办: 0 }
  for (const p of cast.players)
    roles[p.kind === 'member' ? '专班成员' : p.kind === 'leader' ? '县领导' : '重点项目办']++
  const mix = roleMix(users)
  if (cast.players.length !== users || roles['专班成员'] !== mix.members)
    throw new Error(`the database has ${cast.players.length} load accounts, not ${users}`)

  serverChild = await startServerChild(url, workDir)
  console.log(`Server: ${serverChild.url} (pid ${serverChild.pid})`)
  const acknowledged: Acknowledged = { milestones: [], reports: new Map(), unanswered: new Map(), problems: [] }
  let endsAt = Infinity
  const shared: RunShared = {
    base: serverChild.url,
    cast,
    projects,
    recorder: new Recorder(),
    acknowledged,
    thinkMs: paces[0]!,
    readOnly: false,
    endsAt: () => endsAt,
    random: seeded(seed),
    logins: { ms: [], failed: [] },
  }
  const all = cast.players.map((p) => new SimulatedUser(p, shared))
  const loggedIn = await logIn(all)
  console.log(`${loggedIn.length} of ${all.length} users logged in.`)

  // What each call costs with nobody else on the server: one 专班成员 and one 县领导, every action a few times.
  const alone = new Recorder()
  shared.recorder = alone
  alone.measuring = true
  const member = loggedIn.find((u) => u.player.kind === 'member')
  const leader = loggedIn.find((u) => u.player.kind === 'leader')
  for (let i = 0; i < ALONE_ROUNDS; i++) {
    for (const action of Object.keys(WEIGHTS.member) as Action[]) await member?.once(action)
    for (const action of Object.keys(WEIGHTS.leader) as Action[]) await leader?.once(action)
  }
  alone.measuring = false

  const phases: PhaseResult[] = []
  for (const { pace, readOnly } of phasesWanted) {
    // Each phase starts on a quiet server: what the last one left queued (answers nobody waits for any more
    // included) is done first.
    await drain(serverChild.url)
    console.log(`Running ${seconds} s, think time 0–${pace} ms${readOnly ? ', reads only' : ''}…`)
    const recorder = new Recorder()
    shared.recorder = recorder
    shared.thinkMs = pace
    shared.readOnly = readOnly
    const before = sampleCpu(serverChild.pid)
    recorder.measuring = true
    endsAt = performance.now() + seconds * 1000
    // The actions in flight at the end finish (a request is abandoned after 30 s): bounded by this, whatever hangs.
    const finished = await Promise.race([
      Promise.all(loggedIn.map((u) => u.loop())).then(() => true),
      sleep(seconds * 1000 + 60_000).then(() => false),
    ])
    recorder.measuring = false
    const after = sampleCpu(serverChild.pid)
    if (!finished) console.error('Some users were still waiting 60 s after the end: their calls are not counted.')
    phases.push(phaseResult(pace, readOnly, recorder, cpuBetween(before, after), (after.at - before.at) / 1000))
  }
  for (const u of all) u.close()

  await serverChild.stop()
  // What the server said (its warnings and errors): kept for a look at the errors of the table.
  const serverLog = path.join(os.tmpdir(), `zhuanban-load-server-${process.pid}.log`)
  fs.writeFileSync(serverLog, serverChild.output())
  console.log(`The server's output: ${serverLog}`)
  const writes = await verifyWrites(url, acknowledged)
  const loginMs = [...shared.logins.ms].sort((a, b) => a - b)
  const result: LoadResult = {
    commit: commitOf(),
    machine: machine(),
    postgres: dbServer.describe,
    options: { projects, users, seconds, thinkMs: paces, readOnly: phasesWanted.map((p) => p.readOnly), seed },
    database: { ...prepared, counts, roles },
    logins: {
      count: loginMs.length,
      failed: shared.logins.failed,
      p50: Math.round(percentile(loginMs, 50)),
      p95: Math.round(percentile(loginMs, 95)),
      max: Math.round(loginMs.at(-1) ?? 0),
    },
    alone: alone.calls(),
    phases,
    writes,
  }
  const table = markdown(result)
  console.log(`\n${table}\n`)
  const out = path.resolve(ROOT, values.out)
  fs.mkdirSync(out, { recursive: true })
  // Formatted as the repository's own files are (`npm run lint` checks docs/ with Prettier too).
  const pretty = async (file: string, text: string) =>
    fs.writeFileSync(file, await prettier.format(text, { ...(await prettier.resolveConfig(file)), filepath: file }))
  await pretty(path.join(out, `load-${projects}.json`), JSON.stringify(result, null, 2))
  await pretty(path.join(out, 'load.md'), document(result, table))
  console.log(`Written: ${path.join(out, 'load.md')} and load-${projects}.json`)
  if (shared.logins.failed.length) {
    console.error(`Logins failed:\n${shared.logins.failed.slice(0, 10).join('\n')}`)
    return 1
  }
  if (writes.lost.length) {
    console.error(`${writes.lost.length} acknowledged writes are not in the database.`)
    return 1
  }
  return 0
}

let status: number
try {
  status = await main()
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error)
  // (Assigned inside main: TypeScript's narrowing does not see it.)
  const child = serverChild as ServerChild | null
  if (child) console.error(`Server output:\n${child.output().slice(-4000)}`)
  status = 1
} finally {
  await cleanUp()
  clearTimeout(watchdog)
}
process.exit(status)
