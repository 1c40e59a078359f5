/**
 * Opening a backup file to check it or copy from it. A backup made through the backup API keeps the WAL mode
 * of the database it came from, and SQLite gives even a read-only look at a WAL-mode file a -wal and a -shm
 * file beside it, which it then leaves behind. Nothing else has a backup open, so the ones this look made are
 * removed again: the backup folder keeps single, self-contained files. (Never used on a live database, where
 * another program may be using those files.)
 */
import fs from 'node:fs'
import BetterSqlite3 from 'better-sqlite3'

export interface OpenedBackup {
  db: BetterSqlite3.Database
  /** Closes the file and removes the -wal/-shm files that opening it created (never ones that were there). */
  close(): void
}

/** Opens `file` read-only; the caller closes it with the returned `close`. */
export function openBackupFile(file: string): OpenedBackup {
  const sideFiles = ['-wal', '-shm'].map((suffix) => file + suffix).filter((side) => !fs.existsSync(side))
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true })
  return {
    db,
    close() {
      if (db.open) db.close()
      // A read-only connection writes nothing into the WAL; one that is not empty is kept, with its -shm.
      const wal = `${file}-wal`
      if (sideFiles.includes(wal) && fs.existsSync(wal) && fs.statSync(wal).size > 0) return
      for (const side of sideFiles) fs.rmSync(side, { force: true })
    },
  }
}
