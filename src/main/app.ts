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

export function openApp(databasePath: string, options: AppOptions = {}): App {
  const sqlite = openSqlite(databasePath, options)
  const db = createKysely(sqlite)
  const deps: Deps = {
    db,
    sqlite,
    databasePath: databasePath === ':memory:' ? databasePath : path.resolve(databasePath),
    clock: options.clock ?? (() => new Date()),
  }
  const handlers: Handlers = createHandlers(deps)

  async function call<K extends CallName>(name: K, input?: unknown): Promise<CallResult<K>> {
    if (!isCallName(name))
      throw new AppError('UNKNOWN_CALL', `没有名为「${String(name)}」的操作，请升级专班或联系技术人员`)
    const args = parseInput(name, input)
    const handler = handlers[name] as (a: typeof args) => Promise<CallResult<K>>
    return handler(args)
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
    async close() {
      // Fold the WAL back into the main file so a copied or backed-up .db is complete on its own.
      if (sqlite.open && !sqlite.readonly) sqlite.pragma('wal_checkpoint(TRUNCATE)')
      await db.destroy() // closes the better-sqlite3 handle too
      if (sqlite.open) sqlite.close()
    },
  }
}
