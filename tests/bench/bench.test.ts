/**
 * `npm run bench` at a small size, as CI runs it: it must work end to end and report every figure of the
 * budget with a number. The budgets themselves are reported, not asserted (docs/benchmark.md has the
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

describe('npm run bench (small size)', () => {
  it('measures every figure and writes the JSON', { timeout: 300_000 }, () => {
    const out = tempDir()
    const before = buildFolders()
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/bench/run.ts', '--projects', '150', '--runs', '2', '--out', out],
      { encoding: 'utf8', timeout: 280_000 },
    )
    expect(run.status, run.stderr).toBe(0)
    // It built the app it measures into a folder of its own: an app open from the project's dist/ keeps running.
    expect(buildFolders()).toEqual(before)
    expect(run.stdout).toContain('| 指标 | 中位数 | 预算 | 下限 | 倍数 | 结果 |')
    const result = JSON.parse(fs.readFileSync(path.join(out, 'bench-150.json'), 'utf8')) as {
      size: { projects: number; milestones: number; reports: number; auditRows: number }
      figures: { key: string; value: number; budget: number; floor: number | null; withinBudget: boolean }[]
    }
    expect(result.size.projects).toBe(150)
    expect(result.size.auditRows).toBeGreaterThanOrEqual(15_000) // 100 audit rows per project, as at scale
    expect(result.size.reports).toBeGreaterThan(150 * 40)
    expect(result.figures.map((f) => f.key)).toEqual(FIGURES)
    for (const f of result.figures) {
      expect(Number.isFinite(f.value) && f.value > 0, f.key).toBe(true)
      expect(typeof f.withinBudget).toBe('boolean')
    }
    // The floors that the budget compares with were measured in the same run.
    for (const key of ['ranking', 'kanban', 'kanbanPaint', 'kanbanScroll'])
      expect(result.figures.find((f) => f.key === key)!.floor, key).toBeGreaterThan(0)
  })
})
