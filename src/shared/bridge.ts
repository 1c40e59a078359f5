/** What the preload puts on `window.zhuanban`: the raw transport, answering with an Outcome, never throwing. */
import type { BackupListing } from './domain'
import type { ApiErrorBody } from './errors'
import type { DataChange } from './changes'
import type { ConnectionBridge } from './connection'

export type Outcome<T> = { ok: true; result: T } | { ok: false; error: ApiErrorBody }

/** What a page hears of the data while it is open (live updates, src/main/store/changes.ts). */
export type LiveListener = (change: DataChange) => void

export interface Bridge {
  invoke(name: string, input: unknown): Promise<Outcome<unknown>>
  /**
   * Listens to the changes committed by anyone (a page reloads what it shows); returns the way to stop. Heard
   * again by itself after a lost connection, with a change naming no project if some were missed meanwhile.
   * Absent: a transport without live updates (a page then shows what it last read). `onConnection` hears when
   * the way to the main side is lost and found again (HTTP: the county server or browser mode's process).
   */
  subscribe?(listener: LiveListener, onConnection?: (connected: boolean) => void): () => void
}

/** Browser mode: the header that carries the launch's token on every API request. */
export const TOKEN_HEADER = 'x-zhuanban-token'

/** Events the main process sends to the renderer (menu commands). */
export const APP_COMMANDS = ['print', 'export', 'backup', 'about', 'todos'] as const
export type AppCommand = (typeof APP_COMMANDS)[number]

/** What the preload exposes on `window.zhuanban` in the desktop app. */
export interface DesktopBridge extends Bridge {
  /** Subscribes to menu commands; returns the unsubscribe function. */
  onCommand(listener: (command: AppCommand) => void): () => void
  /** Prints a print view (its route, e.g. "#/print/ledger") through the system print dialog. */
  print(route: string): Promise<Outcome<null>>
  /** Saves a print view as PDF where the user chooses; the path, or null when cancelled. */
  exportPdf(route: string, fileName: string): Promise<Outcome<string | null>>
  /**
   * Lets the user choose the backup folder in the system's folder dialog; the main side keeps the path (the
   * page never names one). The new listing, or null when the dialog was cancelled.
   */
  chooseBackupFolder(): Promise<Outcome<BackupListing | null>>
  /** 连接方式 (本机数据 or 县服务器), for the app's own 连接方式 screen. */
  connection: ConnectionBridge
  /** Shows a system notification (the day's 待办); false where the system has none. A click opens 待办. */
  notify(title: string, body: string): Promise<Outcome<boolean>>
}

/** The IPC channel names, shared by main and preload so they cannot drift apart. */
export const IPC = {
  invoke: 'zhuanban:invoke',
  changes: 'zhuanban:changes',
  command: 'zhuanban:command',
  print: 'zhuanban:print',
  exportPdf: 'zhuanban:export-pdf',
  chooseBackupFolder: 'zhuanban:choose-backup-folder',
  connectionGet: 'zhuanban:connection-get',
  connectionTest: 'zhuanban:connection-test',
  connectionSave: 'zhuanban:connection-save',
  connectionRetry: 'zhuanban:connection-retry',
  notify: 'zhuanban:notify',
} as const

/**
 * Only print views may be printed or exported — the four of src/renderer/router.ts, with their query — and
 * nothing else of the app (an unknown "#/print/…" would land on 总览 and never become ready).
 */
export function isPrintRoute(route: unknown): route is string {
  return (
    typeof route === 'string' &&
    /^#\/print\/(ledger|problems|ranking\/\d{4}-\d{2}|project\/\d+)(\?[\w=&%.-]*)?$/.test(route)
  )
}
