/**
 * Each project's breakdown, kept with a frozen month. Built from a few bulk queries (only the rows that counted
 * that month), combined with the scores already computed for the ranking, so the two always agree.
 */
import type { Kysely } from 'kysely'
import { lastDayOfPeriod, periodMonth, type Period } from '../../shared/dates'
import type { Rules } from '../../shared/domain'
import { milestoneCredit, scoreOf, type ScoreFacts } from '../../shared/rules/scores'
import type { Breakdown } from '../../shared/rules/types'
import type { Database } from '../db/schema'
import type { LiveProjectRow } from './compute'
import { EMPTY_SCORE_FACTS } from './facts'

function groupBy<T extends { project_id: number }>(rows: T[]): Map<number, T[]> {
  const map = new Map<number, T[]>()
  for (const r of rows) {
    const list = map.get(r.project_id)
    if (list) list.push(r)
    else map.set(r.project_id, [r])
  }
  return map
}

export async function snapshotBreakdowns(
  db: Kysely<Database>,
  period: Period,
  rules: Rules,
  rows: LiveProjectRow[],
  facts: Map<number, ScoreFacts>,
): Promise<void> {
  const date = lastDayOfPeriod(period)
  const year = Number(period.slice(0, 4))
  const milestones = groupBy(
    await db
      .selectFrom('milestones')
      .select(['project_id', 'id', 'name', 'planned_date', 'actual_date', 'weight'])
      .where('planned_date', '<=', date)
      .orderBy('project_id')
      .orderBy('planned_date')
      .orderBy('id')
      .execute(),
  )
  const problems = groupBy(
    await db
      .selectFrom('problems')
      .select(['project_id', 'id', 'description', 'deadline', 'closed_on'])
      .where('deadline', '<=', date)
      .orderBy('project_id')
      .orderBy('deadline')
      .orderBy('id')
      .execute(),
  )
  const reports = groupBy(
    await db
      .selectFrom('monthly_reports')
      .select(['project_id', 'period', 'investment'])
      .where('period', '>=', `${year}-01`)
      .where('period', '<=', period)
      .orderBy('project_id')
      .orderBy('period')
      .execute(),
  )
  const values = rows.map((row): { period: string; project_id: number; breakdown: string } => {
    const ms = (milestones.get(row.projectId) ?? []).map((m) => ({
      id: m.id,
      name: m.name,
      plannedDate: m.planned_date,
      actualDate: m.actual_date,
      weight: m.weight,
      credit: milestoneCredit(m.planned_date, m.actual_date, date),
    }))
    const pbs = (problems.get(row.projectId) ?? []).map((p) => ({
      id: p.id,
      description: p.description,
      deadline: p.deadline,
      closedOn: p.closed_on,
      inTime: p.closed_on !== null && p.closed_on <= p.deadline,
    }))
    const breakdown: Breakdown = {
      projectId: row.projectId,
      code: row.code,
      name: row.name,
      period,
      asOf: date,
      frozen: true,
      rules,
      milestones: ms,
      investment: {
        annualPlan: row.annualPlan,
        reports: (reports.get(row.projectId) ?? []).map((r) => ({ period: r.period, investment: r.investment })),
        completed: row.completed,
        months: periodMonth(period),
      },
      problems: pbs,
      components: row.components,
      // The ranking's own facts for this project (ranking/facts.ts): the breakdown cannot disagree with its row.
      appliedWeights: scoreOf(facts.get(row.projectId) ?? EMPTY_SCORE_FACTS, period, rules.weights).appliedWeights,
      score: row.score,
      light: row.light,
      reasons: row.reasons,
    }
    return { period, project_id: row.projectId, breakdown: JSON.stringify(breakdown) }
  })
  for (let i = 0; i < values.length; i += 500)
    await db
      .insertInto('breakdown_snapshots')
      .values(values.slice(i, i + 500))
      .execute()
}
