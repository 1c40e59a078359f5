/**
 * Electron's main process: one secure window and the contract over IPC. Kept thin — all logic is in
 * src/main. (The desktop-shell issue completes this file: menu, window state, single instance, tests.)
 */
import path from 'node:path'
import { app, BrowserWindow, ipcMain } from 'electron'
import { openApp, type App } from '../src/main/app'

let main: App | undefined
let window: BrowserWindow | undefined

// An ASCII folder name (not the product name 专班) so IT staff can find and script it: %APPDATA%\zhuanban.
app.setPath('userData', path.join(app.getPath('appData'), 'zhuanban'))

function databasePath(): string {
  return process.env.ZHUANBAN_DB ?? path.join(app.getPath('userData'), 'zhuanban.db')
}

async function start() {
  main = openApp(databasePath())
  ipcMain.handle('zhuanban:invoke', async (event, name: unknown, input: unknown) => {
    // Only our own window may call the contract.
    if (!window || event.sender !== window.webContents)
      return { ok: false, error: { code: 'INTERNAL', message: '拒绝来自未知窗口的请求' } }
    return main!.invoke(String(name), input)
  })
  window = new BrowserWindow({
    width: 1366,
    height: 800,
    show: false,
    title: '专班',
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  window.once('ready-to-show', () => window?.show())
  await window.loadFile(path.join(__dirname, '../dist/renderer/index.html'))
}

app.whenReady().then(start, (error: unknown) => {
  console.error(error)
  app.quit()
})

app.on('window-all-closed', () => app.quit())
app.on('will-quit', () => {
  void main?.close()
})
