/** The one narrow bridge the renderer gets: invoke a contract call, hear changes and menu commands. Nothing else. */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { APP_COMMANDS, IPC, type AppCommand, type DesktopBridge, type Outcome } from '../src/shared/bridge'
import type { BackupListing } from '../src/shared/domain'
import { isDataChange, type DataChange } from '../src/shared/changes'
import type { Connection } from '../src/shared/connection'

/** The page's location (a preload runs in the page; Node's types do not name it). */
declare const location: { protocol: string } | undefined

const bridge = {
  invoke: (name: string, input: unknown) => ipcRenderer.invoke(IPC.invoke, name, input) as Promise<Outcome<unknown>>,
  print: (route: string) => ipcRenderer.invoke(IPC.print, route) as Promise<Outcome<null>>,
  exportPdf: (route: string, fileName: string) =>
    ipcRenderer.invoke(IPC.exportPdf, route, fileName) as Promise<Outcome<string | null>>,
  chooseBackupFolder: () => ipcRenderer.invoke(IPC.chooseBackupFolder) as Promise<Outcome<BackupListing | null>>,
  notify: (title: string, body: string) => ipcRenderer.invoke(IPC.notify, title, body) as Promise<Outcome<boolean>>,
  subscribe(listener: (change: DataChange) => void) {
    const handler = (_event: IpcRendererEvent, change: unknown) => {
      if (isDataChange(change)) listener(change)
    }
    ipcRenderer.on(IPC.changes, handler)
    return () => {
      ipcRenderer.removeListener(IPC.changes, handler)
    }
  },
  onCommand(listener: (command: AppCommand) => void) {
    const handler = (_event: IpcRendererEvent, command: unknown) => {
      if ((APP_COMMANDS as readonly unknown[]).includes(command)) listener(command as AppCommand)
    }
    ipcRenderer.on(IPC.command, handler)
    return () => {
      ipcRenderer.removeListener(IPC.command, handler)
    }
  },
  connection: {
    get: () => ipcRenderer.invoke(IPC.connectionGet),
    test: (address: string, fingerprint: string | null) => ipcRenderer.invoke(IPC.connectionTest, address, fingerprint),
    save: (connection: Connection) => ipcRenderer.invoke(IPC.connectionSave, connection),
    retry: () => ipcRenderer.invoke(IPC.connectionRetry),
  },
} satisfies DesktopBridge

// Only the app's own pages get the bridge: in 县服务器 mode the window shows the server's pages, which talk to
// their server over HTTPS like any browser page and reach nothing of this computer.
if (typeof location !== 'undefined' && location.protocol === 'app:') contextBridge.exposeInMainWorld('zhuanban', bridge)
