/**
 * 大排名: competition ranks with shared places (1, 2, 2, 4) and the tie order of docs/rules.md §4; group rankings by the
 * mean of their projects' rounded scores; the change against the previous frozen month.
 */
import { compare, frac, roundHalfUp, type Fraction } from './fraction'
import type { ChangeKind, Hundredths, Light, RankBasis, RankChange, RankTie } from './types'

export interface Rankable {
  code: string
  score: Hundredths | null
  investmentRate: Fraction | null
}

/** Ranked rows first (score, then investment rate with missing last, then code), then the unranked by code. */
export function rankProjects<T extends Rankable>(rows: readonly T[]): (T & { rank: number | null })[] {
  return rankOrder(rows).map(({ row, rank }) => ({ ...row, rank }))
}

/** The first tie-breaker (docs/rules.md §4): the investment completion rate, highest first, missing last (0: equal). */
function byRate(a: Rankable, b: Rankable): number {
  if (a.investmentRate && b.investmentRate) return compare(b.investmentRate, a.investmentRate)
  if (a.investmentRate || b.investmentRate) return a.investmentRate ? -1 : 1
  return 0
}

/**
 * The order and places of `rankProjects`, without copying the rows: at 10,000 rows of 16 fields the copies
 * were a fifth of the ranking's JavaScript time. `tie` says, for a row sharing its place, how many share it
 * and which tie-breaker put it where it is among them: against the row listed before it (the first of them:
 * against the row after it) — the investment rate when the two rates differ (or one is missing), else the
 * code.
 */
export function rankOrder<T extends Rankable>(
  rows: readonly T[],
): { row: T; rank: number | null; tie: RankTie | null }[] {
  const ranked = rows.filter((r) => r.score !== null).sort(byPlace)
  const unranked = rows.filter((r) => r.score === null).sort(byPlace)
  return placesInOrder([...ranked, ...unranked])
}

/**
 * The order of rankOrder as a comparison (docs/rules.md §4): ranked before unranked; among the ranked the
 * score, highest first, then the investment rate (missing last), then the code; the unranked by code.
 */
export function byPlace(a: Rankable, b: Rankable): number {
  if ((a.score === null) !== (b.score === null)) return a.score === null ? 1 : -1
  if (a.score !== b.score) return b.score! - a.score!
  return (a.score === null ? 0 : byRate(a, b)) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
}

/**
 * The places and ties of rows already in rankOrder's order (byPlace): a ranking brought up to date inserts the
 * changed rows where they belong and takes the places again, without sorting ten thousand rows.
 */
export function placesInOrder<T extends Rankable>(
  rows: readonly T[],
): { row: T; rank: number | null; tie: RankTie | null }[] {
  const ranked = rows.filter((r) => r.score !== null)
  const out: { row: T; rank: number | null; tie: RankTie | null }[] = sharedPlaces(ranked, (r) => r.score!).map(
    (p) => ({ ...p, tie: null }),
  )
  for (let start = 0; start < out.length;) {
    let end = start + 1
    while (end < out.length && out[end]!.rank === out[start]!.rank) end++
    if (end - start > 1)
      for (let i = start; i < end; i++) {
        const neighbour = out[i === start ? i + 1 : i - 1]!.row
        out[i]!.tie = { size: end - start, by: byRate(out[i]!.row, neighbour) !== 0 ? 'rate' : 'code' }
      }
    start = end
  }
  for (const row of rows) if (row.score === null) out.push({ row, rank: null, tie: null })
  return out
}

/** Inserts `row` into `ordered` (in byPlace order) where it belongs, by binary search; returns `ordered`. */
export function insertInPlace<T extends Rankable>(ordered: T[], row: T): T[] {
  let lo = 0
  let hi = ordered.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (byPlace(ordered[mid]!, row) < 0) lo = mid + 1
    else hi = mid
  }
  ordered.splice(lo, 0, row)
  return ordered
}

/**
 * docs/rules.md §4 (前N名 / 后N名). The best `n` and the worst `n` of ranked rows already in rank order (通报's 前三/后三, 总览's 前五/后五). The
 * worst are listed worst first and never repeat a row of the best: with fewer than 2n rows the worst list
 * is shorter (one ranked project is only 前三; with four, 前三 and 后三 share none).
 */
export function bestAndWorst<T>(ranked: readonly T[], n: number): { best: T[]; worst: T[] } {
  const best = ranked.slice(0, n)
  return { best, worst: ranked.slice(Math.max(best.length, ranked.length - n)).reverse() }
}

/**
 * docs/rules.md §3 (计分依据) in words: "节点 3项、投资、问题办结 1项"; one component alone "仅计问题办结 1项"; none "无可计分项";
 * "—" for a row frozen before the basis was kept.
 */
export function basisText(basis: RankBasis | undefined): string {
  if (!basis) return '—'
  const parts: string[] = []
  if (basis.milestones !== null) parts.push(`节点 ${basis.milestones}项`)
  if (basis.investment) parts.push('投资')
  if (basis.problems !== null) parts.push(`问题办结 ${basis.problems}项`)
  if (parts.length === 0) return '无可计分项'
  return parts.length === 1 ? `仅计${parts[0]}` : parts.join('、')
}

/**
 * docs/rules.md §4 (the order within a shared place). Why a row sharing its place is listed where it is: "同分3个，按年度投资完成率 87.50%", "同分3个，无年度计划排后",
 * "同分3个并列，按项目编号". '' when the place is its own (or unknown: a row frozen before ties were kept).
 * `investmentRate` is the row's rate in hundredths of a percent.
 */
export function tieText(tie: RankTie | null | undefined, investmentRate: Hundredths | null): string {
  if (!tie) return ''
  if (tie.by === 'code') return `同分${tie.size}个并列，按项目编号`
  return investmentRate === null
    ? `同分${tie.size}个，无年度计划排后`
    : `同分${tie.size}个，按年度投资完成率 ${formatScore(investmentRate)}%`
}

/** Competition ranking over an already ordered list: equal values share the place of the first of them. */
function sharedPlaces<T>(ordered: readonly T[], value: (row: T) => number): { row: T; rank: number }[] {
  let rank = 0
  return ordered.map((row, i) => {
    if (i === 0 || value(row) !== value(ordered[i - 1]!)) rank = i + 1
    return { row, rank }
  })
}

export interface GroupMember {
  score: Hundredths | null
  light: Light
}

export interface GroupInput<K> {
  key: K
  /** Tie order within a shared place: official order for leaders, the name for townships and units. */
  tieOrder: number | string
  members: GroupMember[]
}

export interface GroupResult<K> {
  key: K
  rank: number | null
  mean: Hundredths | null
  projects: number
  ranked: number
  red: number
  yellow: number
  green: number
}

const collator = new Intl.Collator('zh-CN')

function compareTie(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return collator.compare(String(a), String(b))
}

export function rankGroups<K>(groups: readonly GroupInput<K>[]): GroupResult<K>[] {
  const rows = groups.map((g) => {
    let sum = 0
    let ranked = 0
    const lights = { red: 0, yellow: 0, green: 0 }
    for (const m of g.members) {
      if (m.score !== null) {
        sum += m.score
        ranked++
      }
      lights[m.light]++
    }
    const result: GroupResult<K> = {
      key: g.key,
      rank: null,
      mean: ranked ? roundHalfUp(frac(sum, ranked)) : null,
      projects: g.members.length,
      ranked,
      ...lights,
    }
    return { tieOrder: g.tieOrder, result }
  })
  const byTie = (a: (typeof rows)[number], b: (typeof rows)[number]) => compareTie(a.tieOrder, b.tieOrder)
  const ranked = rows
    .filter((r) => r.result.mean !== null)
    .sort((a, b) => b.result.mean! - a.result.mean! || byTie(a, b))
  const unranked = rows.filter((r) => r.result.mean === null).sort(byTie)
  for (const { row, rank } of sharedPlaces(ranked, (r) => r.result.mean!)) row.result.rank = rank
  return [...ranked, ...unranked].map((r) => r.result)
}

/**
 * ↑n, ↓n, — or 新 against the previous frozen month. `previous` is undefined when there is no previous frozen
 * month at all, null when the row was not ranked (or absent) in it.
 */
export function rankChange(current: number | null, previous: number | null | undefined): RankChange {
  if (current === null) return { kind: 'none', places: 0 }
  if (previous === undefined || previous === null) return { kind: 'new', places: 0 }
  const places = previous - current
  const kind: ChangeKind = places > 0 ? 'up' : places < 0 ? 'down' : 'same'
  return { kind, places: Math.abs(places) }
}

export function formatChange(change: RankChange): string {
  switch (change.kind) {
    case 'up':
      return `↑${change.places}`
    case 'down':
      return `↓${change.places}`
    case 'same':
      return '—'
    case 'new':
      return '新'
    default:
      return ''
  }
}

/** 84.12 from 8412; "—" for 不参与排名. */
export function formatScore(score: Hundredths | null): string {
  if (score === null) return '—'
  return `${Math.floor(score / 100)}.${String(score % 100).padStart(2, '0')}`
}
