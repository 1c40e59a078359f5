/** 包联领导: listed in official order (排序号); one with project history is deactivated, never deleted. */
import { sql, type Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import type { Leader, LeaderOptions, LeaderUsage } from '../../shared/domain'
import type { KanbanCard, LeaderPage } from '../../shared/rules/types'
import { normalizePersonName } from '../../shared/names'
import { addMonths, localToday, periodOf } from '../../shared/dates'
import { readDataVersion } from '../store/data-version'
import { todaysCards } from './kanban'
import { monthRanking } from './ranking'

/** Projects listed in a row of the 领导 screen (a province's leader may own a hundred: the count says so). */
const LEADER_CARDS = 20
import { audit, created, diff, text } from '../audit'
import { readTx, writeTx, type Deps, type WriteCtx } from '../context'
import type { CallArgs } from '../../shared/contract'
import type { Database } from '../db/schema'
import type { HandlerMap } from '../handler-types'
import { checkVersion, containsPattern, flag, must } from './common'
import { PAGE_LIMIT_MAX } from '../../shared/schemas'
import { listedNow } from '../ranking/facts'
import { sliced } from '../db/slice'

/** Leaders with the number of projects on the key-project list each owns now (调出 / 归档 ones not counted). */
function leaderQuery(db: Kysely<Database>) {
  return db
    .selectFrom('leaders as l')
    .selectAll('l')
    .select((eb) =>
      eb
        .selectFrom('leader_assignments as a')
        .innerJoin('projects as p', 'p.id', 'a.project_id')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('a.leader_id', '=', 'l.id')
        .where('a.end_date', 'is', null)
        .where(listedNow('p'))
        .as('project_count'),
    )
}

/**
 * Projects a leader owns now, on the list or off it (调出 / 归档, which may come back with 恢复): a leader with any
 * is not deactivated. `offList` of them are not on the key-project list.
 */
async function ownedNow(db: Kysely<Database>, id: number): Promise<{ all: number; offList: number }> {
  const row = await db
    .selectFrom('leader_assignments as a')
    .innerJoin('projects as p', 'p.id', 'a.project_id')
    .select((eb) => [
      eb.fn.countAll<number>().as('all'),
      sql<number>`COALESCE(SUM(CASE WHEN ${listedNow('p')} THEN 0 ELSE 1 END), 0)`.as('offList'),
    ])
    .where('a.leader_id', '=', id)
    .where('a.end_date', 'is', null)
    .executeTakeFirstOrThrow()
  return { all: Number(row.all), offList: Number(row.offList) }
}

type LeaderRow = Awaited<ReturnType<ReturnType<typeof leaderQuery>['executeTakeFirstOrThrow']>>

function toLeader(row: LeaderRow): Leader {
  return {
    id: row.id,
    name: row.name,
    title: row.title,
    unit: row.unit,
    phone: row.phone,
    sortOrder: row.sort_order,
    active: row.active === 1,
    projectCount: Number(row.project_count ?? 0),
    version: row.version,
  }
}

async function getLeader(db: Kysely<Database>, id: number): Promise<Leader> {
  return toLeader(must(await leaderQuery(db).where('l.id', '=', id).executeTakeFirst(), '领导', id))
}

const FIELDS = { name: text, title: text, unit: text, phone: text, sortOrder: text, active: text }

/**
 * Creates a leader inside the caller's transaction (the 领导 screen, and the ledger import for a leader it
 * names for the first time), with its audit row; `note` says why when it is not typed by hand.
 */
export async function createLeader(w: WriteCtx, input: CallArgs<'leader.create'>, note?: string): Promise<Leader> {
  const row = await w.db
    .insertInto('leaders')
    .values({
      name: input.name,
      title: input.title,
      unit: input.unit,
      phone: input.phone,
      sort_order: input.sortOrder,
      active: 1,
      created_at: w.now,
      updated_at: w.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const leader = await getLeader(w.db, row.id)
  await audit(w, {
    entity: 'leader',
    entityId: row.id,
    projectId: null,
    action: 'create',
    changes: created(leader, FIELDS),
    ...(note && { note }),
  })
  return leader
}

/**
 * How much a leader is in use: projects owned now (an open assignment), projects owned before and no longer
 * (history, kept for the rankings of past months), problems assigned to them (all, and those not closed).
 * NOT_FOUND for an unknown id.
 */
export async function leaderUsage(db: Kysely<Database>, id: number): Promise<LeaderUsage> {
  const leader = must(await db.selectFrom('leaders').selectAll().where('id', '=', id).executeTakeFirst(), '领导', id)
  const projects = await db
    .selectFrom('leader_assignments')
    .select((eb) => [
      eb.fn.count<number>('project_id').distinct().as('all'),
      sql<number>`COUNT(DISTINCT CASE WHEN end_date IS NULL THEN project_id END)`.as('current'),
    ])
    .where('leader_id', '=', id)
    .executeTakeFirstOrThrow()
  const problems = await db
    .selectFrom('problems')
    .select((eb) => [
      eb.fn.countAll<number>().as('all'),
      sql<number>`COALESCE(SUM(CASE WHEN status <> 'closed' THEN 1 ELSE 0 END), 0)`.as('open'),
    ])
    .where('responsible_leader_id', '=', id)
    .executeTakeFirstOrThrow()
  const current = Number(projects.current)
  return {
    id,
    name: leader.name,
    active: leader.active === 1,
    currentProjects: current,
    pastProjects: Number(projects.all) - current,
    problems: Number(problems.all),
    openProblems: Number(problems.open),
  }
}

/** The next free sort number for a new leader (after all others). */
export async function nextLeaderSortOrder(db: Kysely<Database>): Promise<number> {
  const max = await db
    .selectFrom('leaders')
    .select((eb) => eb.fn.max('sort_order').as('m'))
    .executeTakeFirst()
  return Math.min(1_000_000, (max?.m ?? 0) + 10)
}

export function leaderHandlers(deps: Deps) {
  return {
    'leader.list': async ({ includeInactive, offset, limit }) => {
      let q = leaderQuery(deps.db)
      if (!includeInactive) q = q.where('l.active', '=', 1)
      return (await q.orderBy('l.sort_order').orderBy('l.id').$call(sliced({ offset, limit })).execute()).map(toLeader)
    },

    'leader.options': ({ text, ids, includeInactive, limit }) =>
      readTx(deps, async (db): Promise<LeaderOptions> => {
        let q = db.selectFrom('leaders as l')
        if (ids) q = q.where('l.id', 'in', ids.length ? ids : [0])
        else {
          if (!includeInactive) q = q.where('l.active', '=', 1)
          if (text) {
            const dialect = deps.store.dialect
            const byName = containsPattern(normalizePersonName(text))
            q = q.where((eb) =>
              eb.or([
                dialect.likeIgnoringCase('l.name', byName),
                dialect.likeIgnoringCase('l.title', containsPattern(text)),
              ]),
            )
          }
        }
        const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
        const rows = await q
          .select(['l.id', 'l.name', 'l.title', 'l.active'])
          .orderBy('l.sort_order')
          .orderBy('l.id')
          .limit(ids ? PAGE_LIMIT_MAX : limit)
          .execute()
        const counts = await db
          .selectFrom('leaders')
          .select([(eb) => eb.fn.countAll<number>().as('all'), sql<number>`COALESCE(SUM(active), 0)`.as('active')])
          .executeTakeFirstOrThrow()
        return {
          rows: rows.map((r) => ({ id: r.id, name: r.name, title: r.title, active: r.active === 1 })),
          total: Number(total.n),
          active: Number(counts.active),
          all: Number(counts.all),
        }
      }),

    'leader.page': ({ includeInactive, text, offset, limit }) =>
      readTx(deps, async (db): Promise<LeaderPage> => {
        const version = await readDataVersion(db)
        const leaders = (await leaderQuery(db).orderBy('l.sort_order').orderBy('l.id').execute()).map(toLeader)
        const name = normalizePersonName(text)
        const found = leaders.filter(
          (l) => (includeInactive || l.active) && (!text || l.name.includes(name) || l.title.includes(text)),
        )
        const page = found.slice(offset, offset + limit)
        const today = localToday(deps.clock())
        const period = addMonths(periodOf(today), -1)
        const cards = await todaysCards(deps, db, today, version)
        const ranks = new Map((await monthRanking(deps, db, period, version)).groups.leader.map((g) => [g.group.id, g]))
        const shown = new Set(page.map((l) => l.id))
        const own = new Map<number, KanbanCard[]>()
        for (const c of cards) if (shown.has(c.leader.id)) own.set(c.leader.id, [...(own.get(c.leader.id) ?? []), c])
        return {
          rows: page.map((leader) => {
            const mine = own.get(leader.id) ?? []
            const count = (light: string) => mine.filter((c) => c.light === light).length
            return {
              leader,
              cards: mine.slice(0, LEADER_CARDS).map((c) => ({
                id: c.id,
                code: c.code,
                name: c.name,
                light: c.light,
                reasons: c.reasons,
              })),
              projects: mine.length,
              red: count('red'),
              yellow: count('yellow'),
              green: count('green'),
              rank: ranks.get(leader.id)?.rank ?? null,
              mean: ranks.get(leader.id)?.mean ?? null,
            }
          }),
          total: found.length,
          stopped: leaders.filter((l) => !l.active).length,
          lastSortOrder: leaders.reduce((max, l) => Math.max(max, l.sortOrder), 0),
          period,
          version,
        }
      }),

    'leader.create': (input) => writeTx(deps, (w) => createLeader(w, input)),

    'leader.usage': ({ id }) => readTx(deps, (db) => leaderUsage(db, id)),

    'leader.update': ({ id, version, ...changes }) =>
      writeTx(deps, async (w) => {
        const before = await getLeader(w.db, id)
        checkVersion(before, version, `领导「${before.name}」的信息`)
        if (changes.active === false && before.active) {
          const owned = await ownedNow(w.db, id)
          if (owned.all > 0)
            throw new AppError(
              'RULE',
              `「${before.name}」目前包联${owned.all}个项目${owned.offList ? `（其中${owned.offList}个已调出或归档）` : ''}，不能停用。请先为这些项目调整包联领导`,
            )
        }
        await w.db
          .updateTable('leaders')
          .set({
            ...(changes.name !== undefined && { name: changes.name }),
            ...(changes.title !== undefined && { title: changes.title }),
            ...(changes.unit !== undefined && { unit: changes.unit }),
            ...(changes.phone !== undefined && { phone: changes.phone }),
            ...(changes.sortOrder !== undefined && { sort_order: changes.sortOrder }),
            ...(changes.active !== undefined && { active: flag(changes.active) }),
            updated_at: w.now,
            version: sql`version + 1`,
          })
          .where('id', '=', id)
          .execute()
        const after = await getLeader(w.db, id)
        // Deactivating says how much history the leader has (it stays, under the name, where it is used).
        const usage = before.active && !after.active ? await leaderUsage(w.db, id) : null
        await audit(w, {
          entity: 'leader',
          entityId: id,
          projectId: null,
          action: 'update',
          changes: diff(before, after, FIELDS),
          note:
            `${before.name}（${before.title}）` +
            (usage ? `，停用时曾包联${usage.pastProjects}个项目、负责${usage.problems}个问题` : ''),
        })
        return after
      }),

    // Deletion, not deactivation: only for a leader entered by mistake, who never owned a project (no assignment,
    // current or past) and was never given a problem. Anyone with history is refused (RULE) and is deactivated
    // instead (leader.update active: false), so that past rankings, histories and problems keep the name.
    'leader.delete': ({ id, version }) =>
      writeTx(deps, async (w) => {
        const before = await getLeader(w.db, id)
        checkVersion(before, version, `领导「${before.name}」的信息`)
        const used = await w.db
          .selectFrom('leader_assignments')
          .select((eb) => eb.fn.count<number>('project_id').distinct().as('n'))
          .where('leader_id', '=', id)
          .executeTakeFirstOrThrow()
        const problems = await w.db
          .selectFrom('problems')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('responsible_leader_id', '=', id)
          .executeTakeFirstOrThrow()
        if (Number(used.n) > 0 || Number(problems.n) > 0)
          throw new AppError(
            'RULE',
            `「${before.name}」有包联项目或问题的记录（${Number(used.n)}个项目、${Number(problems.n)}个问题），为保留历史不能删除。如已调离，请改为停用`,
          )
        await w.db.deleteFrom('leaders').where('id', '=', id).execute()
        await audit(w, {
          entity: 'leader',
          entityId: id,
          projectId: null,
          action: 'delete',
          changes: [{ field: 'name', old: `${before.name}（${before.title}）`, new: null }],
        })
        return { id }
      }),
  } satisfies HandlerMap
}
