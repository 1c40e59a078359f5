/**
 * `npm run bench` at a small size, as CI runs it: it must work end to end and report every figure of the
 * budget with a number, on the SQLite file and on PostgreSQL (a throwaway cluster of the bench's own, or the
 * server ZHUANBAN_BENCH_PG names). The budgets themselves are reported, not asserted (docs/benchmark.md has the
 * province-scale run).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/app'
import { buildFolders } from '../helpers/untouched'

const FIGURES = [
  'ranking',
  'rankingAgain',
  'lights',
  'kanban',
  'projectOpen',
  'milestoneComplete',
  'rankingExport',
  'ledgerImport',
  'startFirst',
  'startWarm',
  'screen.overview',
  'screen.kanban',
  'screen.ranking',
  'screen.problems',
  'screen.leaders',
  'screen.project',
  'kanbanPaint',
  'kanbanScroll',
  'rendererHeap',
  'mainRss',
  'rankingPdf',
]
/** Figures whose budget compares with a floor measured in the same run, on each store. */
const WITH_FLOOR = ['ranking', 'lights', 'kanban', 'projectOpen', 'kanbanPaint', 'kanbanScroll', 'milestoneComplete']
/** Figures that carry a check besides their time (one computation; the largest answer of a screen). */
const WITH_CHECK = [
  'ranking',
  'rankingAgain',
  'rankingPdf',
  'startFirst',
  ...FIGURES.filter((k) => k.startsWith('screen.')),
]

/** One store's result of a figure in the JSON (SQLite's at the figure's top level, PostgreSQL's under `postgres`). */
interface Measured {
  value: number
  floor: number | null
  ratio: number | null
  withinBudget: boolean
  runs: number
  check?: { ok: boolean; text: string }
  largestCall?: { name: string; wireBytes: number; bytes: number }
}

/** One call of the budget check: its answer's size (null when it failed or was refused) on each store. */
interface CallSize {
  bytes: number | null
  withinBudget: boolean
  error?: string
  refused?: string
}

describe('npm run bench (small size)', () => {
  // About 4.5 minutes alone on 2 cores (every screen, both starts, the scenario and the 通报 per store): the
  // margin is for a machine that runs other tests beside it.
  it('measures every figure on SQLite and on PostgreSQL and writes the JSON', { timeout: 900_000 }, () => {
    const out = tempDir()
    const before = buildFolders()
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench/run.ts', '--projects', '150', '--runs', '2', '--out', out],
      { encoding: 'utf8', timeout: 880_000 },
    )
    expect(run.status, run.stderr).toBe(0)
    // It built the app it measures into a folder of its own: an app open from the project's dist/ keeps running.
    expect(buildFolders()).toEqual(before)
    expect(run.stdout).toContain(
      '| 指标 | SQLite | PostgreSQL | 预算 | 下限（倍数）SQLite / PostgreSQL | 结果 SQLite / PostgreSQL |',
    )
    const result = JSON.parse(fs.readFileSync(path.join(out, 'bench-150.json'), 'utf8')) as {
      commit: { sha: string | null; dirty: boolean | null }
      postgres: { own: boolean; version: string; settings: Record<string, string> }
      size: {
        projects: number
        milestones: number
        reports: number
        auditRows: number
        databaseMb: number
        postgresDatabaseMb: number
      }
      figures: ({ key: string; budget: number; postgres: Measured } & Measured)[]
      callSizes: ({ name: string; postgres: CallSize } & CallSize)[]
    }
    // The JSON says which code it measured.
    expect(result.commit.sha).toMatch(/^[0-9a-f]{40}$/)
    expect(typeof result.commit.dirty).toBe('boolean')
    expect(result.size.projects).toBe(150)
    expect(result.size.auditRows).toBeGreaterThanOrEqual(15_000) // 100 audit rows per project, as at scale
    expect(result.size.reports).toBeGreaterThan(150 * 40)
    expect(result.size.postgresDatabaseMb).toBeGreaterThan(0)
    expect(result.figures.map((f) => f.key)).toEqual(FIGURES)
    for (const f of result.figures)
      for (const [store, m] of [
        ['sqlite', f],
        ['postgres', f.postgres],
      ] as const) {
        expect(Number.isFinite(m.value) && m.value > 0, `${f.key} ${store}`).toBe(true)
        expect(typeof m.withinBudget, `${f.key} ${store}`).toBe('boolean')
        expect(m.runs, `${f.key} ${store}`).toBeGreaterThan(0)
        // The floors that the budget compares with were measured in the same run, on each store.
        if (WITH_FLOOR.includes(f.key)) {
          expect(m.floor, `${f.key} ${store}`).toBeGreaterThan(0)
          expect(m.ratio, `${f.key} ${store}`).toBeGreaterThan(0)
        }
        if (WITH_CHECK.includes(f.key)) expect(typeof m.check?.ok, `${f.key} ${store}`).toBe('boolean')
        // A screen names its largest answer with both sizes: compressed on the wire, and decoded.
        if (f.key.startsWith('screen.')) {
          expect(m.largestCall!.bytes, `${f.key} ${store}`).toBeGreaterThan(0)
          expect(m.largestCall!.wireBytes, `${f.key} ${store}`).toBeGreaterThan(0)
        }
      }
    // The ranking is computed once per state of the data, and once per 通报; each first start of the day made
    // the day's backup (checked on both stores).
    for (const key of ['ranking', 'rankingAgain', 'rankingPdf', 'startFirst']) {
      const f = result.figures.find((x) => x.key === key)!
      expect(f.check?.ok, `${key}: ${f.check?.text}`).toBe(true)
      expect(f.postgres.check?.ok, `${key}: ${f.postgres.check?.text}`).toBe(true)
    }
    // Every read call's answer was measured on both stores; none failed for a wrong input in the bench's table.
    expect(result.callSizes.map((c) => c.name)).toEqual(expect.arrayContaining(['ranking.projects', 'kanban.board']))
    for (const c of result.callSizes)
      for (const [store, m] of [
        ['sqlite', c],
        ['postgres', c.postgres],
      ] as const) {
        expect(m.error, `${c.name} ${store}`).toBeUndefined()
        if (!m.refused) expect(m.bytes, `${c.name} ${store}`).toBeGreaterThan(0)
      }
    if (result.postgres.own) {
      // Its own cluster commits durably, as a county server does, and is gone afterwards (stopped and removed).
      expect(result.postgres.settings).toMatchObject({ fsync: 'on', synchronous_commit: 'on' })
      expect(fs.existsSync(`/tmp/zhuanban-pg-${20000 + (run.pid! % 30000)}`)).toBe(false)
    }
  })
})
