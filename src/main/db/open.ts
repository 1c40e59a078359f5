/**
 * Opens the SQLite file the way the product needs it: WAL, foreign keys, a busy timeout, full sync, this
 * product's application id, and every migration applied. Every failure becomes a Chinese AppError.
 */
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely'
import { AppError } from '../../shared/errors'
import { backupDirOf, createBackupSync } from '../backup/backups'
import { migrate } from './migrate'
import type { Database } from './schema'

export type SqliteDb = BetterSqlite3.Database

/** "ZBAN" — marks a file as this product's database (PRAGMA application_id). */
export const APPLICATION_ID = 0x5a42414e

export interface OpenOptions {
  /** How long a write waits for another program's lock before giving up. */
  busyTimeoutMs?: number
  /** Where better-sqlite3's native build lives when it is not the default (the Electron build). */
  nativeBinding?: string
  /** Run PRAGMA quick_check before anything else (at start of the desktop app and `serve`). */
  checkIntegrity?: boolean
}

/** What the first 100 bytes say: a SQLite file at all, and whether it carries this product's id. */
export function readHeader(file: string): { sqlite: boolean; ours: boolean } {
  const header = Buffer.alloc(100)
  let fd: number | undefined
  try {
    fd = fs.openSync(file, 'r')
    if (fs.readSync(fd, header, 0, 100, 0) < 100) return { sqlite: false, ours: false }
  } catch {
    return { sqlite: false, ours: false }
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
  const sqlite = header.subarray(0, 16).toString('latin1') === 'SQLite format 3\0'
  return { sqlite, ours: sqlite && header.readUInt32BE(68) === APPLICATION_ID }
}

/** A folder where SQLite cannot create its -wal and -shm files (checked before SQLite says "cannot open"). */
function checkWritable(file: string, dir: string): void {
  const readonly = (p: string) => {
    try {
      fs.accessSync(p, fs.constants.W_OK)
      return false
    } catch {
      return true
    }
  }
  if (readonly(dir))
    throw new AppError(
      'DB_READONLY',
      `数据库所在的文件夹（${dir}）是只读的，专班无法在其中保存数据。请把数据库放到可写的文件夹，或请技术人员开放写入权限`,
    )
  if (fs.existsSync(file) && readonly(file))
    throw new AppError(
      'DB_READONLY',
      `数据库文件（${file}）是只读的，无法保存修改。请在文件属性中取消“只读”，或请技术人员开放写入权限`,
    )
}

/** Maps SQLite's error codes to what an office user can act on. */
export function translateSqliteError(error: unknown, file?: string): AppError | null {
  if (error instanceof AppError) return error
  const code = (error as { code?: unknown })?.code
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null
  const where = file ? `（${file}）` : ''
  if (code === 'SQLITE_CONSTRAINT_TRIGGER') return new AppError('RULE', `${(error as Error).message}，操作未执行`)
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
    return new AppError('NOT_FOUND', '引用的记录不存在或仍被其他记录使用，操作未执行。请刷新后重试')
  if (code.startsWith('SQLITE_CONSTRAINT'))
    return new AppError('RULE', '数据不符合规则（重复或超出范围），操作未执行。请检查输入后重试')
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new AppError('DB_LOCKED', `数据库${where}正被另一个程序使用（可能已打开另一个专班窗口），请关闭后重试`)
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT'))
    return new AppError('DB_NOT_DATABASE', `文件${where}不是有效的专班数据库，或已损坏。请选择正确的文件，或从备份恢复`)
  if (code.startsWith('SQLITE_READONLY'))
    return new AppError('DB_READONLY', `数据库${where}是只读的，无法保存修改。请检查文件和所在文件夹的写入权限`)
  if (code === 'SQLITE_FULL') return new AppError('DB_FULL', `磁盘空间已满，修改未保存。请清理磁盘空间后重试`)
  if (
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_IOERR') ||
    code === 'SQLITE_PERM' ||
    code === 'SQLITE_AUTH'
  )
    return new AppError('DB_UNREADABLE', `无法读写数据库文件${where}。请检查路径是否存在、文件是否被占用以及访问权限`)
  return null
}

export function openSqlite(file: string, options: OpenOptions = {}): SqliteDb {
  const dir = path.dirname(path.resolve(file))
  if (file !== ':memory:' && !fs.existsSync(dir))
    throw new AppError('DB_UNREADABLE', `数据库所在的文件夹不存在：${dir}。请先创建该文件夹或换一个位置`)
  if (file !== ':memory:' && fs.existsSync(file) && fs.statSync(file).isDirectory())
    throw new AppError('DB_UNREADABLE', `${file} 是一个文件夹，不是数据库文件。请指定一个文件`)
  if (file !== ':memory:') checkWritable(file, dir)
  let db: SqliteDb | undefined
  try {
    db = new BetterSqlite3(file, { timeout: options.busyTimeoutMs ?? 5000, nativeBinding: options.nativeBinding })
    // The first read is where "not a database" surfaces.
    const appId = db.pragma('application_id', { simple: true }) as number
    const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number }
    if (appId !== APPLICATION_ID && (appId !== 0 || tables.n > 0))
      throw new AppError('DB_NOT_DATABASE', `文件（${file}）不是专班的数据库。请选择专班保存的数据库文件`)
    if (options.checkIntegrity && file !== ':memory:') {
      const check = db.pragma('quick_check', { simple: true })
      if (check !== 'ok')
        throw new AppError('DB_DAMAGED', `数据库文件（${file}）已损坏（完整性检查未通过：${String(check)}）`)
    }
    if (file !== ':memory:') db.pragma('journal_mode = WAL')
    // FULL: a committed write survives a power cut, not just a crash. Writes here are few and small.
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    const opened = db
    migrate(db, {
      // Before an upgrade touches a database with data, a full copy (VACUUM INTO: consistent, synchronous).
      beforeMigrating: (from) => {
        if (file === ':memory:') return
        try {
          createBackupSync(opened, backupDirOf(opened, file), 'pre-migration')
        } catch (error) {
          const reason = error instanceof AppError ? error.message : String(error)
          throw new AppError(
            'DB_MIGRATION',
            `升级数据库（版本 ${from}）前的备份未能完成，数据库未升级、未被修改：${reason}`,
          )
        }
      },
    })
    if (appId === 0) db.pragma(`application_id = ${APPLICATION_ID}`)
    return db
  } catch (error) {
    db?.close()
    const known = translateSqliteError(error, file)
    // Ours by its header but unreadable inside: damaged, not foreign (the start-up offers a backup then).
    if (known?.code === 'DB_NOT_DATABASE' && file !== ':memory:' && readHeader(file).ours)
      throw new AppError('DB_DAMAGED', `数据库文件（${file}）已损坏，无法读取`)
    throw known ?? error
  }
}

export function createKysely(sqlite: SqliteDb): Kysely<Database> {
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
}

/**
 * Kysely prepares every query afresh, and SQLite's planner weighs every index again each time: a quarter of
 * a 10,000-row ledger import went into `prepare`. Statements are kept by their SQL text (Kysely passes values
 * as parameters, so one query shape is one text), the most recently used `size` of them. Safe because
 * better-sqlite3 runs a statement to its end before returning, and SQLite re-plans a kept statement by
 * itself when the schema changes.
 */
export function withStatementCache(sqlite: SqliteDb, size = 500): SqliteDatabase {
  const statements = new Map<string, ReturnType<SqliteDb['prepare']>>()
  return {
    prepare(sql: string) {
      let statement = statements.get(sql)
      if (statement)
        statements.delete(sql) // re-inserted below: the Map's order is the order of last use
      else {
        statement = sqlite.prepare(sql)
        if (statements.size >= size) statements.delete(statements.keys().next().value!)
      }
      statements.set(sql, statement)
      return statement
    },
    close() {
      statements.clear()
      sqlite.close()
    },
  }
}
