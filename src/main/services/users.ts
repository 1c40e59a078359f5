/**
 * 账号管理 (系统管理员): accounts, their roles and links (a 县领导 account to its leader, a 专班成员 to its person,
 * a 责任单位联络员 to its unit), password resets and unlocking, the security log and the security policy.
 * Account changes are audited (entity 'user') and also in the security log.
 */
import { sql, type Kysely, type Selectable } from 'kysely'
import { ROLES, ROLE_LABELS, adminApartProblem, type Role } from '../../shared/access'
import { passwordProblem, type SecurityEvent, type SecurityLogEntry, type UserAccount } from '../../shared/accounts'
import { AppError, notFound } from '../../shared/errors'
import { audit, diff } from '../audit'
import { writeTx, type Deps, type WriteCtx } from '../context'
import type { Database, UsersTable } from '../db/schema'
import type { CallCtx, HandlerMap } from '../handler-types'
import { hashPassword } from '../auth/passwords'
import { readSecurityPolicy } from '../auth/policy-settings'
import { logSecurity } from '../auth/security-log'
import { endUserSessions } from '../auth/sessions'
import { checkVersion, dictName, flag, isUniqueViolation, leaderName, must, requireDict } from './common'
import { AUDIT_FIELD_LABELS } from '../../shared/audit-labels'

type UserRow = Selectable<UsersTable>

async function toAccount(db: Kysely<Database>, row: UserRow): Promise<UserAccount> {
  const roles = await db.selectFrom('user_roles').select('role').where('user_id', '=', row.id).execute()
  const held = new Set(roles.map((r) => r.role))
  return {
    id: row.id,
    login: row.login,
    name: row.name,
    unit: row.unit,
    unitId: row.unit_id,
    phone: row.phone,
    roles: ROLES.filter((r) => held.has(r)),
    leaderId: row.leader_id,
    personId: row.person_id,
    active: row.active === 1,
    lockedUntil: row.locked_until,
    failedLogins: row.failed_logins,
    mustChangePassword: row.must_change === 1,
    passwordChangedAt: row.password_changed_at,
    lastLoginAt: row.last_login_at,
    version: row.version,
  }
}

interface Links {
  roles: Role[]
  unitId: number | null
  leaderId: number | null
  personId: number | null
}

/** The links each role needs, to records that exist, each held by one account only. */
async function checkLinks(db: Kysely<Database>, links: Links, separateAdmin: boolean, self: number | null) {
  const apart = adminApartProblem(links.roles, separateAdmin)
  if (apart) throw new AppError('RULE', apart)
  const need = (role: Role, value: number | null, what: string) => {
    if (links.roles.includes(role) && value === null)
      throw new AppError('RULE', `「${ROLE_LABELS[role]}」账号须选择${what}`, [
        {
          path: what === '对应领导' ? 'leaderId' : what === '对应专班人员' ? 'personId' : 'unitId',
          message: `请选择${what}`,
        },
      ])
  }
  need('leader', links.leaderId, '对应领导')
  need('member', links.personId, '对应专班人员')
  need('liaison', links.unitId, '责任单位')
  if (links.unitId !== null) await requireDict(db, links.unitId, 'unit')
  // A leader record, a person: each exists and is the link of one active account only.
  const linked = [
    { id: links.leaderId, table: 'leaders', column: 'leader_id', what: '领导', one: '一名领导' },
    { id: links.personId, table: 'people', column: 'person_id', what: '专班人员', one: '一人' },
  ] as const
  for (const link of linked) {
    if (link.id === null) continue
    must(await db.selectFrom(link.table).select('id').where('id', '=', link.id).executeTakeFirst(), link.what, link.id)
    const other = await db
      .selectFrom('users')
      .select('name')
      .where(link.column, '=', link.id)
      .where('active', '=', 1)
      .$if(self !== null, (q) => q.where('id', '!=', self!))
      .executeTakeFirst()
    if (other) throw new AppError('DUPLICATE', `该${link.what}已对应账号「${other.name}」，${link.one}只对应一个账号`)
  }
}

/**
 * Only the links its roles use: a leader for 县领导, a person for 专班成员, a unit for 责任单位联络员 — a link left
 * from a former role would still make "my projects" and hold the leader or person from its real account.
 */
function linksOf(links: Links): Links {
  return {
    roles: links.roles,
    unitId: links.roles.includes('liaison') ? links.unitId : null,
    leaderId: links.roles.includes('leader') ? links.leaderId : null,
    personId: links.roles.includes('member') ? links.personId : null,
  }
}

/** Refuses a change that would leave no active account able to administer (nobody could log in to fix it). */
async function keepAnAdministrator(db: Kysely<Database>) {
  const row = await db
    .selectFrom('users as u')
    .innerJoin('user_roles as r', 'r.user_id', 'u.id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('r.role', '=', 'admin')
    .where('u.active', '=', 1)
    .executeTakeFirstOrThrow()
  if (Number(row.n) === 0) throw new AppError('RULE', '至少要保留一个启用的「系统管理员」账号，操作未执行')
}

async function personName(db: Kysely<Database>, id: number | null): Promise<string | null> {
  if (id === null) return null
  const row = await db.selectFrom('people').select(['name', 'unit']).where('id', '=', id).executeTakeFirst()
  return row ? `${row.name}（${row.unit}）` : `#${id}`
}

async function loadUser(db: Kysely<Database>, id: number): Promise<UserRow> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw notFound('账号', id)
  return row
}

async function securityEvent(w: WriteCtx, ctx: CallCtx, event: SecurityEvent, user: UserRow, detail = '') {
  await logSecurity(w.db, w.now, {
    event,
    userId: user.id,
    login: user.login,
    name: user.name,
    source: ctx.source,
    detail: `${ctx.caller?.name ?? ''}操作${detail ? '：' + detail : ''}`,
  })
}

const rolesText = (roles: readonly Role[]) => roles.map((r) => ROLE_LABELS[r]).join('、')

export function userHandlers(deps: Deps) {
  return {
    'user.list': async () => {
      const rows = await deps.db.selectFrom('users').selectAll().orderBy('active', 'desc').orderBy('id').execute()
      return Promise.all(rows.map((row) => toAccount(deps.db, row)))
    },

    'user.create': async ({ login, name, unit, phone, roles, password, ...given }, ctx) => {
      const hash = await hashPassword(password)
      const { unitId, leaderId, personId } = linksOf({ roles, ...given })
      return writeTx(deps, async (w) => {
        const { policy } = await readSecurityPolicy(w.db)
        await checkLinks(w.db, { roles, unitId, leaderId, personId }, policy.separateAdmin, null)
        let id: number
        try {
          const row = await w.db
            .insertInto('users')
            .values({
              login,
              name,
              unit,
              unit_id: unitId,
              phone,
              leader_id: leaderId,
              person_id: personId,
              password_hash: hash,
              must_change: 1,
              password_changed_at: w.now,
              locked_until: null,
              last_login_at: null,
              created_at: w.now,
              updated_at: w.now,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
          id = row.id
        } catch (error) {
          if (isUniqueViolation(error))
            throw new AppError('DUPLICATE', `登录名「${login}」已被使用，请换一个`, [
              { path: 'login', message: '登录名已被使用' },
            ])
          throw error
        }
        await w.db
          .insertInto('user_roles')
          .values(roles.map((role) => ({ user_id: id, role })))
          .execute()
        const row = await loadUser(w.db, id)
        await audit(w, {
          entity: 'user',
          entityId: id,
          projectId: null,
          action: 'create',
          changes: [
            { field: 'login', old: null, new: login },
            { field: 'name', old: null, new: name },
            { field: 'roles', old: null, new: rolesText(roles) },
          ],
        })
        await securityEvent(w, ctx, 'account_created', row, `角色 ${rolesText(roles)}`)
        return toAccount(w.db, row)
      })
    },

    'user.update': async ({ id, version, roles, active, ...fields }, ctx) =>
      writeTx(deps, async (w) => {
        const before = await loadUser(w.db, id)
        checkVersion(before, version, `账号「${before.name}」`)
        const beforeAccount = await toAccount(w.db, before)
        const { policy } = await readSecurityPolicy(w.db)
        const next = linksOf({
          roles: roles ?? beforeAccount.roles,
          unitId: fields.unitId !== undefined ? fields.unitId : before.unit_id,
          leaderId: fields.leaderId !== undefined ? fields.leaderId : before.leader_id,
          personId: fields.personId !== undefined ? fields.personId : before.person_id,
        })
        await checkLinks(w.db, next, policy.separateAdmin, id)
        await w.db
          .updateTable('users')
          .set({
            ...(fields.name !== undefined && { name: fields.name }),
            ...(fields.unit !== undefined && { unit: fields.unit }),
            ...(fields.phone !== undefined && { phone: fields.phone }),
            unit_id: next.unitId,
            leader_id: next.leaderId,
            person_id: next.personId,
            ...(active !== undefined && { active: flag(active) }),
            updated_at: w.now,
            version: sql`version + 1`,
          })
          .where('id', '=', id)
          .execute()
        if (roles) {
          await w.db.deleteFrom('user_roles').where('user_id', '=', id).execute()
          await w.db
            .insertInto('user_roles')
            .values(roles.map((role) => ({ user_id: id, role })))
            .execute()
        }
        await keepAnAdministrator(w.db)
        const after = await loadUser(w.db, id)
        const afterAccount = await toAccount(w.db, after)
        // The log reads as the screen does: the linked unit, leader and person by name.
        const named = async (a: UserAccount) => ({
          ...a,
          status: a.active ? '启用' : '停用',
          roles: rolesText(a.roles),
          unitId: await dictName(w.db, a.unitId),
          leaderId: await leaderName(w.db, a.leaderId),
          personId: await personName(w.db, a.personId),
        })
        const changes = diff(await named(beforeAccount), await named(afterAccount), {
          name: (v) => v,
          unit: (v) => v,
          phone: (v) => v,
          roles: (v) => v,
          unitId: (v) => v,
          leaderId: (v) => v,
          personId: (v) => v,
          status: (v) => v,
        })
        if (changes.length) {
          await audit(w, { entity: 'user', entityId: id, projectId: null, action: 'update', changes })
          await securityEvent(
            w,
            ctx,
            'account_changed',
            after,
            changes
              .map((c) => `${AUDIT_FIELD_LABELS[c.field] ?? c.field}：${c.old ?? '空'} → ${c.new ?? '空'}`)
              .join('；'),
          )
        }
        if (!after.active) await endUserSessions(w.db, id)
        return afterAccount
      }),

    'user.resetPassword': async ({ id, version, password }, ctx) => {
      const target = await loadUser(deps.db, id)
      const problem = passwordProblem(password, target.login)
      if (problem) throw new AppError('INVALID_INPUT', problem, [{ path: 'password', message: problem }])
      const hash = await hashPassword(password)
      const account = await writeTx(deps, async (w) => {
        const before = await loadUser(w.db, id)
        checkVersion(before, version, `账号「${before.name}」`)
        await w.db
          .updateTable('users')
          .set({
            password_hash: hash,
            must_change: 1,
            password_changed_at: w.now,
            failed_logins: 0,
            locked_until: null,
            updated_at: w.now,
            version: sql`version + 1`,
          })
          .where('id', '=', id)
          .execute()
        await audit(w, { entity: 'user', entityId: id, projectId: null, action: 'password_reset' })
        await securityEvent(w, ctx, 'password_reset', before)
        await endUserSessions(w.db, id)
        return toAccount(w.db, await loadUser(w.db, id))
      })
      return account
    },

    'user.unlock': async ({ id, version }, ctx) =>
      writeTx(deps, async (w) => {
        const before = await loadUser(w.db, id)
        checkVersion(before, version, `账号「${before.name}」`)
        await w.db
          .updateTable('users')
          .set({ failed_logins: 0, locked_until: null, updated_at: w.now, version: sql`version + 1` })
          .where('id', '=', id)
          .execute()
        await audit(w, { entity: 'user', entityId: id, projectId: null, action: 'unlock' })
        await securityEvent(w, ctx, 'unlocked', before)
        return toAccount(w.db, await loadUser(w.db, id))
      }),

    'security.log': async ({ event, userId, beforeId, limit }) => {
      let q = deps.db.selectFrom('security_log').selectAll()
      if (event) q = q.where('event', '=', event)
      if (userId) q = q.where('user_id', '=', userId)
      if (beforeId) q = q.where('id', '<', beforeId)
      const rows = await q.orderBy('id', 'desc').limit(limit).execute()
      return rows.map((r): SecurityLogEntry => ({
        id: r.id,
        at: r.at,
        event: r.event,
        userId: r.user_id,
        login: r.login,
        name: r.name,
        source: r.source,
        detail: r.detail,
      }))
    },

    'security.policy': () => readSecurityPolicy(deps.db),

    'security.updatePolicy': async ({ version, ...policy }, ctx) =>
      writeTx(deps, async (w) => {
        const before = await readSecurityPolicy(w.db)
        checkVersion(before, version, '安全策略')
        if (policy.separateAdmin) {
          const mixed = await w.db
            .selectFrom('user_roles as a')
            .innerJoin('user_roles as b', (j) => j.onRef('b.user_id', '=', 'a.user_id').on('b.role', '!=', 'admin'))
            .innerJoin('users as u', 'u.id', 'a.user_id')
            .select('u.name')
            .where('a.role', '=', 'admin')
            .where('u.active', '=', 1)
            .execute()
          if (mixed.length)
            throw new AppError(
              'RULE',
              `要求系统管理员单独设账号前，请先调整这些账号的角色：${[...new Set(mixed.map((m) => m.name))].join('、')}`,
            )
        }
        const value = JSON.stringify(policy)
        await w.db
          .insertInto('settings')
          .values({ key: 'security', value })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value, version: sql`settings.version + 1` }))
          .execute()
        const changes = diff(before.policy, policy, {
          lockThreshold: String,
          lockMinutes: String,
          idleMinutes: String,
          passwordMaxAgeDays: String,
          separateAdmin: (v) => (v ? '是' : '否'),
        })
        if (changes.length) {
          await audit(w, { entity: 'setting', entityId: 0, projectId: null, action: 'security', changes })
          await logSecurity(w.db, w.now, {
            event: 'policy_changed',
            userId: ctx.caller?.userId ?? null,
            login: ctx.caller?.login ?? '',
            name: ctx.caller?.name ?? '',
            source: ctx.source,
            detail: changes.map((c) => `${AUDIT_FIELD_LABELS[c.field] ?? c.field}：${c.old} → ${c.new}`).join('；'),
          })
        }
        return readSecurityPolicy(w.db)
      }),
  } satisfies HandlerMap
}
