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
import type { SessionSlot } from '../src/main/auth/sessions'

/** A failure whose message is for the office as it is (what happened, what to do). */
class ShownError extends Error {}

const failure = (what: string, error: unknown) =>
  fail(error instanceof ShownError ? error.message : `${what}失败：${(error as Error).message}，请重试`)

/** A file system error while writing the PDF, said in Chinese with what to do. */
export function writeFailure(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return '所选文件夹不存在，请重新选择保存位置'
    case 'EISDIR':
      return '所选位置是一个文件夹，请输入文件名'
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return '没有在该位置写入文件的权限，请换一个文件夹（如“文档”或桌面）'
    case 'EBUSY':
      return '同名文件正被其他程序打开（如 PDF 阅读器），请关闭它或换一个文件名'
    case 'ENOSPC':
      return '磁盘空间不足，请清理磁盘或换一个位置'
    default:
      return `无法写入文件（${(error as Error).message}），请换一个位置或文件名后重试`
  }
}

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
  /** The session of the window that asked to print: the print view reads as that account. */
  slot: SessionSlot,
  use: (win: BrowserWindow) => Promise<T>,
): Promise<T> {
  const win = new BrowserWindow({
    show: false,
    width: 1123,
    height: 794,
    webPreferences: { ...WEB_PREFERENCES, preload: preloadPath },
  })
  try {
    senders.trust(win.webContents, 'print', slot)
    hardenWebContents(win.webContents)
    await win.loadURL(`${APP_ORIGIN}/index.html${route}`)
    // The print view marks itself ready once its data is rendered and document.fonts is ready, or says why it
    // could not load its data (a project deleted meanwhile …): that is reported, never printed.
    const state = (await win.webContents.executeJavaScript(
      `new Promise((resolve) => { const t0 = Date.now(); (function poll() {
         const body = document.body.dataset
         if (body.printReady === '1') resolve(body.printError ? { error: body.printError } : { ready: true })
         else if (Date.now() - t0 > ${READY_TIMEOUT_MS}) resolve({ timeout: true })
         else setTimeout(poll, 50) })() })`,
    )) as { ready?: true; error?: string; timeout?: true }
    if (state.error) throw new ShownError(`无法打印：${state.error}`)
    if (!state.ready) throw new ShownError('打印内容准备超时（30 秒内未能载入），请稍后重试')
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
        senders.slotOf(event)!,
        (win) =>
          new Promise<void>((resolve, reject) => {
            win.webContents.print({ silent: false, printBackground: true }, (success, reason) => {
              // Cancelling the dialog is not an error.
              if (success || reason === 'cancelled') resolve()
              else reject(new ShownError(`打印失败（打印机返回：${reason}）。请检查打印机是否已连接、是否有纸后重试`))
            })
          }),
      )
      return { ok: true, result: null }
    } catch (error) {
      return failure('打印', error)
    }
  })

  ipcMain.handle(IPC.exportPdf, async (event, route: unknown, fileName: unknown): Promise<Outcome<string | null>> => {
    if (!fromWindow(senders, event))
      return { ok: false, error: { code: 'UNAUTHORIZED', message: '拒绝来自未知页面的请求' } }
    if (!isPrintRoute(route)) return { ok: false, error: { code: 'INVALID_INPUT', message: '只能导出打印视图' } }
    // A name the save dialog may propose: no path, no characters Windows refuses, no control characters.
    const safe =
      typeof fileName === 'string' &&
      /^[^\\/:*?"<>|]{1,120}\.pdf$/.test(fileName) &&
      [...fileName].every((c) => c >= ' ')
    const name = safe ? fileName : '专班.pdf'
    const owner = parent()
    const options = { title: '导出PDF', defaultPath: name, filters: [{ name: 'PDF 文件', extensions: ['pdf'] }] }
    const choice = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options)
    if (choice.canceled || !choice.filePath) return { ok: true, result: null }
    let pdf: Buffer
    try {
      pdf = await withPrintWindow(preloadPath, route, senders, senders.slotOf(event)!, (win) =>
        win.webContents.printToPDF({ preferCSSPageSize: true, printBackground: true }),
      )
    } catch (error) {
      return failure('导出PDF', error)
    }
    try {
      await fs.writeFile(choice.filePath, pdf)
    } catch (error) {
      return fail(`导出PDF失败：${writeFailure(error)}`)
    }
    return { ok: true, result: choice.filePath }
  })
}
