/**
 * Lights, the monthly ranking and 月度封账. An open month is computed live; a frozen one is read from its
 * snapshot, which later edits do not touch. Rank changes compare with the latest frozen month before.
 */
import type { Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import { formatPeriodChinese, lastDayOfPeriod, localToday, periodOf, type Period } from '../../shared/dates'
import { rankChange } from '../../shared/rules/ranking'
import type {
  Breakdown,
  FrozenMonth,
  GroupBy,
  GroupRankRow,
  ProjectRankRow,
  RankingMeta,
} from '../../shared/rules/types'
import { audit } from '../audit'
import { readTx, writeTx, type Deps } from '../context'
import type { Database, RankingKind } from '../db/schema'
import { parseBreakdownSnapshot, parseFrozenRules, parseGroupRankingRow, parseProjectRankingRow } from '../db/json'
import type { HandlerMap } from '../handler-types'
import { computeBreakdown, computeRanking, lightsAt, type LiveGroupRow, type LiveProjectRow } from '../ranking/compute'
import { snapshotBreakdowns } from '../ranking/snapshot'
import { readRules } from './settings'

async function frozenRow(db: Kysely<Database>, period: Period) {
  return db.selectFrom('frozen_periods').selectAll().where('period', '=', period).executeTakeFirst()
}

/**
 * Whether a frozen month has its snapshot. Months frozen before schema version 3 have none (as_of empty):
 * their reports were locked by the freeze all along, so they are computed from the data with today's rules.
 */
async function snapshotOf(db: Kysely<Database>, period: Period) {
  const frozen = await frozenRow(db, period)
  return frozen && frozen.as_of !== '' ? frozen : undefined
}

async function previousFrozen(db: Kysely<Database>, period: Period): Promise<Period | null> {
  const row = await db
    .selectFrom('frozen_periods')
    .select((eb) => eb.fn.max('period').as('p'))
    .where('period', '<', period)
    .executeTakeFirst()
  return (row?.p as string | null | undefined) ?? null
}

async function snapshotRows(db: Kysely<Database>, period: Period, kind: RankingKind) {
  return db
    .selectFrom('ranking_snapshots')
    .select(['key', 'row'])
    .where('period', '=', period)
    .where('kind', '=', kind)
    .orderBy('position')
    .execute()
}

/** A frozen month's project rows, in their order. */
async function snapshotProjectRows(db: Kysely<Database>, period: Period): Promise<LiveProjectRow[]> {
  return (await snapshotRows(db, period, 'project')).map((r) => parseProjectRankingRow(r.row, period, r.key))
}

/** A frozen month's rows of one group ranking, in their order. */
async function snapshotGroupRows(db: Kysely<Database>, period: Period, by: GroupBy): Promise<LiveGroupRow[]> {
  return (await snapshotRows(db, period, by)).map((r) => parseGroupRankingRow(r.row, period, by, r.key))
}

async function snapshotRanks(
  db: Kysely<Database>,
  period: Period | null,
  kind: RankingKind,
): Promise<Map<number, number | null> | undefined> {
  if (!period) return undefined
  if (!(await snapshotOf(db, period))) {
    const live = await computeRanking(db, period, (await readRules(db)).rules)
    const rows =
      kind === 'project'
        ? live.projects.map((r) => ({ key: r.projectId, rank: r.rank }))
        : live.groups[kind].map((r) => ({ key: r.group.id, rank: r.rank }))
    return new Map(rows.map((r) => [r.key, r.rank]))
  }
  const rows = await db
    .selectFrom('ranking_snapshots')
    .select(['key', 'rank'])
    .where('period', '=', period)
    .where('kind', '=', kind)
    .execute()
  return new Map(rows.map((r) => [r.key, r.rank]))
}

function refuseFuture(period: Period, today: string) {
  if (period > periodOf(today)) throw new AppError('RULE', `${formatPeriodChinese(period)}尚未到来，没有可排名的数据`)
}

/** Everything a ranking view needs besides its rows. */
async function meta(db: Kysely<Database>, period: Period): Promise<RankingMeta & { live: boolean }> {
  const frozen = await frozenRow(db, period)
  const snapshot = await snapshotOf(db, period)
  const rules = snapshot ? parseFrozenRules(snapshot.rules, period) : (await readRules(db)).rules
  return {
    period,
    asOf: lastDayOfPeriod(period),
    frozen: Boolean(frozen),
    frozenAt: frozen?.frozen_at ?? null,
    previousPeriod: await previousFrozen(db, period),
    rules,
    live: !snapshot,
  }
}

function withChange<T extends { rank: number | null }>(
  rows: T[],
  key: (r: T) => number,
  previous: Map<number, number | null> | undefined,
) {
  return rows.map((r) => ({
    ...r,
    change: rankChange(r.rank, previous === undefined ? undefined : (previous.get(key(r)) ?? null)),
  }))
}

function toFrozenMonth(
  row: { period: string; as_of: string; frozen_at: string; operator: string },
  projects: number,
): FrozenMonth {
  const asOf = row.as_of || lastDayOfPeriod(row.period) // frozen before snapshots existed
  return { period: row.period, asOf, frozenAt: row.frozen_at, operator: row.operator, projects }
}

const periodKey = (period: Period) => Number(period.replace('-', ''))

/** A month's project rows (from its snapshot when frozen, else computed) and whether it is frozen. */
export async function projectRankingRows(
  db: Kysely<Database>,
  period: Period,
): Promise<{ rows: LiveProjectRow[]; frozen: boolean }> {
  const { live, rules, frozen } = await meta(db, period)
  const rows = live ? (await computeRanking(db, period, rules)).projects : await snapshotProjectRows(db, period)
  return { rows, frozen }
}

export function rankingHandlers(deps: Deps) {
  const today = () => localToday(deps.clock())

  return {
    'lights.get': ({ date, projectIds }) =>
      readTx(deps, async (db) => lightsAt(db, date, (await readRules(db)).rules, projectIds)),

    'ranking.projects': ({ period }) =>
      readTx(deps, async (db) => {
        refuseFuture(period, today())
        const { live, ...m } = await meta(db, period)
        const rows = live ? (await computeRanking(db, period, m.rules)).projects : await snapshotProjectRows(db, period)
        const previous = await snapshotRanks(db, m.previousPeriod, 'project')
        return { ...m, rows: withChange(rows, (r) => r.projectId, previous) as ProjectRankRow[] }
      }),

    'ranking.groups': ({ period, by }) =>
      readTx(deps, async (db) => {
        refuseFuture(period, today())
        const { live, ...m } = await meta(db, period)
        const rows = live
          ? (await computeRanking(db, period, m.rules)).groups[by]
          : await snapshotGroupRows(db, period, by)
        const previous = await snapshotRanks(db, m.previousPeriod, by)
        return { ...m, by, rows: withChange(rows, (r) => r.group.id, previous) as GroupRankRow[] }
      }),

    'ranking.breakdown': ({ projectId, period }) =>
      readTx(deps, async (db): Promise<Breakdown> => {
        if (await snapshotOf(db, period)) {
          const row = await db
            .selectFrom('breakdown_snapshots')
            .select('breakdown')
            .where('period', '=', period)
            .where('project_id', '=', projectId)
            .executeTakeFirst()
          if (!row)
            throw new AppError('NOT_FOUND', `${formatPeriodChinese(period)}封账时没有该项目（编号 ${projectId}）`)
          return parseBreakdownSnapshot(row.breakdown, period, projectId)
        }
        return computeBreakdown(db, projectId, period, (await readRules(db)).rules)
      }),

    'ranking.frozenMonths': () =>
      readTx(deps, async (db) => {
        const rows = await db
          .selectFrom('frozen_periods as f')
          .selectAll('f')
          .select((eb) =>
            eb
              .selectFrom('ranking_snapshots as s')
              .select(eb.fn.countAll<number>().as('n'))
              .whereRef('s.period', '=', 'f.period')
              .where('s.kind', '=', 'project')
              .as('projects'),
          )
          .orderBy('f.period', 'desc')
          .execute()
        return rows.map((r) => toFrozenMonth(r, Number(r.projects ?? 0)))
      }),

    'ranking.freeze': ({ period }) =>
      writeTx(deps, async (w) => {
        if (period >= periodOf(w.today))
          throw new AppError('RULE', `${formatPeriodChinese(period)}尚未结束，只能封账已经结束的月份`)
        if (await frozenRow(w.db, period)) throw new AppError('RULE', `${formatPeriodChinese(period)}已经封账`)
        const { rules } = await readRules(w.db)
        const live = await computeRanking(w.db, period, rules)
        const asOf = lastDayOfPeriod(period)
        await w.db
          .insertInto('frozen_periods')
          .values({ period, frozen_at: w.now, operator: w.operator.name, as_of: asOf, rules: JSON.stringify(rules) })
          .execute()
        const insert = async (kind: RankingKind, rows: { key: number; rank: number | null; row: unknown }[]) => {
          for (let i = 0; i < rows.length; i += 500)
            await w.db
              .insertInto('ranking_snapshots')
              .values(
                rows.slice(i, i + 500).map((r, j) => ({
                  period,
                  kind,
                  key: r.key,
                  position: i + j,
                  rank: r.rank,
                  row: JSON.stringify(r.row),
                })),
              )
              .execute()
        }
        await insert(
          'project',
          live.projects.map((r) => ({ key: r.projectId, rank: r.rank, row: r })),
        )
        for (const by of ['leader', 'township', 'unit'] as const)
          await insert(
            by,
            live.groups[by].map((r) => ({ key: r.group.id, rank: r.rank, row: r })),
          )
        await snapshotBreakdowns(w.db, period, rules, live.projects, live.facts)
        await audit(w, {
          entity: 'period',
          entityId: periodKey(period),
          projectId: null,
          action: 'freeze',
          changes: [{ field: 'frozen', old: '否', new: '是' }],
          note: `${formatPeriodChinese(period)}封账：${live.projects.length}个项目`,
        })
        return toFrozenMonth({ period, as_of: asOf, frozen_at: w.now, operator: w.operator.name }, live.projects.length)
      }),

    'ranking.unfreeze': ({ period, reason }) =>
      writeTx(deps, async (w) => {
        if (!(await frozenRow(w.db, period)))
          throw new AppError('RULE', `${formatPeriodChinese(period)}没有封账，无需解除`)
        await w.db.deleteFrom('breakdown_snapshots').where('period', '=', period).execute()
        await w.db.deleteFrom('ranking_snapshots').where('period', '=', period).execute()
        await w.db.deleteFrom('frozen_periods').where('period', '=', period).execute()
        await audit(w, {
          entity: 'period',
          entityId: periodKey(period),
          projectId: null,
          action: 'unfreeze',
          changes: [{ field: 'frozen', old: '是', new: '否' }],
          note: reason,
        })
        return { period }
      }),
  } satisfies HandlerMap
}
