/**
 * Logging in and out, the first run, and one's own password (GB/T 22239-2019 8.1.4.1: unique names, complex
 * passwords, lockout after failures, idle sessions ended). Hashing runs outside the write transaction; the
 * bookkeeping of a failed login is committed before the refusal is thrown.
 */
import { sql } from 'kysely'
import { contract, CALL_NAMES } from '../../shared/contract'
import { ROLES, rolesFor, type Role } from '../../shared/access'
import { passwordProblem, type AuthStatus, type Caller, type RoleMatrixRow } from '../../shared/accounts'
import { CALL_LABELS } from '../../shared/call-labels'
import { AppError } from '../../shared/errors'
import { loginTx, writeTx, type Deps } from '../context'
import type { CallCtx, HandlerMap } from '../handler-types'
import { currentUser, loadCaller } from '../auth/callers'
import { hashPassword, verifyNothing, verifyPassword } from '../auth/passwords'
import { readSecurityPolicy } from '../auth/policy-settings'
import { logSecurity } from '../auth/security-log'
import { endUserSessions } from '../auth/sessions'

/** "14:05" of an ISO time, local (the lockout message). */
function clockTime(iso: string): string {
  const d = new Date(iso)
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

async function authStatus(deps: Deps): Promise<AuthStatus> {
  const users = await deps.db.selectFrom('users').select(['login', 'name', 'unit', 'password_hash']).execute()
  if (users.length === 0) {
    const project = await deps.db.selectFrom('projects').select('id').limit(1).executeTakeFirst()
    return { state: 'create-admin', hasProjects: project !== undefined }
  }
  const waiting = users.length === 1 && users[0]!.password_hash === null ? users[0]! : null
  return waiting
    ? { state: 'set-password', login: waiting.login, name: waiting.name, unit: waiting.unit }
    : { state: 'ready' }
}

/** Opens a session on the transport's slot for `userId` and answers as auth.me. */
async function openSession(deps: Deps, ctx: CallCtx, userId: number) {
  const { policy } = await readSecurityPolicy(deps.db)
  const caller = await loadCaller(deps.db, userId, policy, deps.clock())
  if (!caller) throw new AppError('UNAUTHENTICATED', '账号不可用，请联系系统管理员')
  if (ctx.slot) ctx.slot.token = await deps.sessions.open(userId, deps.clock(), ctx.source, ctx.slot.token)
  return currentUser(deps.db, caller, policy)
}

/**
 * A wrong password for an existing account (at login, or the 原密码 of 修改密码 — one count, so that a logged-in PC
 * left open gives no unlimited guesses): counted, logged, and at the policy's threshold the account is locked.
 */
async function recordFailure(
  deps: Deps,
  user: { id: number; login: string; name: string },
  source: string,
  what: string,
): Promise<{ locked: string | null; left: number }> {
  const { policy } = await readSecurityPolicy(deps.db)
  return loginTx(deps, async (w) => {
    const row = await w.db
      .updateTable('users')
      .set({ failed_logins: sql`failed_logins + 1` })
      .where('id', '=', user.id)
      .returning('failed_logins')
      .executeTakeFirstOrThrow()
    const failures = row.failed_logins
    const who = { userId: user.id, login: user.login, name: user.name, source }
    await logSecurity(w.db, w.now, { event: 'login_failed', ...who, detail: `${what}（连续第${failures}次）` })
    if (failures < policy.lockThreshold) return { locked: null, left: policy.lockThreshold - failures }
    const until = new Date(Date.parse(w.now) + policy.lockMinutes * 60_000).toISOString()
    await w.db.updateTable('users').set({ locked_until: until, failed_logins: 0 }).where('id', '=', user.id).execute()
    await logSecurity(w.db, w.now, {
      event: 'locked',
      ...who,
      detail: `连续${failures}次密码错误，锁定${policy.lockMinutes}分钟`,
    })
    return { locked: until, left: 0 }
  })
}

const logged = (caller: Caller) => ({ userId: caller.userId, login: caller.login, name: caller.name })

export function authHandlers(deps: Deps) {
  return {
    'auth.status': () => authStatus(deps),

    'auth.setup': async ({ login, name, unit, password, alsoOffice }, ctx) => {
      const status = await authStatus(deps)
      if (status.state === 'ready')
        throw new AppError('RULE', '系统管理员账号已经建立，请登录；忘记密码请由其他系统管理员重置')
      const { policy } = await readSecurityPolicy(deps.db)
      const hash = await hashPassword(password)
      const userId = await writeTx(deps, async (w) => {
        // Checked again inside the transaction: two first runs at once create one administrator.
        const again = await authStatus({ ...deps, db: w.db })
        if (again.state !== status.state) throw new AppError('CONFLICT', '系统管理员账号刚刚已由他人建立，请登录')
        let id: number
        if (status.state === 'create-admin') {
          const roles: Role[] = alsoOffice && !policy.separateAdmin ? ['admin', 'office'] : ['admin']
          const row = await w.db
            .insertInto('users')
            .values({
              login,
              name,
              unit,
              unit_id: null,
              phone: '',
              leader_id: null,
              person_id: null,
              password_hash: hash,
              must_change: 0,
              password_changed_at: w.now,
              locked_until: null,
              last_login_at: w.now,
              created_at: w.now,
              updated_at: w.now,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
          id = row.id
          await w.db
            .insertInto('user_roles')
            .values(roles.map((role) => ({ user_id: id, role })))
            .execute()
        } else {
          const row = await w.db.selectFrom('users').select('id').executeTakeFirstOrThrow()
          id = row.id
          await w.db
            .updateTable('users')
            .set({
              login,
              name,
              unit,
              password_hash: hash,
              must_change: 0,
              password_changed_at: w.now,
              last_login_at: w.now,
              updated_at: w.now,
              version: sql`version + 1`,
            })
            .where('id', '=', id)
            .execute()
        }
        await logSecurity(w.db, w.now, { event: 'setup', userId: id, login, name, source: ctx.source })
        return id
      })
      return openSession(deps, ctx, userId)
    },

    'auth.login': async ({ login, password }, ctx) => {
      const { policy } = await readSecurityPolicy(deps.db)
      const user = await deps.db
        .selectFrom('users')
        .selectAll()
        .where(deps.store.dialect.equalsIgnoringCase('login', login))
        .executeTakeFirst()
      const now = deps.clock()
      const at = now.toISOString()
      const fail = async (detail: string, message: string): Promise<never> => {
        await logSecurity(deps.db, at, {
          event: 'login_failed',
          userId: user?.id ?? null,
          login: user?.login ?? login,
          name: user?.name ?? '',
          source: ctx.source,
          detail,
        })
        throw new AppError('UNAUTHENTICATED', message)
      }
      // Every refusal reads alike — no such name, a wrong password, a locked account — so that the login page
      // does not tell a stranger which names exist or are locked (the security log says which it was). Only a
      // caller who gave the right password is told more (停用). A locked account's password is not checked at
      // all (no guessing while locked), but takes as long as a check.
      const refused = `登录名或密码不正确。连续输错${policy.lockThreshold}次账号将锁定${policy.lockMinutes}分钟，锁定期间请稍后再试或请系统管理员解锁`
      if (!user) {
        await verifyNothing(password)
        return fail('无此登录名', refused)
      }
      if (user.password_hash === null) return fail('尚未设置密码', '该账号尚未设置密码，请按启动页的提示设置')
      if (user.locked_until && user.locked_until > at) {
        await verifyNothing(password)
        return fail('账号锁定中', refused)
      }
      if (!(await verifyPassword(password, user.password_hash))) {
        if (!user.active) return fail('账号已停用（密码错误）', refused)
        await recordFailure(deps, user, ctx.source, '密码错误')
        throw new AppError('UNAUTHENTICATED', refused)
      }
      if (!user.active) return fail('账号已停用', '该账号已停用，请联系系统管理员')
      await loginTx(deps, async (w) => {
        await w.db
          .updateTable('users')
          .set({ failed_logins: 0, locked_until: null, last_login_at: w.now })
          .where('id', '=', user.id)
          .execute()
        await logSecurity(w.db, w.now, {
          event: 'login',
          userId: user.id,
          login: user.login,
          name: user.name,
          source: ctx.source,
        })
      })
      return openSession(deps, ctx, user.id)
    },

    'auth.me': async (_input, ctx) => {
      if (!ctx.caller || ctx.caller.userId === null) return null
      const { policy } = await readSecurityPolicy(deps.db)
      return currentUser(deps.db, ctx.caller, policy)
    },

    'auth.logout': async (_input, ctx) => {
      if (ctx.slot) {
        await deps.sessions.end(ctx.slot.token)
        ctx.slot.token = null
      }
      // The command line has no session to end: nothing to log.
      if (ctx.caller?.userId != null)
        await logSecurity(deps.db, deps.clock().toISOString(), {
          event: 'logout',
          ...logged(ctx.caller),
          source: ctx.source,
        })
      return { ok: true as const }
    },

    'auth.changePassword': async ({ oldPassword, password }, ctx) => {
      const caller = ctx.caller!
      if (caller.userId === null) throw new AppError('RULE', '命令行没有自己的密码')
      const user = await deps.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', caller.userId)
        .executeTakeFirstOrThrow()
      const problem = passwordProblem(password, user.login)
      if (problem) throw new AppError('INVALID_INPUT', problem, [{ path: 'password', message: problem }])
      if (!user.password_hash || !(await verifyPassword(oldPassword, user.password_hash))) {
        const { policy } = await readSecurityPolicy(deps.db)
        const outcome = await recordFailure(deps, user, ctx.source, '修改密码时原密码错误')
        if (outcome.locked) {
          // Locked: every session of the account ends, this one too (the login screen follows).
          await deps.sessions.endUser(user.id)
          if (ctx.slot) ctx.slot.token = null
          throw new AppError(
            'UNAUTHENTICATED',
            `原密码连续输错${policy.lockThreshold}次，账号已锁定${policy.lockMinutes}分钟（至 ${clockTime(outcome.locked)}）并已退出登录`,
          )
        }
        const message = `原密码不正确（再错${outcome.left}次，账号将锁定${policy.lockMinutes}分钟）`
        throw new AppError('INVALID_INPUT', message, [{ path: 'oldPassword', message }])
      }
      if (password === oldPassword)
        throw new AppError('INVALID_INPUT', '新密码不能与原密码相同', [
          { path: 'password', message: '新密码不能与原密码相同' },
        ])
      const hash = await hashPassword(password)
      await writeTx(deps, async (w) => {
        await w.db
          .updateTable('users')
          .set({
            password_hash: hash,
            must_change: 0,
            password_changed_at: w.now,
            updated_at: w.now,
            version: sql`version + 1`,
          })
          .where('id', '=', user.id)
          .execute()
        await logSecurity(w.db, w.now, { event: 'password_changed', ...logged(caller), source: ctx.source })
        // Other windows and browsers of this account log in again with the new password.
        await endUserSessions(w.db, user.id, ctx.slot?.token)
      })
      const { policy } = await readSecurityPolicy(deps.db)
      return currentUser(deps.db, (await loadCaller(deps.db, user.id, policy, deps.clock()))!, policy)
    },

    'auth.roles': async () =>
      CALL_NAMES.filter(
        (name) => contract[name].access.kind !== 'public' && contract[name].access.kind !== 'session',
      ).map((name): RoleMatrixRow => {
        const allowed = new Map(rolesFor(contract[name].access).map((r) => [r.role, r.scoped]))
        return {
          call: name,
          label: CALL_LABELS[name],
          write: contract[name].write,
          roles: Object.fromEntries(
            ROLES.map((role) => [role, allowed.has(role) ? (allowed.get(role) ? 'scoped' : 'all') : 'none']),
          ) as RoleMatrixRow['roles'],
        }
      }),
  } satisfies HandlerMap
}
