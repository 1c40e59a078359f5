/** An account as the caller of a call: its roles and links, and whether its password must be changed first. */
import type { Kysely, Selectable } from 'kysely'
import { ROLES, type Role } from '../../shared/access'
import type { Caller, CurrentUser, SecurityPolicy } from '../../shared/accounts'
import type { Database, UsersTable } from '../db/schema'
import { myProjectIds } from './mine'

export async function rolesOf(db: Kysely<Database>, userId: number): Promise<Role[]> {
  const rows = await db.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute()
  const held = new Set(rows.map((r) => r.role))
  return ROLES.filter((role) => held.has(role))
}

/** The caller an active account is, or null (no such account, or disabled). */
export async function loadCaller(
  db: Kysely<Database>,
  userId: number,
  policy: SecurityPolicy,
  now: Date,
): Promise<Caller | null> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst()
  return user ? callerOf(db, user, policy, now) : null
}

/** The caller the account `user` (its row, already read) is, with its roles; null when disabled or without password. */
export async function callerOf(
  db: Kysely<Database>,
  user: Selectable<UsersTable>,
  policy: SecurityPolicy,
  now: Date,
): Promise<Caller | null> {
  if (!user.active || user.password_hash === null) return null
  const changed = user.password_changed_at ? Date.parse(user.password_changed_at) : 0
  const expired = policy.passwordMaxAgeDays > 0 && now.getTime() - changed > policy.passwordMaxAgeDays * 86_400_000
  return {
    userId: user.id,
    login: user.login,
    name: user.name,
    unit: user.unit,
    unitId: user.unit_id,
    roles: await rolesOf(db, user.id),
    leaderId: user.leader_id,
    personId: user.person_id,
    mustChangePassword: user.must_change ? 'first' : expired ? 'expired' : null,
  }
}

/** The logged-in account as the renderer sees it (auth.me): its roles, links and its own projects. */
export async function currentUser(db: Kysely<Database>, caller: Caller, policy: SecurityPolicy): Promise<CurrentUser> {
  const member = await myProjectIds(db, { ...caller, leaderId: null })
  const unit = caller.unitId
    ? await db.selectFrom('dict_items').select('name').where('id', '=', caller.unitId).executeTakeFirst()
    : undefined
  return {
    id: caller.userId ?? 0,
    login: caller.login,
    name: caller.name,
    unit: caller.unit,
    unitId: caller.unitId,
    roles: caller.roles,
    leaderId: caller.leaderId,
    personId: caller.personId,
    mustChangePassword: caller.mustChangePassword,
    idleMinutes: policy.idleMinutes,
    unitName: unit?.name ?? null,
    myProjectIds: [...(await myProjectIds(db, caller))].sort((a, b) => a - b),
    memberProjectIds: [...member].sort((a, b) => a - b),
  }
}
