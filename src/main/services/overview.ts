/**
 * 总览: stage and light counts, investment against 序时进度, what is missing or overdue, and my to-dos; the best
 * and worst five of last month in a call of their own, so that the rest shows without waiting for the ranking.
 */
import { addDays, addMonths, daysBetween, localToday, monthsElapsed, periodOf } from '../../shared/dates'
import { STAGES, type Stage } from '../../shared/domain'
import {
  OVERVIEW_ITEMS,
  type Light,
  type Overview,
  type OverviewItem,
  type OverviewRanking,
} from '../../shared/rules/types'
import { readTx, type Deps } from '../context'
import { myProjectIds } from '../auth/mine'
import type { HandlerMap } from '../handler-types'
import { emptyLightFacts, investmentFacts, lightFactsAll, listedNow } from '../ranking/facts'
import { lightOf } from '../../shared/rules/lights'
import { bestAndWorst } from '../../shared/rules/ranking'
import { readRules } from './settings'
import { monthRanking } from './ranking'
import { readDataVersion } from '../store/data-version'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema'
import type { IsoDate } from '../../shared/dates'
import type { Rules } from '../../shared/domain'

/** One project's share of 总览's counts (a project on the key-project list). */
interface ProjectShare {
  stage: Stage
  light: Light
  /** The year's completed investment and annual plan (万元, as stored). */
  completed: number
  plan: number
}

/**
 * The facts of 总览 that do not depend on who asks: each listed project's stage, light and investment, the
 * projects owing last month's report (board order) and the open problems (by 办结时限) — over all projects, or
 * over `scope` (我的项目; a kept one brought up to date: the projects a write touched).
 */
async function officeFacts(
  db: Kysely<Database>,
  today: IsoDate,
  reportPeriod: string,
  rules: Rules,
  scope: number[] | null,
) {
  // The lights from the same facts as the kanban's (without building every card — at province scale that is
  // most of the time of this call). Only projects on the key-project list (not 调出 or 归档), as on the kanban.
  const inv = await investmentFacts(db, today, periodOf(today), scope ?? undefined)
  const facts = await lightFactsAll(db, today, rules.thresholds, scope ?? undefined, inv)
  const projects = new Map<number, ProjectShare>()
  for (const { id, stage } of await db
    .selectFrom('projects as p')
    .select(['p.id', 'p.stage'])
    .where(listedNow())
    .$if(scope !== null, (q) => q.where('p.id', 'in', scope!))
    .execute())
    projects.set(id, {
      stage,
      light: lightOf(facts.get(id) ?? emptyLightFacts(), today, rules.thresholds).light,
      // The year's figures of the projects on the list (a project 调出 or 归档 keeps its reports, not its place here).
      completed: inv.completed.get(id) ?? 0,
      plan: inv.plans.get(id) ?? 0,
    })

  const owing = await owingReports(db, reportPeriod)
    .$if(scope !== null, (q) => q.where('p.id', 'in', scope!))
    .orderBy('p.position')
    .orderBy('p.id')
    .execute()
  const overdue = await openProblems(db)
    .$if(scope !== null, (q) => q.where('p.id', 'in', scope!))
    .orderBy('q.deadline')
    .orderBy('q.id')
    .execute()
  return withTotals(projects, owing, overdue)
}

/**
 * The projects that owe `reportPeriod`'s monthly report: those on the key-project list under construction or in
 * production without a report of that month, with their 专班's lead unit (总览's 缺报, the 待办 and 催报).
 */
export function owingReports(db: Kysely<Database>, reportPeriod: string) {
  return db
    .selectFrom('projects as p')
    .innerJoin('task_forces as tf', 'tf.project_id', 'p.id')
    .innerJoin('dict_items as u', 'u.id', 'tf.lead_unit_id')
    .select(['p.id', 'p.code', 'p.name', 'p.position', 'u.name as unit'])
    .where('p.stage', 'in', ['construction', 'production'])
    .where(listedNow())
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('monthly_reports as r')
            .select('r.id')
            .whereRef('r.project_id', '=', 'p.id')
            .where('r.period', '=', reportPeriod),
        ),
      ),
    )
}

/** The problems not yet 销号 of the projects on the list, with their responsible unit (overdue or not). */
export function openProblems(db: Kysely<Database>) {
  return db
    .selectFrom('problems as q')
    .innerJoin('projects as p', 'p.id', 'q.project_id')
    .innerJoin('dict_items as u', 'u.id', 'q.responsible_unit_id')
    .select([
      'p.id',
      'p.code',
      'p.name',
      'q.id as problemId',
      'q.description',
      'q.deadline',
      'q.responsible_unit_id as unitId',
      'u.name as unit',
    ])
    .where('q.status', '!=', 'closed')
    .where(listedNow())
}

type OwingRow = { id: number; code: string; name: string; position: number; unit: string }
type OverdueRow = {
  id: number
  code: string
  name: string
  problemId: number
  description: string
  deadline: string
  unitId: number
  unit: string
}

/** The facts with their counts: projects per stage and per light, the year's completed investment and plan. */
function withTotals(projects: Map<number, ProjectShare>, owing: OwingRow[], overdue: OverdueRow[]) {
  const stages = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>
  const lights: Record<Light, number> = { red: 0, yellow: 0, green: 0 }
  let completed = 0
  let annualPlan = 0
  for (const p of projects.values()) {
    stages[p.stage]++
    lights[p.light]++
    completed += p.completed
    annualPlan += p.plan
  }
  return { projects, stages, lights, completed, annualPlan, owing, overdue }
}

/** What officeFacts gives: kept per data version in Deps.overviews. */
export type OfficeFacts = Awaited<ReturnType<typeof officeFacts>>

/**
 * Kept facts brought up to date after writes that touched only the projects `touched`: their shares, owed
 * reports and open problems read again, the rest kept, in the same orders as officeFacts gives them.
 */
async function patchOfficeFacts(
  db: Kysely<Database>,
  today: IsoDate,
  reportPeriod: string,
  rules: Rules,
  kept: OfficeFacts,
  touched: Set<number>,
): Promise<OfficeFacts> {
  const part = await officeFacts(db, today, reportPeriod, rules, [...touched])
  const projects = new Map(kept.projects)
  for (const id of touched) projects.delete(id)
  for (const [id, share] of part.projects) projects.set(id, share)
  const owing = kept.owing
    .filter((r) => !touched.has(r.id))
    .concat(part.owing)
    .sort((a, b) => a.position - b.position || a.id - b.id)
  const overdue = kept.overdue
    .filter((r) => !touched.has(r.id))
    .concat(part.overdue)
    .sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : a.problemId - b.problemId))
  return withTotals(projects, owing, overdue)
}

export function overviewHandlers(deps: Deps) {
  return {
    'overview.get': ({ mine: onlyMine }, { caller }) =>
      readTx(deps, async (db): Promise<Overview> => {
        const today = localToday(deps.clock())
        const reportPeriod = addMonths(periodOf(today), -1)
        const rules = (await readRules(db)).rules
        const mine = caller ? await myProjectIds(db, caller) : new Set<number>()
        // The whole office's counts are the same for every caller: computed once per day and state of the data.
        // 我的项目: every count over the caller's own projects only (0 stands for "none": never an empty IN).
        const { stages, lights, completed, annualPlan, owing, overdue } = onlyMine
          ? await officeFacts(db, today, reportPeriod, rules, [...mine, 0])
          : await deps.overviews.get(
              today,
              await readDataVersion(db),
              () => officeFacts(db, today, reportPeriod, rules, null),
              (kept, touched) => patchOfficeFacts(db, today, reportPeriod, rules, kept, touched),
            )
        const months = monthsElapsed(today)
        const item = (c: { id: number; code: string; name: string }, detail: string): OverviewItem => ({
          projectId: c.id,
          code: c.code,
          name: c.name,
          detail,
        })
        const overdueProblems = overdue.filter((q) => q.deadline < today)

        // 我的待办: the caller's own projects (专班成员: its 专班's; 县领导: the projects it leads) and its unit (a
        // 责任单位联络员's unit, from the unit list) — never a typed unit name.
        const unit = caller?.unitId
          ? ((await db.selectFrom('dict_items').select('name').where('id', '=', caller.unitId).executeTakeFirst())
              ?.name ?? '')
          : ''
        const ownIds = [...mine]
        const soon = addDays(today, rules.thresholds.upcomingDays - 1)
        const myMilestones =
          unit || ownIds.length
            ? await db
                .selectFrom('milestones as m')
                .innerJoin('projects as p', 'p.id', 'm.project_id')
                .select(['p.id', 'p.code', 'p.name', 'm.name as milestone', 'm.planned_date'])
                .where((eb) =>
                  eb.or([
                    ...(unit ? [eb('m.responsible_unit', '=', unit)] : []),
                    ...(ownIds.length ? [eb('m.project_id', 'in', ownIds)] : []),
                  ]),
                )
                .where('m.actual_date', 'is', null)
                .where('m.planned_date', '<=', soon)
                .where(listedNow())
                .orderBy('m.planned_date')
                .limit(50)
                .execute()
            : []
        const myReports = owing.filter((c) => mine.has(c.id) || (unit !== '' && c.unit === unit))
        const myProblems = overdue.filter((q) => mine.has(q.id) || (unit !== '' && q.unit === unit))
        // Each list's first items only, with the counts of all (an office sees thousands at province scale).
        const first = <T>(list: T[]) => list.slice(0, OVERVIEW_ITEMS)
        return {
          asOf: today,
          reportPeriod,
          stages,
          lights,
          investment: { completed, annualPlan, expected: Math.round((annualPlan * months) / 12), months },
          missingReports: first(owing).map((c) => item(c, c.unit)),
          overdueProblems: first(overdueProblems).map((q) => item(q, `${q.description}（限${q.deadline}，${q.unit}）`)),
          todos: {
            unit,
            milestones: first(myMilestones).map((m) =>
              item(
                m,
                m.planned_date < today
                  ? `「${m.milestone}」已逾期${daysBetween(m.planned_date, today)}天`
                  : `「${m.milestone}」${m.planned_date}到期`,
              ),
            ),
            reports: first(myReports).map((c) => item(c, `${reportPeriod}月报未报`)),
            problems: first(myProblems).map((q) => item(q, `${q.description}（限${q.deadline}）`)),
          },
          counts: {
            missingReports: owing.length,
            overdueProblems: overdueProblems.length,
            todos: myMilestones.length + myReports.length + myProblems.length,
          },
        }
      }),

    'overview.ranking': () =>
      readTx(deps, async (db): Promise<OverviewRanking> => {
        const period = addMonths(periodOf(localToday(deps.clock())), -1)
        const month = await monthRanking(deps, db, period)
        const { frozen } = month.meta
        const rows = month.projects
        const noChange = { kind: 'none' as const, places: 0 }
        // 前五 and 后五 never share a project (with fewer than ten ranked, 后五 is shorter).
        const { best, worst } = bestAndWorst(
          rows.filter((r) => r.rank !== null),
          5,
        )
        return {
          period,
          frozen,
          best: best.map((r) => ({ ...r, change: noChange })),
          worst: worst.map((r) => ({ ...r, change: noChange })),
        }
      }),
  } satisfies HandlerMap
}
