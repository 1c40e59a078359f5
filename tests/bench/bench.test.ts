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
  'lights',
  'kanban',
  'projectOpen',
  'milestoneComplete',
  'rankingExport',
  'ledgerImport',
  'browserStart',
  'kanbanPaint',
  'kanbanScroll',
  'rendererHeap',
  'mainRss',
  'rankingPdf',
]

/** One store's result of a figure in the JSON (SQLite's at the figure's top level, PostgreSQL's under `postgres`). */
interface Measured {
  value: number
  floor: number | null
  ratio: number | null
  withinBudget: boolean
  runs: number
}

describe('npm run bench (small size)', () => {
  it('measures every figure on SQLite and on PostgreSQL and writes the JSON', { timeout: 600_000 }, () => {
    const out = tempDir()
    const before = buildFolders()
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench/run.ts', '--projects', '150', '--runs', '2', '--out', out],
      { encoding: 'utf8', timeout: 580_000 },
    )
    expect(run.status, run.stderr).toBe(0)
    // It built the app it measures into a folder of its own: an app open from the project's dist/ keeps running.
    expect(buildFolders()).toEqual(before)
    expect(run.stdout).toContain(
      '| 指标 | SQLite | PostgreSQL | 预算 | 下限（倍数）SQLite / PostgreSQL | 结果 SQLite / PostgreSQL |',
    )
    const result = JSON.parse(fs.readFileSync(path.join(out, 'bench-150.json'), 'utf8')) as {
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
    }
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
        if (['ranking', 'kanban', 'kanbanPaint', 'kanbanScroll', 'milestoneComplete'].includes(f.key)) {
          expect(m.floor, `${f.key} ${store}`).toBeGreaterThan(0)
          expect(m.ratio, `${f.key} ${store}`).toBeGreaterThan(0)
        }
      }
    if (result.postgres.own) {
      // Its own cluster commits durably, as a county server does, and is gone afterwards (stopped and removed).
      expect(result.postgres.settings).toMatchObject({ fsync: 'on', synchronous_commit: 'on' })
      expect(fs.existsSync(`/tmp/zhuanban-pg-${20000 + (run.pid! % 30000)}`)).toBe(false)
    }
  })
})
