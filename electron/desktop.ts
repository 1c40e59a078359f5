/**
 * The desktop app's life: one instance, the database opened from the user-data folder (or --db /
 * ZHUANBAN_DB), the contract on IPC, the menu, the window, and a clean quit that checkpoints the WAL.
 */
import fs from 'node:fs'
import path from 'node:path'
import { app, dialog, ipcMain, Menu, session, shell, type BrowserWindow } from 'electron'
import type { AppOptions, SqliteApp } from '../src/main/app'
import { AppError } from '../src/shared/errors'
import { IPC, type AppCommand } from '../src/shared/bridge'
import { DATA_FOLDER_NAME, DATABASE_FILE_NAME, resolveDatabasePath } from '../src/main/paths'
import { Senders, registerContractHandlers } from './ipc'
import { backupDirOf, ensureDailyBackup } from '../src/main/backup/backups'
import { warmFirstScreen } from '../src/main/warm'
import { startDigestSchedule } from '../src/main/reminders/schedule'
import { registerNotifyHandler } from './notify'
import { damagedMessage, openAtStart, restoreAtStart } from '../src/main/backup/startup'
import { buildMenuTemplate } from './menu'
import { registerPrintHandlers } from './print'
import { registerBackupFolderHandler } from './backup-folder'
import { registerScheme, serveRenderer } from './protocol'
import { APP_ORIGIN, hardenSession } from './security'
import { createMainWindow } from './window'
import {
  CONNECTION_FILE_NAME,
  allowedIn,
  certificateListener,
  offlinePage,
  readConnection,
  registerConnectionHandlers,
} from './connection'

export interface Desktop {
  main?: SqliteApp
  window?: BrowserWindow
}

/**
 * Opens the database with its integrity checked. A damaged one is not opened: the office is told so and
 * offered the newest good backup. Returns undefined when there is nothing to open (the app then quits).
 */
async function openDatabase(databasePath: string, options: AppOptions): Promise<SqliteApp | undefined> {
  try {
    const start = openAtStart(databasePath, options)
    if (start.ok) return start.app
    if (!start.damaged || !start.backup) {
      const text = start.damaged
        ? damagedMessage(databasePath, start)
        : `${start.error.message}\n\n数据库文件：${databasePath}`
      dialog.showErrorBox('专班无法打开数据库', text)
      return undefined
    }
    const { response } = await dialog.showMessageBox({
      type: 'error',
      title: '数据库已损坏',
      message: '专班的数据库文件已损坏，为保护数据没有打开它。',
      detail: damagedMessage(databasePath, start),
      buttons: ['从最近的完好备份恢复', '退出'],
      defaultId: 0,
      cancelId: 1,
      noLink: true,
    })
    if (response !== 0) return undefined
    return await restoreAtStart(databasePath, start.backup, options)
  } catch (error) {
    const message = error instanceof AppError ? error.message : String(error)
    dialog.showErrorBox('专班无法打开数据库', `${message}\n\n数据库文件：${databasePath}`)
    return undefined
  }
}

export function runDesktop(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): Desktop {
  const desktop: Desktop = {}
  let stopDigest: (() => void) | null = null
  // An ASCII folder (not the product name 专班) that IT staff can find and script: %APPDATA%\zhuanban.
  app.setPath('userData', path.join(app.getPath('appData'), DATA_FOLDER_NAME))

  if (!app.requestSingleInstanceLock()) {
    // Another 专班 is open on this database: bring that one forward instead of opening a second.
    app.quit()
    return desktop
  }
  app.on('second-instance', () => {
    if (!desktop.window) return
    if (desktop.window.isMinimized()) desktop.window.restore()
    desktop.window.focus()
  })

  app.enableSandbox()
  registerScheme()

  const databasePath = resolveDatabasePath(argv, env, path.join(app.getPath('userData'), DATABASE_FILE_NAME))
  const connectionFile = path.join(app.getPath('userData'), CONNECTION_FILE_NAME)
  // --db / ZHUANBAN_DB name a file: this start is on that file whatever was chosen (an IT person's check).
  const connection =
    argv.includes('--db') || env.ZHUANBAN_DB ? ({ mode: 'local' } as const) : readConnection(connectionFile)

  app.whenReady().then(
    async () => {
      // Chromium creates its profile folder lazily; the database must not wait for that.
      fs.mkdirSync(app.getPath('userData'), { recursive: true })
      hardenSession(session.defaultSession)
      serveRenderer(path.join(__dirname, '../dist/renderer'))
      const senders = new Senders()
      const preloadPath = path.join(__dirname, 'preload.cjs')
      let offline: string | null = null
      registerConnectionHandlers(ipcMain, {
        file: connectionFile,
        current: () => connection,
        offline: () => offline,
        window: () => desktop.window,
        relaunch: () => {
          app.relaunch()
          app.quit()
        },
      })
      const stateFile = path.join(app.getPath('userData'), 'window-state.json')
      const send = (command: AppCommand) => desktop.window?.webContents.send(IPC.command, command)
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          buildMenuTemplate({
            send,
            showDataFolder: () => shell.showItemInFolder(connection.mode === 'local' ? databasePath : connectionFile),
            showConnection: () => void desktop.window?.loadURL(`${APP_ORIGIN}/index.html#/connection`),
            quit: () => app.quit(),
            isDev: !app.isPackaged,
          }),
        ),
      )

      if (connection.mode === 'server') {
        // 县服务器: the window shows the server's pages; no database here. A certificate the system does not trust
        // is taken only when it is the pinned one (connection.ts); an unreachable server shows 连接方式, retrying.
        app.on('certificate-error', certificateListener(connection))
        desktop.window = createMainWindow({
          preloadPath,
          stateFile,
          url: `${connection.url}/`,
          allowed: allowedIn(connection),
        })
        const window = desktop.window
        window.webContents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
          if (!isMainFrame || url.startsWith(APP_ORIGIN)) return
          offline = `无法打开县服务器 ${connection.url}（${description || code}）`
          void window.loadURL(offlinePage())
        })
        window.webContents.on('did-navigate', (_event, url) => {
          if (!url.startsWith(APP_ORIGIN)) offline = null
        })
        senders.trust(window.webContents, 'window')
        return
      }

      // npm start's own native build for Electron (scripts/start.ts); a packaged app loads only its own.
      const nativeBinding = app.isPackaged ? undefined : env.ZHUANBAN_NATIVE_BINDING || undefined
      desktop.main = await openDatabase(databasePath, { nativeBinding })
      if (!desktop.main) {
        app.quit()
        return
      }
      const main = desktop.main
      // A backup a day, at start (failures are reported, not fatal: the office can still work).
      void ensureDailyBackup(
        main.deps.store.file.handle,
        backupDirOf(main.deps.store.file.handle, main.deps.databasePath),
      ).catch((e: Error) => dialog.showErrorBox('自动备份未完成', `${e.message}`))
      registerContractHandlers(ipcMain, (name, input, from) => main.invoke(name, input, from), senders)
      registerPrintHandlers(ipcMain, preloadPath, senders, () => desktop.window)
      registerNotifyHandler(ipcMain, senders, () => desktop.window)
      registerBackupFolderHandler(
        ipcMain,
        senders,
        () => desktop.window,
        () => desktop.main,
      )
      desktop.window = createMainWindow({ preloadPath, stateFile, url: `${APP_ORIGIN}/index.html` })
      senders.trust(desktop.window.webContents, 'window')
      // Live updates: the window hears each committed change (src/main/store/changes.ts).
      const window = desktop.window
      const stopHearing = main.deps.store.changes.subscribe((change) => window.webContents.send(IPC.changes, change))
      window.once('closed', stopHearing)
      // 总览's figures, once the window has loaded: computed while the office logs in (src/main/warm.ts).
      desktop.window.webContents.once('did-finish-load', () => void warmFirstScreen(main))
      // The daily digest to the office's group robot, when it is turned on (设置 → 催报与推送).
      stopDigest = startDigestSchedule(main.deps, (message) => console.log(message))
    },
    (error: unknown) => {
      dialog.showErrorBox('专班启动失败', String(error))
      app.quit()
    },
  )

  app.on('window-all-closed', () => app.quit())

  // Close the database (WAL folded back into the file) before the process ends.
  let closed = false
  app.on('will-quit', (event) => {
    if (closed || !desktop.main) return
    event.preventDefault()
    stopDigest?.()
    void desktop.main
      .close()
      .then((outcome) => {
        // Disk full at the last save: the changes are safe in the -wal file, which must not be deleted.
        if (outcome.walKept) dialog.showErrorBox('专班已退出，但最后一次保存未完成', outcome.message ?? '')
      })
      .finally(() => {
        closed = true
        app.quit()
      })
  })

  return desktop
}
