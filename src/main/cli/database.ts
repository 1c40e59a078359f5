/**
 * How the command line opens a database: only `serve`, `demo`, `import` and `restore` may create one (a
 * path that does not exist); the others need the file and say so when it is missing, instead of making an
 * empty database and reporting on that. A damaged file is explained with its newest good backup and the
 * command that restores it — the same as `serve` says at start.
 */
import fs from 'node:fs'
import path from 'node:path'
import { openApp, type App, type AppOptions } from '../app'
import { AppError } from '../../shared/errors'
import { damagedMessage, failedStart, type StartOutcome } from '../backup/startup'
import { runIntegrityCheck } from '../db/integrity'

type Failed = Extract<StartOutcome, { ok: false }>

/** The damaged message, plus the command that restores the backup found. */
export function damagedWithHint(file: string, failed: Failed): string {
  const resolved = path.resolve(file)
  const message = damagedMessage(resolved, failed)
  if (!failed.backup) return message
  return `${message}\n恢复方法：npm run cli -- restore --db "${resolved}" "${failed.backup.path}"`
}

/** A damaged database's error with the newest good backup named; any other error as it is. */
export function explainOpenError(file: string, error: unknown): unknown {
  if (!(error instanceof AppError)) return error
  const failed = failedStart(path.resolve(file), error)
  return failed.damaged ? new AppError(error.code, damagedWithHint(file, failed)) : error
}

/** Opens `file` for a command. `create`: a missing file becomes a new database; otherwise it is an error. */
export function openForCommand(file: string, options: AppOptions & { create?: boolean } = {}): App {
  const { create, ...open } = options
  if (!create && !options.inMemoryCopy && !fs.existsSync(file))
    throw new AppError('NOT_FOUND', `找不到数据库文件：${path.resolve(file)}。请检查路径和文件名`)
  try {
    return openApp(file, open)
  } catch (error) {
    throw explainOpenError(file, error)
  }
}

/**
 * `check`: the full integrity check and the references between records. A damaged file (the check finds
 * problems, or SQLite cannot even finish it) is reported in Chinese with the newest good backup; SQLite's
 * own lines follow only as a details line for the technician. Returns the exit code.
 */
export async function checkDatabase(file: string, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const app = openForCommand(file)
  let integrity: ReturnType<typeof runIntegrityCheck>
  let links = 0
  try {
    integrity = runIntegrityCheck(app.deps.sqlite, 'integrity_check')
    if (integrity.ok) links = (app.deps.sqlite.pragma('foreign_key_check') as unknown[]).length
  } finally {
    await app.close()
  }
  if (!integrity.ok) {
    const error = new AppError('DB_DAMAGED', `数据库文件（${path.resolve(file)}）已损坏：${integrity.summary}`)
    err(damagedWithHint(file, failedStart(path.resolve(file), error)))
    err(`技术细节（供技术人员参考）：${integrity.details.slice(0, 5).join(' | ')}`)
    return 1
  }
  if (links > 0) {
    err(`数据库有问题：${links}处记录引用了不存在的记录（关联错误）。请先备份（backup），再联系技术人员`)
    return 1
  }
  out('数据库完整性检查通过')
  return 0
}
