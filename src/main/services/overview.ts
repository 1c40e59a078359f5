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

/**
 * The counts of 总览 that do not depend on who asks: projects per stage and per light (on the key-project list),
 * the year's completed investment and plan, the projects owing last month's report and the open problems by
 * 办结时限 — over all projects, or over `scope` (我的项目).
 */
async function officeFacts(
  db: Kysely<Database>,
  today: IsoDate,
  reportPeriod: string,
  rules: Rules,
  scope: number[] | null,
) {
  // Counts only: the stages from one grouped query, the lights from the same facts as the kanban's (without
  // building every card — at province scale that is most of the time of this call).
  const stages = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>
  // Only projects on the key-project list (not 调出 or 归档), as on the kanban.
  for (const r of await db
    .selectFrom('projects as p')
    .select(['p.stage', (eb) => eb.fn.countAll<number>().as('n')])
    .where(listedNow())
    .$if(scope !== null, (q) => q.where('p.id', 'in', scope!))
    .groupBy('p.stage')
    .execute())
    stages[r.stage] = Number(r.n)
  const inv = await investmentFacts(db, today, periodOf(today))
  const facts = await lightFactsAll(db, today, rules.thresholds, undefined, inv)
  const lights: Record<Light, number> = { red: 0, yellow: 0, green: 0 }
  const listed = new Set<number>()
  for (const { id } of await db
    .selectFrom('projects as p')
    .select('p.id')
    .where(listedNow())
    .$if(scope !== null, (q) => q.where('p.id', 'in', scope!))
    .execute()) {
    listed.add(id)
    lights[lightOf(facts.get(id) ?? emptyLightFacts(), today, rules.thresholds).light]++
  }
  // The year's figures of the projects on the list (a project 调出 or 归档 keeps its reports, not its place here).
  const sumListed = (m: Map<number, number>) => [...m].reduce((s, [id, v]) => (listed.has(id) ? s + v : s), 0)
  const completed = sumListed(inv.completed)
  const annualPlan = sumListed(inv.plans)

  // Projects under construction or in production owe a report for last month.
  const owing = await db
    .selectFrom('projects as p')
    .innerJoin('task_forces as tf', 'tf.project_id', 'p.id')
    .innerJoin('dict_items as u', 'u.id', 'tf.lead_unit_id')
    .select(['p.id', 'p.code', 'p.name', 'u.name as unit'])
    .where('p.stage', 'in', ['construction', 'production'])
    .where(listedNow())
    .$if(scope !== null, (q) => q.where('p.id', 'in', scope!))
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
    .orderBy('p.position')
    .orderBy('p.id')
    .execute()

  const overdue = await db
    .selectFrom('problems as q')
    .innerJoin('projects as p', 'p.id', 'q.project_id')
    .innerJoin('dict_items as u', 'u.id', 'q.responsible_unit_id')
    .select(['p.id', 'p.code', 'p.name', 'q.description', 'q.deadline', 'u.name as unit'])
    .where('q.status', '!=', 'closed')
    .where(listedNow())
    .$if(scope !== null, (q) => q.where('p.id', 'in', scope!))
    .orderBy('q.deadline')
    .execute()
  return { stages, lights, completed, annualPlan, owing, overdue }
}

/** What officeFacts gives: kept per data version in Deps.overviews. */
export type OfficeFacts = Awaited<ReturnType<typeof officeFacts>>

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
          : await deps.overviews.get(today, await readDataVersion(db), () =>
              officeFacts(db, today, reportPeriod, rules, null),
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
