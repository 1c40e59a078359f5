/**
 * The ranking of a month, live: facts from SQL, rules from src/shared. Also one project's breakdown: its own
 * records listed, its score and light from the very same facts and rules as its ranking row.
 */
import type { Kysely } from 'kysely'
import { lastDayOfPeriod, periodMonth, type IsoDate, type Period } from '../../shared/dates'
import type { Rules } from '../../shared/domain'
import { roundHalfUp, type Fraction } from '../../shared/rules/fraction'
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
  /** What it was ranked from, in rank order (byPlace): to take the places again when a few projects changed. */
  order: RankEntry[]
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
async function milestonesDueCounts(
  db: Kysely<Database>,
  date: IsoDate,
  ids?: readonly number[],
): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('milestones')
    .select(['project_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('planned_date', '<=', date)
    .$if(ids !== undefined, (q) => q.where('project_id', 'in', ids!.length ? [...ids!] : [0]))
    .groupBy('project_id')
    .execute()
  return new Map(rows.map((r) => [r.project_id, Number(r.n)]))
}

/**
 * One project's row of a month before it is ranked, and what its place needs besides: the exact investment
 * rate (the row shows it rounded) and its 包联领导's order (the leaders' ranking breaks ties by it).
 */
export interface RankEntry {
  code: string
  score: number | null
  investmentRate: Fraction | null
  leaderOrder: number
  row: LiveProjectRow
  facts: ScoreFacts
}

/**
 * Every project's entry for `period` (score, components, 计分依据, light), in no particular order; of the
 * projects `ids` only, when given (those measured in the month: see projectRefs).
 */
export async function rankEntries(
  db: Kysely<Database>,
  period: Period,
  rules: Rules,
  ids?: readonly number[],
): Promise<RankEntry[]> {
  const date = lastDayOfPeriod(period)
  const only = ids ? [...ids] : undefined
  const refs = await projectRefs(db, date, only)
  // On the last day of the month the lights and the scores read the same investment figures: query them once.
  const investment = await investmentFacts(db, date, period, only)
  const scoreFacts = await scoreFactsAll(db, period, investment, only)
  const lightFacts = await lightFactsAll(db, date, rules.thresholds, only, investment)
  const milestoneCounts = await milestonesDueCounts(db, date, only)
  return refs.map((p) => {
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
    return { code: p.code, score: result.score, investmentRate: rate, leaderOrder: p.leaderOrder ?? 0, row, facts }
  })
}

/**
 * Every project's row for `period` (score, components, 计分依据, light) in rank order with shared places and
 * tie-breaks, and the leader, township and unit rankings built from them.
 */
export async function computeRanking(db: Kysely<Database>, period: Period, rules: Rules): Promise<LiveRanking> {
  return assembleRanking(await rankEntries(db, period, rules))
}

/**
 * The ranking of entries (rankEntries): the projects in rank order, the three group rankings, and the facts.
 * The order depends only on scores, rates and codes (rankOrder), so entries may come in any order.
 */
export function assembleRanking(entries: readonly RankEntry[]): LiveRanking {
  // Each row is built once, in one shape, and given its place in the sorted order (at 10,000 rows copying and
  // grouping copies cost as much as the rules themselves). The entries' own rows are left as they are: a
  // ranking brought up to date later takes its places again from them (services/ranking.ts).
  const ordered = rankOrder(entries)
  const projects = ordered.map(({ row: entry, rank, tie }) => ({ ...entry.row, rank, tie }))
  return {
    projects,
    groups: groupRankings(projects, (i) => ordered[i]!.row.leaderOrder),
    facts: new Map(entries.map((e) => [e.row.projectId, e.facts])),
    order: ordered.map((o) => o.row),
  }
}

/**
 * The leader, township and unit rankings of project rows in rank order (the mean of their members' scores,
 * rankGroups); `leaderOrder(i)`: the official order of row i's 包联领导 (the leaders' tie order).
 */
export function groupRankings(
  rows: readonly Pick<LiveProjectRow, 'score' | 'light' | 'leader' | 'township' | 'leadUnit'>[],
  leaderOrder: (index: number) => number,
): Record<GroupBy, LiveGroupRow[]> {
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
  rows.forEach((r, i) => {
    const member = { score: r.score, light: r.light }
    if (r.leader) add(byLeader, r.leader, leaderOrder(i), member) // none: no 包联领导 on that date
    add(byTownship, r.township, r.township.name, member)
    add(byUnit, r.leadUnit, r.leadUnit.name, member)
  })
  const group = (groups: Map<number, Group>): LiveGroupRow[] =>
    rankGroups([...groups].map(([key, g]) => ({ key, tieOrder: g.tieOrder, members: g.members }))).map(
      ({ key, ...rest }) => ({ group: { id: key, name: groups.get(key)!.name }, ...rest }),
    )
  return { leader: group(byLeader), township: group(byTownship), unit: group(byUnit) }
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
