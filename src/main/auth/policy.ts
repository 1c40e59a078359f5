/**
 * The one place where access is checked (called by App.invoke for every call, before its handler runs): the
 * call's declared access (src/shared/access.ts) against the caller's roles and, for a scoped write, against the
 * project and responsible unit of the record the input names — found through one lookup per kind of record.
 */
import type { Kysely } from 'kysely'
import { ROLE_LABELS, neededRolesText, rolesAllow, type Access, type Scope } from '../../shared/access'
import type { Caller } from '../../shared/accounts'
import { AppError } from '../../shared/errors'
import type { Database } from '../db/schema'

interface ScopeFacts {
  projectId: number
  /** The responsible unit of a problem (unit list id). */
  unitId: number | null
  /** The responsible unit of a milestone (its text). */
  unitName: string | null
}

/** The project (and responsible unit) of the record `id` of kind `scope`; null when there is no such record. */
export async function scopeOf(db: Kysely<Database>, scope: Scope, id: number): Promise<ScopeFacts | null> {
  const none = { unitId: null, unitName: null }
  switch (scope) {
    case 'project': {
      const row = await db.selectFrom('projects').select('id').where('id', '=', id).executeTakeFirst()
      return row ? { projectId: row.id, ...none } : null
    }
    case 'plan': {
      const row = await db.selectFrom('plans').select('project_id').where('id', '=', id).executeTakeFirst()
      return row ? { projectId: row.project_id, ...none } : null
    }
    case 'taskForce': {
      const row = await db.selectFrom('task_forces').select('project_id').where('id', '=', id).executeTakeFirst()
      return row ? { projectId: row.project_id, ...none } : null
    }
    case 'member': {
      const row = await db
        .selectFrom('task_force_members as m')
        .innerJoin('task_forces as t', 't.id', 'm.task_force_id')
        .select('t.project_id')
        .where('m.id', '=', id)
        .executeTakeFirst()
      return row ? { projectId: row.project_id, ...none } : null
    }
    case 'milestone': {
      const row = await db
        .selectFrom('milestones')
        .select(['project_id', 'responsible_unit'])
        .where('id', '=', id)
        .executeTakeFirst()
      return row ? { projectId: row.project_id, unitId: null, unitName: row.responsible_unit } : null
    }
    case 'report': {
      const row = await db.selectFrom('monthly_reports').select('project_id').where('id', '=', id).executeTakeFirst()
      return row ? { projectId: row.project_id, ...none } : null
    }
    case 'reminder': {
      const row = await db.selectFrom('reminders').select('project_id').where('id', '=', id).executeTakeFirst()
      return row ? { projectId: row.project_id, ...none } : null
    }
    case 'instruction': {
      const row = await db.selectFrom('instructions').select('project_id').where('id', '=', id).executeTakeFirst()
      return row ? { projectId: row.project_id, ...none } : null
    }
    case 'attachment': {
      // A file is its record's: a liaison may remove what is on a milestone or problem of its unit.
      const row = await db
        .selectFrom('attachments')
        .select(['milestone_id', 'problem_id', 'project_id'])
        .where('id', '=', id)
        .executeTakeFirst()
      if (!row) return null
      if (row.milestone_id !== null) return scopeOf(db, 'milestone', row.milestone_id)
      if (row.problem_id !== null) return scopeOf(db, 'problem', row.problem_id)
      return { projectId: row.project_id, ...none }
    }
    case 'problem': {
      const row = await db
        .selectFrom('problems')
        .select(['project_id', 'responsible_unit_id'])
        .where('id', '=', id)
        .executeTakeFirst()
      return row ? { projectId: row.project_id, unitId: row.responsible_unit_id, unitName: null } : null
    }
  }
}

/** Whether the person `personId` is in the 专班 of project `projectId`. */
export async function isMemberOf(db: Kysely<Database>, personId: number | null, projectId: number): Promise<boolean> {
  if (personId === null) return false
  const row = await db
    .selectFrom('task_force_members as m')
    .innerJoin('task_forces as t', 't.id', 'm.task_force_id')
    .select('m.id')
    .where('t.project_id', '=', projectId)
    .where('m.person_id', '=', personId)
    .executeTakeFirst()
  return row !== undefined
}

/** Whether the liaison's unit (a unit list item) is the record's responsible unit. */
async function isUnitOf(db: Kysely<Database>, caller: Caller, facts: ScopeFacts): Promise<boolean> {
  if (caller.unitId === null) return false
  if (facts.unitId !== null) return facts.unitId === caller.unitId
  if (!facts.unitName) return false
  // A milestone names its 责任单位 as text: it is the liaison's when it is exactly the name of the liaison's unit.
  const unit = await db.selectFrom('dict_items').select('name').where('id', '=', caller.unitId).executeTakeFirst()
  return unit !== undefined && unit.name === facts.unitName.trim()
}

export function forbidden(caller: Caller, access: Access, what = ''): AppError {
  const held = caller.roles.map((r) => `「${ROLE_LABELS[r]}」`).join('、') || '无角色'
  return new AppError(
    'FORBIDDEN',
    `没有权限：此操作需要${neededRolesText(access)}${what}；您的账号（${caller.name}）是${held}。` +
      (caller.roles.includes('admin')
        ? '操作未执行。如确需办理，请在「账号」中为办理人设置相应角色'
        : '操作未执行。如确需办理，请联系系统管理员调整角色'),
  )
}

/**
 * The first half of the check, before the input is even validated (a refused caller learns nothing about the
 * call's fields): UNAUTHENTICATED (no caller), PASSWORD_CHANGE (the password must be changed first) or
 * FORBIDDEN (none of the caller's roles may make this call at all).
 */
export function authorizeRole(caller: Caller | null, access: Access): void {
  if (access.kind === 'public') return
  if (!caller) throw new AppError('UNAUTHENTICATED', '请先登录专班')
  if (access.kind === 'session') return
  if (caller.mustChangePassword)
    throw new AppError(
      'PASSWORD_CHANGE',
      caller.mustChangePassword === 'first' ? '请先修改初始密码，再使用专班' : '密码已过有效期，请先修改密码',
    )
  if (!rolesAllow(caller.roles, access)) throw forbidden(caller, access)
}

/**
 * The second half, on the validated input `args`, for a project- or unit-scoped write by a caller who is not
 * 重点项目办: FORBIDDEN unless it is a 专班成员 of the record's project (or, for a unit-scoped one, the
 * 责任单位联络员 of the record's responsible unit).
 */
export async function authorizeScope(
  db: Kysely<Database>,
  caller: Caller | null,
  access: Access,
  args: Record<string, unknown>,
): Promise<void> {
  if (!caller || (access.kind !== 'project' && access.kind !== 'unit') || caller.roles.includes('office')) return
  const mayMember = caller.roles.includes('member')
  const mayLiaison = access.kind === 'unit' && caller.roles.includes('liaison')
  const id = args[access.key]
  const facts = typeof id === 'number' ? await scopeOf(db, access.scope, id) : null
  if (!facts) throw forbidden(caller, access, '（找不到所指的记录）')
  if (mayMember && (await isMemberOf(db, caller.personId, facts.projectId))) return
  if (mayLiaison && (await isUnitOf(db, caller, facts))) return
  throw forbidden(
    caller,
    access,
    access.kind === 'unit' ? '（不是您专班的项目，也不是您单位负责的事项）' : '（不是您所在专班的项目）',
  )
}
