/**
 * 我的项目: the projects an account is responsible for — a 县领导's current 包联 projects (from its leader record)
 * and a 专班成员's 专班 projects (from the 专班 lists themselves, never typed twice). Used by the 我的项目
 * filters and 我的待办.
 */
import type { Kysely } from 'kysely'
import type { Caller } from '../../shared/accounts'
import type { Database } from '../db/schema'

export async function myProjectIds(db: Kysely<Database>, caller: Caller): Promise<Set<number>> {
  const ids = new Set<number>()
  if (caller.leaderId !== null)
    for (const r of await db
      .selectFrom('leader_assignments')
      .select('project_id')
      .where('leader_id', '=', caller.leaderId)
      .where('end_date', 'is', null)
      .execute())
      ids.add(r.project_id)
  if (caller.personId !== null)
    for (const r of await db
      .selectFrom('task_force_members as m')
      .innerJoin('task_forces as t', 't.id', 'm.task_force_id')
      .select('t.project_id')
      .where('m.person_id', '=', caller.personId)
      .execute())
      ids.add(r.project_id)
  return ids
}
