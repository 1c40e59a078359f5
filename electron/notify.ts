/**
 * The desktop's system notification of the day's 待办: the app's window asks (once a day, stores/todos.ts); a
 * click brings the window forward on 待办. Only the app's own window may ask, with short plain text.
 */
import { Notification, type BrowserWindow, type IpcMain } from 'electron'
import { IPC, type Outcome } from '../src/shared/bridge'
import { fromWindow, type Senders } from './ipc'

export function registerNotifyHandler(
  ipcMain: IpcMain,
  senders: Senders,
  window: () => BrowserWindow | undefined,
): void {
  ipcMain.handle(IPC.notify, (event, title: unknown, body: unknown): Outcome<boolean> => {
    if (!fromWindow(senders, event))
      return { ok: false, error: { code: 'UNAUTHORIZED', message: '拒绝来自未知页面的请求' } }
    if (typeof title !== 'string' || typeof body !== 'string' || title.length > 60 || body.length > 300)
      return { ok: false, error: { code: 'INVALID_INPUT', message: '提醒的标题或内容不正确' } }
    // Some Linux desktops have no notification service: the 待办 count in the title bar still says it.
    if (!Notification.isSupported()) return { ok: true, result: false }
    const notification = new Notification({ title, body })
    notification.on('click', () => {
      const win = window()
      if (!win || win.isDestroyed()) return
      if (win.isMinimized()) win.restore()
      win.show()
      win.focus()
      win.webContents.send(IPC.command, 'todos')
    })
    notification.show()
    return { ok: true, result: true }
  })
}
