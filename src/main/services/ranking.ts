/**
 * Lights, the monthly ranking and 月度封账. An open month is computed live; a frozen one is read from its
 * snapshot, which later edits do not touch. Rank changes compare with the latest frozen month before.
 */
import type { Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import { formatPeriodChinese, lastDayOfPeriod, localToday, periodOf, type Period } from '../../shared/dates'
import { insertInPlace, placesInOrder, rankChange } from '../../shared/rules/ranking'
import { compare } from '../../shared/rules/fraction'
import type {
  Breakdown,
  FrozenMonth,
  GroupBy,
  GroupRankRow,
  ProjectRankRow,
  RankingMeta,
  RankTie,
} from '../../shared/rules/types'
import { audit } from '../audit'
import { readTx, writeTx, type Deps } from '../context'
import type { Database, RankingKind } from '../db/schema'
import { parseBreakdownSnapshot, parseFrozenRules, parseGroupRankingRow, parseProjectRankingRow } from '../db/json'
import type { HandlerMap } from '../handler-types'
import {
  computeBreakdown,
  computeRanking,
  groupRankings,
  lightsAt,
  rankEntries,
  type LiveGroupRow,
  type LiveProjectRow,
  type RankEntry,
} from '../ranking/compute'
import { snapshotBreakdowns } from '../ranking/snapshot'
import { readRules } from './settings'
import { readDataVersion } from '../store/data-version'
import { myProjectIds } from '../auth/mine'
import { normalizePersonName } from '../../shared/names'
import type { RankingSort } from '../../shared/schemas'

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

/**
 * The ranks of the previous frozen month, per grouping, that rank changes compare with (undefined: none).
 * A month frozen before snapshots existed is computed once for all four groupings.
 */
async function previousRanks(
  db: Kysely<Database>,
  period: Period | null,
): Promise<Record<RankingKind, Map<number, number | null>> | undefined> {
  if (!period) return undefined
  if (!(await snapshotOf(db, period))) {
    const live = await computeRanking(db, period, (await readRules(db)).rules)
    const ranks = (rows: { key: number; rank: number | null }[]) => new Map(rows.map((r) => [r.key, r.rank]))
    const group = (by: GroupBy) => ranks(live.groups[by].map((r) => ({ key: r.group.id, rank: r.rank })))
    return {
      project: ranks(live.projects.map((r) => ({ key: r.projectId, rank: r.rank }))),
      leader: group('leader'),
      township: group('township'),
      unit: group('unit'),
    }
  }
  const rows = await db
    .selectFrom('ranking_snapshots')
    .select(['kind', 'key', 'rank'])
    .where('period', '=', period)
    .execute()
  const result: Record<RankingKind, Map<number, number | null>> = {
    project: new Map(),
    leader: new Map(),
    township: new Map(),
    unit: new Map(),
  }
  for (const r of rows) result[r.kind].set(r.key, r.rank)
  return result
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

/** The change of `rank` against the previous frozen month's ranks (`previous` undefined: none frozen before). */
function changeOf(rank: number | null, key: number, previous: Map<number, number | null> | undefined) {
  return rankChange(rank, previous === undefined ? undefined : (previous.get(key) ?? null))
}

function withChange<T extends { rank: number | null }>(
  rows: T[],
  key: (r: T) => number,
  previous: Map<number, number | null> | undefined,
) {
  return rows.map((r) => ({ ...r, change: changeOf(r.rank, key(r), previous) }))
}

function toFrozenMonth(
  row: { period: string; as_of: string; frozen_at: string; operator: string },
  projects: number,
): FrozenMonth {
  const asOf = row.as_of || lastDayOfPeriod(row.period) // frozen before snapshots existed
  return { period: row.period, asOf, frozenAt: row.frozen_at, operator: row.operator, projects }
}

const periodKey = (period: Period) => Number(period.replace('-', ''))

/** A month's ranking as the screens show it: all four groupings, with their rank changes. */
export interface MonthRanking {
  meta: RankingMeta
  projects: ProjectRankRow[]
  groups: Record<GroupBy, GroupRankRow[]>
  /**
   * How it was made, for bringing it up to date after a write (patchMonthRanking): the entries it was ranked
   * from, in rank order, when computed from the data (null: read from the month's snapshot), and the ranks the changes compare
   * with, with whether those were computed from the data too (a month frozen before snapshots existed).
   */
  made: {
    order: RankEntry[] | null
    /** The same entries by project id (to see whether a write changed them at all). */
    byId: Map<number, RankEntry> | null
    previous: Record<RankingKind, Map<number, number | null>> | undefined
    previousLive: boolean
  }
}

/** Months' rankings kept: this month, last month and a couple looked back at (10,000 projects ≈ 15 MB each). */
export const KEPT_MONTHS = 4

/** The screens' shape of a ranking: rows with their rank changes against `previous`. */
function withChanges(
  meta: RankingMeta,
  projects: LiveProjectRow[],
  groups: Record<GroupBy, LiveGroupRow[]>,
  made: MonthRanking['made'],
): MonthRanking {
  const { previous } = made
  const grouped = (by: GroupBy) => withChange(groups[by], (r) => r.group.id, previous?.[by]) as GroupRankRow[]
  return {
    meta,
    projects: withChange(projects, (r) => r.projectId, previous?.project) as ProjectRankRow[],
    groups: { leader: grouped('leader'), township: grouped('township'), unit: grouped('unit') },
    made,
  }
}

/** Builds a month's ranking, all four groupings with their changes: computed when open, else from its snapshot. */
async function buildMonthRanking(db: Kysely<Database>, period: Period): Promise<MonthRanking> {
  const { live, ...m } = await meta(db, period)
  let projects: LiveProjectRow[]
  let groups: Record<GroupBy, LiveGroupRow[]>
  let order: RankEntry[] | null = null
  if (live) ({ projects, groups, order } = await computeRanking(db, period, m.rules))
  else {
    projects = await snapshotProjectRows(db, period)
    groups = {
      leader: await snapshotGroupRows(db, period, 'leader'),
      township: await snapshotGroupRows(db, period, 'township'),
      unit: await snapshotGroupRows(db, period, 'unit'),
    }
  }
  const previousLive = m.previousPeriod !== null && !(await snapshotOf(db, m.previousPeriod))
  const previous = await previousRanks(db, m.previousPeriod)
  const byId = order && new Map(order.map((e) => [e.row.projectId, e]))
  return withChanges(m, projects, groups, { order, byId, previous, previousLive })
}

/**
 * A kept ranking of `period` brought up to date after writes that touched only the projects `touched` (their
 * entries computed again, the whole ranked again: a score moves everyone's places). Writes that freeze a month
 * or change the rules name no project, so they never come here (versioned-cache.ts). A month read from its
 * snapshot is as it was, unless its changes compare with a month frozen before snapshots (computed from data).
 */
async function patchMonthRanking(
  db: Kysely<Database>,
  period: Period,
  kept: MonthRanking,
  touched: Set<number>,
): Promise<MonthRanking> {
  const { order, byId, previous, previousLive } = kept.made
  if (previousLive) return buildMonthRanking(db, period)
  if (!order || !byId) return kept
  const fresh = await rankEntries(db, period, kept.meta.rules, [...touched])
  // Most writes do not change a past month (a milestone completed today, this month's report, a new problem):
  // the same entries give the same ranking, kept as it is.
  const wasThere = [...touched].filter((id) => byId.has(id)).length
  if (fresh.length === wasThere && fresh.every((e) => sameEntry(byId.get(e.row.projectId), e))) return kept
  // The others keep their order: the changed ones are put where they now belong (not ten thousand sorted again).
  const next = order.filter((e) => !touched.has(e.row.projectId))
  for (const entry of fresh) insertInPlace(next, entry)
  // A row whose project, place and tie are as before is the row it was (most are, after one project's change).
  const before = new Map(kept.projects.map((r) => [r.projectId, r]))
  const projects = placesInOrder(next).map(({ row: entry, rank, tie }): ProjectRankRow => {
    const id = entry.row.projectId
    const old = before.get(id)
    if (old && !touched.has(id) && old.rank === rank && sameTie(old.tie, tie)) return old
    return { ...entry.row, rank, tie, change: changeOf(rank, id, previous?.project) }
  })
  const groups = groupRankings(projects, (i) => next[i]!.leaderOrder)
  const grouped = (by: GroupBy) => withChange(groups[by], (r) => r.group.id, previous?.[by]) as GroupRankRow[]
  return {
    meta: kept.meta,
    projects,
    groups: { leader: grouped('leader'), township: grouped('township'), unit: grouped('unit') },
    made: { ...kept.made, order: next, byId: withEntries(byId, touched, fresh) },
  }
}

/** `byId` without the projects `touched`, with the `fresh` entries (a copy: the kept ranking keeps its own). */
function withEntries(byId: Map<number, RankEntry>, touched: Set<number>, fresh: RankEntry[]): Map<number, RankEntry> {
  const next = new Map(byId)
  for (const id of touched) next.delete(id)
  for (const e of fresh) next.set(e.row.projectId, e)
  return next
}

/** Whether a project's entry is what it was: its row, its place's keys and its facts (a ranking's every input). */
function sameEntry(old: RankEntry | undefined, e: RankEntry): boolean {
  if (!old || old.code !== e.code || old.score !== e.score || old.leaderOrder !== e.leaderOrder) return false
  const rates =
    old.investmentRate && e.investmentRate
      ? compare(old.investmentRate, e.investmentRate) === 0
      : old.investmentRate === e.investmentRate
  return (
    rates && JSON.stringify(old.row) === JSON.stringify(e.row) && JSON.stringify(old.facts) === JSON.stringify(e.facts)
  )
}

/** Whether two ties are the same (a row frozen before ties were kept has none: undefined). */
const sameTie = (a: RankTie | null | undefined, b: RankTie | null) =>
  (a ?? null) === b || (a != null && b !== null && a.size === b.size && a.by === b.by)

/**
 * A month's ranking (all four groupings, with rank changes), computed once per data version and kept
 * (versioned-cache.ts), brought up to date for the projects later writes touched; a frozen month from its
 * snapshot. `db` is the caller's read transaction: the version and the rows it keys are read on the same
 * snapshot (`version`: already read there).
 */
export async function monthRanking(
  deps: Deps,
  db: Kysely<Database>,
  period: Period,
  version?: number,
): Promise<MonthRanking> {
  version ??= await readDataVersion(db)
  return deps.rankings.get(
    period,
    version,
    () => buildMonthRanking(db, period),
    (kept, touched) => patchMonthRanking(db, period, kept, touched),
  )
}

/** The ranking page's sort columns; null: no rank or no score, listed last in either direction. */
const SORT_KEYS: Record<RankingSort, (r: ProjectRankRow) => number | string | null> = {
  rank: (r) => r.rank,
  code: (r) => r.code,
  score: (r) => r.score,
}

function sortedRows(rows: ProjectRankRow[], sort: RankingSort, descending: boolean): ProjectRankRow[] {
  if (sort === 'rank' && !descending) return rows // the ranking's own order (不参与排名 last)
  const key = SORT_KEYS[sort]
  const sign = descending ? -1 : 1
  // Array.prototype.sort is stable: equal keys keep the ranking's order, so pages never repeat or skip a row.
  return [...rows].sort((a, b) => {
    const x = key(a)
    const y = key(b)
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1
    return x < y ? -sign : x > y ? sign : 0
  })
}

export function rankingHandlers(deps: Deps) {
  const today = () => localToday(deps.clock())

  return {
    'lights.get': ({ date, projectIds }) =>
      readTx(deps, async (db) => lightsAt(db, date, (await readRules(db)).rules, projectIds)),

    'ranking.projects': ({ period, offset, limit, sort, descending, text, mine }, { caller }) =>
      readTx(deps, async (db) => {
        refuseFuture(period, today())
        const version = await readDataVersion(db)
        const month = await monthRanking(deps, db, period, version)
        const own = mine && caller ? await myProjectIds(db, caller) : null
        const search = text.toLowerCase() // as the kanban's: xm-072 finds XM-072
        const matching = month.projects.filter(
          (r) =>
            (!own || own.has(r.projectId)) &&
            (!search || r.code.toLowerCase().includes(search) || r.name.toLowerCase().includes(search)),
        )
        const rows = sortedRows(matching, sort, descending).slice(offset, offset + limit)
        return { ...month.meta, rows, total: matching.length, projects: month.projects.length, version }
      }),

    'ranking.groups': ({ period, by, offset, limit, text }) =>
      readTx(deps, async (db) => {
        refuseFuture(period, today())
        const version = await readDataVersion(db)
        const month = await monthRanking(deps, db, period, version)
        const name = normalizePersonName(text) // a leader typed with another middle dot
        const matching = text
          ? month.groups[by].filter((g) => g.group.name.includes(text) || g.group.name.includes(name))
          : month.groups[by]
        return { ...month.meta, by, rows: matching.slice(offset, offset + limit), total: matching.length, version }
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
