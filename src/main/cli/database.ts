/**
 * How the command line opens a database: only `serve`, `demo`, `import` and `restore` may create one (a
 * path that does not exist); the others need the file and say so when it is missing, instead of making an
 * empty database and reporting on that. Every command checks an existing file first (quick_check, through a
 * look that changes nothing): a damaged file is explained with its newest good backup and the command that
 * restores it — the same as `serve` says at start — and is not changed, its -wal included.
 */
import fs from 'node:fs'
import path from 'node:path'
import { openApp, openAppAt, type App, type SqliteApp, type AppOptions } from '../app'
import { isServerUrl } from '../store/open'
import { AppError } from '../../shared/errors'
import { damagedMessage, failedStart, type StartOutcome } from '../backup/startup'
import { runIntegrityCheck } from '../db/integrity'
import { LATEST_SCHEMA_VERSION } from '../db/migrations'
import { openToLook, readHeader } from '../db/open'

type Failed = Extract<StartOutcome, { ok: false }>

/** The damaged message, plus the command that restores the backup found. */
export function damagedWithHint(file: string, failed: Failed): string {
  const resolved = path.resolve(file)
  const message = damagedMessage(resolved, failed)
  if (!failed.backup) return message
  return `${message}\n恢复方法：npm run cli -- restore --db "${resolved}" "${failed.backup.path}"`
}

/** Why the database did not open, with the newest good backup for a damaged one (its -wal kept: failedStart). */
function explainFailure(file: string, error: AppError): Failed {
  return failedStart(path.resolve(file), error)
}

/**
 * A damaged database's error with the newest good backup named and (`checkHint`) `check` for the details;
 * any other error as it is.
 */
export function explainOpenError(file: string, error: unknown, checkHint = true): unknown {
  if (!(error instanceof AppError)) return error
  const failed = explainFailure(file, error)
  if (!failed.damaged) return error
  const check = checkHint ? `\n详细检查：npm run cli -- check --db "${path.resolve(file)}"` : ''
  return new AppError(error.code, `${damagedWithHint(file, failed)}${check}`)
}

/**
 * An error SQLite raised while a command was reading a database that opened (damage the checks at opening
 * did not reach): for a file that is ours, the damaged message with the newest good backup, as at opening.
 */
export function explainReadError(file: string, error: AppError): AppError {
  if (error.code !== 'DB_NOT_DATABASE' || !fs.existsSync(file) || !readHeader(file).ours) return error
  const damaged = new AppError('DB_DAMAGED', `数据库文件（${path.resolve(file)}）已损坏，读取数据时出错`)
  return explainOpenError(file, damaged) as AppError
}

/**
 * Opens `file` for a command, its integrity checked first. `create`: a missing file becomes a new database;
 * otherwise it is an error.
 */
export function openForCommand(file: string, options: AppOptions & { create?: boolean } = {}): SqliteApp {
  const { create, ...open } = options
  if (!create && !options.inMemoryCopy && !fs.existsSync(file))
    throw new AppError('NOT_FOUND', `找不到数据库文件：${path.resolve(file)}。请检查路径和文件名`)
  try {
    return openApp(file, { checkIntegrity: true, ...open })
  } catch (error) {
    throw explainOpenError(file, error)
  }
}

/**
 * Opens `target` for a command: a county server's PostgreSQL database (a postgres:// URL; its schema brought up
 * to date, as `serve` does) or a file (openForCommand, its integrity checked first). Without `create`, an empty
 * server database is refused as a missing file is (NOT_FOUND), not given 专班's tables.
 */
export async function openTarget(target: string, options: AppOptions & { create?: boolean } = {}): Promise<App> {
  return isServerUrl(target) ? openAppAt(target, { create: options.create ?? false }) : openForCommand(target, options)
}

/**
 * `check`: the full integrity check and the references between records, read-only: the file is neither
 * upgraded nor changed, a damaged one's -wal included. A damaged file (the check finds problems, or SQLite
 * cannot even finish it) is reported in Chinese with the newest good backup; SQLite's own lines follow only
 * as a details line for the technician. Returns the exit code.
 */
export async function checkDatabase(file: string, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let look
  try {
    look = openToLook(file)
  } catch (error) {
    throw explainOpenError(file, error, false)
  }
  let integrity: ReturnType<typeof runIntegrityCheck>
  let links = 0
  let version = 0
  try {
    integrity = runIntegrityCheck(look, 'integrity_check')
    if (integrity.ok) {
      links = (look.pragma('foreign_key_check') as unknown[]).length
      try {
        version = (look.prepare('SELECT max(id) AS v FROM migrations').get() as { v: number | null }).v ?? 0
      } catch {
        // no migrations table yet: a database from before the first upgrade step
      }
    }
    if (!integrity.ok) {
      // Explained while the look still holds the file: the search for a backup reads it too.
      const error = new AppError('DB_DAMAGED', `数据库文件（${path.resolve(file)}）已损坏：${integrity.summary}`)
      err(damagedWithHint(file, failedStart(path.resolve(file), error)))
      err(`技术细节（供技术人员参考）：${integrity.details.slice(0, 5).join(' | ')}`)
      return 1
    }
  } finally {
    look.close()
  }
  if (version > LATEST_SCHEMA_VERSION)
    throw new AppError(
      'DB_TOO_NEW',
      `该数据库由更新版本的专班创建（数据结构版本 ${version}，本程序只支持到 ${LATEST_SCHEMA_VERSION}）。请升级专班后再检查`,
    )
  if (links > 0) {
    err(`数据库有问题：${links}处记录引用了不存在的记录（关联错误）。请先备份（backup），再联系技术人员`)
    return 1
  }
  out('数据库完整性检查通过')
  return 0
}

/** The real path of a file, or of its folder joined with its name when the file is not there (yet). */
function realPath(file: string): string {
  const resolved = path.resolve(file)
  let real: string
  try {
    real = fs.realpathSync.native(resolved)
  } catch {
    try {
      real = path.join(fs.realpathSync.native(path.dirname(resolved)), path.basename(resolved))
    } catch {
      real = resolved
    }
  }
  // Windows (and macOS by default) do not tell file names apart by case.
  return process.platform === 'win32' || process.platform === 'darwin' ? real.toLowerCase() : real
}

/**
 * Whether writing `target` would write over the database `databaseFile` or the -wal, -shm or -journal beside
 * it: the same path once links are resolved, or the same file under another name (a hard link).
 */
export function isDatabaseFile(target: string, databaseFile: string): boolean {
  const stat = (file: string) => {
    try {
      return fs.statSync(file)
    } catch {
      return null
    }
  }
  const wanted = realPath(target)
  const targetStat = stat(target)
  // SQLite puts the -wal beside the file a link points to.
  const bases = [databaseFile, realPath(databaseFile)]
  return ['', '-wal', '-shm', '-journal'].some((suffix) =>
    bases.some((base) => {
      const file = base + suffix
      if (realPath(file) === wanted) return true
      const s = stat(file)
      return !!s && !!targetStat && s.isFile() && s.dev === targetStat.dev && s.ino === targetStat.ino
    }),
  )
}
