/**
 * The main side as one object: open a database file, then `invoke(name, input)` for any contract call.
 * Both transports (Electron IPC, the local HTTP host) and the command line call only this.
 */
import path from 'node:path'
import { isCallName, type CallName, type CallResult } from '../shared/contract'
import { AppError, type ApiErrorBody } from '../shared/errors'
import type { Outcome } from '../shared/bridge'
import { parseInput } from '../shared/validate'
import type { Deps } from './context'
import { createKysely, openSqlite, translateSqliteError, type OpenOptions } from './db/open'
import { createHandlers } from './handlers'
import type { Handlers } from './handler-types'

export type { Outcome } from '../shared/bridge'

export interface App {
  deps: Deps
  /** Validates and runs one call; never throws — failures come back as { ok: false, error }. */
  invoke(name: string, input: unknown): Promise<Outcome<unknown>>
  /** Typed, throwing form for code inside the main side and tests. */
  call<K extends CallName>(name: K, input?: unknown): Promise<CallResult<K>>
  close(): Promise<void>
}

export interface AppOptions extends OpenOptions {
  clock?: () => Date
}

export function toErrorBody(error: unknown): ApiErrorBody {
  const known = translateSqliteError(error)
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

async function closeHandles(deps: Deps): Promise<void> {
  if (!deps.sqlite.open) return
  // Fold the WAL back into the main file so a copied or backed-up .db is complete on its own.
  if (!deps.sqlite.readonly) deps.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  await deps.db.destroy() // closes the better-sqlite3 handle too
  if (deps.sqlite.open) deps.sqlite.close()
}

export function openApp(databasePath: string, options: AppOptions = {}): App {
  const sqlite = openSqlite(databasePath, options)
  const deps: Deps = {
    db: createKysely(sqlite),
    sqlite,
    databasePath: databasePath === ':memory:' ? databasePath : path.resolve(databasePath),
    clock: options.clock ?? (() => new Date()),
    async swap(replace) {
      await closeHandles(deps)
      try {
        await replace()
      } finally {
        // Whatever `replace` did, the app must hold an open database again (the caller undoes a failed one).
        deps.sqlite = openSqlite(deps.databasePath, options)
        deps.db = createKysely(deps.sqlite)
      }
    },
  }
  const handlers: Handlers = createHandlers(deps)
  const gate = createGate()

  async function call<K extends CallName>(name: K, input?: unknown): Promise<CallResult<K>> {
    if (!isCallName(name))
      throw new AppError('UNKNOWN_CALL', `没有名为「${String(name)}」的操作，请升级专班或联系技术人员`)
    const args = parseInput(name, input)
    const handler = handlers[name] as (a: typeof args) => Promise<CallResult<K>>
    return EXCLUSIVE_CALLS.has(name) ? gate.exclusive(() => handler(args)) : gate.shared(() => handler(args))
  }

  return {
    deps,
    call,
    async invoke(name, input) {
      try {
        if (!isCallName(name))
          throw new AppError('UNKNOWN_CALL', `没有名为「${String(name)}」的操作，请升级专班或联系技术人员`)
        return { ok: true, result: await call(name, input) }
      } catch (error) {
        return { ok: false, error: toErrorBody(error) }
      }
    },
    close: () => gate.exclusive(() => closeHandles(deps)),
  }
}
