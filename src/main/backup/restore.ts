/**
 * Restoring a backup: the backup is checked first (a readable SQLite file, this product's, not damaged, not
 * from a newer version), the database being replaced is kept as a backup of its own, and the copy goes
 * through SQLite's backup API. Used by the command line (database closed) and by 设置 → 数据备份 (the app
 * closes and reopens its database around the copy).
 */
import fs from 'node:fs'
import path from 'node:path'
import type BetterSqlite3 from 'better-sqlite3'
import { AppError } from '../../shared/errors'
import { APPLICATION_ID, openSqlite, readHeader } from '../db/open'
import { LATEST_SCHEMA_VERSION } from '../db/migrations'
import { runIntegrityCheck } from '../db/integrity'
import { backupDirOf, createBackup, defaultBackupDir, type BackupInfo } from './backups'
import { openBackupFile, type OpenedBackup } from './read'

/** Whether `file` can be restored: a readable SQLite file, this product's, not damaged, not from a newer version. */
export function checkBackupFile(file: string): { schemaVersion: number } {
  if (!fs.existsSync(file)) throw new AppError('NOT_FOUND', `找不到备份文件：${file}`)
  let opened: OpenedBackup | undefined
  try {
    opened = openBackupFile(file)
    const db = opened.db
    if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID)
      throw new AppError('DB_NOT_DATABASE', `「${file}」不是专班的数据库备份，不能用来恢复`)
    const check = runIntegrityCheck(db, 'quick_check')
    if (!check.ok)
      throw new AppError('DB_NOT_DATABASE', `备份文件已损坏（${check.summary}），不能用来恢复。请选择另一个备份`)
    const version = (db.prepare('SELECT max(id) AS v FROM migrations').get() as { v: number | null }).v ?? 0
    if (version > LATEST_SCHEMA_VERSION)
      throw new AppError('DB_TOO_NEW', `该备份由更新版本的专班创建（数据结构版本 ${version}），请先升级专班再恢复`)
    return { schemaVersion: version }
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError('DB_NOT_DATABASE', `「${file}」不是有效的数据库文件，不能用来恢复`)
  } finally {
    opened?.close()
  }
}

/** Writes `backupFile` over the (closed) database at `databasePath` through the backup API. */
export async function copyBackupOver(databasePath: string, backupFile: string): Promise<void> {
  const source = openBackupFile(backupFile)
  try {
    // A stale WAL beside the target would be replayed over the restored pages on the next open.
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${databasePath}${suffix}`, { force: true })
    await source.db.backup(databasePath)
  } finally {
    source.close()
  }
}

/** Command line: replaces `databasePath` (not open anywhere) with `backupFile`; returns the kept backup. */
export async function restoreBackup(
  databasePath: string,
  backupFile: string,
  now: Date = new Date(),
  options: { damaged?: boolean } = {},
): Promise<BackupInfo | null> {
  checkBackupFile(backupFile)
  let kept: BackupInfo | null = null
  let current: BetterSqlite3.Database | undefined
  if (fs.existsSync(databasePath) && !options.damaged) {
    try {
      current = openSqlite(databasePath)
    } catch (error) {
      // Damaged (or no longer a SQLite file at all) is what a restore is for; anything else is refused.
      const damaged =
        error instanceof AppError &&
        (error.code === 'DB_DAMAGED' || (error.code === 'DB_NOT_DATABASE' && !readHeader(databasePath).sqlite))
      if (!damaged) throw error
    }
  }
  let aside: string | null = null
  if (fs.existsSync(databasePath) && !current) {
    // A damaged file cannot be read by the backup API: moved aside whole (nothing has it open), never deleted.
    const dir = defaultBackupDir(databasePath)
    fs.mkdirSync(dir, { recursive: true })
    aside = path.join(dir, `damaged-${now.toISOString().replace(/[-:.]/g, '')}-${path.basename(databasePath)}`)
    for (const suffix of ['', '-wal', '-shm'])
      if (fs.existsSync(databasePath + suffix)) fs.renameSync(databasePath + suffix, aside + suffix)
  } else if (current) {
    try {
      kept = await createBackup(current, backupDirOf(current, databasePath), 'pre-restore', now)
      current.pragma('wal_checkpoint(TRUNCATE)')
    } finally {
      current.close()
    }
  }
  try {
    await copyBackupOver(databasePath, backupFile)
    // Open once: applies any migrations the (older) backup needs, and proves the result opens.
    openSqlite(databasePath).close()
  } catch (error) {
    if (kept) await copyBackupOver(databasePath, kept.path)
    else if (aside)
      for (const suffix of ['', '-wal', '-shm'])
        if (fs.existsSync(aside + suffix)) fs.renameSync(aside + suffix, databasePath + suffix)
    throw error
  }
  return kept
}
