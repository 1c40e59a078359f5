/** 月报: one per project per month, editable until the month is frozen (月度封账). */
import { sql, type Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import { formatPeriodChinese, localToday, periodOf, type IsoDate } from '../../shared/dates'
import type { InvestmentFigures } from '../../shared/domain'
import { formatMoney } from '../../shared/money'
import { audit, diff, text } from '../audit'
import { readTx, writeTx, type Deps } from '../context'
import type { Database } from '../db/schema'
import type { HandlerMap } from '../handler-types'
import { toReport } from '../mappers'
import { checkVersion, must } from './common'
import { sliced } from '../db/slice'

/** The freeze hook: every write to a month's figures asks this first. */
export async function assertPeriodOpen(db: Kysely<Database>, period: string): Promise<void> {
  const frozen = await db.selectFrom('frozen_periods').select('period').where('period', '=', period).executeTakeFirst()
  if (frozen)
    throw new AppError(
      'FROZEN',
      `${formatPeriodChinese(period)}已封账，该月数据不能再修改。如需更正，请在下月月报中说明，或请项目办解除封账`,
    )
}

/**
 * 本年 and 开累 of projects as of `date`, in one pass over the monthly reports: 本年 sums the reports of the
 * date's year up to and including its month, 开累 every report up to that month (since the project's start).
 * The annual plan is the date's year's, null when none is entered; `planMissing` when that year is one of
 * the construction years. `projectIds` limits the projects (default all, in id order); unknown ids are left out.
 */
export async function investmentFigures(
  db: Kysely<Database>,
  date: IsoDate,
  projectIds?: readonly number[],
): Promise<InvestmentFigures[]> {
  const year = Number(date.slice(0, 4))
  const until = periodOf(date)
  const ids = projectIds && (projectIds.length ? [...projectIds] : [0])
  const projects = await db
    .selectFrom('projects')
    .select(['id', 'start_year', 'end_year'])
    .$if(ids !== undefined, (q) => q.where('id', 'in', ids!))
    .orderBy('id')
    .execute()
  const sums = await db
    .selectFrom('monthly_reports')
    .select([
      'project_id',
      (eb) => eb.fn.sum<number>('investment').as('toDate'),
      sql<number>`sum(CASE WHEN period >= ${`${year}-01`} THEN investment ELSE 0 END)`.as('thisYear'),
    ])
    .where('period', '<=', until)
    .$if(ids !== undefined, (q) => q.where('project_id', 'in', ids!))
    .groupBy('project_id')
    .execute()
  const plans = await db
    .selectFrom('annual_plans')
    .select(['project_id', 'amount'])
    .where('year', '=', year)
    .$if(ids !== undefined, (q) => q.where('project_id', 'in', ids!))
    .execute()
  const sumOf = new Map(sums.map((r) => [r.project_id, r]))
  const planOf = new Map(plans.map((r) => [r.project_id, r.amount]))
  return projects.map((p) => {
    const annualPlan = planOf.get(p.id) ?? null
    return {
      projectId: p.id,
      year,
      annualPlan,
      completedThisYear: Number(sumOf.get(p.id)?.thisYear ?? 0),
      completedToDate: Number(sumOf.get(p.id)?.toDate ?? 0),
      planMissing: annualPlan === null && year >= p.start_year && year <= p.end_year,
    }
  })
}

export function reportHandlers(deps: Deps) {
  return {
    'report.figures': ({ projectIds, date }) =>
      readTx(deps, (db) => investmentFigures(db, date ?? localToday(deps.clock()), projectIds)),

    'report.list': async ({ projectId, period, year, offset, limit }) => {
      let q = deps.db
        .selectFrom('monthly_reports as r')
        .leftJoin('frozen_periods as f', 'f.period', 'r.period')
        .selectAll('r')
        .select('f.period as frozen_period')
      if (projectId) q = q.where('r.project_id', '=', projectId)
      if (period) q = q.where('r.period', '=', period)
      if (year) q = q.where('r.period', '>=', `${year}-01`).where('r.period', '<=', `${year}-12`)
      const rows = await q.orderBy('r.project_id').orderBy('r.period').$call(sliced({ offset, limit })).execute()
      return rows.map((r) => toReport(r, r.frozen_period !== null))
    },

    'report.save': ({ projectId, period, investment, narrative, version }) =>
      writeTx(deps, async (w) => {
        must(
          await w.db.selectFrom('projects').select('id').where('id', '=', projectId).executeTakeFirst(),
          '项目',
          projectId,
        )
        if (period > periodOf(w.today))
          throw new AppError('RULE', `不能填报未来月份（${formatPeriodChinese(period)}）的月报`)
        await assertPeriodOpen(w.db, period)
        const existing = await w.db
          .selectFrom('monthly_reports')
          .selectAll()
          .where('project_id', '=', projectId)
          .where('period', '=', period)
          .executeTakeFirst()
        let id: number
        if (existing) {
          if (version === undefined)
            throw new AppError('CONFLICT', `${formatPeriodChinese(period)}的月报已有人填报，请刷新后在原月报上修改`)
          checkVersion(existing, version, `${formatPeriodChinese(period)}的月报`)
          await w.db
            .updateTable('monthly_reports')
            .set({ investment, narrative, updated_at: w.now, version: sql`version + 1` })
            .where('id', '=', existing.id)
            .execute()
          id = existing.id
        } else {
          if (version !== undefined)
            throw new AppError('CONFLICT', `${formatPeriodChinese(period)}的月报已被删除或尚未创建，请刷新后重试`)
          const row = await w.db
            .insertInto('monthly_reports')
            .values({ project_id: projectId, period, investment, narrative, created_at: w.now, updated_at: w.now })
            .returning('id')
            .executeTakeFirstOrThrow()
          id = row.id
        }
        const after = await w.db
          .selectFrom('monthly_reports')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
        await audit(w, {
          entity: 'report',
          entityId: id,
          projectId,
          action: existing ? 'update' : 'create',
          changes: diff(existing ?? { investment: null, narrative: null }, after, {
            investment: (v: number | null) => (v === null ? null : formatMoney(v)),
            narrative: text,
          }),
          note: formatPeriodChinese(period),
        })
        return toReport(after, false)
      }),
  } satisfies HandlerMap
}
