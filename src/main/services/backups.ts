/** 数据备份: list and make backups of the open database (into the folder beside it). */
import type { Deps } from '../context'
import type { HandlerMap } from '../handler-types'
import { createBackup, defaultBackupDir, listBackups, pruneBackups } from '../backup/backups'

export function backupHandlers(deps: Deps) {
  const dir = () => defaultBackupDir(deps.databasePath)
  return {
    'backup.list': async () => listBackups(dir()),
    'backup.create': async () => {
      const made = await createBackup(deps.sqlite, dir(), 'manual', deps.clock())
      pruneBackups(dir())
      return made
    },
  } satisfies HandlerMap
}
