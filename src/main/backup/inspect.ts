/**
 * What can still be learnt about a database file that may be damaged (it did not open, or is about to be
 * replaced): whose backups are its own, and where they may be. Read with plain SQL where the file still
 * allows it; otherwise from the pointer file beside it (see writeBackupPointer) and its file name.
 */
import BetterSqlite3 from 'better-sqlite3'
import { backupDirOf, defaultBackupDir, nameHint, readBackupPointer, readDatabaseId, type BackupOwner } from './backups'

export function inspectDatabaseFile(databasePath: string): { owner: BackupOwner; dirs: string[] } {
  const pointer = readBackupPointer(databasePath)
  let chosen: string | null = null
  let id: string | null = null
  try {
    // Not read-only: SQLite gives a read-only look at a WAL-mode file -wal/-shm files and leaves them behind;
    // a plain connection that only reads removes them on closing (unless another program still uses them).
    const raw = new BetterSqlite3(databasePath, { fileMustExist: true })
    try {
      chosen = backupDirOf(raw, databasePath)
      id = readDatabaseId(raw)
    } finally {
      raw.close()
    }
  } catch {
    // unreadable: what the pointer says, and the default folder
  }
  const dirs = [chosen, pointer.folder, defaultBackupDir(databasePath)].filter((d): d is string => !!d)
  return { owner: { hint: nameHint(databasePath), id: id ?? pointer.id }, dirs: [...new Set(dirs)] }
}
