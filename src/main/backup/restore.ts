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
import {
  adoptDatabaseId,
  backupDirOf,
  backupOwner,
  belongsTo,
  createBackup,
  defaultBackupDir,
  parseBackupName,
  readDatabaseId,
  type BackupInfo,
  type BackupOwner,
} from './backups'
import { inspectDatabaseFile } from './inspect'
import { openBackupFile, type OpenedBackup } from './read'

/**
 * Whether `file` can be restored: a readable SQLite file, this product's, not damaged, not from a newer version.
 * Returns its schema version and the identity of the database it was made from (null: made before identities).
 */
export function checkBackupFile(file: string): { schemaVersion: number; databaseId: string | null } {
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
    return { schemaVersion: version, databaseId: readDatabaseId(db) }
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError('DB_NOT_DATABASE', `「${file}」不是有效的数据库文件，不能用来恢复`)
  } finally {
    opened?.close()
  }
}

/**
 * Whether the backup is the database's own: the same identity, or — for a backup without one (made by an older
 * version) — a name that says it is this database's. Refused otherwise: a backup of another database in the
 * same folder would replace the office's data with someone else's.
 */
export function checkSameDatabase(
  backupFile: string,
  backupId: string | null,
  owner: BackupOwner,
  databasePath: string,
): void {
  const name = path.basename(backupFile)
  const parsed = parseBackupName(name)
  if (owner.id && backupId ? owner.id === backupId : parsed !== null && belongsTo(parsed, owner)) return
  const why =
    owner.id && backupId
      ? `属于另一个数据库，不是「${path.basename(databasePath)}」的备份`
      : `无法确认是「${path.basename(databasePath)}」的备份（备份中没有数据库标识，文件名也不是该数据库的备份名）`
  throw new AppError(
    'RULE',
    `备份「${name}」${why}，未恢复，数据库未被修改。请选择本数据库的备份。` +
      '如确要用这个备份替换：先关闭专班，把当前数据库文件改名移到别处，再用命令行 restore 恢复到原来的文件名',
  )
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

/**
 * Command line: replaces `databasePath` (not open anywhere) with `backupFile`; returns the kept backup. Only
 * the database's own backup is put in its place (checkSameDatabase); nothing at the path takes any backup. A
 * database that opens but fails the quick check is damaged: moved aside like one that does not open, never
 * copied as a backup.
 */
export async function restoreBackup(
  databasePath: string,
  backupFile: string,
  now: Date = new Date(),
  options: { damaged?: boolean } = {},
): Promise<BackupInfo | null> {
  const { databaseId: backupId } = checkBackupFile(backupFile)
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
  // The identity of the database being replaced: from the open file, else what its damaged file or the
  // pointer beside it still say (none at all when nothing is at the path).
  let owner: BackupOwner | null = null
  try {
    if (current && !runIntegrityCheck(current, 'quick_check').ok) {
      current.close()
      current = undefined
    }
    if (fs.existsSync(databasePath)) {
      owner = current ? backupOwner(current, databasePath) : inspectDatabaseFile(databasePath).owner
      checkSameDatabase(backupFile, backupId, owner, databasePath)
    }
  } catch (error) {
    current?.close()
    throw error
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
    // Open once: applies any migrations the (older) backup needs, and proves the result opens. A backup made
    // before identities takes the identity of the database it replaces: its backups stay its own.
    const restored = openSqlite(databasePath)
    try {
      if (owner?.id) adoptDatabaseId(restored, owner.id)
    } finally {
      restored.close()
    }
  } catch (error) {
    if (kept) await copyBackupOver(databasePath, kept.path)
    else if (aside)
      for (const suffix of ['', '-wal', '-shm'])
        if (fs.existsSync(aside + suffix)) fs.renameSync(aside + suffix, databasePath + suffix)
    throw error
  }
  return kept
}
