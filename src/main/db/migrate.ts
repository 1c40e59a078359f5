/** Applies the static migration list in order, each in its own transaction, and refuses a newer database. */
import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '../../shared/errors'
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations'

export function appliedMigrations(db: BetterSqlite3.Database): { id: number; name: string }[] {
  db.exec(
    `CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  )
  return db.prepare('SELECT id, name FROM migrations ORDER BY id').all() as { id: number; name: string }[]
}

export interface MigrateOptions {
  migrations?: readonly Migration[]
  now?: () => string
  /** Runs once before the first pending migration of a database that already holds data (the backup). */
  beforeMigrating?: (fromVersion: number) => void
}

/**
 * The record of applied migrations against the program's list (either store's): refuses a database of a
 * newer version (DB_TOO_NEW) and one whose record differs from the list (DB_NOT_DATABASE). Returns the
 * newest applied version (0: none).
 */
export function checkApplied(
  applied: readonly { id: number; name: string }[],
  list: readonly { id: number; name: string }[],
): number {
  const newest = applied.at(-1)?.id ?? 0
  const latest = list.at(-1)?.id ?? 0
  if (newest > latest)
    throw new AppError(
      'DB_TOO_NEW',
      `该数据库由更新版本的专班创建（数据结构版本 ${newest}，本程序只支持到 ${latest}）。请升级专班后再打开`,
    )
  applied.forEach((row, i) => {
    const expected = list[i]
    if (!expected || expected.id !== row.id || expected.name !== row.name)
      throw new AppError(
        'DB_NOT_DATABASE',
        `数据库的升级记录与本程序不符（第 ${row.id} 号「${row.name}」），请联系技术人员`,
      )
  })
  return newest
}

export function migrate(db: BetterSqlite3.Database, options: MigrateOptions = {}): number[] {
  const migrations = options.migrations ?? MIGRATIONS
  const now = options.now ?? (() => new Date().toISOString())
  const applied = appliedMigrations(db)
  const newest = checkApplied(applied, migrations)
  const pending = migrations.slice(applied.length)
  if (pending.length && applied.length) options.beforeMigrating?.(newest)
  const ran: number[] = []
  for (const m of pending) {
    try {
      // One transaction per migration: a failure leaves the database at the last version that succeeded.
      db.transaction(() => {
        db.exec(m.sql)
        db.prepare('INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, now())
        db.pragma(`user_version = ${m.id}`)
      })()
    } catch (error) {
      if (error instanceof AppError) throw error
      const full = (error as { code?: string }).code === 'SQLITE_FULL'
      throw new AppError(
        'DB_MIGRATION',
        `数据库升级失败（第 ${m.id} 号「${m.name}」${full ? '：磁盘空间已满' : ''}），数据库仍保持升级前的版本 ${ran.at(-1) ?? newest}，数据未受影响。` +
          '请用原来版本的专班继续工作，并联系技术人员',
      )
    }
    ran.push(m.id)
  }
  return ran
}

export function schemaVersion(db: BetterSqlite3.Database): number {
  return (db.prepare('SELECT max(id) AS v FROM migrations').get() as { v: number | null }).v ?? 0
}

export { LATEST_SCHEMA_VERSION }
