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
import { runIntegrityCheck } from './integrity'
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
  /** Dry runs: work on a private in-memory copy; the file is only read, and a missing one is not created. */
  inMemoryCopy?: boolean
}

/** What the first 100 bytes say: a SQLite file at all, whether it carries this product's id, and how big the file is. */
export function readHeader(file: string): { sqlite: boolean; ours: boolean; applicationId: number; size: number } {
  const header = Buffer.alloc(100)
  let fd: number | undefined
  let size = 0
  try {
    fd = fs.openSync(file, 'r')
    size = fs.fstatSync(fd).size
    if (fs.readSync(fd, header, 0, 100, 0) < 100) return { sqlite: false, ours: false, applicationId: 0, size }
  } catch {
    return { sqlite: false, ours: false, applicationId: 0, size }
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
  const sqlite = header.subarray(0, 16).toString('latin1') === 'SQLite format 3\0'
  const applicationId = sqlite ? header.readUInt32BE(68) : 0
  return { sqlite, ours: applicationId === APPLICATION_ID, applicationId, size }
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

/** better-sqlite3's connection with the product's timeout and native build. */
function connect(source: string | Buffer, options: OpenOptions, mustExist = false): SqliteDb {
  return new BetterSqlite3(source, {
    timeout: options.busyTimeoutMs ?? 5000,
    nativeBinding: options.nativeBinding,
    fileMustExist: mustExist,
  })
}

const folderError = (file: string) =>
  new AppError('DB_UNREADABLE', `${file} 是一个文件夹，不是数据库文件。请指定一个文件`)

/** The folder must exist and be writable, and the path must not be a folder (said before SQLite's "cannot open"). */
function checkLocation(file: string): void {
  const dir = path.dirname(path.resolve(file))
  if (!fs.existsSync(dir))
    throw new AppError('DB_UNREADABLE', `数据库所在的文件夹不存在：${dir}。请先创建该文件夹或换一个位置`)
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw folderError(file)
  checkWritable(file, dir)
}

const emptyFile = (file: string, size: number) =>
  new AppError(
    'DB_DAMAGED',
    `数据库文件（${file}）是空的${size === 0 ? '（0 字节）' : ''}，没有任何数据，不是完整的专班数据库：可能在复制或保存时中断了。请从备份恢复，或检查是否选错了文件`,
  )
const foreignFile = (file: string) =>
  new AppError('DB_NOT_DATABASE', `文件（${file}）不是专班的数据库。请选择专班保存的数据库文件`)

/**
 * An existing file must prove itself this product's database. Only a path that does not exist is new: a file
 * that is there but empty (0 bytes, or a SQLite file with nothing in it) is a database that lost its content —
 * a copy or save cut short — and is damaged, never taken as new (which would write an empty ledger over it).
 */
function checkOurs(db: SqliteDb, file: string): void {
  // The first read is where "not a database" surfaces.
  const appId = db.pragma('application_id', { simple: true }) as number
  if (appId === APPLICATION_ID) return
  const objects = (db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number }).n
  if (appId === 0 && objects === 0) throw emptyFile(file, fs.statSync(file).size)
  throw foreignFile(file)
}

/**
 * A connection that only looks at an existing file and leaves it as it was. A read-write connection folds a
 * -wal into the file when it closes (and deletes it), and rolls a -journal back: with either beside the file,
 * the look is read-only (SQLite may make a -shm for it; the file and the -wal stay byte for byte). Without
 * them there is nothing to fold in, and a plain connection changes nothing and removes on closing the
 * -wal/-shm it made, where a read-only one would leave them behind.
 */
function connectToLook(file: string, options: OpenOptions): SqliteDb {
  const pending = ['-wal', '-journal'].some((suffix) => fs.existsSync(file + suffix))
  return new BetterSqlite3(file, {
    readonly: pending,
    fileMustExist: true,
    timeout: options.busyTimeoutMs ?? 5000,
    nativeBinding: options.nativeBinding,
  })
}

/**
 * Opens an existing file to read it without changing it, once it has proved itself this product's database:
 * decided from its first 100 bytes where they tell (not SQLite at all, empty, another program's id), and only
 * where they cannot (a SQLite file without an application id: another program's, an empty one, or ours with
 * its first page still in the -wal) by asking SQLite through a look that changes nothing. Nothing is migrated
 * or configured: `check`, the start-up's integrity check and dry runs read through it. The caller closes it.
 */
export function openToLook(file: string, options: OpenOptions = {}): SqliteDb {
  if (!fs.existsSync(file))
    throw new AppError('NOT_FOUND', `找不到数据库文件：${path.resolve(file)}。请检查路径和文件名`)
  if (fs.statSync(file).isDirectory()) throw folderError(file)
  const header = readHeader(file)
  if (header.size === 0) throw emptyFile(file, 0)
  if (!header.sqlite)
    throw new AppError(
      'DB_NOT_DATABASE',
      `文件（${file}）不是有效的专班数据库，或已损坏。请选择正确的文件，或从备份恢复`,
    )
  if (!header.ours && header.applicationId !== 0) throw foreignFile(file)
  let db: SqliteDb | undefined
  try {
    db = connectToLook(file, options)
    if (!header.ours) checkOurs(db, file)
    return db
  } catch (error) {
    db?.close()
    throw translateSqliteError(error, file) ?? error
  }
}

/**
 * Runs `fn` while a read-only connection holds `file`, when a -wal lies beside it: SQLite then neither folds
 * that -wal into the file nor deletes it when some other connection to it closes (for one that reads a
 * damaged file to find where its backups are). The read-only connection itself can do neither.
 */
export function keepingWal<T>(file: string, fn: () => T, options: OpenOptions = {}): T {
  if (!fs.existsSync(`${file}-wal`)) return fn()
  let guard: SqliteDb | undefined
  try {
    guard = new BetterSqlite3(file, { readonly: true, fileMustExist: true, nativeBinding: options.nativeBinding })
    // In WAL mode a connection holds its shared lock on the file from its first read until it closes.
    guard.pragma('schema_version')
  } catch {
    // unreadable: nothing else can read it either
  }
  try {
    return fn()
  } finally {
    guard?.close()
  }
}

/** The product's settings on an open connection, then every migration (a backup first, for a real file with data). */
function configure(db: SqliteDb, file: string | null): void {
  if (file) db.pragma('journal_mode = WAL')
  // FULL: a committed write survives a power cut, not just a crash. Writes here are few and small.
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  if (db.pragma('application_id', { simple: true }) === 0) db.pragma(`application_id = ${APPLICATION_ID}`)
  migrate(db, {
    // Before an upgrade touches a database with data, a full copy (VACUUM INTO: consistent, synchronous).
    beforeMigrating: (from) => {
      if (!file) return
      try {
        createBackupSync(db, backupDirOf(db, file), 'pre-migration')
      } catch (error) {
        const reason = error instanceof AppError ? error.message : String(error)
        throw new AppError(
          'DB_MIGRATION',
          `升级数据库（版本 ${from}）前的备份未能完成，数据库未升级、未被修改：${reason}`,
        )
      }
    },
  })
}

/** Removes a file with the -wal and -shm SQLite may have left beside it. */
function removeWithSideFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
}

/**
 * A new database is built complete under a temporary name and only then put at its path, so that a file at
 * the path is always a whole database: a crash or a full disk while creating leaves no half-made file there
 * (which the next start would have to call damaged).
 */
function createDatabase(file: string, options: OpenOptions): void {
  const temp = `${file}.creating-${process.pid}`
  removeWithSideFiles(temp)
  try {
    const db = connect(temp, options)
    try {
      configure(db, temp)
    } finally {
      db.close() // folds the WAL into the file and removes it
    }
    try {
      fs.linkSync(temp, file) // fails if the path was taken meanwhile, never overwrites
    } catch (error) {
      // EEXIST: another program created it at the same moment, and that one is used. Otherwise the folder has
      // no hard links (FAT, some network drives): a plain rename.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' && !fs.existsSync(file)) fs.renameSync(temp, file)
    }
  } finally {
    removeWithSideFiles(temp)
  }
}

/**
 * A private in-memory copy of the open file (dry runs): what the file holds, WAL included, read through
 * SQLite. The copy's header is switched out of WAL mode, which an in-memory database cannot use.
 */
function copyToMemory(db: SqliteDb, options: OpenOptions): SqliteDb {
  const image = db.serialize()
  image[18] = 1
  image[19] = 1
  return connect(image, options)
}

/**
 * Opens (or, for a path that does not exist, creates) the product's database. `inMemoryCopy` opens a private
 * copy in memory instead, for dry runs: the file is read once, nothing on disk is created or changed.
 */
export function openSqlite(file: string, options: OpenOptions = {}): SqliteDb {
  const memory = file === ':memory:'
  if (!memory) checkLocation(file)
  let db: SqliteDb | undefined
  try {
    if (memory || (options.inMemoryCopy && !fs.existsSync(file))) {
      db = connect(':memory:', options)
      configure(db, null)
      return db
    }
    if (!fs.existsSync(file)) createDatabase(file, options)
    else if (!readHeader(file).ours || options.checkIntegrity || options.inMemoryCopy) {
      // Not opened for writing before it is known to be ours and whole: the checks look without changing it.
      const look = openToLook(file, options)
      try {
        if (options.checkIntegrity) {
          const check = runIntegrityCheck(look, 'quick_check')
          if (!check.ok) throw new AppError('DB_DAMAGED', `数据库文件（${file}）已损坏：${check.summary}`)
        }
        if (options.inMemoryCopy) {
          db = copyToMemory(look, options)
          configure(db, null)
          return db
        }
      } finally {
        look.close()
      }
    }
    db = connect(file, options, true)
    checkOurs(db, file)
    configure(db, file)
    return db
  } catch (error) {
    db?.close()
    const known = translateSqliteError(error, file)
    // Ours by its header but unreadable inside: damaged, not foreign (the start-up offers a backup then).
    if (known?.code === 'DB_NOT_DATABASE' && !memory && readHeader(file).ours)
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
