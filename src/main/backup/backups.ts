/**
 * Backups through SQLite's online backup API (a consistent copy while the database is in use, never a copy
 * of the live file), into a folder beside the database unless the office names another.
 */
import fs from 'node:fs'
import path from 'node:path'
import { AppError } from '../../shared/errors'
import type { SqliteDb } from '../db/open'
import { backupsToKeep, type BackupFile } from './retention'

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

export async function createBackup(
  sqlite: SqliteDb,
  dir: string,
  reason: BackupReason,
  now: Date = new Date(),
): Promise<BackupInfo> {
  try {
    fs.mkdirSync(dir, { recursive: true })
  } catch {
    throw new AppError('DB_UNREADABLE', `无法创建备份文件夹：${dir}。请检查权限，或在设置中换一个备份位置`)
  }
  let name = `zhuanban-${stamp(now)}-${reason}.db`
  // Two backups in the same second (a manual one right after an automatic one) must not overwrite each other.
  for (let i = 1; fs.existsSync(path.join(dir, name)); i++)
    name = `zhuanban-${stamp(new Date(now.getTime() + i * 1000))}-${reason}.db`
  const target = path.join(dir, name)
  try {
    await sqlite.backup(target)
  } catch (error) {
    fs.rmSync(target, { force: true })
    const code = (error as { code?: string }).code
    if (code === 'SQLITE_FULL' || code === 'ENOSPC')
      throw new AppError('DB_FULL', '磁盘空间不足，备份未完成。请清理磁盘或换一个备份位置')
    throw new AppError('DB_UNREADABLE', `备份失败：${(error as Error).message}。请检查备份文件夹的写入权限`)
  }
  return listBackups(dir).find((b) => b.name === name)!
}

/** Deletes automatic backups beyond the retention (7 daily, 4 weekly, 12 monthly); returns what it removed. */
export function pruneBackups(dir: string): string[] {
  const all = listBackups(dir)
  const keep = backupsToKeep(all.map((b): BackupFile => ({ name: b.name, at: b.at, automatic: b.reason === 'auto' })))
  const removed = all.filter((b) => !keep.has(b.name))
  for (const b of removed) fs.rmSync(b.path, { force: true })
  return removed.map((b) => b.name)
}

/** At start: a backup when the newest is older than a day (then the old ones are pruned). */
export async function ensureDailyBackup(
  sqlite: SqliteDb,
  dir: string,
  now: Date = new Date(),
): Promise<BackupInfo | null> {
  const newest = listBackups(dir)[0]
  if (newest && now.getTime() - new Date(newest.at).getTime() < 86_400_000) return null
  const made = await createBackup(sqlite, dir, 'auto', now)
  pruneBackups(dir)
  return made
}
