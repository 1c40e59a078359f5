/**
 * The storage port: everything the services need from a store, with one implementation for the single
 * office PC (SQLite through better-sqlite3, store/sqlite.ts) and one for the county server (PostgreSQL through
 * pg, store/postgres.ts), chosen at start from where the data is (store/open.ts). Services talk only to this:
 * Kysely queries on `db` or inside `read` / `write`, and the few questions below; no service holds a
 * better-sqlite3 or pg handle.
 */
import type { Kysely, RawBuilder } from 'kysely'
import type { AppError } from '../../shared/errors'
import type { Database } from '../db/schema'
import type { SqliteFile } from './sqlite'
import type { ChangeFeed, WriteNote } from './changes'
import type { JobBoard } from './jobs'

export type StoreKind = 'sqlite' | 'postgres'

/** How closing went (SQLite: whether the last changes are still in the WAL beside the file, and why). */
export interface CloseOutcome {
  walKept: boolean
  /** What to tell the office when `walKept` (nothing was lost: SQLite folds the WAL in at the next open). */
  message?: string
}

export interface IntegrityResult {
  ok: boolean
  /** Chinese, for the office: empty when ok. */
  summary: string
  /** The store's own lines, for a details line or a log. */
  details: string[]
}

/**
 * Where the two SQL dialects differ in what the services write, each difference named once here (not as
 * `if (sqlite)` in a service).
 */
export interface Dialect {
  /**
   * `column` contains `pattern` (a LIKE pattern with `\` as escape), ignoring ASCII case: SQLite's LIKE does
   * that by itself, PostgreSQL needs ILIKE (which under the "C" collation also folds ASCII only).
   */
  likeIgnoringCase(column: string, pattern: string): RawBuilder<boolean>
  /**
   * `column` equals `value`, ignoring ASCII case (logins: SQLite's COLLATE NOCASE column; PostgreSQL compares
   * lower() on both sides, served by the unique index on lower(login)).
   */
  equalsIgnoringCase(column: string, value: string): RawBuilder<boolean>
  /**
   * A GROUP BY key (and the selected column of the same name) for a query whose WHERE has a better index
   * than the key's own: on SQLite written so the planner does not walk the key's index; the plain column on
   * PostgreSQL, whose planner needs no such help.
   */
  groupKey(column: string): RawBuilder<number>
  /**
   * After rows were inserted with explicit ids (a bulk load, a copy): the next id the store makes for `table`
   * must come after them. SQLite does that by itself (max(rowid) + 1); PostgreSQL's identity sequence is
   * moved with setval. Run inside the write transaction.
   */
  advanceIds(db: Kysely<Database>, table: string): Promise<void>
  /**
   * Runs `fn` with the named guard triggers (the database's own refusals: projects_keep, audit_log_append_only_delete
   * …) switched off, inside the caller's write transaction, and switches them on again before it returns —
   * only for 删除演示数据, which removes what the guards otherwise protect. SQLite drops and re-creates them
   * (their SQL kept from sqlite_master); PostgreSQL disables and re-enables them (ALTER TABLE … DISABLE
   * TRIGGER: the tables' owner, which the app's database account is). A throw rolls back both.
   */
  withTriggersOff<T>(db: Kysely<Database>, triggers: readonly string[], fn: () => Promise<T>): Promise<T>
}

/** What only a server database has: where it is, for the server's own tools, and replacing it (restore). */
export interface ServerDatabase {
  /**
   * The connection URL as the store was opened with (password included): for pg_dump and pg_restore, which are
   * given the password in their environment, never on their command line. Never shown: `Store.location` is.
   */
  readonly url: string
  /** The database's name on the server (the URL's path). */
  readonly database: string
  /**
   * Closes the pool (every connection of this store to the database), lets `replace` work on the server while
   * none is open — through connections of its own to another database, e.g. `postgres` — and opens the pool on
   * the same URL again (migrations applied, as at start). Only for restore; the App runs it while no other
   * call is in flight. The pool is open again even when `replace` throws (the caller undoes a failed one);
   * throws when the database cannot be opened again.
   */
  swap(replace: () => Promise<void>): Promise<void>
}

/** How a write transaction treats the data version. */
export interface WriteOptions {
  /**
   * The write touches only what no kept answer reads (a login's bookkeeping: the account's failure count and
   * last login, the security log), so the data version stays and the kept rankings, boards and 总览 stay valid.
   * Otherwise a county morning of logins would have them all computed again.
   */
  keepDataVersion?: boolean
  /**
   * What the write says of itself, asked once `fn` is done (writeTx: the projects its audit rows name, and the
   * caller's account): the change announced to the open pages (store/changes.ts). Not given: any project may
   * have changed.
   */
  announce?: () => WriteNote
}

export interface Store {
  readonly kind: StoreKind
  /** Where the data is, for the screens and messages: the file's path, or the server and database (no password). */
  readonly location: string
  /**
   * Kysely for a single statement outside a transaction. On SQLite a getter: a restore reopens the file and
   * the handle changes, so never keep it across calls.
   */
  readonly db: Kysely<Database>
  readonly dialect: Dialect
  /**
   * Runs several queries on one snapshot (SQLite: BEGIN deferred on its one connection; PostgreSQL: a
   * REPEATABLE READ READ ONLY transaction), so another request's write cannot land between them.
   */
  read<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>
  /**
   * Runs `fn` as one transaction that commits or rolls back as a whole (SQLite: BEGIN IMMEDIATE, the write
   * lock taken up front; PostgreSQL: SERIALIZABLE, retried a bounded number of times on a serialization
   * failure or deadlock). `fn` may therefore run more than once: it must do nothing outside the database
   * that cannot be repeated. Every write transaction advances the data version as its last statement
   * (data-version.ts), except one marked `keepDataVersion`. Throws the store's errors translated (see
   * `translateError`).
   */
  write<T>(fn: (db: Kysely<Database>) => Promise<T>, options?: WriteOptions): Promise<T>
  /**
   * The committed writes that advanced the data version, by any process on this database, as they commit
   * (store/changes.ts): the live updates of the open pages.
   */
  readonly changes: ChangeFeed
  /** The long jobs (an import) of each account: in memory on the single PC, in the database on the server (jobs.ts). */
  readonly jobs: JobBoard
  /** The newest migration applied (one number for both stores: the same version is the same tables). */
  schemaVersion(): Promise<number>
  /** The store's own consistency check, summarised in Chinese. */
  integrityCheck(): Promise<IntegrityResult>
  /**
   * The store's error as what an office user can act on (unique or check violation → RULE, a missing
   * reference → NOT_FOUND, a full disk → DB_FULL, an unreachable or locked store → DB_LOCKED / DB_UNREADABLE);
   * null when it is not a store error.
   */
  translateError(error: unknown): AppError | null
  /**
   * The single-PC file behind a SQLite store (backups beside it, the demo's bulk load, a restore that swaps
   * the file); null on PostgreSQL, whose server keeps its own files.
   */
  readonly file: SqliteFile | null
  /**
   * The county server's database behind a PostgreSQL store (its backups through pg_dump, a restore that swaps
   * the database); null or absent on SQLite. (Optional so that the SQLite store need not name it: the two
   * mean the same.)
   */
  readonly server?: ServerDatabase | null
  /** Closes (SQLite: folds the WAL in first; `strict` throws when it cannot). Never throws otherwise. */
  close(strict?: boolean): Promise<CloseOutcome>
}
