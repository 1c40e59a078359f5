/**
 * The one Electron mock (vitest aliases 'electron' to this file): enough of Electron's API to run the shell's
 * code under Node and record what it asked for. `electronMock.reset()` between tests.
 */
import { EventEmitter } from 'node:events'
import { vi } from 'vitest'

type Listener = (...args: unknown[]) => unknown

export class MockWebContents extends EventEmitter {
  static nextId = 1
  id = MockWebContents.nextId++
  windowOpenHandler?: (details: { url: string }) => { action: string }
  sent: [string, ...unknown[]][] = []
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push([channel, ...args])
  }
  /** What the page answers to executeJavaScript (the print-ready wait), settable per test. */
  static scriptResult: unknown = { ready: true }
  executeJavaScript = vi.fn(async (_code: string) => MockWebContents.scriptResult)
  static printOutcome: [boolean, string] = [true, '']
  print = vi.fn((_options: unknown, callback: (success: boolean, reason: string) => void) =>
    callback(...MockWebContents.printOutcome),
  )
  static pdfError: Error | null = null
  printToPDF = vi.fn(async (_options: unknown) => {
    if (MockWebContents.pdfError) throw MockWebContents.pdfError
    return Buffer.from('%PDF-1.7 mock')
  })
  /** Emits like Electron does: an event object first, with preventDefault recorded. */
  fire(name: string, ...args: unknown[]): { defaultPrevented: boolean } {
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true
      },
    }
    this.emit(name, event, ...args)
    return event
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = []
  options: Record<string, unknown>
  webContents = new MockWebContents()
  loadedUrl = ''
  shown = false
  maximized = false
  constructor(options: Record<string, unknown>) {
    super()
    this.options = options
    BrowserWindow.instances.push(this)
  }
  destroyed = false
  static loadError: Error | null = null
  loadURL(url: string) {
    this.loadedUrl = url
    return BrowserWindow.loadError ? Promise.reject(BrowserWindow.loadError) : Promise.resolve()
  }
  destroy() {
    this.destroyed = true
  }
  show() {
    this.shown = true
  }
  maximize() {
    this.maximized = true
  }
  isMaximized() {
    return this.maximized
  }
  isMinimized() {
    return false
  }
  restore() {}
  focus() {}
  isDestroyed() {
    return this.destroyed
  }
  getNormalBounds() {
    return { x: 10, y: 20, width: 1400, height: 900 }
  }
}

const appEmitter = new EventEmitter()
let readyResolve: () => void = () => {}

export const app = {
  isPackaged: false,
  singleInstance: true,
  paths: {} as Record<string, string>,
  on: vi.fn((name: string, listener: Listener) => appEmitter.on(name, listener)),
  emit: (name: string, ...args: unknown[]) => appEmitter.emit(name, ...args),
  quit: vi.fn(),
  exit: vi.fn(),
  relaunch: vi.fn(),
  enableSandbox: vi.fn(),
  requestSingleInstanceLock: vi.fn(() => app.singleInstance),
  getPath: vi.fn((name: string) => app.paths[name] ?? `/tmp/electron-mock/${name}`),
  setPath: vi.fn((name: string, value: string) => {
    app.paths[name] = value
  }),
  whenReady: vi.fn(() => new Promise<void>((resolve) => (readyResolve = resolve))),
  /** Test helper: let whenReady() resolve. */
  ready: () => readyResolve(),
}

const handlers = new Map<string, Listener>()
export const ipcMain = {
  handle: vi.fn((channel: string, listener: Listener) => handlers.set(channel, listener)),
  handlers,
}

const rendererListeners = new EventEmitter()
export const ipcRenderer = {
  invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, result: null })),
  on: vi.fn((channel: string, listener: Listener) => rendererListeners.on(channel, listener)),
  removeListener: vi.fn((channel: string, listener: Listener) => rendererListeners.removeListener(channel, listener)),
  emitFromMain: (channel: string, ...args: unknown[]) => rendererListeners.emit(channel, {}, ...args),
  listenerCount: (channel: string) => rendererListeners.listenerCount(channel),
}

export const contextBridge = { exposeInMainWorld: vi.fn() }

export const shell = { openExternal: vi.fn(async () => {}), showItemInFolder: vi.fn() }

export const dialog = {
  showErrorBox: vi.fn(),
  saveResult: { canceled: false, filePath: '' } as { canceled: boolean; filePath?: string },
  showSaveDialog: vi.fn(async (..._args: unknown[]) => dialog.saveResult),
  messageBoxResult: { response: 0 },
  showMessageBox: vi.fn(async (..._args: unknown[]) => dialog.messageBoxResult),
}

export const screen = {
  getAllDisplays: vi.fn(() => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }]),
}

export const Menu = {
  template: null as unknown,
  buildFromTemplate: vi.fn((template: unknown) => {
    Menu.template = template
    return { template }
  }),
  setApplicationMenu: vi.fn(),
}

export const protocol = {
  registerSchemesAsPrivileged: vi.fn(),
  handle: vi.fn(),
}

/** Notifications shown (test helper: `Notification.shown`); `supported` as the system says. */
export class Notification extends EventEmitter {
  static shown: Notification[] = []
  static supported = true
  static isSupported = vi.fn(() => Notification.supported)
  constructor(public options: { title: string; body: string }) {
    super()
  }
  show = vi.fn(() => Notification.shown.push(this))
}

export const net = { fetch: vi.fn(async (url: string) => new Response(`fetched ${url}`)) }

function mockSession() {
  return {
    headersListener: undefined as undefined | Listener,
    permissionHandler: undefined as undefined | Listener,
    permissionCheck: undefined as undefined | Listener,
    webRequest: {
      onHeadersReceived: vi.fn((listener: Listener) => {
        session.defaultSession.headersListener = listener
      }),
    },
    setPermissionRequestHandler: vi.fn((listener: Listener) => {
      session.defaultSession.permissionHandler = listener
    }),
    setPermissionCheckHandler: vi.fn((listener: Listener) => {
      session.defaultSession.permissionCheck = listener
    }),
  }
}
export const session = { defaultSession: mockSession() }

export const electronMock = {
  reset() {
    vi.clearAllMocks()
    appEmitter.removeAllListeners()
    rendererListeners.removeAllListeners()
    handlers.clear()
    BrowserWindow.instances = []
    BrowserWindow.loadError = null
    MockWebContents.scriptResult = { ready: true }
    MockWebContents.printOutcome = [true, '']
    MockWebContents.pdfError = null
    dialog.saveResult = { canceled: false, filePath: '' }
    dialog.messageBoxResult = { response: 0 }
    app.singleInstance = true
    app.isPackaged = false
    app.paths = {}
    Menu.template = null
    session.defaultSession = mockSession()
    Notification.shown = []
    Notification.supported = true
  },
}

export default {
  app,
  BrowserWindow,
  ipcMain,
  ipcRenderer,
  contextBridge,
  shell,
  dialog,
  screen,
  Menu,
  protocol,
  net,
  session,
  Notification,
}
