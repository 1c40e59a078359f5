/**
 * Opening the database at the start of the desktop app or of `serve`: integrity checked first (quick_check);
 * a damaged file is not opened — the caller is handed the newest backup that passes the same checks, to
 * offer to the office, and restores it with `restoreAtStart`.
 */
import { formatLocalDateTime } from '../../shared/dates'
import { AppError } from '../../shared/errors'
import { openApp, type SqliteApp, type AppOptions } from '../app'
import { keepingWal, readHeader } from '../db/open'
import { backupTag, listBackups, type BackupInfo } from './backups'
import { inspectDatabaseFile } from './inspect'
import { checkBackupFile, checkSameDatabase, restoreBackup } from './restore'
import { namedInFuture } from './retention'

export type StartOutcome =
  | { ok: true; app: SqliteApp }
  | {
      ok: false
      error: AppError
      /** The file is ours (or no longer recognisable) and damaged: a backup may be offered. */
      damaged: boolean
      /** The newest backup that passes the checks, if there is one. */
      backup: BackupInfo | null
    }

/**
 * The newest of the database's own backups that passes the checks, looked for in the folder the file still
 * names, the folder the pointer beside it names (a file too damaged to say), and the default folder. Backups
 * named in the future (a clock that was ahead) come after the others: their name says "newest", but they were
 * made before today's real ones. When the file's identity is lost with it and backups of more than one
 * database carry its name, none is offered: which one is its own cannot be told.
 */
export function newestGoodBackup(databasePath: string, now: Date = new Date()): BackupInfo | null {
  const { owner, dirs } = inspectDatabaseFile(databasePath)
  const all = dirs
    .flatMap((dir) => listBackups(dir, owner))
    .sort((a, b) => Number(namedInFuture(a.at, now)) - Number(namedInFuture(b.at, now)) || b.at.localeCompare(a.at))
  if (!owner.id && new Set(all.map((b) => backupTag(b.name)).filter((tag) => tag !== null)).size > 1) return null
  for (const backup of all) {
    try {
      const { databaseId } = checkBackupFile(backup.path)
      checkSameDatabase(backup.path, databaseId, owner, databasePath)
      return backup
    } catch {
      // damaged, foreign or another database's: try the next older one
    }
  }
  return null
}

/**
 * Why a database did not open, for the office. Damaged: says so itself, or is no longer a SQLite file at all
 * (then the newest good backup is looked for). Another program's SQLite database is left alone: nothing is
 * offered to restore over it.
 */
export function failedStart(
  databasePath: string,
  error: AppError,
  now: Date = new Date(),
): Extract<StartOutcome, { ok: false }> {
  const damaged = error.code === 'DB_DAMAGED' || (error.code === 'DB_NOT_DATABASE' && !readHeader(databasePath).sqlite)
  // Finding the backups reads the damaged file (where they are): a read-only connection is held meanwhile, so
  // that nothing folds its -wal into it or deletes it (for the desktop, serve and the command line alike).
  const backup = damaged ? keepingWal(databasePath, () => newestGoodBackup(databasePath, now)) : null
  return { ok: false, error, damaged, backup }
}

/** Opens with the integrity checked; a database that cannot be opened comes back explained (`failedStart`). */
export function openAtStart(databasePath: string, options: AppOptions = {}): StartOutcome {
  try {
    return { ok: true, app: openApp(databasePath, { ...options, checkIntegrity: true }) }
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    return failedStart(databasePath, error, options.clock?.())
  }
}

/** Puts `backup` in place of the damaged database (kept aside in the backup folder) and opens it. */
export async function restoreAtStart(
  databasePath: string,
  backup: BackupInfo,
  options: AppOptions = {},
): Promise<SqliteApp> {
  await restoreBackup(databasePath, backup.path, new Date(), { damaged: true })
  return openApp(databasePath, { ...options, checkIntegrity: true })
}

/** The message for a damaged database, with what was found to restore. */
export function damagedMessage(databasePath: string, outcome: Extract<StartOutcome, { ok: false }>): string {
  const base = `${outcome.error.message}\n\n数据库文件：${databasePath}`
  if (!outcome.backup) return `${base}\n\n没有找到可用的备份。请联系技术人员，不要删除该文件。`
  const at = formatLocalDateTime(outcome.backup.at)
  return `${base}\n\n最近的完好备份：${outcome.backup.name}（${at}）。恢复后，该备份之后录入的数据需要重新录入；损坏的文件会保留在备份文件夹中。`
}
