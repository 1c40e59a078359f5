/**
 * 备份位置 on the desktop: the folder is chosen in the system's own folder dialog and kept by the main side.
 * The page only asks for the dialog; it never hands the host a path (see setBackupFolder).
 */
import { dialog, type BrowserWindow, type IpcMain } from 'electron'
import { IPC, type Outcome } from '../src/shared/bridge'
import type { BackupListing } from '../src/shared/domain'
import { toErrorBody, type SqliteApp } from '../src/main/app'
import { setBackupFolder } from '../src/main/services/backups'
import { backupDirOf } from '../src/main/backup/backups'
import { fromWindow, type Senders } from './ipc'

export function registerBackupFolderHandler(
  ipcMain: IpcMain,
  senders: Senders,
  parent: () => BrowserWindow | undefined,
  main: () => SqliteApp | undefined,
): void {
  ipcMain.handle(IPC.chooseBackupFolder, async (event): Promise<Outcome<BackupListing | null>> => {
    const app = main()
    if (!fromWindow(senders, event) || !app)
      return { ok: false, error: { code: 'UNAUTHORIZED', message: '拒绝来自未知页面的请求' } }
    // The backup folder is the 系统管理员's: the same access check as the backup calls, before any dialog.
    const allowed = await app.invoke('backup.list', {}, senders.fromOf(event))
    if (!allowed.ok) return allowed
    const options = {
      title: '选择备份文件夹',
      buttonLabel: '用作备份文件夹',
      defaultPath: backupDirOf(app.deps.store.file.handle, app.deps.databasePath),
      properties: ['openDirectory', 'createDirectory', 'promptToCreate'] as (
        'openDirectory' | 'createDirectory' | 'promptToCreate'
      )[],
    }
    const owner = parent()
    const choice = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options)
    const folder = choice.filePaths[0]
    if (choice.canceled || !folder) return { ok: true, result: null }
    try {
      return { ok: true, result: await setBackupFolder(app.deps, folder) }
    } catch (error) {
      return { ok: false, error: toErrorBody(error) }
    }
  })
}
