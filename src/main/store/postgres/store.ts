/**
 * The county server's store: PostgreSQL through node-postgres (a pool of connections) and Kysely's
 * PostgreSQL dialect. Writes run SERIALIZABLE — PostgreSQL then refuses a transaction whose reads another
 * committed write has changed (40001) — and are run again a bounded number of times; reads run on one
 * REPEATABLE READ snapshot. Values come back as the services expect them on SQLite too: bigint counts and
 * sums as numbers (refused past 2^53 rather than rounded), json columns as their text.
 */
import pg from 'pg'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { AppError } from '../../../shared/errors'
import type { Database } from '../../db/schema'
import type { IntegrityResult, Store } from '../port'
import { POSTGRES_DIALECT } from '../dialects'
import { advanceDataVersion } from '../data-version'
import { CHANGES_CHANNEL, ChangeFeed, changeOf, type DataChange } from '../changes'
import { listenForChanges, type Listener } from './listen'
import { TableJobBoard } from './jobs'
import { isRetryable, translatePgError } from './errors'
import { migratePostgres } from './migrate'

export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number
  /**
   * How long a write keeps being run again after serialization failures before it is reported as busy
   * (default 15 s; a hot spot — dozens of users adding to one plan at the same moment — needs a few rounds).
   */
  retryForMs?: number
  /** false: an empty database is refused instead of given 专班's tables (migrate.ts). */
  create?: boolean
}

/** A whole number from PostgreSQL's text (bigint, an integer numeric): never silently rounded. */
function exactNumber(text: string): number {
  const value = Number(text)
  if (Number.isInteger(value) && !Number.isSafeInteger(value))
    throw new AppError('INTERNAL', `数据库返回的数值 ${text} 超出了程序能精确处理的范围，请联系技术人员`)
  return value
}

const OID = { int8: 20, numeric: 1700, date: 1082, json: 114, jsonb: 3802 } as const

/** node-postgres's parsers, per pool (not the global pg.types): counts and sums as numbers, json as text. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === OID.int8 || oid === OID.numeric) return exactNumber
    if (oid === OID.json || oid === OID.jsonb || oid === OID.date) return (text: string) => text
    return pg.types.getTypeParser(oid, format as 'text')
  }) as pg.CustomTypesConfig['getTypeParser'],
}

/** The URL without its password: what the screens and messages show. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url)
    const socket = u.searchParams.get('host')
    const host = socket ?? `${u.hostname}${u.port ? `:${u.port}` : ''}`
    return `postgres://${u.username ? `${decodeURIComponent(u.username)}@` : ''}${host}${u.pathname}`
  } catch {
    return 'postgres://（地址无法解析）'
  }
}

/**
 * A URL node-postgres can read: anything else (a bracket left open, a stray character) would end in its
 * TypeError. Refused in Chinese, without the password.
 */
export function checkServerUrl(url: string): void {
  try {
    new URL(url)
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      '数据库地址写得不对，无法解析。应为 postgres://账号:密码@服务器:端口/数据库名（密码中的特殊字符须按网址编码，如 @ 写作 %40）',
    )
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Connects to the database at `url` (postgres://user:password@host:port/database, or ?host=/socket/dir),
 * applies the migrations, and returns the Store. Throws AppErrors (unreachable, refused login, not ours,
 * too new) with nothing changed.
 */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<Store> {
  checkServerUrl(url)
  const location = describeUrl(url)
  // A server restart ends every connection of the pool at once: one line in the log, not one per connection.
  let lastDrop = 0
  const logDrop = (error: Error) => {
    if (Date.now() - lastDrop < 10_000) return
    lastDrop = Date.now()
    console.error(`与数据库服务器的连接中断（${location}），进行中的操作未完成、未保存（${error.message}）`)
  }
  const newPool = () => {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types: TYPES })
    // An idle connection the server drops (restart, network, a restore by another app server) must not crash
    // the process; the next query reconnects.
    pool.on('error', logDrop)
    // So must one that is checked out between two statements of a transaction (node-postgres then emits the
    // error on the client itself, which without a listener ends the process): the transaction's next statement
    // fails and is reported as 连接中断; the client is not reused.
    pool.on('connect', (client) => client.on('error', logDrop))
    return pool
  }
  /** A pool on the database, migrated, and the database's name as the server has it; ended when it cannot be. */
  const connect = async (): Promise<{ pool: pg.Pool; database: string }> => {
    const pool = newPool()
    try {
      const client = await pool.connect()
      try {
        await checkServerVersion(client)
        await migratePostgres(client, { create: options.create })
        const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name')
        return { pool, database: rows[0]!.name }
      } finally {
        client.release()
      }
    } catch (error) {
      // (Bounded: after a refused login node-postgres may never finish ending the pool.)
      await Promise.race([pool.end().catch(() => {}), pause(2000)])
      throw translatePgError(error, location) ?? error
    }
  }
  const kysely = (pool: pg.Pool) => new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  const opened = await connect()
  // A restore replaces the database under the store (`server.swap`): the pool and its Kysely change then.
  let db = kysely(opened.pool)
  const retryForMs = options.retryForMs ?? 15_000
  // Changes of every app server on the database, heard once a page listens (listen.ts).
  let listener: Listener | null = null
  const changes = new ChangeFeed(() => (listener ??= listenForChanges(url, changes, logDrop)).start())

  const store: Store = {
    kind: 'postgres',
    location,
    get db() {
      return db
    },
    dialect: POSTGRES_DIALECT,
    file: null,
    server: {
      url,
      database: opened.database,
      async swap(replace) {
        await listener?.stop()
        await db.destroy() // ends the pool: no connection of this store is left on the database
        let failure: unknown = null
        try {
          await replace()
        } catch (error) {
          failure = error
        }
        // Whatever `replace` did, the store must hold a pool on the database again (the caller undoes a failed
        // one). When it cannot be opened now, a pool that connects on the next query is left, so that the App
        // keeps answering (with the store's errors) rather than "pool ended".
        try {
          db = kysely((await connect()).pool)
        } catch (error) {
          db = kysely(newPool())
          throw failure ?? error
        }
        if (failure) throw failure
        // Heard again on the database now under the name (what was missed: listen.ts says "anything").
        if (listener && changes.listening) listener.start()
      },
    },
    read: (fn) => db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn),
    async write(fn, options) {
      const deadline = Date.now() + retryForMs
      for (let attempt = 1; ; attempt++) {
        try {
          const committed: { change: DataChange | null } = { change: null }
          const result = await db
            .transaction()
            .setIsolationLevel('serializable')
            .execute(async (trx) => {
              // Writers that advance the version take turns: the lock is taken before the transaction's snapshot
              // (LOCK reads no rows), so each sees the one before it committed. Without it any two concurrent
              // writes met on the version's row and one ran again after a serialization failure and a random
              // wait (docs/load.md: a write's p99 near a second at ten writes a second). Readers are not held.
              if (!options?.keepDataVersion) await sql`LOCK TABLE data_version IN SHARE ROW EXCLUSIVE MODE`.execute(trx)
              const result = await fn(trx)
              committed.change = null // a run again after a conflict starts over
              if (!options?.keepDataVersion) {
                const version = await advanceDataVersion(trx)
                // Delivered by the server at commit, to every app server listening (never for a rollback).
                const change = changeOf(version, options?.announce?.())
                await sql`SELECT pg_notify(${CHANGES_CHANNEL}, ${JSON.stringify(change)})`.execute(trx)
                committed.change = change
              }
              return result
            })
          // Committed: this process knows at once what it changed (its kept computations, versioned-cache.ts).
          if (committed.change) changes.record(committed.change)
          return result
        } catch (error) {
          if (!isRetryable(error) || Date.now() >= deadline) throw error
          // Writers that read each other's rows: all but one are refused, and run again after a random wait
          // that grows with each refusal (full jitter), so that a crowd spreads out instead of colliding again.
          await pause(Math.random() * Math.min(200, 2 ** attempt))
        }
      }
    },
    async schemaVersion() {
      const row = await db
        .selectFrom('migrations')
        .select((eb) => eb.fn.max('id').as('v'))
        .executeTakeFirst()
      return Number(row?.v ?? 0)
    },
    integrityCheck: () => checkPostgres(db),
    translateError: (error) => translatePgError(error, location),
    changes,
    jobs: new TableJobBoard(
      () => db,
      (fn) => store.write(fn, { keepDataVersion: true }),
    ),
    async close() {
      await listener?.stop()
      await db.destroy().catch((error: unknown) => console.error(error))
      return { walKept: false }
    },
  }
  return store
}

/** The oldest PostgreSQL served: 13 (a restore drops the replaced database WITH (FORCE), backup/server.ts). */
export const OLDEST_POSTGRES = 130000

/** Refuses a server older than OLDEST_POSTGRES before anything is created on it. */
export async function checkServerVersion(client: Pick<pg.PoolClient, 'query'>): Promise<void> {
  const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num')
  const version = Number(rows[0]?.server_version_num ?? 0)
  if (version < OLDEST_POSTGRES)
    throw new AppError(
      'DB_UNREADABLE',
      `数据库服务器的 PostgreSQL 版本是 ${Math.floor(version / 10000)}，专班需要 13 或更新的版本（恢复备份要用到 13 起才有的功能）。请先升级 PostgreSQL`,
    )
}

/**
 * What can be checked from a connection without extensions: every constraint the schema declares is there
 * and validated (none left NOT VALID or dropped by hand), and every table can be read to its end. Damage
 * below that (pages, indexes) is the server's own to find (data checksums, amcheck, the administrator).
 */
async function checkPostgres(db: Kysely<Database>): Promise<IntegrityResult> {
  const details: string[] = []
  const unvalidated = await sql<{ name: string }>`
    SELECT conname AS name FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = current_schema() AND NOT c.convalidated`.execute(db)
  for (const r of unvalidated.rows) details.push(`约束 ${r.name} 未生效（NOT VALID）`)
  const tables = await sql<{ name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`.execute(db)
  for (const { name } of tables.rows) {
    try {
      await sql`SELECT count(*) FROM ${sql.table(name)}`.execute(db)
    } catch (error) {
      details.push(`数据表 ${name} 无法读取：${(error as Error).message}`)
    }
  }
  return details.length
    ? { ok: false, summary: `完整性检查发现${details.length}处问题`, details }
    : { ok: true, summary: '', details: [] }
}
