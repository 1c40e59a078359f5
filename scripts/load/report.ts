/**
 * The run's result: the JSON (every figure, for CI and for comparing runs) and the table (Markdown: printed, and
 * written as load.md — docs/load.md is the province-scale run's). Budgets are reported, not asserted; the
 * script's exit status says only whether the run ran and whether a write was lost.
 */
import os from 'node:os'
import type { CpuUse } from './cpu'
import type { CallFigures, ErrorGroup } from './stats'
import type { Verification } from './verify'

/** p95 budgets of the issue, in ms: every read ≤ 100 (the ranking ≤ 500 under load), every write ≤ 150. */
export const BUDGET = { read: 100, write: 150, ranking: 500 } as const
const RANKING = new Set(['ranking.projects', 'ranking.groups'])

export function budgetOf(call: Pick<CallFigures, 'name' | 'kind'>): number {
  if (RANKING.has(call.name)) return BUDGET.ranking
  return call.kind === 'write' ? BUDGET.write : BUDGET.read
}

type Judged = CallFigures & { budgetP95: number; withinBudget: boolean }

/** One pace's run: all users for `--seconds` with think times of 0–thinkMs. */
export interface PhaseResult {
  thinkMs: number
  /** Members only read in this phase (their writes' weights go to their project page). */
  readOnly: boolean
  run: {
    seconds: number
    requests: number
    requestsPerSecond: number
    requestsPerSecondPerCore: number
    errors: number
  }
  cpu: CpuUse
  calls: Judged[]
  groups: { reads: Judged; writes: Judged; ranking: Judged }
  errors: ErrorGroup[]
  budgets: { errors: boolean; readsP95: boolean; writesP95: boolean; rankingP95: boolean }
}

export interface LoadResult {
  commit: { sha: string | null; dirty: boolean | null }
  machine: { cpu: string; cores: number; memoryGb: number; platform: string; node: string }
  postgres: { location: string; version: string; own: boolean; settings: Record<string, string> }
  options: { projects: number; users: number; seconds: number; thinkMs: number[]; readOnly: boolean[]; seed: number }
  database: {
    generatedSeconds: number | null
    reused: boolean
    counts: Record<string, number>
    roles: Record<string, number>
  }
  logins: { count: number; failed: string[]; p50: number; p95: number; max: number }
  /** Each call with one user alone on the server (before the phases): what it costs without a queue. */
  alone: CallFigures[]
  phases: PhaseResult[]
  /** All phases' acknowledged writes, looked for after the server stopped. */
  writes: Verification
}

export function machine() {
  return {
    cpu: os.cpus()[0]?.model ?? '?',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
  }
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1))
const yes = (ok: boolean) => (ok ? 'yes' : '**no**')

/** The report as Markdown: what was run, then per phase the totals, every call, the budgets and the errors. */
export function markdown(r: LoadResult): string {
  const o = r.options
  const lines: string[] = []
  const w = r.writes
  lines.push(
    `${o.projects.toLocaleString('en')} projects (${Object.entries(r.database.counts)
      .map(([k, v]) => `${v.toLocaleString('en')} ${k}`)
      .join(', ')}) on PostgreSQL ${r.postgres.version} ` +
      `(${r.postgres.own ? "the load test's own cluster" : r.postgres.location}; ` +
      `fsync ${r.postgres.settings.fsync}, synchronous_commit ${r.postgres.settings.synchronous_commit}, ` +
      `shared_buffers ${r.postgres.settings.shared_buffers}), ` +
      `${o.users} simulated users (${Object.entries(r.database.roles)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}), ${o.seconds} s per phase, ` +
      `on ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGb} GB, Node ${r.machine.node}; ` +
      `commit ${r.commit.sha?.slice(0, 10) ?? '?'}${r.commit.dirty ? ' with uncommitted changes' : ''}.`,
  )
  lines.push('')
  lines.push(
    `- **Lost writes: ${w.lost.length}** — checked ${w.checked.milestones} milestones, ${w.checked.reports} monthly ` +
      `reports (the last acknowledged save of each), ${w.checked.problems} problems` +
      (w.supersededByUnanswered
        ? `; ${w.supersededByUnanswered} reports held a later save whose answer never came (timed out), which the ` +
          'server made after all — not lost.'
        : '.'),
  )
  lines.push(
    `- Logins (before the phases, not in their figures): ${r.logins.count}, p50 ${ms(r.logins.p50)} ms, ` +
      `p95 ${ms(r.logins.p95)} ms${r.logins.failed.length ? `, **${r.logins.failed.length} failed**` : ''}.`,
  )
  for (const p of r.phases) {
    lines.push('')
    lines.push(
      `### ${o.users} users, think time 0–${p.thinkMs / 1000} s${p.readOnly ? ', reads only (members write nothing)' : ''}`,
    )
    lines.push('')
    lines.push('| total | value |')
    lines.push('| --- | --- |')
    lines.push(
      `| requests | ${p.run.requests} in ${p.run.seconds.toFixed(1)} s (in-flight actions finish after the end) |`,
    )
    lines.push(`| requests per second | ${p.run.requestsPerSecond.toFixed(1)} |`)
    lines.push(`| requests per second per core | ${p.run.requestsPerSecondPerCore.toFixed(1)} (${p.cpu.cores} cores) |`)
    lines.push(`| errors | ${p.run.errors} |`)
    lines.push(
      `| CPU, in cores | server ${p.cpu.server ?? '?'}, PostgreSQL ${p.cpu.postgres}, load generator ` +
        `${p.cpu.generator}, other programs ${p.cpu.others}; machine ${(p.cpu.machineBusy * 100).toFixed(0)} % busy |`,
    )
    // What one request cost the machine: where the figures of two phases differ by more than their requests.
    const perRequest = ((p.cpu.server ?? 0) + p.cpu.postgres) / Math.max(0.001, p.run.requestsPerSecond)
    lines.push(`| CPU per request (server + PostgreSQL) | ${(perRequest * 1000).toFixed(1)} ms |`)
    lines.push('')
    lines.push(
      '| call | kind | count | errors | p50 ms | p95 ms | p99 ms | max ms | p95 budget | within | alone p50 ms |',
    )
    lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    const alone = new Map(r.alone.map((c) => [c.name, c]))
    const row = (c: Judged, name = `\`${c.name}\``) =>
      c.count === 0
        ? `| ${name} | ${c.kind} | 0 | | | | | | ${c.budgetP95} | – | |`
        : `| ${name} | ${c.kind} | ${c.count} | ${c.errors} | ${ms(c.p50)} | ${ms(c.p95)} | ${ms(c.p99)} | ` +
          `${ms(c.max)} | ${c.budgetP95} | ${yes(c.withinBudget)} | ${alone.has(c.name) ? ms(alone.get(c.name)!.p50) : ''} |`
    for (const c of p.calls) lines.push(row(c))
    lines.push(row(p.groups.reads, '**all reads** (not the ranking)'))
    lines.push(row(p.groups.ranking, '**ranking**'))
    lines.push(row(p.groups.writes, '**all writes**'))
    lines.push('')
    lines.push(
      `Budgets: 0 errors ${yes(p.budgets.errors)}; 0 lost writes ${yes(w.lost.length === 0)}; every read's p95 ≤ ` +
        `${BUDGET.read} ms ${yes(p.budgets.readsP95)}; every write's p95 ≤ ${BUDGET.write} ms ${yes(p.budgets.writesP95)}; ` +
        `the ranking's p95 ≤ ${BUDGET.ranking} ms ${yes(p.budgets.rankingP95)}.`,
    )
    if (p.errors.length) {
      lines.push('')
      lines.push('| errors: call | code | count | what was said |')
      lines.push('| --- | --- | --- | --- |')
      for (const e of p.errors)
        lines.push(`| \`${e.call}\` | ${e.code} | ${e.count} | ${e.examples.join(' / ').replaceAll('|', '\\|')} |`)
    }
  }
  if (w.lost.length) {
    lines.push('')
    lines.push('Lost writes (first 20):')
    for (const l of w.lost.slice(0, 20)) lines.push(`- ${l.key}: found ${l.found}`)
  }
  return lines.join('\n')
}

/** docs/load.md: how the load test works and how to run it, then the run's table. */
export function document(r: LoadResult, table: string): string {
  const o = r.options
  return `# Load test (\`npm run load\`)

The county server under load, measured on one machine: \`zhuanban server\` in a process of its own on 127.0.0.1,
PostgreSQL, and simulated users in the load generator's process. Written by \`scripts/load/run.ts\`; this page
is its output for the run below (regenerate it with \`npm run load -- --out docs\`).

## How it runs

1. **Database.** The demo generator makes ${o.projects.toLocaleString('en')} projects with the benchmark's shape
   (15–25 milestones, 4–10 problems, reports for 20 years, 100 audit rows per project) and ${o.users} accounts:
   about 85 % 专班成员 (each linked to a person of one project's 专班, no two on the same project), 12 % 县领导
   (linked to a leader with projects), 3 % 重点项目办. Every account has changed its initial password. The
   database is copied for the run (\`CREATE DATABASE … TEMPLATE\`); \`--keep-template\` keeps the generated one on
   a given server (\`ZHUANBAN_BENCH_PG\`) for the next run.
2. **Server.** \`zhuanban server --config <file> --port 0\` as a child process (loopback, login limit raised so that
   all users may log in from 127.0.0.1, log level warn). Without \`ZHUANBAN_BENCH_PG\` a throwaway cluster is
   started and restarted durable (fsync on, synchronous commit), as a county server runs.
3. **Users.** Each logs in once (timed apart, not in the figures), then until the end: a think time of
   0–${o.thinkMs.map((t, i) => `${t}${o.readOnly[i] ? ' (reads only)' : ''}`).join(' / ')} ms (uniform; one phase per pace, on the same server and data), an action picked by
   its role's weights, done with the calls the screen makes:

   | action | calls | 专班成员 | 县领导 | 重点项目办 |
   | --- | --- | --- | --- | --- |
   | kanban | \`kanban.board\`, then \`kanban.column\` × 5 at once (the first 50 cards of each stage) | 15 | 30 (mine) | 20 |
   | project page | \`project.get\`, \`lights.get\`, \`report.list\`, \`problem.list\`, \`instruction.list\`, \`audit.list\` at once (every page of the lists) | 30 (70 % their own) | 30 (theirs) | 20 |
   | ranking | \`ranking.projects\`, last month, the first page of 50 | 8 | 20 (mine) | 25 |
   | 总览 | \`overview.get\` and \`overview.ranking\` at once | 10 | 20 (mine) | 15 |
   | 问题清单 | \`problem.page\`, the first 50 | 5 | – | 20 |
   | 节点完成 | \`milestone.complete\` of the own project's earliest open milestone (version from the page) | 12 | – | – |
   | 月报 | \`report.list\` of this month, then \`report.save\` (created, then changed with its version) | 12 | – | – |
   | 问题 | \`problem.create\` on the own project | 8 | – | – |

   A phase marked *reads only* (\`--think-ms 10000:reads\`) has the members open their project instead of
   writing: every write advances the data version, after which what is kept computed from the whole data (the
   kanban's cards, a month's ranking, 总览) is brought up to date for the projects the write named (a write of no
   project, e.g. a dictionary's, computes it whole) — the phase shows what the writes cost the reads. Each phase starts once
   the server answers \`/healthz\` within 100 ms (what the last one left queued is done).
   Before the phases, one 专班成员 and one 县领导 do every action 5 times with nobody else on the server: the
   column *alone p50* is what a call costs without a queue. Every call's time is from sending it to its whole
   answer read (gzip, as a browser asks), 6 connections per
   user at most (a browser's per host). Any answer that is not ok is an error, by call and code.
4. **After.** The server is stopped (SIGTERM: requests in flight finish), and every acknowledged write is looked
   for with a connection of its own: the milestone done on its date at the version the server answered, the
   month's report with the figure and version of its last acknowledged save, the problem with its text.

Budgets (the issue's): 0 errors, 0 lost writes, p95 ≤ ${BUDGET.read} ms for every read, ≤ ${BUDGET.write} ms for every
write, ≤ ${BUDGET.ranking} ms for the ranking. They are reported, not asserted: the exit status is 1 only when the
run could not run, a login failed, or a write was lost. CI runs it small (\`tests/load.test.ts\`: 200 projects, 20
users, two phases of 8 s).

\`\`\`bash
npm run load                                   # 10,000 projects, 200 users, 60 s; results in load-results/
npm run load -- --think-ms 1000,10000,30000,10000:reads --out docs   # the run below: four phases in turn
npm run load -- --projects 200 --users 20 --seconds 5 --out /tmp/load
ZHUANBAN_BENCH_PG='postgres://user@host/postgres' npm run load -- --keep-template --out docs
\`\`\`

Options: \`--projects\`, \`--users\`, \`--seconds\`, \`--think-ms\` (the longest think time), \`--seed\`, \`--out\` (where
\`load.md\` and \`load-<projects>.json\` go), \`--keep-template\`, \`--timeout-minutes\` (the whole run, default 60).

## The run

${table}
`
}
