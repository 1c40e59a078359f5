/** Timing helpers for the benchmark: repeated runs after a warm-up, medians and percentiles. */
import { performance } from 'node:perf_hooks'

/** The two stores every figure is measured on, in this order (a SQLite file; the county server's PostgreSQL). */
export const STORES = ['sqlite', 'postgres'] as const
export type BenchStore = (typeof STORES)[number]
export const STORE_NAMES: Record<BenchStore, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' }

/** One store's measurement of a figure. */
export interface Measured {
  /** The median (or the percentile the budget names). */
  value: number
  /** What the store or Chromium needs for the same rows/elements, measured in the same run; null when none. */
  floor: number | null
  runs: number
  note?: string
  /** A condition the figure must meet besides its budget (one ranking computation per 通报 …); failed: missed. */
  check?: { ok: boolean; text: string }
  /** A page figure's largest answer: the call, bytes on the wire (compressed body) and decoded. */
  largestCall?: { name: string; wireBytes: number; bytes: number }
}

/** A figure as one store measured it (what services.ts and browser.ts produce per store). */
export interface StoreFigure {
  key: string
  label: string
  unit: 'ms' | 'MB' | 'KB'
  budget: number
  /** Upper bound on value ÷ floor, when the budget names one. */
  maxRatio?: number
  measured: Measured
}

/** A figure on both stores, with the same budget. */
export interface Figure extends Omit<StoreFigure, 'measured'> {
  stores: Record<BenchStore, Measured>
}

/** The progress line of one store's figure. */
export function logFigure(store: BenchStore, f: StoreFigure): void {
  const { value, floor } = f.measured
  console.log(
    `  [${STORE_NAMES[store]}] ${f.label}: ${value.toFixed(1)} ${f.unit}${floor !== null ? `（下限 ${floor.toFixed(1)}）` : ''}`,
  )
}

/** The per-store lists (the same figures in the same order) as figures with both stores side by side. */
export function sideBySide(per: Record<BenchStore, StoreFigure[]>): Figure[] {
  const keys = (store: BenchStore) => per[store].map((f) => f.key).join()
  if (keys('sqlite') !== keys('postgres'))
    throw new Error(`两种数据库测得的指标不同：${keys('sqlite')} / ${keys('postgres')}`)
  return per.sqlite.map(({ measured, ...figure }, i) => ({
    ...figure,
    stores: { sqlite: measured, postgres: per.postgres[i]!.measured },
  }))
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (!sorted.length) return NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

export const median = (values: number[]) => percentile(values, 50)

/** Runs `fn` once to warm up, then `runs` times; the durations in ms. */
export async function time(runs: number, fn: (i: number) => unknown, warmUp = 1): Promise<number[]> {
  for (let i = 0; i < warmUp; i++) await fn(-1 - i)
  const durations: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn(i)
    durations.push(performance.now() - start)
  }
  return durations
}

/**
 * Runs `fn` and its `floor` alternately (after one warm-up of each), so that both see the same state of a
 * shared machine: on the cloud VMs here the speed drifts by up to 2 × within minutes, and a floor measured
 * a minute before its figure could make the ratio anything.
 */
export async function timePaired(
  runs: number,
  floor: () => unknown,
  fn: () => unknown,
): Promise<{ floor: number[]; value: number[] }> {
  await floor()
  await fn()
  const result = { floor: [] as number[], value: [] as number[] }
  for (let i = 0; i < runs; i++) {
    let start = performance.now()
    await floor()
    result.floor.push(performance.now() - start)
    start = performance.now()
    await fn()
    result.value.push(performance.now() - start)
  }
  return result
}

export const round = (n: number) =>
  n >= 100 ? Math.round(n) : n >= 1 ? Math.round(n * 10) / 10 : Math.round(n * 100) / 100
