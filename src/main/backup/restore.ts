/**
 * Restoring a backup over a database that is not open: the backup is checked first (a readable SQLite file,
 * this product's, not damaged, not from a newer version), the database being replaced is kept as a backup
 * of its own, and the copy goes through SQLite's backup API.
 */
import fs from 'node:fs'
import BetterSqlite3 from 'better-sqlite3'
import { AppError } from '../../shared/errors'
import { APPLICATION_ID, openSqlite } from '../db/open'
import { LATEST_SCHEMA_VERSION } from '../db/migrations'
import { createBackup, defaultBackupDir, type BackupInfo } from './backups'

export function checkBackupFile(file: string): { schemaVersion: number } {
  if (!fs.existsSync(file)) throw new AppError('NOT_FOUND', `找不到备份文件：${file}`)
  let db: BetterSqlite3.Database | undefined
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true })
    if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID)
      throw new AppError('DB_NOT_DATABASE', `「${file}」不是专班的数据库备份，不能用来恢复`)
    const check = db.pragma('quick_check', { simple: true })
    if (check !== 'ok')
      throw new AppError('DB_NOT_DATABASE', `备份文件已损坏（${String(check)}），不能用来恢复。请选择另一个备份`)
    const version = (db.prepare('SELECT max(id) AS v FROM migrations').get() as { v: number | null }).v ?? 0
    if (version > LATEST_SCHEMA_VERSION)
      throw new AppError('DB_TOO_NEW', `该备份由更新版本的专班创建（数据结构版本 ${version}），请先升级专班再恢复`)
    return { schemaVersion: version }
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError('DB_NOT_DATABASE', `「${file}」不是有效的数据库文件，不能用来恢复`)
  } finally {
    db?.close()
  }
}

/** Replaces `databasePath` with `backupFile`; returns the backup made of the replaced database. */
export async function restoreBackup(
  databasePath: string,
  backupFile: string,
  now: Date = new Date(),
): Promise<BackupInfo | null> {
  checkBackupFile(backupFile)
  let kept: BackupInfo | null = null
  if (fs.existsSync(databasePath)) {
    const current = openSqlite(databasePath)
    try {
      kept = await createBackup(current, defaultBackupDir(databasePath), 'pre-restore', now)
      current.pragma('wal_checkpoint(TRUNCATE)')
    } finally {
      current.close()
    }
  }
  const source = new BetterSqlite3(backupFile, { readonly: true })
  try {
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${databasePath}${suffix}`, { force: true })
    await source.backup(databasePath)
  } finally {
    source.close()
  }
  // Open once: applies any migrations the (older) backup needs, and proves the result opens.
  openSqlite(databasePath).close()
  return kept
}
