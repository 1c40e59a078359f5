/**
 * The main side as one object: open a database file, then `invoke(name, input)` for any contract call.
 * Both transports (Electron IPC, the local HTTP host) and the command line call only this.
 */
import { contract, isCallName, type CallName, type CallResult } from '../shared/contract'
import { ROLES } from '../shared/access'
import { CALL_LABELS } from '../shared/call-labels'
import type { Caller } from '../shared/accounts'
import { AppError, type ApiErrorBody } from '../shared/errors'
import type { Outcome } from '../shared/bridge'
import { parseInput } from '../shared/validate'
import type { Deps } from './context'
import { translateSqliteError, type OpenOptions } from './db/open'
import type { CloseOutcome, Store } from './store/port'
import { openSqliteStore, type SqliteStore } from './store/sqlite'
import { openStore } from './store/open'
import type { PostgresOptions } from './store/postgres/store'
import { createHandlers } from './handlers'
import type { CallCtx, Handlers } from './handler-types'
import { runAs } from './auth/current'
import { authorizeRole, authorizeScope } from './auth/policy'
import { Sessions, type SessionSlot } from './auth/sessions'
import { VersionedCache } from './versioned-cache'
import { KEPT_MONTHS } from './services/ranking'
import { callerOf } from './auth/callers'
import { logSecurity } from './auth/security-log'

export type { Outcome } from '../shared/bridge'
export type { CloseOutcome } from './store/port'

/**
 * Where a call comes from. A transport passes its window's / tab's session slot and says which transport it
 * is; the caller is the account logged in on that slot. 'local' is the command line and main-side code: the
 * person at the database file, trusted with every role (audited under `AppOptions.localName`).
 */
export type CallFrom = { kind: 'local' } | { kind: 'session'; slot: SessionSlot; source: string }
export const LOCAL: CallFrom = { kind: 'local' }

export interface App {
  deps: Deps
  /**
   * Resolves the caller from `from`, validates the input, checks the call's access (auth/policy.ts) and runs
   * it; never throws — failures (a refusal included) come back as { ok: false, error }.
   */
  invoke(name: string, input: unknown, from: CallFrom): Promise<Outcome<unknown>>
  /** Typed, throwing form for code inside the main side and tests; as `from` (default: the local caller). */
  call<K extends CallName>(name: K, input?: unknown, from?: CallFrom): Promise<CallResult<K>>
  /** Waits for running calls, then closes; never throws (see CloseOutcome). */
  close(): Promise<CloseOutcome>
}

export interface AppOptions extends OpenOptions {
  clock?: () => Date
  /** The name (and unit) the command line's changes are audited under; default 本机命令行. */
  localName?: { name: string; unit: string }
  /** How long a login lasts at most, idle or not (hours; default 12, auth/sessions.ts). */
  sessionHours?: number
}

/** Any failure as the body a transport sends: the store's errors translated (`store`, when known), else INTERNAL. */
export function toErrorBody(error: unknown, store?: Store): ApiErrorBody {
  const known = error instanceof AppError ? error : (store?.translateError(error) ?? translateSqliteError(error))
  if (known) return known.toBody()
  // Unexpected: keep the detail for the log, show the user something to act on.
  console.error(error)
  return {
    code: 'INTERNAL',
    message: '程序内部错误，操作未完成，数据未被修改。请重试；如果反复出现，请联系技术人员并提供日志',
  }
}

/** Calls that replace the open database: they wait for every other call to finish and hold off new ones. */
const EXCLUSIVE_CALLS: ReadonlySet<CallName> = new Set<CallName>(['backup.restore'])

/** Many calls at once, or one exclusive call alone (a restore must not pull the database from under a read). */
function createGate() {
  let active = 0
  let idle: (() => void) | null = null
  let exclusive: Promise<void> | null = null
  return {
    async shared<T>(fn: () => Promise<T>): Promise<T> {
      while (exclusive) await exclusive
      active++
      try {
        return await fn()
      } finally {
        if (--active === 0) idle?.()
      }
    },
    async exclusive<T>(fn: () => Promise<T>): Promise<T> {
      while (exclusive) await exclusive
      let release!: () => void
      exclusive = new Promise((resolve) => (release = resolve))
      try {
        if (active > 0) await new Promise<void>((resolve) => (idle = resolve))
        return await fn()
      } finally {
        idle = null
        exclusive = null
        release()
      }
    },
  }
}

/** Opens (or creates) a SQLite file and serves the contract on it; synchronous (the desktop's start). */
export function openApp(databasePath: string, options: AppOptions = {}): SqliteApp {
  return createApp(openSqliteStore(databasePath, options), options) as SqliteApp
}

/** Opens the store `target` names — a SQLite file or a postgres:// URL (store/open.ts) — and serves the contract on it. */
export async function openAppAt(target: string, options: AppOptions & PostgresOptions = {}): Promise<App> {
  return createApp(await openStore(target, options), options)
}

/** An App on a SQLite file (the desktop, the command line): its store's `file` is there. */
export type SqliteApp = App & { deps: Deps & { store: SqliteStore } }

/** Serves the contract on an open store (SQLite or PostgreSQL); the App closes the store when it closes. */
export function createApp(store: Store, options: AppOptions = {}): App {
  // What the writes between two versions changed, as this process heard them (store/changes.ts).
  const touched = (from: number, to: number) => store.changes.touchedBetween(from, to)
  const deps: Deps = {
    store,
    get db() {
      return store.db
    },
    databasePath: store.location,
    clock: options.clock ?? (() => new Date()),
    sessions: new Sessions(store, options.sessionHours),
    rankings: new VersionedCache(KEPT_MONTHS, touched),
    boards: new VersionedCache(2, touched), // today's, and yesterday's for a page open over midnight
    overviews: new VersionedCache(2, touched),
  }
  const handlers: Handlers = createHandlers(deps)
  const gate = createGate()
  const local: Caller = {
    userId: null,
    login: '',
    name: options.localName?.name ?? '本机命令行',
    unit: options.localName?.unit ?? '',
    unitId: null,
    roles: [...ROLES],
    leaderId: null,
    personId: null,
    mustChangePassword: null,
  }

  /**
   * The account logged in on the slot. A session idle too long, or of an account disabled meanwhile, is ended
   * here (and logged) and counts as none; `ended` says why.
   */
  async function resolveCaller(
    from: CallFrom,
  ): Promise<{ caller: Caller | null; ended: 'idle' | 'lifetime' | 'disabled' | null }> {
    if (from.kind === 'local') return { caller: local, ended: null }
    const found = await deps.sessions.find(from.slot.token)
    if (!found) return { caller: null, ended: null }
    const { policy, user } = found
    const now = deps.clock()
    // An ended session (idle too long, past its lifetime, its account disabled meanwhile) is logged with its account.
    const endSession = async (why: 'idle' | 'lifetime' | 'disabled', detail: string, log = true) => {
      if (why === 'disabled') await deps.sessions.end(from.slot.token)
      from.slot.token = null
      if (log)
        await logSecurity(deps.db, now.toISOString(), {
          event: 'session_ended',
          userId: user ? found.userId : null,
          login: user?.login ?? '',
          name: user?.name ?? '',
          source: from.source,
          detail,
        }).catch((error: unknown) => console.error(error))
      return { caller: null, ended: why }
    }
    // A page's other calls on their way meet the session ended too, for the same reason; the first logs it.
    const { expired, first } = await deps.sessions.check(from.slot.token!, found, now, policy.idleMinutes)
    if (expired === 'idle') return endSession('idle', `${policy.idleMinutes}分钟无操作`, first)
    if (expired === 'lifetime') return endSession('lifetime', `登录已满${deps.sessions.lifetimeHours}小时`, first)
    const caller = user ? await callerOf(deps.db, user, policy, now) : null
    if (caller) return { caller, ended: null }
    return endSession('disabled', '账号已停用，会话结束')
  }

  async function run<K extends CallName>(name: K, input: unknown, from: CallFrom): Promise<CallResult<K>> {
    const { caller, ended } = await resolveCaller(from)
    if (from.kind === 'session') from.slot.userId = caller?.userId ?? null
    const { access } = contract[name]
    if (ended === 'idle' && access.kind !== 'public')
      throw new AppError('UNAUTHENTICATED', `长时间未操作，已自动退出登录。请输入密码继续，当前页面会保留`)
    if (ended === 'lifetime' && access.kind !== 'public')
      throw new AppError(
        'UNAUTHENTICATED',
        `本次登录已满${deps.sessions.lifetimeHours}小时，为保护数据请重新输入密码。当前页面会保留`,
      )
    if (ended === 'disabled' && access.kind !== 'public')
      throw new AppError('UNAUTHENTICATED', '您的账号已被系统管理员停用，已退出登录。如有疑问请联系系统管理员')
    let args: ReturnType<typeof parseInput<K>>
    try {
      authorizeRole(caller, access)
      args = parseInput(name, input)
      await authorizeScope(deps.db, caller, access, args as Record<string, unknown>)
    } catch (error) {
      if (error instanceof AppError && error.code === 'FORBIDDEN' && caller?.userId != null)
        await logRefusal(caller, name, from, error.message)
      throw error
    }
    const ctx: CallCtx = {
      caller,
      slot: from.kind === 'session' ? from.slot : null,
      source: from.kind === 'session' ? from.source : '命令行',
    }
    const handler = handlers[name] as (a: typeof args, c: CallCtx) => Promise<CallResult<K>>
    return runAs(caller, () => handler(args, ctx))
  }

  /** A permission refusal goes into the security log; if even that cannot be written, the refusal still holds. */
  async function logRefusal(caller: Caller, name: string, from: CallFrom, message: string): Promise<void> {
    try {
      await logSecurity(deps.db, deps.clock().toISOString(), {
        event: 'denied',
        userId: caller.userId,
        login: caller.login,
        name: caller.name,
        source: from.kind === 'session' ? from.source : '命令行',
        detail: `${CALL_LABELS[name as CallName] ?? name}：${message}`,
      })
    } catch (error) {
      console.error(error)
    }
  }

  async function call<K extends CallName>(name: K, input?: unknown, from: CallFrom = LOCAL): Promise<CallResult<K>> {
    if (!isCallName(name))
      throw new AppError('UNKNOWN_CALL', `没有名为「${String(name)}」的操作，请升级专班或联系技术人员`)
    return EXCLUSIVE_CALLS.has(name)
      ? gate.exclusive(() => run(name, input, from))
      : gate.shared(() => run(name, input, from))
  }

  return {
    deps,
    call,
    async invoke(name, input, from) {
      try {
        if (!isCallName(name))
          throw new AppError('UNKNOWN_CALL', `没有名为「${String(name)}」的操作，请升级专班或联系技术人员`)
        return { ok: true, result: await call(name, input, from) }
      } catch (error) {
        return { ok: false, error: toErrorBody(error, store) }
      }
    },
    close: () => gate.exclusive(() => store.close()),
  }
}
