/**
 * What every service needs (the database, a clock) and the one way to write: a single IMMEDIATE transaction
 * that knows the operator and the time, so that every change is atomic and audited under one name.
 */
import { sql, type Kysely } from 'kysely'
import { localToday, type IsoDate } from '../shared/dates'
import type { Caller } from '../shared/accounts'
import type { Database } from './db/schema'
import type { SqliteDb } from './db/open'
import { currentCaller } from './auth/current'
import type { Sessions } from './auth/sessions'

export interface Deps {
  db: Kysely<Database>
  sqlite: SqliteDb
  databasePath: string
  /** Injected so tests and the demo generator can fix "today". */
  clock: () => Date
  /**
   * Closes the database (WAL folded in), lets `replace` change the closed file, and opens it again — db and
   * sqlite above are new afterwards. Only for restore; the App runs it while no other call is in flight.
   */
  swap(replace: () => Promise<void>): Promise<void>
  /** The logged-in sessions of this process (auth/sessions.ts). */
  sessions: Sessions
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
}

/** The operator of a caller; before login (a failed login's bookkeeping) the writes are not audited rows. */
export function operatorOf(caller: Caller | null): Operator {
  return caller
    ? { userId: caller.userId, name: caller.name, unit: caller.unit }
    : { userId: null, name: '（未登录）', unit: '' }
}

/**
 * Runs a read of several queries on one snapshot: without it, another request's write could land between
 * them (each query otherwise takes the connection on its own) and the result would mix before and after.
 */
export async function readTx<T>(deps: Deps, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  return deps.db.connection().execute(async (conn) => {
    await sql`BEGIN`.execute(conn)
    try {
      return await fn(conn)
    } finally {
      if (deps.sqlite.inTransaction) await sql`COMMIT`.execute(conn)
    }
  })
}

/**
 * Holds the connection for synchronous work on the raw better-sqlite3 handle (bulk loads), so that no
 * Kysely transaction of another request is open on the same connection meanwhile.
 */
export async function exclusive<T>(deps: Deps, fn: () => T): Promise<T> {
  return deps.db.connection().execute(async () => fn())
}

/**
 * Runs `fn` in BEGIN IMMEDIATE … COMMIT on one connection: the write lock is taken up front, so another
 * program's write makes us wait (busy timeout) instead of failing half-way, and any throw rolls back all.
 */
export async function writeTx<T>(deps: Deps, fn: (w: WriteCtx) => Promise<T>): Promise<T> {
  return deps.db.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn)
    try {
      const clock = deps.clock()
      const ctx: WriteCtx = {
        db: conn,
        now: clock.toISOString(),
        today: localToday(clock),
        operator: operatorOf(currentCaller()),
      }
      const result = await fn(ctx)
      await sql`COMMIT`.execute(conn)
      return result
    } catch (error) {
      if (deps.sqlite.inTransaction) await sql`ROLLBACK`.execute(conn)
      throw error
    }
  })
}
