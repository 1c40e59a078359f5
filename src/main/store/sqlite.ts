/**
 * The single office PC's store: one SQLite file through better-sqlite3 (WAL, foreign keys, full sync — see
 * db/open.ts), one connection, Kysely's SQLite dialect. Writes take the write lock up front (BEGIN IMMEDIATE),
 * so another program's write makes us wait (busy timeout) instead of failing half-way.
 */
import fs from 'node:fs'
import path from 'node:path'
import { sql, type Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import type { Database } from '../db/schema'
import { createKysely, openSqlite, translateSqliteError, type OpenOptions, type SqliteDb } from '../db/open'
import { schemaVersion } from '../db/migrate'
import { runIntegrityCheck } from '../db/integrity'
import type { CloseOutcome, IntegrityResult, Store } from './port'
import { SQLITE_DIALECT } from './dialects'
import { advanceDataVersion } from './data-version'
import { ChangeFeed, changeOf } from './changes'
import { MemoryJobBoard } from './jobs'

/** What only a file store has: the file, its handle for file-level work, and replacing the file (restore). */
export interface SqliteFile {
  /** Absolute path, or ':memory:'. */
  readonly path: string
  /** better-sqlite3's handle, for the storage layer's file work (backups, bulk loads); changes after `swap`. */
  readonly handle: SqliteDb
  /**
   * Closes the database (WAL folded in), lets `replace` change the closed file, and opens it again. Only for
   * restore; the App runs it while no other call is in flight.
   */
  swap(replace: () => Promise<void>): Promise<void>
  /**
   * Holds the connection for synchronous work on the raw handle (bulk loads in one SQLite transaction of
   * their own), so that no Kysely transaction of another request is open on the same connection meanwhile.
   */
  exclusive<T>(fn: (handle: SqliteDb) => T): Promise<T>
}

/** A store known to be a SQLite file (what `openApp` opens): its `file` is never null. */
export type SqliteStore = Store & { readonly file: SqliteFile }

/**
 * Folds the WAL back into the main file (so a copied or backed-up .db is complete on its own) and closes.
 * `strict` (before a restore replaces the file) throws when the WAL cannot be folded in. Otherwise closing
 * always finishes: with a full disk the checkpoint fails, the WAL stays beside the file — every committed
 * change is in it, and SQLite folds it in at the next open — and the outcome says so.
 */
async function closeHandles(
  sqlite: SqliteDb,
  db: Kysely<Database>,
  file: string,
  strict: boolean,
): Promise<CloseOutcome> {
  if (!sqlite.open) return { walKept: false }
  let failure: unknown = null
  if (!sqlite.readonly)
    try {
      sqlite.pragma('wal_checkpoint(TRUNCATE)')
    } catch (error) {
      if (strict) throw error
      failure = error
    }
  try {
    await db.destroy() // closes the better-sqlite3 handle too
  } catch (error) {
    failure ??= error
  } finally {
    if (sqlite.open) sqlite.close()
  }
  const wal = `${file}-wal`
  if (file === ':memory:' || !fs.existsSync(wal) || fs.statSync(wal).size === 0) return { walKept: false }
  const reason = translateSqliteError(failure)
  const full = reason?.code === 'DB_FULL' ? '（磁盘空间已满）' : ''
  return {
    walKept: true,
    message:
      `最近的修改未能并入数据库文件${full}，它们完好地保存在 ${wal} 中，下次启动专班时会自动并入。` +
      `请勿删除或移走该文件${full ? '，并请清理磁盘空间' : ''}`,
  }
}

/** Opens (or creates) the SQLite file as a Store; synchronous, throws Chinese AppErrors (db/open.ts). */
export function openSqliteStore(databasePath: string, options: OpenOptions = {}): SqliteStore {
  const file = databasePath === ':memory:' ? databasePath : path.resolve(databasePath)
  let handle = openSqlite(databasePath, options)
  let db = createKysely(handle)

  const changes = new ChangeFeed()
  const fileOps: SqliteFile = {
    path: file,
    get handle() {
      return handle
    },
    async swap(replace) {
      await closeHandles(handle, db, file, true)
      try {
        await replace()
      } finally {
        // Whatever `replace` did, the store must hold an open database again (the caller undoes a failed one).
        handle = openSqlite(file, options)
        db = createKysely(handle)
      }
    },
    exclusive: (fn) => db.connection().execute(async () => fn(handle)),
  }

  return {
    kind: 'sqlite',
    location: file,
    get db() {
      return db
    },
    dialect: SQLITE_DIALECT,
    file: fileOps,
    read: (fn) =>
      db.connection().execute(async (conn) => {
        await sql`BEGIN`.execute(conn)
        try {
          return await fn(conn)
        } finally {
          if (handle.inTransaction) await sql`COMMIT`.execute(conn)
        }
      }),
    changes,
    // One process on the file: its jobs in memory (a progress row written beside the import would wait for the
    // import's own transaction on the one connection).
    jobs: new MemoryJobBoard(),
    write: (fn, options) =>
      db.connection().execute(async (conn) => {
        await sql`BEGIN IMMEDIATE`.execute(conn)
        try {
          const result = await fn(conn)
          const version = options?.keepDataVersion ? null : await advanceDataVersion(conn)
          await sql`COMMIT`.execute(conn)
          // The one process on the file hears its own writes (store/changes.ts), once they are committed.
          if (version !== null) changes.emit(changeOf(version, options?.announce?.()))
          return result
        } catch (error) {
          if (handle.inTransaction) await sql`ROLLBACK`.execute(conn)
          throw error
        }
      }),
    schemaVersion: async () => schemaVersion(handle),
    integrityCheck: async (): Promise<IntegrityResult> => runIntegrityCheck(handle, 'quick_check'),
    translateError: (error) => translateSqliteError(error),
    close: (strict = false) => closeHandles(handle, db, file, strict),
  }
}

/**
 * The file behind a SQLite store, for the work only a single-PC file has (backups beside it, the demo's bulk
 * load, restore). On a server database the refusal says so in Chinese: the county server's own tools do it.
 */
export function fileOf(store: Store, what: string): SqliteFile {
  if (store.file) return store.file
  throw new AppError(
    'RULE',
    `${what}只适用于本机数据库文件；当前连接的是服务器数据库（${store.location}），请由服务器管理员用数据库自带的工具完成`,
  )
}
