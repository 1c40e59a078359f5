/** 数据备份: list and make backups of the open database, restore one, choose the backup folder. */
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { AppError } from '../../shared/errors'
import type { BackupListing } from '../../shared/domain'
import { audit } from '../audit'
import { writeTx, type Deps } from '../context'
import type { HandlerMap } from '../handler-types'
import {
  BACKUP_DIR_KEY,
  backupDirOf,
  createBackup,
  defaultBackupDir,
  listBackups,
  pruneBackups,
} from '../backup/backups'
import { checkBackupFile, copyBackupOver } from '../backup/restore'

/** A folder the office may choose: absolute, creatable, writable (proved by writing a file into it). */
function checkFolder(folder: string): string {
  if (!path.isAbsolute(folder))
    throw new AppError('INVALID_INPUT', `「备份文件夹」应为完整路径（如 D:\\专班备份），不能是相对路径`)
  const probe = path.join(folder, `.zhuanban-write-test-${process.pid}`)
  try {
    fs.mkdirSync(folder, { recursive: true })
    fs.writeFileSync(probe, 'ok')
    fs.rmSync(probe)
  } catch {
    throw new AppError('DB_READONLY', `无法在「${folder}」中写入文件，备份位置未修改。请检查该文件夹是否存在且可写`)
  }
  return path.resolve(folder)
}

export function backupHandlers(deps: Deps) {
  const dir = () => backupDirOf(deps.sqlite, deps.databasePath)
  const listing = (): BackupListing => ({
    folder: dir(),
    isDefault: dir() === defaultBackupDir(deps.databasePath),
    backups: listBackups(dir()),
  })
  return {
    'backup.list': async () => listing(),

    'backup.create': async () => {
      const made = await createBackup(deps.sqlite, dir(), 'manual', deps.clock())
      pruneBackups(dir())
      return made
    },

    'backup.restore': async ({ name }) => {
      if (deps.databasePath === ':memory:') throw new AppError('RULE', '内存数据库没有备份可恢复')
      const chosen = listBackups(dir()).find((b) => b.name === name)
      if (!chosen) throw new AppError('NOT_FOUND', `备份「${name}」不在备份文件夹中，请刷新备份列表后重试`)
      checkBackupFile(chosen.path)
      // Kept first: if anything below fails, this is what is put back, and after success it is the undo.
      const kept = await createBackup(deps.sqlite, dir(), 'pre-restore', deps.clock())
      try {
        await deps.swap(() => copyBackupOver(deps.databasePath, chosen.path))
      } catch (error) {
        await deps.swap(() => copyBackupOver(deps.databasePath, kept.path))
        throw error
      }
      await writeTx(deps, (w) =>
        audit(w, {
          entity: 'database',
          entityId: 0,
          projectId: null,
          action: 'restore',
          note: `从备份「${chosen.name}」恢复；恢复前的数据已备份为「${kept.name}」`,
        }),
      )
      return { restored: chosen, kept }
    },

    'backup.setFolder': async ({ folder }) => {
      const next = folder ? checkFolder(folder) : ''
      const before = dir()
      await writeTx(deps, async (w) => {
        if (next) {
          const value = JSON.stringify(next)
          await w.db
            .insertInto('settings')
            .values({ key: BACKUP_DIR_KEY, value })
            .onConflict((oc) => oc.column('key').doUpdateSet({ value, version: sql`version + 1` }))
            .execute()
        } else await w.db.deleteFrom('settings').where('key', '=', BACKUP_DIR_KEY).execute()
        const after = next || defaultBackupDir(deps.databasePath)
        if (after !== before)
          await audit(w, {
            entity: 'setting',
            entityId: 0,
            projectId: null,
            action: 'backup_dir',
            changes: [{ field: 'backupDir', old: before, new: after }],
          })
      })
      return listing()
    },
  } satisfies HandlerMap
}
