/** 包联领导: listed in official order (排序号); one with project history is deactivated, never deleted. */
import { sql, type Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import type { Leader } from '../../shared/domain'
import { audit, created, diff, text } from '../audit'
import { writeTx, type Deps, type WriteCtx } from '../context'
import type { CallArgs } from '../../shared/contract'
import type { Database } from '../db/schema'
import type { HandlerMap } from '../handler-types'
import { checkVersion, must } from './common'

function leaderQuery(db: Kysely<Database>) {
  return db
    .selectFrom('leaders as l')
    .selectAll('l')
    .select((eb) =>
      eb
        .selectFrom('leader_assignments as a')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('a.leader_id', '=', 'l.id')
        .where('a.end_date', 'is', null)
        .as('project_count'),
    )
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
    'leader.list': async ({ includeInactive }) => {
      let q = leaderQuery(deps.db)
      if (!includeInactive) q = q.where('l.active', '=', 1)
      return (await q.orderBy('l.sort_order').orderBy('l.id').execute()).map(toLeader)
    },

    'leader.create': (input) => writeTx(deps, (w) => createLeader(w, input)),

    'leader.update': ({ id, version, ...changes }) =>
      writeTx(deps, async (w) => {
        const before = await getLeader(w.db, id)
        checkVersion(before, version, `领导「${before.name}」的信息`)
        if (changes.active === false && before.active && before.projectCount > 0)
          throw new AppError(
            'RULE',
            `「${before.name}」目前包联${before.projectCount}个项目，不能停用。请先为这些项目调整包联领导`,
          )
        await w.db
          .updateTable('leaders')
          .set({
            ...(changes.name !== undefined && { name: changes.name }),
            ...(changes.title !== undefined && { title: changes.title }),
            ...(changes.unit !== undefined && { unit: changes.unit }),
            ...(changes.phone !== undefined && { phone: changes.phone }),
            ...(changes.sortOrder !== undefined && { sort_order: changes.sortOrder }),
            ...(changes.active !== undefined && { active: changes.active ? 1 : 0 }),
            updated_at: w.now,
            version: sql`version + 1`,
          })
          .where('id', '=', id)
          .execute()
        const after = await getLeader(w.db, id)
        await audit(w, {
          entity: 'leader',
          entityId: id,
          projectId: null,
          action: 'update',
          changes: diff(before, after, FIELDS),
        })
        return after
      }),

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
