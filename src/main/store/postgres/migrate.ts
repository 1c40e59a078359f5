/**
 * Applies PostgreSQL's static migration list (migrations.ts): each in its own transaction, under an advisory
 * lock so that of several app servers starting at once one migrates and the others wait and then find it
 * done. Refuses a database migrated by a newer 专班, one whose record differs from the list, and a database
 * that holds someone else's tables (never writes our schema beside them).
 */
import pg from 'pg'
import { AppError } from '../../../shared/errors'
import { openSqlite } from '../../db/open'
import { checkApplied, schemaVersion } from '../../db/migrate'
import { copyRows } from './copy'
import { PG_MIGRATIONS, type PgMigration } from './migrations'

/** pg_advisory_lock key: "ZBAN" as in SQLite's application_id, so other programs' locks do not collide. */
const MIGRATION_LOCK = 0x5a42414e

async function applied(client: pg.PoolClient): Promise<{ id: number; name: string }[] | null> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('migrations')::text AS t`)
  if (!exists.rows[0]?.t) return null
  return (await client.query<{ id: number; name: string }>('SELECT id, name FROM migrations ORDER BY id')).rows
}

export interface PgMigrateOptions {
  migrations?: readonly PgMigration[]
  now?: () => string
  /**
   * What a new database is filled with, in the transaction of its last migration (so that it has its rows or
   * nothing): by default the starting rows (dictionaries, the milestone template, the rules) of a freshly
   * migrated SQLite database, copied (one source for both stores); a desktop's data when it moves to the
   * server (store/postgres/move.ts).
   */
  fill?: (client: pg.PoolClient) => Promise<void>
  /**
   * false: an empty database is refused (NOT_FOUND) instead of given 专班's tables — the command line's reading
   * commands (info, check, rank …) must not make an empty database unusable for migrate-to-server.
   */
  create?: boolean
}

/**
 * The starting rows of a new database: every row of a freshly migrated in-memory SQLite database, inserted in
 * the transaction of the last migration (a new database has its rows or nothing). The two migration lists
 * must be at the same version (else the tables would differ).
 */
async function seedNewDatabase(client: pg.PoolClient, version: number): Promise<void> {
  const sqlite = openSqlite(':memory:')
  try {
    if (schemaVersion(sqlite) !== version)
      throw new Error(`SQLite schema ${schemaVersion(sqlite)} and PostgreSQL schema ${version} differ`)
    await copyRows(sqlite, client)
  } finally {
    sqlite.close()
  }
}

export async function migratePostgres(client: pg.PoolClient, options: PgMigrateOptions = {}): Promise<number[]> {
  const migrations = options.migrations ?? PG_MIGRATIONS
  const now = options.now ?? (() => new Date().toISOString())
  await refuseNonUtf8(client)
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
  try {
    const done = await applied(client)
    if (done === null) {
      const { rows } = await client.query<{ n: number }>(
        // pg_class, not information_schema: that lists only the tables this account has rights on.
        `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
      )
      if (rows[0]!.n > 0)
        throw new AppError(
          'DB_NOT_DATABASE',
          '这个数据库里已有其他程序的数据表，不是专班的数据库。请为专班新建一个空数据库（见说明书「服务器数据库」）',
        )
      if (options.create === false)
        throw new AppError(
          'NOT_FOUND',
          '这个数据库还是空的（专班尚未在其中建表），未做任何改动。请先用 migrate-to-server 把单机数据迁移进来，或用 serve 开始使用',
        )
    }
    const rows = done ?? []
    const newest = checkApplied(
      rows,
      migrations.map((m) => ({ id: m.version, name: m.name })),
    )
    const ran: number[] = []
    // A new database gets every migration and its rows in one transaction: it has all of them or nothing
    // (a failed copy leaves it empty, ready for another try). An existing one, one transaction per migration.
    const steps = done === null ? [migrations] : migrations.slice(rows.length).map((m) => [m])
    for (const step of steps) {
      const m = step.at(-1)!
      try {
        await client.query('BEGIN')
        for (const one of step) {
          await client.query(one.sql)
          await client.query('INSERT INTO migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
            one.version,
            one.name,
            now(),
          ])
        }
        if (done === null) await (options.fill ? options.fill(client) : seedNewDatabase(client, m.version))
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {})
        if (error instanceof AppError) throw error
        if ((error as { code?: string }).code === '42501') throw noRightToCreate(client, error as Error)
        console.error(error)
        throw new AppError(
          'DB_MIGRATION',
          `数据库升级失败（第 ${m.version} 号「${m.name}」），数据库仍保持升级前的版本 ${ran.at(-1) ?? newest}，数据未受影响。` +
            '请用原来版本的专班继续工作，并联系技术人员',
        )
      }
      ran.push(...step.map((one) => one.version))
    }
    return ran
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {})
  }
}

/**
 * The account may connect but not create tables (a database owned by another role; since PostgreSQL 15 the public
 * schema lets only its owner create): what the server's administrator runs, with this database's and account's
 * names. Nothing was changed (the step's transaction rolled back).
 */
function noRightToCreate(client: pg.ClientBase, error: Error): AppError {
  const { database, user } = client as unknown as { database?: string; user?: string }
  const db = pg.escapeIdentifier(database ?? '数据库名')
  const role = pg.escapeIdentifier(user ?? '账号')
  return new AppError(
    'DB_READONLY',
    `专班的数据库账号${user ? `「${user}」` : ''}没有在数据库${database ? `「${database}」` : ''}中建表的权限（${error.message}），未做任何改动。` +
      `请服务器管理员把数据库交给这个账号：ALTER DATABASE ${db} OWNER TO ${role}; 再连接到该数据库执行 ALTER SCHEMA public OWNER TO ${role};（见说明书「县服务器数据库」）`,
  )
}

/** Chinese text needs a UTF8 database (SQL_ASCII would take any bytes and LATIN1 refuse them). */
async function refuseNonUtf8(client: pg.ClientBase): Promise<void> {
  const encoding = (
    await client.query<{ e: string }>(
      `SELECT pg_encoding_to_char(encoding) AS e FROM pg_database WHERE datname = current_database()`,
    )
  ).rows[0]?.e
  if (encoding !== 'UTF8')
    throw new AppError(
      'DB_NOT_DATABASE',
      `数据库的字符编码是 ${encoding ?? '未知'}，专班需要 UTF8。请服务器管理员新建数据库：CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0`,
    )
}
