/**
 * Exact fractions for the scores. A score decides a leader's place at the dispatch meeting, so it is rounded
 * half up from the exact value, never from a binary float that sits just below the half (84.125 → 84.13).
 */

export interface Fraction {
  n: bigint
  /** Always positive. */
  d: bigint
}

export function frac(n: number | bigint, d: number | bigint = 1): Fraction {
  const nb = BigInt(n)
  const db = BigInt(d)
  if (db === 0n) throw new RangeError('denominator 0')
  return db < 0n ? { n: -nb, d: -db } : { n: nb, d: db }
}

export function compare(a: Fraction, b: Fraction): number {
  const l = a.n * b.d
  const r = b.n * a.d
  return l < r ? -1 : l > r ? 1 : 0
}

export function min(a: Fraction, b: Fraction): Fraction {
  return compare(a, b) <= 0 ? a : b
}

/** round(value × scale), halves rounded up (away from zero for the non-negative values used here). */
export function roundHalfUp(f: Fraction, scale = 1): number {
  const num = f.n * BigInt(scale)
  const sign = num < 0n ? -1n : 1n
  const abs = num < 0n ? -num : num
  return Number(sign * ((2n * abs + f.d) / (2n * f.d)))
}

/** Σ wᵢ·fᵢ / Σ wᵢ, exactly; null when the weights sum to 0. */
export function weightedMean(parts: { weight: number; value: Fraction }[]): Fraction | null {
  const total = parts.reduce((s, p) => s + p.weight, 0)
  if (total === 0) return null
  let n = 0n
  let d = 1n
  for (const { weight, value } of parts) {
    // n/d + w·vn/vd
    n = n * value.d + BigInt(weight) * value.n * d
    d = d * value.d
  }
  return frac(n, d * BigInt(total))
}

export function toNumber(f: Fraction): number {
  return Number(f.n) / Number(f.d)
}
