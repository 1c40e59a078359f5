/**
 * 红黄绿灯 as of a date D (docs/rules.md §2 "预警灯"). The rule reads facts — overdue and upcoming
 * milestones, overdue problems, this year's investment — that the main side gathers with SQL for all
 * projects at once, or that `lightFactsFromRaw` derives from one project's records.
 */
import { addDays, daysBetween, monthsElapsed, periodOf, type IsoDate } from '../dates'
import { formatMoney, type Money } from '../money'
import type { Thresholds } from '../domain'
import type { Light, LightReason, LightResult } from './types'

export interface OpenMilestone {
  id: number
  name: string
  plannedDate: IsoDate
}

export interface OpenProblem {
  id: number
  description: string
  deadline: IsoDate
}

export interface LightFacts {
  /** Milestones not completed by D whose planned date is before D. */
  overdue: OpenMilestone[]
  /** Milestones not completed by D whose planned date is D or later, up to D + upcomingDays − 1. */
  upcoming: OpenMilestone[]
  /** Problems not closed by D whose deadline is before D. */
  overdueProblems: OpenProblem[]
  /** The annual planned investment of D's year; null or 0 when there is none. */
  annualPlan: Money | null
  /** Investment reported for D's year, months up to and including D's month. */
  completed: Money
}

/** The last planned date that still counts as "due soon" on D. */
export function upcomingUntil(date: IsoDate, thresholds: Thresholds): IsoDate {
  return addDays(date, thresholds.upcomingDays - 1)
}

function shortText(text: string, max = 24): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/**
 * Whether completed < percent % of (plan × months/12), compared exactly in integers:
 * completed × 100 × 12 < percent × plan × months.
 */
function behind(completed: Money, plan: Money, months: number, percent: number): boolean {
  return BigInt(completed) * 1200n < BigInt(percent) * BigInt(plan) * BigInt(months)
}

export function lightOf(facts: LightFacts, date: IsoDate, thresholds: Thresholds): LightResult {
  const red: LightReason[] = []
  const yellow: LightReason[] = []
  for (const m of facts.overdue) {
    const days = daysBetween(m.plannedDate, date)
    const reason = {
      kind: 'milestone_overdue' as const,
      ref: { type: 'milestone' as const, id: m.id },
      text: `节点「${m.name}」计划${m.plannedDate}完成，已逾期${days}天`,
    }
    if (days > thresholds.redOverdueDays) red.push({ light: 'red', ...reason })
    else if (days >= 1) yellow.push({ light: 'yellow', ...reason })
  }
  for (const p of facts.overdueProblems)
    red.push({
      light: 'red',
      kind: 'problem_overdue',
      ref: { type: 'problem', id: p.id },
      text: `问题「${shortText(p.description)}」限${p.deadline}办结，已超期${daysBetween(p.deadline, date)}天`,
    })
  for (const m of facts.upcoming) {
    const days = daysBetween(date, m.plannedDate)
    yellow.push({
      light: 'yellow',
      kind: 'milestone_due',
      ref: { type: 'milestone', id: m.id },
      text: `节点「${m.name}」将于${m.plannedDate}到期（${days === 0 ? '今天' : `还有${days}天`}），尚未完成`,
    })
  }
  const months = monthsElapsed(date)
  const plan = facts.annualPlan ?? 0
  // Skipped when there is no annual plan or no month of the year has ended yet.
  if (plan > 0 && months > 0) {
    // Formatted only for a project that is behind (most are not; at 10,000 projects the text is measurable).
    const due = () =>
      `${formatMoney(facts.completed)}万元，序时计划${formatMoney(Math.round((plan * months) / 12))}万元（年度计划${formatMoney(plan)}万元的${months}/12）`
    if (behind(facts.completed, plan, months, thresholds.redInvestmentPercent))
      red.push({
        light: 'red',
        kind: 'investment_behind',
        text: `本年完成投资${due()}，不足${thresholds.redInvestmentPercent}%`,
      })
    else if (behind(facts.completed, plan, months, thresholds.yellowInvestmentPercent))
      yellow.push({
        light: 'yellow',
        kind: 'investment_behind',
        text: `本年完成投资${due()}，不足${thresholds.yellowInvestmentPercent}%`,
      })
  }
  const light: Light = red.length ? 'red' : yellow.length ? 'yellow' : 'green'
  return { light, reasons: light === 'red' ? red : light === 'yellow' ? yellow : [] }
}

/** One project's raw records: the input of the reference forms of the rules (lightFactsFromRaw, scoreFactsFromRaw). */
export interface RawProject {
  milestones: { id: number; name: string; plannedDate: IsoDate; actualDate: IsoDate | null; weight: number }[]
  problems: { id: number; description: string; deadline: IsoDate; closedOn: IsoDate | null }[]
  reports: { period: string; investment: Money }[]
  annualPlans: { year: number; amount: Money }[]
}

/**
 * The light facts of one project on `date` from its raw records (docs/rules.md §2): the rule's reference form that
 * the tests check the SQL of lights.get against; the app reads the facts of all projects at once in SQL.
 */
export function lightFactsFromRaw(raw: RawProject, date: IsoDate, thresholds: Thresholds): LightFacts {
  const notDone = raw.milestones.filter((m) => m.actualDate === null || m.actualDate > date)
  const until = upcomingUntil(date, thresholds)
  const year = Number(date.slice(0, 4))
  return {
    overdue: notDone.filter((m) => m.plannedDate < date),
    upcoming: notDone.filter((m) => m.plannedDate >= date && m.plannedDate <= until),
    overdueProblems: raw.problems.filter((p) => p.deadline < date && (p.closedOn === null || p.closedOn > date)),
    annualPlan: raw.annualPlans.find((a) => a.year === year)?.amount ?? null,
    completed: raw.reports
      .filter((r) => r.period >= `${year}-01` && r.period <= periodOf(date))
      .reduce((s, r) => s + r.investment, 0),
  }
}
