/**
 * What every service needs (the store, a clock, the sessions) and the one way to write: a single transaction
 * that knows the operator and the time, so that every change is atomic and audited under one name.
 */
import type { Kysely } from 'kysely'
import { localToday, type IsoDate } from '../shared/dates'
import type { Caller } from '../shared/accounts'
import type { Database } from './db/schema'
import type { Store, WriteOptions } from './store/port'
import { currentCaller } from './auth/current'
import type { Sessions } from './auth/sessions'
import type { VersionedCache } from './versioned-cache'
import type { MonthRanking } from './services/ranking'
import type { OfficeFacts } from './services/overview'
import type { KanbanCard } from '../shared/rules/types'

export interface Deps {
  /** Where the data lives (store/port.ts): SQLite on the office PC or PostgreSQL on the county server. */
  store: Store
  /** The store's Kysely (`store.db`; a getter, since a restore reopens a SQLite file). */
  readonly db: Kysely<Database>
  /** Where the data is, for the screens: the file's path, or the server and database (store.location). */
  readonly databasePath: string
  /** Injected so tests and the demo generator can fix "today". */
  clock: () => Date
  /** The logged-in sessions of this process (auth/sessions.ts). */
  sessions: Sessions
  /** Months' rankings, kept per data version (versioned-cache.ts), by month. */
  rankings: VersionedCache<MonthRanking>
  /** The kanban's cards of a day, kept per data version, by date. */
  boards: VersionedCache<KanbanCard[]>
  /** 总览's office-wide counts of a day (services/overview.ts), kept per data version, by date. */
  overviews: VersionedCache<OfficeFacts>
}

/** Who a write is recorded under: the caller's account (null for the command line) and its name and unit then. */
export interface Operator {
  userId: number | null
  name: string
  unit: string
}

export interface WriteCtx {
  /** The transaction; use only this inside a write, never deps.db (it would wait on itself). */
  db: Kysely<Database>
  now: string
  today: IsoDate
  operator: Operator
  /**
   * The projects the write touched (audit.ts adds each audited row's), announced when it commits; null once an
   * audited row named no project (a dictionary, the rules, an account: anything may have changed).
   */
  touched: Set<number> | null
}

/** The operator of a caller; before login (a failed login's bookkeeping) the writes are not audited rows. */
export function operatorOf(caller: Caller | null): Operator {
  return caller
    ? { userId: caller.userId, name: caller.name, unit: caller.unit }
    : { userId: null, name: '（未登录）', unit: '' }
}

/**
 * Runs a read of several queries on one snapshot: without it, another request's write could land between
 * them (each query otherwise takes a connection on its own) and the result would mix before and after.
 */
export function readTx<T>(deps: Deps, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  return deps.store.read(fn)
}

/**
 * Runs `fn` as one write transaction that knows the operator and the time: any throw rolls back all. On
 * PostgreSQL `fn` may run again after a serialization failure (store/port.ts): keep it to database work.
 */
export function writeTx<T>(deps: Deps, fn: (w: WriteCtx) => Promise<T>, options?: WriteOptions): Promise<T> {
  let ctx: WriteCtx | null = null
  const operator = operatorOf(currentCaller())
  return deps.store.write(
    (conn) => {
      const clock = deps.clock()
      // A run again after a conflict starts over, with nothing touched yet.
      ctx = { db: conn, now: clock.toISOString(), today: localToday(clock), operator, touched: new Set() }
      return fn(ctx)
    },
    {
      ...options,
      announce: () => {
        const touched = (ctx as WriteCtx | null)?.touched
        return { projectIds: touched ? [...touched] : null, by: operator.userId }
      },
    },
  )
}

/**
 * As `writeTx`, for a login's bookkeeping only (the account's failure count, lock and last login, at a login or
 * at a wrong 原密码 in 修改密码; the security log): the data version stays (store/port.ts WriteOptions), so logins
 * do not make kept answers be computed again. No kept computation reads these (versioned-cache.ts).
 */
export function loginTx<T>(deps: Deps, fn: (w: WriteCtx) => Promise<T>): Promise<T> {
  return writeTx(deps, fn, { keepDataVersion: true })
}
