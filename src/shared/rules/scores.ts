/**
 * The score of a project for a month (docs/rules.md §3 "得分"): three components in [0, 1],
 * weighted, those with nothing to measure left out and the others' weights scaled up; 100 × the weighted mean,
 * rounded half up to two decimals. Computed exactly (fractions), returned in hundredths.
 */
import { lastDayOfPeriod, periodMonth, type Period } from '../dates'
import type { Money } from '../money'
import type { Weights } from '../domain'
import { frac, min, roundHalfUp, weightedMean, type Fraction } from './fraction'
import type { RawProject } from './lights'
import { formatScore } from './ranking'
import type { Breakdown, Components, Hundredths, RankBasis } from './types'

export type ComponentKey = 'milestones' | 'investment' | 'problems'
export const COMPONENT_KEYS: readonly ComponentKey[] = ['milestones', 'investment', 'problems']
export const COMPONENT_LABELS: Record<ComponentKey, string> = {
  milestones: '节点',
  investment: '投资',
  problems: '问题',
}

export interface ScoreFacts {
  /** Σ weight of milestones planned on or before D. */
  dueWeight: number
  /** Σ weight × 2 for on time, × 1 for late but by D, × 0 otherwise (halves keep it in integers). */
  creditHalves: number
  /** Investment reported for months 1..m of the period's year. */
  completed: Money
  annualPlan: Money | null
  /** Problems whose deadline is on or before D. */
  problemsDue: number
  /** … of which closed on or before their deadline. */
  problemsInTime: number
}

export interface ScoreResult {
  components: { milestones: Fraction | null; investment: Fraction | null; problems: Fraction | null }
  /** null: 不参与排名. */
  score: Hundredths | null
  /** The weights actually applied after leaving out missing components, rounded to whole percents. */
  appliedWeights: { milestones: number; investment: number; problems: number }
  /** Which components counted: something to measure and a weight that is not 0. */
  counted: Record<ComponentKey, boolean>
}

export function componentsOf(facts: ScoreFacts, period: Period): ScoreResult['components'] {
  const m = periodMonth(period)
  return {
    milestones: facts.dueWeight > 0 ? frac(facts.creditHalves, 2 * facts.dueWeight) : null,
    // min(1, (completed / plan) / (m / 12)) = min(1, completed × 12 / (plan × m))
    investment:
      facts.annualPlan && facts.annualPlan > 0
        ? min(frac(1), frac(BigInt(facts.completed) * 12n, BigInt(facts.annualPlan) * BigInt(m)))
        : null,
    problems: facts.problemsDue > 0 ? frac(facts.problemsInTime, facts.problemsDue) : null,
  }
}

export function scoreOf(facts: ScoreFacts, period: Period, weights: Weights): ScoreResult {
  const components = componentsOf(facts, period)
  const parts = (['milestones', 'investment', 'problems'] as const)
    .filter((k) => components[k] !== null)
    .map((k) => ({ key: k, weight: weights[k], value: components[k]! }))
  const mean = weightedMean(parts)
  const total = parts.reduce((s, p) => s + p.weight, 0)
  const applied = { milestones: 0, investment: 0, problems: 0 }
  for (const p of parts) applied[p.key] = total === 0 ? 0 : roundHalfUp(frac(p.weight * 100, total))
  const counted = { milestones: false, investment: false, problems: false }
  for (const p of parts) counted[p.key] = p.weight > 0
  return { components, score: mean === null ? null : roundHalfUp(mean, 10000), appliedWeights: applied, counted }
}

/**
 * A ranking row's 计分依据 (docs/rules.md §3): the components that counted (`scoreOf`'s `counted`) with their item counts —
 * `milestonesDue` milestones planned on or before D, the annual plan, `facts.problemsDue` problems due by D.
 */
export function rankBasis(result: ScoreResult, facts: ScoreFacts, milestonesDue: number): RankBasis {
  return {
    milestones: result.counted.milestones ? milestonesDue : null,
    investment: result.counted.investment,
    problems: result.counted.problems ? facts.problemsDue : null,
  }
}

/**
 * The share of each component in the score, exactly (docs/rules.md §3: components with nothing to measure are left
 * out and the others' weights scaled up to sum to 1): weight ÷ Σ weights of the present components; null for
 * a component that is absent or weighs 0. `present` are the components with something to measure (a
 * non-null component). All null when the present weights sum to 0 (不参与排名).
 */
export function weightShares(
  weights: Weights,
  present: Record<ComponentKey, unknown>,
): Record<ComponentKey, Fraction | null> {
  const keys = COMPONENT_KEYS.filter((k) => present[k] !== null && present[k] !== undefined)
  const total = keys.reduce((s, k) => s + weights[k], 0)
  const out: Record<ComponentKey, Fraction | null> = { milestones: null, investment: null, problems: null }
  for (const k of keys) if (total > 0 && weights[k] > 0) out[k] = frac(weights[k], total)
  return out
}

/**
 * A fraction as a percent written exactly: 5/8 → "62.5%", 3/5 → "60%", 33/80 → "41.25%". A share that has no
 * exact decimal (5/7) is written as the fraction itself, "5/7", never rounded: the weights shown must give
 * the score shown.
 */
export function exactPercent(f: Fraction): string {
  for (let places = 0; places <= 6; places++) {
    const scaled = f.n * 100n * 10n ** BigInt(places)
    if (scaled % f.d !== 0n) continue
    const digits = (scaled / f.d).toString().padStart(places + 1, '0')
    const whole = digits.slice(0, digits.length - places)
    return places ? `${whole}.${digits.slice(-places)}%` : `${whole}%`
  }
  const g = gcd(f.n, f.d)
  return `${f.n / g}/${f.d / g}`
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a
  while (b) [a, b] = [b, a % b]
  return a || 1n
}

export interface ScoreTerm {
  key: ComponentKey
  label: string
  /** The component as a percent with two decimals, e.g. "80.00%". */
  value: string
  /** Its share in the score, exact (`exactPercent`), e.g. "62.5%" or "5/7". */
  share: string
}

export interface ScoreFormula {
  terms: ScoreTerm[]
  /** Components that did not count (nothing to measure, or weight 0). */
  left: ComponentKey[]
  /** True when a shown component value is rounded (e.g. 2/3 shown as 66.67%): the sum is then approximate. */
  rounded: boolean
}

/**
 * The score as arithmetic a leader can redo: each counted component times its exact share. `components` are
 * the exact components (`componentsOf`); the terms sum, unrounded, to the exact score.
 */
export function scoreFormula(components: ScoreResult['components'], weights: Weights): ScoreFormula {
  const shares = weightShares(weights, components)
  const terms: ScoreTerm[] = []
  let rounded = false
  for (const key of COMPONENT_KEYS) {
    const c = components[key]
    const share = shares[key]
    if (c === null || share === null) continue
    if ((c.n * 10000n) % c.d !== 0n) rounded = true
    terms.push({
      key,
      label: COMPONENT_LABELS[key],
      value: `${formatScore(roundHalfUp(c, 10000))}%`,
      share: exactPercent(share),
    })
  }
  return { terms, left: COMPONENT_KEYS.filter((k) => !terms.some((t) => t.key === k)), rounded }
}

/** "节点 80.00% × 62.5% ＋ 投资 50.00% × 37.5%" */
export function formulaText(formula: ScoreFormula): string {
  return formula.terms.map((t) => `${t.label} ${t.value} × ${t.share}`).join(' ＋ ')
}

/** The facts of a breakdown (live or frozen), for `componentsOf`: the items it lists are those that counted. */
export function scoreFactsOfBreakdown(b: Breakdown): ScoreFacts {
  return {
    dueWeight: b.milestones.reduce((s, m) => s + m.weight, 0),
    creditHalves: b.milestones.reduce((s, m) => s + m.weight * m.credit * 2, 0),
    completed: b.investment.completed,
    annualPlan: b.investment.annualPlan,
    problemsDue: b.problems.length,
    problemsInTime: b.problems.filter((p) => p.inTime).length,
  }
}

/** A component as hundredths of a percent (1 → 10000), for display and snapshots. */
export function componentHundredths(c: ScoreResult['components']): Components {
  const h = (f: Fraction | null) => (f === null ? null : roundHalfUp(f, 10000))
  return { milestones: h(c.milestones), investment: h(c.investment), problems: h(c.problems) }
}

/** Completed ÷ annual plan (not capped, not pro-rated): the first tie-breaker. */
export function investmentRate(completed: Money, annualPlan: Money | null): Fraction | null {
  return annualPlan && annualPlan > 0 ? frac(completed, annualPlan) : null
}

export type Credit = 1 | 0.5 | 0

/** How one milestone counts on D: on time, late but by D, or not (yet) completed. */
export function milestoneCredit(plannedDate: string, actualDate: string | null, date: string): Credit {
  if (actualDate !== null && actualDate <= plannedDate) return 1
  if (actualDate !== null && actualDate <= date) return 0.5
  return 0
}

/**
 * The score facts of one project from its raw records, for `period` (docs/rules.md §3): the rule written out in
 * TypeScript as the reference the tests check the stores' SQL against (tests/shared); the app itself takes its
 * facts from scoreFactsAll (ranking/facts.ts), one source for the live ranking, the breakdown and freezing.
 */
export function scoreFactsFromRaw(raw: RawProject, period: Period): ScoreFacts {
  const date = lastDayOfPeriod(period)
  const year = Number(period.slice(0, 4))
  const due = raw.milestones.filter((m) => m.plannedDate <= date)
  const problems = raw.problems.filter((p) => p.deadline <= date)
  return {
    dueWeight: due.reduce((s, m) => s + m.weight, 0),
    creditHalves: due.reduce((s, m) => s + m.weight * milestoneCredit(m.plannedDate, m.actualDate, date) * 2, 0),
    completed: raw.reports
      .filter((r) => r.period >= `${year}-01` && r.period <= period)
      .reduce((s, r) => s + r.investment, 0),
    annualPlan: raw.annualPlans.find((a) => a.year === year)?.amount ?? null,
    problemsDue: problems.length,
    problemsInTime: problems.filter((p) => p.closedOn !== null && p.closedOn <= p.deadline).length,
  }
}
