/**
 * The facts the rules need, for every project at once, as SQL aggregates: sums and counts per project for the
 * scores, and only the overdue or due-soon items for the lights. Nothing here loads every milestone or report.
 */
import { sql, type Kysely } from 'kysely'
import { lastDayOfPeriod, periodOf, type IsoDate, type Period } from '../../shared/dates'
import type { Stage, Thresholds } from '../../shared/domain'
import { upcomingUntil, type LightFacts } from '../../shared/rules/lights'
import type { ScoreFacts } from '../../shared/rules/scores'
import { dialectOf } from '../store/dialects'
import type { Database } from '../db/schema'

export interface ProjectRefs {
  id: number
  code: string
  name: string
  stage: Stage
  townshipId: number
  townshipName: string
  leadUnitId: number
  leadUnitName: string
  /** The 包联领导 on the date (dated history), or null if the project had none yet. */
  leaderId: number | null
  leaderName: string | null
  leaderOrder: number | null
}

/**
 * Whether the project `alias` is on the key-project list now: its last 调出 / 归档 / 恢复 (listing_changes) is
 * a 恢复, or it has none. The kanban, the 总览 counts and the project lists show only such projects.
 */
export function listedNow(alias = 'p') {
  return notOffList(alias, null)
}

/**
 * Whether the project `alias` is measured in the month of `date` (rankings, lights as of a date): it was on
 * the list when the month began — its last change dated before the month's first day is a 恢复, or it has
 * none. A project 调出 or 归档 on 2026-10-15 is ranked for 2026-10 and not from 2026-11 on; one put back on
 * 2026-11-10 is ranked again from 2026-12. The scoring rules themselves do not change.
 */
export function listedInMonthOf(date: IsoDate, alias = 'p') {
  return notOffList(alias, `${date.slice(0, 7)}-01`)
}

/**
 * `alias`.id is not among the projects whose last change (dated before `before`, if given) took them off the
 * list. The set is found once (a few rows: only projects ever 调出 or 归档), not once per project.
 */
function notOffList(alias: string, before: IsoDate | null) {
  const upTo = (t: string) => (before === null ? sql`` : sql` AND ${sql.ref(`${t}.on_date`)} < ${before}`)
  return sql<boolean>`${sql.ref(`${alias}.id`)} NOT IN (SELECT c.project_id FROM listing_changes c
    WHERE c.status <> 'listed'${upTo('c')} AND NOT EXISTS (SELECT 1 FROM listing_changes n
      WHERE n.project_id = c.project_id${upTo('n')} AND (n.on_date > c.on_date OR (n.on_date = c.on_date AND n.id > c.id))))`
}

/**
 * Projects measured in the month of `date` (see listedInMonthOf) with the leader they had on `date` and their
 * current township and lead unit.
 */
export async function projectRefs(db: Kysely<Database>, date: IsoDate, ids?: number[]): Promise<ProjectRefs[]> {
  let q = db
    .selectFrom('projects as p')
    .innerJoin('dict_items as t', 't.id', 'p.township_id')
    .innerJoin('task_forces as tf', 'tf.project_id', 'p.id')
    .innerJoin('dict_items as u', 'u.id', 'tf.lead_unit_id')
    .leftJoin('leader_assignments as a', (j) =>
      j
        .onRef('a.project_id', '=', 'p.id')
        .on('a.start_date', '<=', date)
        .on((eb) => eb.or([eb('a.end_date', 'is', null), eb('a.end_date', '>', date)])),
    )
    .leftJoin('leaders as l', 'l.id', 'a.leader_id')
    .select([
      'p.id',
      'p.code',
      'p.name',
      'p.stage',
      'p.township_id',
      't.name as township_name',
      'tf.lead_unit_id',
      'u.name as lead_unit_name',
      'l.id as leader_id',
      'l.name as leader_name',
      'l.sort_order as leader_order',
    ])
    .where(listedInMonthOf(date))
  if (ids) q = q.where('p.id', 'in', ids.length ? ids : [0])
  const rows = await q.orderBy('p.code').execute()
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    stage: r.stage,
    townshipId: r.township_id,
    townshipName: r.township_name,
    leadUnitId: r.lead_unit_id,
    leadUnitName: r.lead_unit_name,
    leaderId: r.leader_id,
    leaderName: r.leader_name,
    leaderOrder: r.leader_order,
  }))
}

const yearStart = (date: string) => `${date.slice(0, 4)}-01`

export type InvestmentFacts = Awaited<ReturnType<typeof investmentFacts>>

/**
 * Investment reported for the year of `date`, months up to `untilPeriod`, and that year's annual plan (万元, by
 * project id); of the projects `ids` only, when given.
 */
export async function investmentFacts(
  db: Kysely<Database>,
  date: IsoDate,
  untilPeriod: Period,
  ids?: readonly number[],
) {
  const only = ids ? (ids.length ? [...ids] : [0]) : null
  const completed = await db
    .selectFrom('monthly_reports')
    .select([
      dialectOf(db).groupKey('project_id').as('project_id'),
      (eb) => eb.fn.sum<number>('investment').as('total'),
    ])
    .where('period', '>=', yearStart(date))
    .where('period', '<=', untilPeriod)
    .$if(only !== null, (q) => q.where('project_id', 'in', only!))
    // Not the (project_id, period) key for the grouping: the covering (period, project_id, investment) index
    // reads only this year's rows.
    .groupBy(dialectOf(db).groupKey('project_id'))
    .execute()
  const plans = await db
    .selectFrom('annual_plans')
    .select(['project_id', 'amount'])
    .where('year', '=', Number(date.slice(0, 4)))
    .$if(only !== null, (q) => q.where('project_id', 'in', only!))
    .execute()
  return {
    completed: new Map(completed.map((r) => [r.project_id, Number(r.total)])),
    plans: new Map(plans.map((r) => [r.project_id, r.amount])),
  }
}

/**
 * What each project's score of `period` is computed from (DOMAIN.md §4, docs/rules.md): the one source of
 * score facts — the live ranking, a frozen month's breakdowns (from the same ranking's facts) and a live
 * breakdown (`ids` = that one project) all take them from here. Map by project id; a project with nothing
 * due and nothing reported is absent (EMPTY_SCORE_FACTS).
 */
export async function scoreFactsAll(
  db: Kysely<Database>,
  period: Period,
  investment?: InvestmentFacts,
  ids?: readonly number[],
): Promise<Map<number, ScoreFacts>> {
  const date = lastDayOfPeriod(period)
  let milestonesQuery = db
    .selectFrom('milestones')
    .select([
      'project_id',
      (eb) => eb.fn.sum<number>('weight').as('due'),
      sql<number>`sum(weight * CASE WHEN actual_date IS NOT NULL AND actual_date <= planned_date THEN 2
        WHEN actual_date IS NOT NULL AND actual_date <= ${date} THEN 1 ELSE 0 END)`.as('credit'),
    ])
    .where('planned_date', '<=', date)
    .groupBy('project_id')
  if (ids) milestonesQuery = milestonesQuery.where('project_id', 'in', ids.length ? [...ids] : [0])
  const milestones = await milestonesQuery.execute()
  let problemsQuery = db
    .selectFrom('problems')
    .select([
      'project_id',
      (eb) => eb.fn.countAll<number>().as('due'),
      sql<number>`sum(CASE WHEN closed_on IS NOT NULL AND closed_on <= deadline THEN 1 ELSE 0 END)`.as('in_time'),
    ])
    .where('deadline', '<=', date)
    .groupBy('project_id')
  if (ids) problemsQuery = problemsQuery.where('project_id', 'in', ids.length ? [...ids] : [0])
  const problems = await problemsQuery.execute()
  const inv = investment ?? (await investmentFacts(db, date, period, ids))
  const facts = new Map<number, ScoreFacts>()
  const get = (id: number) => {
    let f = facts.get(id)
    if (!f) {
      f = {
        dueWeight: 0,
        creditHalves: 0,
        completed: inv.completed.get(id) ?? 0,
        annualPlan: inv.plans.get(id) ?? null,
        problemsDue: 0,
        problemsInTime: 0,
      }
      facts.set(id, f)
    }
    return f
  }
  const wanted = ids ? new Set(ids) : null
  for (const id of new Set([...inv.completed.keys(), ...inv.plans.keys()])) if (!wanted || wanted.has(id)) get(id)
  for (const m of milestones)
    Object.assign(get(m.project_id), { dueWeight: Number(m.due), creditHalves: Number(m.credit) })
  for (const p of problems)
    Object.assign(get(p.project_id), { problemsDue: Number(p.due), problemsInTime: Number(p.in_time) })
  return facts
}

export const EMPTY_SCORE_FACTS: ScoreFacts = {
  dueWeight: 0,
  creditHalves: 0,
  completed: 0,
  annualPlan: null,
  problemsDue: 0,
  problemsInTime: 0,
}

export async function lightFactsAll(
  db: Kysely<Database>,
  date: IsoDate,
  thresholds: Thresholds,
  ids?: number[],
  investment?: InvestmentFacts,
): Promise<Map<number, LightFacts>> {
  const filter = ids ? (ids.length ? ids : [0]) : null
  const notDoneBy = sql<boolean>`(actual_date IS NULL OR actual_date > ${date})`
  let open = db
    .selectFrom('milestones')
    .select(['project_id', 'id', 'name', 'planned_date'])
    .where('planned_date', '<=', upcomingUntil(date, thresholds))
    .where(notDoneBy)
  if (filter) open = open.where('project_id', 'in', filter)
  let overdueProblems = db
    .selectFrom('problems')
    .select(['project_id', 'id', 'description', 'deadline'])
    .where('deadline', '<', date)
    .where(sql<boolean>`(closed_on IS NULL OR closed_on > ${date})`)
  if (filter) overdueProblems = overdueProblems.where('project_id', 'in', filter)
  const inv = investment ?? (await investmentFacts(db, date, periodOf(date), ids))
  const facts = new Map<number, LightFacts>()
  const wanted = filter ? new Set(filter) : null
  const get = (id: number) => {
    let f = facts.get(id)
    if (!f) {
      f = {
        overdue: [],
        upcoming: [],
        overdueProblems: [],
        annualPlan: inv.plans.get(id) ?? null,
        completed: inv.completed.get(id) ?? 0,
      }
      facts.set(id, f)
    }
    return f
  }
  for (const id of new Set([...inv.completed.keys(), ...inv.plans.keys()])) if (!wanted || wanted.has(id)) get(id)
  for (const m of await open.orderBy('planned_date').orderBy('id').execute()) {
    const item = { id: m.id, name: m.name, plannedDate: m.planned_date }
    if (m.planned_date < date) get(m.project_id).overdue.push(item)
    else get(m.project_id).upcoming.push(item)
  }
  for (const p of await overdueProblems.orderBy('deadline').orderBy('id').execute())
    get(p.project_id).overdueProblems.push({ id: p.id, description: p.description, deadline: p.deadline })
  return facts
}

export function emptyLightFacts(): LightFacts {
  return { overdue: [], upcoming: [], overdueProblems: [], annualPlan: null, completed: 0 }
}
