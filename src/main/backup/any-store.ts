/**
 * Backups of whichever store the App has open, for the services and the hosts: a SQLite file's (copies
 * through the backup API, backups.ts) or a server database's (pg_dump files, server.ts). The same reasons,
 * names, ownership and retention on both; only how a copy is made and put back differs.
 */
import type { Store } from '../store/port'
import {
  backupDirOf,
  backupOwner,
  createBackup,
  defaultBackupDir,
  ensureDailyBackup,
  listBackups,
  pruneBackups,
  type BackupInfo,
  type BackupOwner,
  type BackupReason,
} from './backups'
import {
  createServerBackup,
  defaultServerBackupDir,
  ensureDailyServerBackup,
  listServerBackups,
  pruneServerBackups,
  serverBackupDir,
  serverBackupOwner,
} from './server'

/** Where the store's backups go now, and whether that is the default (no folder chosen). */
export async function storeBackupFolder(store: Store): Promise<{ folder: string; isDefault: boolean }> {
  if (store.file) {
    const folder = backupDirOf(store.file.handle, store.file.path)
    return { folder, isDefault: folder === defaultBackupDir(store.file.path) }
  }
  const folder = await serverBackupDir(store)
  return { folder, isDefault: folder === defaultStoreBackupFolder(store) }
}

/** Where the store's backups go when no folder is chosen. */
export function defaultStoreBackupFolder(store: Store): string {
  if (store.file) return defaultBackupDir(store.file.path)
  if (store.server) return defaultServerBackupDir(store.server.database)
  throw new Error('a store is a SQLite file or a server database')
}

/** Whose backups are the open database's own (its name and identity). */
export async function storeBackupOwner(store: Store): Promise<BackupOwner> {
  return store.file ? backupOwner(store.file.handle, store.file.path) : serverBackupOwner(store)
}

/** The open database's own backups in its folder, newest first. */
export async function listStoreBackups(store: Store): Promise<BackupInfo[]> {
  if (store.file) {
    const { handle, path } = store.file
    return listBackups(backupDirOf(handle, path), backupOwner(handle, path))
  }
  return listServerBackups(store)
}

/**
 * A backup of the open database now, into its backup folder (not pruned: see pruneStoreBackups). For every
 * backup a service makes — by hand, before an import, before 删除演示数据 — on either store. Throws the
 * Chinese AppErrors of backups.ts / server.ts (a damaged database, an unwritable folder, no pg_dump).
 */
export async function createStoreBackup(
  store: Store,
  reason: BackupReason,
  now: Date = new Date(),
): Promise<BackupInfo> {
  if (store.file) return createBackup(store.file.handle, backupDirOf(store.file.handle, store.file.path), reason, now)
  return createServerBackup(store, reason, now)
}

/** Deletes the open database's automatic backups beyond the retention; returns their names. */
export async function pruneStoreBackups(store: Store, now: Date = new Date()): Promise<string[]> {
  if (store.file) return pruneBackups(store.file.handle, backupDirOf(store.file.handle, store.file.path), now)
  return pruneServerBackups(store, now)
}

/**
 * The day's backup, unless the database made one within the last day (then its old ones are pruned): for the
 * desktop and `serve` at start, on either store.
 */
export async function ensureDailyStoreBackup(store: Store, now: Date = new Date()): Promise<BackupInfo | null> {
  if (store.file) return ensureDailyBackup(store.file.handle, backupDirOf(store.file.handle, store.file.path), now)
  return ensureDailyServerBackup(store, now)
}
