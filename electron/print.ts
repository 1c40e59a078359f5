/**
 * Printing from the desktop: a print view is loaded in a hidden window (same locked-down preferences), we
 * wait until its data and fonts are in, then open the system print dialog or write a PDF. The hidden window
 * is destroyed afterwards whatever happens.
 */
import fs from 'node:fs/promises'
import { BrowserWindow, dialog, type IpcMain } from 'electron'
import { IPC, isPrintRoute, type Outcome } from '../src/shared/bridge'
import { APP_ORIGIN, hardenWebContents } from './security'
import { WEB_PREFERENCES } from './window'
import { fromWindow, type Senders } from './ipc'

/** How long a print view may take to load its data and fonts. */
export const READY_TIMEOUT_MS = 30_000

const fail = (message: string): { ok: false; error: { code: 'INTERNAL' | 'INVALID_INPUT'; message: string } } => ({
  ok: false,
  error: { code: 'INTERNAL', message },
})

/**
 * Runs `use` on a hidden window showing `route` once its data is in. The window's page may call the contract
 * (read-only, role 'print') while it lives: the print view loads its data like any screen does.
 */
export async function withPrintWindow<T>(
  preloadPath: string,
  route: string,
  senders: Senders,
  use: (win: BrowserWindow) => Promise<T>,
): Promise<T> {
  const win = new BrowserWindow({
    show: false,
    width: 1123,
    height: 794,
    webPreferences: { ...WEB_PREFERENCES, preload: preloadPath },
  })
  try {
    senders.trust(win.webContents, 'print')
    hardenWebContents(win.webContents)
    await win.loadURL(`${APP_ORIGIN}/index.html${route}`)
    // The print view marks itself ready once its data is rendered and document.fonts is ready.
    const ready = await win.webContents.executeJavaScript(
      `new Promise((resolve) => { const t0 = Date.now(); (function poll() {
         if (document.body.dataset.printReady === '1') resolve(true)
         else if (Date.now() - t0 > ${READY_TIMEOUT_MS}) resolve(false)
         else setTimeout(poll, 50) })() })`,
    )
    if (!ready) throw new Error('打印内容准备超时，请稍后重试')
    return await use(win)
  } finally {
    senders.forget(win.webContents.id)
    win.destroy()
  }
}

export function registerPrintHandlers(
  ipcMain: IpcMain,
  preloadPath: string,
  senders: Senders,
  parent: () => BrowserWindow | undefined,
): void {
  ipcMain.handle(IPC.print, async (event, route: unknown): Promise<Outcome<null>> => {
    if (!fromWindow(senders, event))
      return { ok: false, error: { code: 'UNAUTHORIZED', message: '拒绝来自未知页面的请求' } }
    if (!isPrintRoute(route)) return { ok: false, error: { code: 'INVALID_INPUT', message: '只能打印打印视图' } }
    try {
      await withPrintWindow(
        preloadPath,
        route,
        senders,
        (win) =>
          new Promise<void>((resolve, reject) => {
            win.webContents.print({ silent: false, printBackground: true }, (success, reason) => {
              // Cancelling the dialog is not an error.
              if (success || reason === 'cancelled') resolve()
              else reject(new Error(reason))
            })
          }),
      )
      return { ok: true, result: null }
    } catch (error) {
      return fail(`打印失败：${(error as Error).message}。请检查打印机后重试`)
    }
  })

  ipcMain.handle(IPC.exportPdf, async (event, route: unknown, fileName: unknown): Promise<Outcome<string | null>> => {
    if (!fromWindow(senders, event))
      return { ok: false, error: { code: 'UNAUTHORIZED', message: '拒绝来自未知页面的请求' } }
    if (!isPrintRoute(route)) return { ok: false, error: { code: 'INVALID_INPUT', message: '只能导出打印视图' } }
    const name = typeof fileName === 'string' && /^[^\\/:*?"<>|]{1,120}\.pdf$/.test(fileName) ? fileName : '专班.pdf'
    const owner = parent()
    const options = { title: '导出PDF', defaultPath: name, filters: [{ name: 'PDF 文件', extensions: ['pdf'] }] }
    const choice = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options)
    if (choice.canceled || !choice.filePath) return { ok: true, result: null }
    try {
      const pdf = await withPrintWindow(preloadPath, route, senders, (win) =>
        win.webContents.printToPDF({ preferCSSPageSize: true, printBackground: true }),
      )
      await fs.writeFile(choice.filePath, pdf)
      return { ok: true, result: choice.filePath }
    } catch (error) {
      return fail(`导出PDF失败：${(error as Error).message}。请确认文件未被占用、磁盘有空间后重试`)
    }
  })
}
