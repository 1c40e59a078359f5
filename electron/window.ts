/** The one application window: locked-down preferences, hardened contents, remembered bounds. */
import path from 'node:path'
import { BrowserWindow, screen } from 'electron'
import { hardenWebContents } from './security'
import { MIN_SIZE, loadWindowState, saveWindowState } from './window-state'

export interface WindowOptions {
  preloadPath: string
  stateFile: string
  url: string
  /** Where the window may navigate (default: the app's own pages). */
  allowed?: (url: string) => boolean
}

export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const state = loadWindowState(
    options.stateFile,
    screen.getAllDisplays().map((d) => d.workArea),
  )
  const win = new BrowserWindow({
    ...state,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: '专班',
    backgroundColor: '#ffffff',
    icon: path.join(__dirname, '../build/icon.png'),
    webPreferences: { ...WEB_PREFERENCES, preload: options.preloadPath },
  })
  hardenWebContents(win.webContents, options.allowed)
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize()
    win.show()
  })
  win.on('close', () => {
    const bounds = win.getNormalBounds()
    saveWindowState(options.stateFile, { ...bounds, maximized: win.isMaximized() })
  })
  void win.loadURL(options.url)
  return win
}
