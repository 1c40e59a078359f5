/** Database files as a test sees them: their bytes, a pending -wal, damage in the middle. */
import crypto from 'node:crypto'
import fs from 'node:fs'
import type BetterSqlite3 from 'better-sqlite3'
import Database from 'better-sqlite3'

/** The file and its side files as md5 fingerprints (absent: '-'): equal exactly when the bytes are. */
export function fingerprint(file: string, suffixes: readonly string[] = ['', '-wal', '-shm']): Record<string, string> {
  return Object.fromEntries(
    suffixes.map((suffix) => {
      const f = file + suffix
      return [
        suffix || 'db',
        fs.existsSync(f) ? crypto.createHash('md5').update(fs.readFileSync(f)).digest('hex') : '-',
      ]
    }),
  )
}

/**
 * A WAL database with changes still in its -wal, as a program that is running (or crashed) leaves it: the file
 * and the -wal copied while the connection is open, before any checkpoint. `build` writes the content; `start`
 * is a database to begin from.
 */
export function withPendingWal(file: string, build: (db: BetterSqlite3.Database) => void, start?: string): void {
  const live = `${file}.live`
  if (start) fs.copyFileSync(start, live)
  const db = new Database(live)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('wal_autocheckpoint = 0')
    build(db)
    fs.copyFileSync(live, file)
    fs.copyFileSync(`${live}-wal`, `${file}-wal`)
  } finally {
    db.close()
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(live + suffix, { force: true })
  }
}

/** Bytes a failing disk might leave in the middle of the file, the same in every run. */
export function damageMiddle(file: string): void {
  const noise = Buffer.alloc(3000)
  for (let i = 0, x = 7; i < noise.length; i++) noise[i] = x = (x * 1103515245 + 12345) >>> 16
  const fd = fs.openSync(file, 'r+')
  fs.writeSync(fd, noise, 0, noise.length, Math.floor(fs.statSync(file).size / 2))
  fs.closeSync(fd)
}

/**
 * Noise over a middle page of one table (found through dbstat), for damage that a command reading that table
 * meets — wherever the file's layout puts it.
 */
export function damageTable(file: string, table: string): void {
  const db = new Database(file, { readonly: true })
  let offset: number
  try {
    const pages = db.prepare(`SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno`).all(table) as {
      pageno: number
    }[]
    if (pages.length === 0) throw new Error(`no pages of ${table}`)
    const pageSize = db.pragma('page_size', { simple: true }) as number
    offset = (pages[Math.floor(pages.length / 2)]!.pageno - 1) * pageSize
  } finally {
    db.close()
  }
  const noise = Buffer.alloc(3000)
  for (let i = 0, x = 7; i < noise.length; i++) noise[i] = x = (x * 1103515245 + 12345) >>> 16
  const fd = fs.openSync(file, 'r+')
  fs.writeSync(fd, noise, 0, noise.length, offset)
  fs.closeSync(fd)
}
