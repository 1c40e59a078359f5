/**
 * Backups through SQLite's online backup API (a consistent copy while the database is in use, never a copy
 * of the live file), into a folder beside the database unless the office names another.
 *
 * Several databases may put their backups into one folder (demo.db and zhuanban.db side by side share
 * backups/; two offices may choose one network folder). Each backup is therefore marked as its database's
 * own: its name carries the database file's name (not for zhuanban.db, whose names begin as they always did)
 * and the first characters of the database's identity, a random id kept in the settings table
 * (`database_id`) and so inside every backup too; a restore compares the identity inside the backup. Listing, the daily backup, the retention, the start-up
 * offer and restoring consider only the open database's own backups. A copy of the database file shares the
 * identity (the same lineage of data), and with it the backups.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { AppError } from '../../shared/errors'
import type { SqliteDb } from '../db/open'
import { runIntegrityCheck } from '../db/integrity'
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

/**
 * zhuanban-[<database name>-]<UTC date>-<UTC time>-<reason>[-<identity>].db. Names without the identity were
 * made by older versions (or of a database that had none yet); they belong to the database whose name they
 * carry — none meaning zhuanban.db. Every name stays within what the restore call accepts (lower-case
 * letters, digits and hyphens after `zhuanban-`).
 *
 * A server database's backups (pg_dump files, backup/server.ts) are named the same way but end in .dump: a
 * folder shared by both never mixes them up — a SQLite database never lists, counts, prunes or restores a
 * dump, nor a server database a SQLite file.
 */
export type BackupFormat = 'db' | 'dump'
const NAMES: Record<BackupFormat, RegExp> = {
  db: /^zhuanban-(?:([0-9a-z-]+?)-)?(\d{8})-(\d{6})-(auto|manual|pre-migration|pre-import|pre-restore)(?:-([0-9a-f]{8}))?\.db$/,
  dump: /^zhuanban-(?:([0-9a-z-]+?)-)?(\d{8})-(\d{6})-(auto|manual|pre-migration|pre-import|pre-restore)(?:-([0-9a-f]{8}))?\.dump$/,
}

/** How many characters of the identity a backup's name carries. */
export const TAG_LENGTH = 8

export function defaultBackupDir(databasePath: string): string {
  return path.join(path.dirname(path.resolve(databasePath)), 'backups')
}

/** The settings key of the folder the office chose (设置 → 数据备份); absent means beside the database. */
export const BACKUP_DIR_KEY = 'backup_dir'

/**
 * The settings key of the database's identity: 32 random hex digits, written the first time the database is
 * backed up or its backup folder is chosen. Metadata like the application id, not office data: no audit row.
 */
export const DATABASE_ID_KEY = 'database_id'

const ID = /^[0-9a-f]{32}$/

/** Whose backups: the database file's name as backup names carry it, and its identity (null: none known). */
export interface BackupOwner {
  hint: string
  id: string | null
}

/**
 * The database file's name as backup names carry it: lower case, runs of anything but a–z and 0–9 made one
 * hyphen, at most 24 characters. '' for zhuanban.db — and for a name with no such characters (县项目.db):
 * those are told apart by their identity alone.
 */
export function nameHint(databasePath: string): string {
  const base = path.basename(databasePath).replace(/\.(db|sqlite3?)$/i, '')
  const hint = base
    .toLowerCase()
    .replace(/[^0-9a-z]+/g, '-')
    .slice(0, 24)
    .replace(/^-+|-+$/g, '')
  return hint === 'zhuanban' ? '' : hint
}

/** The identity stored in an open database (a backup too); null when it has none or it cannot be read. */
export function readDatabaseId(sqlite: SqliteDb): string | null {
  try {
    const row = sqlite.prepare(`SELECT value FROM settings WHERE key = ?`).get(DATABASE_ID_KEY) as
      { value: string } | undefined
    const id = row ? (JSON.parse(row.value) as unknown) : null
    return typeof id === 'string' && ID.test(id) ? id : null
  } catch {
    return null
  }
}

export function newDatabaseId(): string {
  return crypto.randomBytes(16).toString('hex')
}

/**
 * Gives the database `id` (a new one by default) unless it has one; returns the one it has then, or null
 * when it cannot be written (read-only, locked, no settings table). Only between transactions: a row written
 * inside another request's transaction would be rolled back with it.
 */
export function adoptDatabaseId(sqlite: SqliteDb, id: string = newDatabaseId()): string | null {
  const existing = readDatabaseId(sqlite)
  if (existing || sqlite.readonly || sqlite.inTransaction) return existing
  try {
    sqlite.prepare(`INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)`).run(DATABASE_ID_KEY, JSON.stringify(id))
  } catch {
    // not writable now: the backup is made without the identity (it is then known by its name only)
  }
  return readDatabaseId(sqlite)
}

/** The same, waiting (up to ten seconds) for a write of another request to finish first. */
async function ensureDatabaseId(sqlite: SqliteDb): Promise<string | null> {
  for (let waited = 0; sqlite.inTransaction && waited < 10_000; waited += 20) await sleep(20)
  return adoptDatabaseId(sqlite)
}

/** The open database's backups are those of its file name and identity. */
export function backupOwner(sqlite: SqliteDb, databasePath: string = sqlite.name): BackupOwner {
  return { hint: nameHint(databasePath), id: readDatabaseId(sqlite) }
}

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

/**
 * The chosen folder is kept outside the database too, for the day the database cannot be read: a small text
 * file in the default folder beside it, named after the database (several may share that folder).
 */
export function backupPointerFile(databasePath: string): string {
  return path.join(defaultBackupDir(databasePath), `备份位置（${path.basename(databasePath)}）.txt`)
}

/** Writes (or, with no folder, removes) the pointer to the chosen folder. Throws when it cannot be written. */
export function writeBackupPointer(databasePath: string, folder: string | null, id: string | null): void {
  const file = backupPointerFile(databasePath)
  if (!folder || path.resolve(folder) === defaultBackupDir(databasePath)) {
    fs.rmSync(file, { force: true })
    return
  }
  const text = [
    path.resolve(folder),
    '',
    `上面一行是数据库「${path.resolve(databasePath)}」的备份文件夹（在 设置 → 数据备份 或命令行 backup-folder 中选定）。`,
    '数据库损坏、无法从中读出备份位置时，专班按此文件找到备份。此文件由专班自动写入，请勿修改或删除；恢复默认备份位置后它会被删除。',
    ...(id ? [`数据库标识：${id}`] : []),
    '',
  ].join(os.EOL)
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temp, text)
  fs.renameSync(temp, file)
}

/** What the pointer beside a database says (nothing when there is none or it cannot be read). */
export function readBackupPointer(databasePath: string): { folder: string | null; id: string | null } {
  try {
    const text = fs.readFileSync(backupPointerFile(databasePath), 'utf8').replace(/^\uFEFF/, '')
    const first = text.split(/\r?\n/)[0]!.trim()
    const id = /^数据库标识：([0-9a-f]{32})\s*$/m.exec(text)?.[1] ?? null
    return { folder: first && path.isAbsolute(first) ? first : null, id }
  } catch {
    return { folder: null, id: null }
  }
}

/** Keeps the pointer in step with the folder the database names (best effort: it is only a fallback). */
function syncBackupPointer(sqlite: SqliteDb): void {
  const databasePath = sqlite.name
  if (!databasePath || databasePath === ':memory:') return
  try {
    writeBackupPointer(databasePath, backupDirOf(sqlite, databasePath), readDatabaseId(sqlite))
  } catch {
    // the pointer is a fallback for a damaged database; the backup itself matters more
  }
}

/** A backup name's UTC date and time: 20261121-020304. */
export function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
}

interface ParsedName {
  at: string
  reason: BackupReason
  hint: string
  tag: string | null
}

/**
 * What a backup's name says; null for a name that is not a backup's, or whose date and time do not exist
 * (month 13, 30 February, 99:99): such a file is left alone — never listed, offered, counted or deleted.
 */
export function parseBackupName(name: string, format: BackupFormat = 'db'): ParsedName | null {
  const m = NAMES[format].exec(name)
  if (!m) return null
  const [, hint, d, t, reason, tag] = m
  const at = `${d!.slice(0, 4)}-${d!.slice(4, 6)}-${d!.slice(6, 8)}T${t!.slice(0, 2)}:${t!.slice(2, 4)}:${t!.slice(4, 6)}Z`
  const time = new Date(at)
  if (Number.isNaN(time.getTime()) || time.toISOString() !== at.replace('Z', '.000Z')) return null
  return { at, reason: reason as BackupReason, hint: hint ?? '', tag: tag ?? null }
}

/**
 * Whether a backup is `owner`'s: one with an identity in its name by the identity (by the database's name
 * when the owner's identity is not known); one without (older versions) by the database's name.
 */
export function belongsTo(parsed: { hint: string; tag: string | null }, owner: BackupOwner): boolean {
  if (parsed.tag && owner.id) return owner.id.startsWith(parsed.tag)
  return parsed.hint === owner.hint
}

/** The identity characters a backup's name carries (null: none, or not a backup's name). */
export function backupTag(name: string): string | null {
  return parseBackupName(name)?.tag ?? null
}

/** The backups in `dir`, newest first: all of them, or only `owner`'s (SQLite files, or with 'dump' pg_dump files). */
export function listBackups(dir: string, owner?: BackupOwner, format: BackupFormat = 'db'): BackupInfo[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .map((name) => ({ name, parsed: parseBackupName(name, format) }))
    .filter((x): x is { name: string; parsed: ParsedName } => x.parsed !== null)
    .filter(({ parsed }) => !owner || belongsTo(parsed, owner))
    .flatMap(({ name, parsed }) => {
      try {
        const bytes = fs.statSync(path.join(dir, name)).size
        return [{ name, path: path.join(dir, name), at: parsed.at, reason: parsed.reason, bytes }]
      } catch {
        return [] // removed meanwhile
      }
    })
    .sort((a, b) => b.at.localeCompare(a.at))
}

/** The folder must exist (it is created) and be writable. */
export function checkWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true })
    fs.accessSync(dir, fs.constants.W_OK)
  } catch {
    throw new AppError('DB_READONLY', `无法写入备份文件夹：${dir}。请检查权限，或在 设置 → 数据备份 中换一个备份位置`)
  }
}

/** A free file name in `dir` for a backup made now, marked with the database's name and identity. */
function targetFor(dir: string, sqlite: SqliteDb, reason: BackupReason, now: Date): { name: string; target: string } {
  const hint = nameHint(sqlite.name)
  const id = readDatabaseId(sqlite)
  const nameAt = (date: Date) =>
    `zhuanban-${hint ? `${hint}-` : ''}${stamp(date)}-${reason}${id ? `-${id.slice(0, TAG_LENGTH)}` : ''}.db`
  let name = nameAt(now)
  // Two backups in the same second (a manual one right after an automatic one) must not overwrite each other.
  for (let i = 1; fs.existsSync(path.join(dir, name)); i++) name = nameAt(new Date(now.getTime() + i * 1000))
  return { name, target: path.join(dir, name) }
}

function backupFailed(error: unknown, target: string): AppError {
  fs.rmSync(target, { force: true })
  const code = (error as { code?: string }).code
  if (code === 'SQLITE_FULL' || code === 'ENOSPC')
    return new AppError('DB_FULL', '磁盘空间不足，备份未完成。请清理磁盘或换一个备份位置')
  return new AppError('DB_UNREADABLE', `备份失败：${(error as Error).message}。请检查备份文件夹的写入权限`)
}

/**
 * A damaged database is never backed up: the copy would be listed and kept like a good backup, and could push
 * the good ones out of the retention. (A copy kept before a restore is the exception: it is what the restore
 * replaces, and it is never offered, since every restore checks the backup first.)
 */
function refuseDamaged(sqlite: SqliteDb): void {
  const check = runIntegrityCheck(sqlite, 'quick_check')
  if (!check.ok)
    throw new AppError(
      'DB_DAMAGED',
      `数据库已损坏（${check.summary}），未备份：损坏的副本不能用来恢复，已有的备份都保持不变。` +
        '请先检查数据库（命令行 check，或重新启动专班：启动时会检查并提供最近的完好备份），再从完好的备份恢复',
    )
}

export async function createBackup(
  sqlite: SqliteDb,
  dir: string,
  reason: BackupReason,
  now: Date = new Date(),
): Promise<BackupInfo> {
  if (reason !== 'pre-restore') refuseDamaged(sqlite)
  checkWritableDir(dir)
  // The identity is written only where the database is about to change anyway, or was asked to be backed up:
  // a backup before an import that is then refused leaves the database exactly as it was.
  if (reason !== 'pre-import') await ensureDatabaseId(sqlite)
  const { name, target } = targetFor(dir, sqlite, reason, now)
  try {
    await sqlite.backup(target)
  } catch (error) {
    throw backupFailed(error, target)
  }
  return listBackups(dir).find((b) => b.name === name)!
}

/**
 * The same, synchronously, for the moment before a migration (opening is synchronous): VACUUM INTO writes
 * a consistent copy from one read transaction — like the backup API, never a copy of the live file. Nothing
 * is written into the database before its upgrade: one without an identity yet gets a backup without one.
 */
export function createBackupSync(
  sqlite: SqliteDb,
  dir: string,
  reason: BackupReason,
  now: Date = new Date(),
): BackupInfo {
  checkWritableDir(dir)
  const { name, target } = targetFor(dir, sqlite, reason, now)
  try {
    sqlite.prepare('VACUUM INTO ?').run(target)
  } catch (error) {
    throw backupFailed(error, target)
  }
  return listBackups(dir).find((b) => b.name === name)!
}

/**
 * Deletes the open database's automatic backups beyond the retention (7 daily, 4 weekly, 12 monthly); returns
 * what it removed. Other databases' backups in the same folder are neither counted nor touched. `now` decides
 * which names lie in the future (those are kept; see backupsToKeep).
 */
export function pruneBackups(sqlite: SqliteDb, dir: string, now: Date = new Date()): string[] {
  const all = listBackups(dir, backupOwner(sqlite))
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
 * At start: a backup unless this database made one within the last day (then its old ones are pruned). Only
 * backups made between a day ago and now count: one whose name lies in the future (the clock was ahead when
 * it was made, or is behind now) would otherwise stop the daily backups until the clock caught up with it.
 * Another database's backup in the same folder does not count.
 */
export async function ensureDailyBackup(
  sqlite: SqliteDb,
  dir: string,
  now: Date = new Date(),
): Promise<BackupInfo | null> {
  await ensureDatabaseId(sqlite)
  syncBackupPointer(sqlite)
  const recent = listBackups(dir, backupOwner(sqlite)).some((b) => {
    const age = now.getTime() - new Date(b.at).getTime()
    return age >= -CLOCK_TOLERANCE_MS && age < 86_400_000
  })
  if (recent) return null
  const made = await createBackup(sqlite, dir, 'auto', now)
  pruneBackups(sqlite, dir, now)
  return made
}
