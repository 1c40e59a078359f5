/** Timing helpers for the benchmark: repeated runs after a warm-up, medians and percentiles. */
import { performance } from 'node:perf_hooks'

export interface Figure {
  key: string
  label: string
  unit: 'ms' | 'MB'
  /** The median (or the percentile the budget names). */
  value: number
  budget: number
  /** What SQLite or Chromium needs for the same rows/elements, measured in the same run; null when none. */
  floor: number | null
  /** Upper bound on value ÷ floor, when the budget names one. */
  maxRatio?: number
  runs: number
  note?: string
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
