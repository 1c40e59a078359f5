/**
 * `npm run load` at a small size, as CI runs it: the server in its own process on PostgreSQL (a throwaway
 * cluster of the load test's own, or the server ZHUANBAN_BENCH_PG names), users of every role doing every
 * action, and every acknowledged write found in the database afterwards. The budgets themselves are reported,
 * not asserted (docs/load.md has the province-scale run): a small run on a busy CI machine says nothing of them.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from './helpers/app'

/** Every call the simulated screens make, read or write. */
const CALLS = {
  'audit.list': 'read',
  'instruction.list': 'read',
  'kanban.board': 'read',
  'kanban.column': 'read',
  'lights.get': 'read',
  'milestone.complete': 'write',
  'overview.get': 'read',
  'overview.ranking': 'read',
  'problem.create': 'write',
  'problem.list': 'read',
  'problem.page': 'read',
  'project.get': 'read',
  'ranking.projects': 'read',
  'report.list': 'read',
  'report.save': 'write',
} as const

interface Figures {
  name: string
  kind: 'read' | 'write'
  count: number
  errors: number
  p50: number
  p95: number
  p99: number
  max: number
  budgetP95: number
  withinBudget: boolean
}

describe('npm run load (small size)', () => {
  // About 45 s alone on 2 cores (generation, 20 accounts' scrypt, two phases of 8 s); the margin is for a busy
  // machine.
  it('runs every action against the server process and loses no write', { timeout: 300_000 }, () => {
    const out = tempDir()
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/load/run.ts',
        ...['--projects', '200', '--users', '20', '--seconds', '8', '--think-ms', '1000,3000'],
        ...['--out', out, '--timeout-minutes', '4'],
      ],
      { encoding: 'utf8', timeout: 290_000 },
    )
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0)
    const result = JSON.parse(fs.readFileSync(path.join(out, 'load-200.json'), 'utf8')) as {
      commit: { sha: string | null; dirty: boolean | null }
      machine: { cores: number }
      postgres: { version: string; own: boolean; settings: Record<string, string> }
      options: { projects: number; users: number; seconds: number; thinkMs: number[] }
      database: { counts: Record<string, number>; roles: Record<string, number> }
      logins: { count: number; failed: string[] }
      alone: Omit<Figures, 'budgetP95' | 'withinBudget'>[]
      phases: {
        thinkMs: number
        run: { seconds: number; requests: number; requestsPerSecond: number; requestsPerSecondPerCore: number }
        cpu: { cores: number; server: number | null; postgres: number; generator: number; machineBusy: number }
        calls: Figures[]
        groups: Record<'reads' | 'writes' | 'ranking', Figures>
        errors: { call: string; code: string; count: number; examples: string[] }[]
        budgets: Record<'errors' | 'readsP95' | 'writesP95' | 'rankingP95', boolean>
      }[]
      writes: { checked: { milestones: number; reports: number; problems: number }; lost: unknown[] }
    }
    expect(result.commit.sha).toMatch(/^[0-9a-f]{40}$/)
    expect(result.options).toMatchObject({ projects: 200, users: 20, seconds: 8, thinkMs: [1000, 3000] })
    expect(result.database.counts.projects).toBe(200)
    expect(result.database.roles).toEqual({ 专班成员: 17, 县领导: 2, 重点项目办: 1 })
    expect(result.logins).toEqual(expect.objectContaining({ count: 20, failed: [] }))
    // What each call costs alone: every call of the mix, measured before the phases.
    expect(Object.fromEntries(result.alone.map((c) => [c.name, c.kind]))).toEqual(CALLS)
    expect(result.phases.map((p) => p.thinkMs)).toEqual([1000, 3000])
    // The figures: every call of the mix (a rare one may be missing from one short phase, not from both)…
    const seen = Object.fromEntries(result.phases.flatMap((p) => p.calls.map((c) => [c.name, c.kind])))
    expect(seen).toEqual(CALLS)
    for (const phase of result.phases) {
      // … each with its numbers and its budget.
      expect(phase.calls.length).toBeGreaterThan(10)
      for (const c of [...phase.calls, ...Object.values(phase.groups)]) {
        expect(c.count, c.name).toBeGreaterThan(0)
        for (const p of [c.p50, c.p95, c.p99, c.max]) expect(p, c.name).toBeGreaterThan(0)
        expect(c.p50 <= c.p95 && c.p95 <= c.p99 && c.p99 <= c.max, c.name).toBe(true)
        expect(c.budgetP95, c.name).toBe(c.name.startsWith('ranking') ? 500 : c.kind === 'write' ? 150 : 100)
        expect(typeof c.withinBudget).toBe('boolean')
      }
      expect(phase.run.requests).toBe(phase.calls.reduce((n, c) => n + c.count, 0))
      expect(phase.run.requestsPerSecond).toBeGreaterThan(0)
      expect(phase.run.requestsPerSecondPerCore).toBeCloseTo(phase.run.requestsPerSecond / result.machine.cores, 0)
      expect(phase.cpu.server).toBeGreaterThan(0)
      expect(phase.cpu.generator).toBeGreaterThan(0)
      // No call was refused or failed: every write is on the writer's own project, no two users on one record.
      expect(phase.errors).toEqual([])
      expect(phase.budgets.errors).toBe(true)
      expect(Object.keys(phase.budgets).sort()).toEqual(['errors', 'rankingP95', 'readsP95', 'writesP95'])
    }
    // Every acknowledged write is in the database.
    expect(result.writes.lost).toEqual([])
    for (const n of Object.values(result.writes.checked)) expect(n).toBeGreaterThan(0)
    // The table, as docs/load.md shows it.
    const doc = fs.readFileSync(path.join(out, 'load.md'), 'utf8')
    // (Columns padded as prettier formats a table: compared without the padding.)
    const flat = (text: string) => text.replace(/ {2,}/g, ' ')
    expect(flat(doc)).toContain(
      '| call | kind | count | errors | p50 ms | p95 ms | p99 ms | max ms | p95 budget | within | alone p50 ms |',
    )
    for (const name of Object.keys(CALLS)) expect(flat(doc)).toContain(`| \`${name}\` |`)
    expect(flat(run.stdout)).toContain('| requests per second per core |')
  })
})
