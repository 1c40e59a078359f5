/**
 * The score of a project for a month (DOMAIN.md "Scores and the ranking"): three components in [0, 1],
 * weighted, those with nothing to measure left out and the others' weights scaled up; 100 × the weighted mean,
 * rounded half up to two decimals. Computed exactly (fractions), returned in hundredths.
 */
import { lastDayOfPeriod, periodMonth, type Period } from '../dates'
import type { Money } from '../money'
import type { Weights } from '../domain'
import { frac, min, roundHalfUp, weightedMean, type Fraction } from './fraction'
import type { RawProject } from './lights'
import type { Components, Hundredths } from './types'

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
  /** The weights actually applied after leaving out missing components (they sum to 100, or all 0). */
  appliedWeights: { milestones: number; investment: number; problems: number }
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
  return { components, score: mean === null ? null : roundHalfUp(mean, 10000), appliedWeights: applied }
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
