/**
 * Backups through SQLite's online backup API (a consistent copy while the database is in use, never a copy
 * of the live file), into a folder beside the database unless the office names another.
 */
import fs from 'node:fs'
import path from 'node:path'
import { AppError } from '../../shared/errors'
import type { SqliteDb } from '../db/open'
import { backupsToKeep, CLOCK_TOLERANCE_MS, type BackupFile } from './retention'

export const BACKUP_REASONS = ['auto', 'manual', 'pre-migration', 'pre-import', 'pre-restore'] as const
export type BackupReason = (typeof BACKUP_REASONS)[number]

export interface BackupInfo {
  name: string
  path: string
  at: string
  reason: BackupReason
  bytes: number
}

const NAME = /^zhuanban-(\d{8})-(\d{6})-(auto|manual|pre-migration|pre-import|pre-restore)\.db$/

export function defaultBackupDir(databasePath: string): string {
  return path.join(path.dirname(path.resolve(databasePath)), 'backups')
}

/** The settings key of the folder the office chose (设置 → 数据备份); absent means beside the database. */
export const BACKUP_DIR_KEY = 'backup_dir'

/**
 * Where this database's backups go. Read with plain SQL so it works before migrations and on a database too
 * damaged for anything else (then the default folder).
 */
export function backupDirOf(sqlite: SqliteDb, databasePath: string): string {
  try {
    const row = sqlite.prepare(`SELECT value FROM settings WHERE key = ?`).get(BACKUP_DIR_KEY) as
      { value: string } | undefined
    const dir = row ? (JSON.parse(row.value) as unknown) : null
    if (typeof dir === 'string' && dir) return dir
  } catch {
    // no settings table yet, or unreadable: the default
  }
  return defaultBackupDir(databasePath)
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
}

export function listBackups(dir: string): BackupInfo[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .map((name) => ({ name, m: NAME.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .map(({ name, m }) => {
      const [, d, t, reason] = m
      const at = `${d!.slice(0, 4)}-${d!.slice(4, 6)}-${d!.slice(6, 8)}T${t!.slice(0, 2)}:${t!.slice(2, 4)}:${t!.slice(4, 6)}Z`
      return {
        name,
        path: path.join(dir, name),
        at,
        reason: reason as BackupReason,
        bytes: fs.statSync(path.join(dir, name)).size,
      }
    })
    .sort((a, b) => b.at.localeCompare(a.at))
}

/** A free file name in `dir` for a backup made now (created folder included). */
function targetFor(dir: string, reason: BackupReason, now: Date): { name: string; target: string } {
  try {
    fs.mkdirSync(dir, { recursive: true })
    fs.accessSync(dir, fs.constants.W_OK)
  } catch {
    throw new AppError('DB_READONLY', `无法写入备份文件夹：${dir}。请检查权限，或在 设置 → 数据备份 中换一个备份位置`)
  }
  let name = `zhuanban-${stamp(now)}-${reason}.db`
  // Two backups in the same second (a manual one right after an automatic one) must not overwrite each other.
  for (let i = 1; fs.existsSync(path.join(dir, name)); i++)
    name = `zhuanban-${stamp(new Date(now.getTime() + i * 1000))}-${reason}.db`
  return { name, target: path.join(dir, name) }
}

function backupFailed(error: unknown, target: string): AppError {
  fs.rmSync(target, { force: true })
  const code = (error as { code?: string }).code
  if (code === 'SQLITE_FULL' || code === 'ENOSPC')
    return new AppError('DB_FULL', '磁盘空间不足，备份未完成。请清理磁盘或换一个备份位置')
  return new AppError('DB_UNREADABLE', `备份失败：${(error as Error).message}。请检查备份文件夹的写入权限`)
}

export async function createBackup(
  sqlite: SqliteDb,
  dir: string,
  reason: BackupReason,
  now: Date = new Date(),
): Promise<BackupInfo> {
  const { name, target } = targetFor(dir, reason, now)
  try {
    await sqlite.backup(target)
  } catch (error) {
    throw backupFailed(error, target)
  }
  return listBackups(dir).find((b) => b.name === name)!
}

/**
 * The same, synchronously, for the moment before a migration (opening is synchronous): VACUUM INTO writes
 * a consistent copy from one read transaction — like the backup API, never a copy of the live file.
 */
export function createBackupSync(
  sqlite: SqliteDb,
  dir: string,
  reason: BackupReason,
  now: Date = new Date(),
): BackupInfo {
  const { name, target } = targetFor(dir, reason, now)
  try {
    sqlite.prepare('VACUUM INTO ?').run(target)
  } catch (error) {
    throw backupFailed(error, target)
  }
  return listBackups(dir).find((b) => b.name === name)!
}

/**
 * Deletes automatic backups beyond the retention (7 daily, 4 weekly, 12 monthly); returns what it removed.
 * `now` decides which names lie in the future (those are kept; see backupsToKeep).
 */
export function pruneBackups(dir: string, now: Date = new Date()): string[] {
  const all = listBackups(dir)
  const keep = backupsToKeep(
    all.map((b): BackupFile => ({ name: b.name, at: b.at, automatic: b.reason === 'auto' })),
    undefined,
    now,
  )
  const removed = all.filter((b) => !keep.has(b.name))
  // With the -wal/-shm a read-only look may have left beside it (older versions did), so nothing is orphaned.
  for (const b of removed) for (const suffix of ['', '-wal', '-shm']) fs.rmSync(b.path + suffix, { force: true })
  return removed.map((b) => b.name)
}

/**
 * At start: a backup unless one was made within the last day (then the old ones are pruned). Only backups
 * made between a day ago and now count: one whose name lies in the future (the clock was ahead when it was
 * made, or is behind now) would otherwise stop the daily backups until the clock caught up with it.
 */
export async function ensureDailyBackup(
  sqlite: SqliteDb,
  dir: string,
  now: Date = new Date(),
): Promise<BackupInfo | null> {
  const recent = listBackups(dir).some((b) => {
    const age = now.getTime() - new Date(b.at).getTime()
    return age >= -CLOCK_TOLERANCE_MS && age < 86_400_000
  })
  if (recent) return null
  const made = await createBackup(sqlite, dir, 'auto', now)
  pruneBackups(dir, now)
  return made
}
