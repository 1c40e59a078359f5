/**
 * The ranking of a month, live: facts from SQL, rules from src/shared. Also one project's breakdown: its own
 * records listed, its score and light from the very same facts and rules as its ranking row.
 */
import type { Kysely } from 'kysely'
import { lastDayOfPeriod, periodMonth, type IsoDate, type Period } from '../../shared/dates'
import type { Rules } from '../../shared/domain'
import { roundHalfUp } from '../../shared/rules/fraction'
import { lightOf, type RawProject } from '../../shared/rules/lights'
import { rankGroups, rankOrder, type GroupMember } from '../../shared/rules/ranking'
import {
  componentHundredths,
  investmentRate,
  milestoneCredit,
  rankBasis,
  scoreOf,
  type ScoreFacts,
} from '../../shared/rules/scores'
import type { Breakdown, GroupBy, GroupRankRow, LightRow, ProjectRankRow } from '../../shared/rules/types'
import type { Database } from '../db/schema'
import { must } from '../services/common'
import { EMPTY_SCORE_FACTS, emptyLightFacts, investmentFacts, lightFactsAll, projectRefs, scoreFactsAll } from './facts'

/** Ranking rows without the change column (that depends on which earlier months are frozen). */
export type LiveProjectRow = Omit<ProjectRankRow, 'change'>
export type LiveGroupRow = Omit<GroupRankRow, 'change'>

export interface LiveRanking {
  projects: LiveProjectRow[]
  groups: Record<GroupBy, LiveGroupRow[]>
  /** The facts each project's score was computed from (for the frozen month's breakdowns: one source). */
  facts: Map<number, ScoreFacts>
}

export async function lightsAt(db: Kysely<Database>, date: IsoDate, rules: Rules, ids?: number[]): Promise<LightRow[]> {
  const refs = await projectRefs(db, date, ids)
  const facts = await lightFactsAll(db, date, rules.thresholds, ids)
  return refs.map((p) => ({
    projectId: p.id,
    ...lightOf(facts.get(p.id) ?? emptyLightFacts(), date, rules.thresholds),
  }))
}

/**
 * How many milestones each project has planned on or before `date` (the 节点 count of a row's 计分依据; the
 * score itself reads their weights, facts.ts).
 */
async function milestonesDueCounts(db: Kysely<Database>, date: IsoDate): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('milestones')
    .select(['project_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('planned_date', '<=', date)
    .groupBy('project_id')
    .execute()
  return new Map(rows.map((r) => [r.project_id, Number(r.n)]))
}

/**
 * Every project's row for `period` (score, components, 计分依据, light) in rank order with shared places and
 * tie-breaks, and the leader, township and unit rankings built from them.
 */
export async function computeRanking(db: Kysely<Database>, period: Period, rules: Rules): Promise<LiveRanking> {
  const date = lastDayOfPeriod(period)
  const refs = await projectRefs(db, date)
  // On the last day of the month the lights and the scores read the same investment figures: query them once.
  const investment = await investmentFacts(db, date, period)
  const scoreFacts = await scoreFactsAll(db, period, investment)
  const lightFacts = await lightFactsAll(db, date, rules.thresholds, undefined, investment)
  const milestoneCounts = await milestonesDueCounts(db, date)
  // Each row is built once, in one shape, and given its place in the sorted order (no copies: at 10,000 rows
  // copying and grouping copies cost as much as the rules themselves).
  const rows = refs.map((p) => {
    const facts = scoreFacts.get(p.id) ?? EMPTY_SCORE_FACTS
    const result = scoreOf(facts, period, rules.weights)
    const light = lightOf(lightFacts.get(p.id) ?? emptyLightFacts(), date, rules.thresholds)
    const rate = investmentRate(facts.completed, facts.annualPlan)
    const row: LiveProjectRow = {
      projectId: p.id,
      code: p.code,
      name: p.name,
      stage: p.stage,
      leader: p.leaderId !== null ? { id: p.leaderId, name: p.leaderName ?? '' } : null,
      township: { id: p.townshipId, name: p.townshipName },
      leadUnit: { id: p.leadUnitId, name: p.leadUnitName },
      rank: null,
      score: result.score,
      components: componentHundredths(result.components),
      investmentRate: rate === null ? null : roundHalfUp(rate, 10000),
      annualPlan: facts.annualPlan,
      completed: facts.completed,
      light: light.light,
      reasons: light.reasons,
      basis: rankBasis(result, facts, milestoneCounts.get(p.id) ?? 0),
      tie: null,
    }
    // What the order needs besides the row: the exact investment rate (the row shows it rounded).
    return { code: p.code, score: result.score, investmentRate: rate, leaderOrder: p.leaderOrder ?? 0, row }
  })
  const ordered = rankOrder(rows).map(({ row: entry, rank, tie }) => {
    entry.row.rank = rank
    entry.row.tie = tie
    return entry
  })
  const projects = ordered.map((entry) => entry.row)

  type Group = { name: string; tieOrder: number | string; members: GroupMember[] }
  const byLeader = new Map<number, Group>()
  const byTownship = new Map<number, Group>()
  const byUnit = new Map<number, Group>()
  const add = (
    groups: Map<number, Group>,
    ref: { id: number; name: string },
    tieOrder: number | string,
    m: GroupMember,
  ) => {
    const g = groups.get(ref.id)
    if (g) g.members.push(m)
    else groups.set(ref.id, { name: ref.name, tieOrder, members: [m] })
  }
  for (const { row: r, leaderOrder } of ordered) {
    const member = { score: r.score, light: r.light }
    if (r.leader) add(byLeader, r.leader, leaderOrder, member) // none: no 包联领导 on that date
    add(byTownship, r.township, r.township.name, member)
    add(byUnit, r.leadUnit, r.leadUnit.name, member)
  }
  const group = (groups: Map<number, Group>): LiveGroupRow[] =>
    rankGroups([...groups].map(([key, g]) => ({ key, tieOrder: g.tieOrder, members: g.members }))).map(
      ({ key, ...rest }) => ({ group: { id: key, name: groups.get(key)!.name }, ...rest }),
    )
  return {
    projects,
    groups: { leader: group(byLeader), township: group(byTownship), unit: group(byUnit) },
    facts: scoreFacts,
  }
}

/** One project's records, loaded (only this project's) for its breakdown. */
async function rawProject(db: Kysely<Database>, projectId: number, date: IsoDate): Promise<RawProject> {
  const year = Number(date.slice(0, 4))
  const milestones = await db
    .selectFrom('milestones')
    .select(['id', 'name', 'planned_date', 'actual_date', 'weight'])
    .where('project_id', '=', projectId)
    .orderBy('planned_date')
    .orderBy('id')
    .execute()
  const problems = await db
    .selectFrom('problems')
    .select(['id', 'description', 'deadline', 'closed_on'])
    .where('project_id', '=', projectId)
    .orderBy('deadline')
    .orderBy('id')
    .execute()
  const reports = await db
    .selectFrom('monthly_reports')
    .select(['period', 'investment'])
    .where('project_id', '=', projectId)
    .where('period', '>=', `${year}-01`)
    .where('period', '<=', `${year}-12`)
    .orderBy('period')
    .execute()
  const plans = await db
    .selectFrom('annual_plans')
    .select(['year', 'amount'])
    .where('project_id', '=', projectId)
    .execute()
  return {
    milestones: milestones.map((m) => ({
      id: m.id,
      name: m.name,
      plannedDate: m.planned_date,
      actualDate: m.actual_date,
      weight: m.weight,
    })),
    problems: problems.map((p) => ({
      id: p.id,
      description: p.description,
      deadline: p.deadline,
      closedOn: p.closed_on,
    })),
    reports,
    annualPlans: plans,
  }
}

export async function computeBreakdown(
  db: Kysely<Database>,
  projectId: number,
  period: Period,
  rules: Rules,
): Promise<Breakdown> {
  const project = must(
    await db.selectFrom('projects').select(['id', 'code', 'name']).where('id', '=', projectId).executeTakeFirst(),
    '项目',
    projectId,
  )
  const date = lastDayOfPeriod(period)
  const raw = await rawProject(db, projectId, date)
  // The score and the light from the same facts as the ranking's row (facts.ts); `raw` lists what they counted.
  const facts = (await scoreFactsAll(db, period, undefined, [projectId])).get(projectId) ?? EMPTY_SCORE_FACTS
  const result = scoreOf(facts, period, rules.weights)
  const lights = await lightFactsAll(db, date, rules.thresholds, [projectId])
  const light = lightOf(lights.get(projectId) ?? emptyLightFacts(), date, rules.thresholds)
  const year = Number(period.slice(0, 4))
  const reports = raw.reports.filter((r) => r.period <= period)
  return {
    projectId,
    code: project.code,
    name: project.name,
    period,
    asOf: date,
    frozen: false,
    rules,
    milestones: raw.milestones
      .filter((m) => m.plannedDate <= date)
      .map((m) => ({ ...m, credit: milestoneCredit(m.plannedDate, m.actualDate, date) })),
    investment: {
      annualPlan: raw.annualPlans.find((a) => a.year === year)?.amount ?? null,
      reports,
      completed: reports.reduce((s, r) => s + r.investment, 0),
      months: periodMonth(period),
    },
    problems: raw.problems
      .filter((p) => p.deadline <= date)
      .map((p) => ({ ...p, inTime: p.closedOn !== null && p.closedOn <= p.deadline })),
    components: componentHundredths(result.components),
    appliedWeights: result.appliedWeights,
    score: result.score,
    light: light.light,
    reasons: light.reasons,
  }
}
