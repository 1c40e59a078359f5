/**
 * A faithful stand-in of the Electron APIs the shell (electron/) uses, for one Electron *process*: each
 * BrowserWindow is a real Chromium page (playwright-core, Debian's Chromium), the real preload runs in it
 * before the page's own scripts, `ipcRenderer.invoke` reaches the real `ipcMain` handlers with the sender's
 * own `webContents` and frame URL, the registered `app://` handler serves every request of the page, and
 * `print` / `printToPDF` produce real PDF output. Electron itself cannot be downloaded on these machines.
 *
 * Modelled as Electron does it (the code depends on these):
 * - one id per webContents, never reused; `event.sender` is the calling window's webContents, `event.senderFrame.url`
 *   the calling frame's URL (the app:// form); `invoke` rejects with "Error invoking remote method …" when a
 *   handler throws and "No handler registered for …" when there is none;
 * - `will-navigate` for navigations the page starts (links, location changes, form posts) and not for
 *   `loadURL`; a prevented one loads nothing; in-page (hash) navigations emit nothing;
 * - `setWindowOpenHandler`: window.open / target=_blank ask the handler; a denied window loads nothing and is
 *   closed; a window the app did not create never reaches the network or the app:// handler;
 * - the session's `onHeadersReceived` rewrites every response's headers (so the CSP is enforced by Chromium),
 *   `setPermissionRequestHandler` / `setPermissionCheckHandler` answer the page's notification, geolocation,
 *   camera/microphone requests and permission queries (no handler: granted, as in Electron);
 * - the app's life: `whenReady` after the main script ran, schemes registered only before ready,
 *   `requestSingleInstanceLock` per user-data folder across the processes of one machine (`second-instance`
 *   to the holder), `quit` as before-quit → windows closed → will-quit (preventable) → quit; `window-all-closed`
 *   only when the windows close by themselves;
 * - menu accelerators: a key the page does not handle (no preventDefault) triggers the menu item's click.
 *
 * Not modelled (write a test against the real Electron before relying on these):
 * - context isolation: the preload runs in the page's main world (in a closure: the page cannot reach its
 *   `require` or `ipcRenderer`, but could reach the binding it uses); the sandbox and Node-less renderer are
 *   Chromium's own here only in that the page has no Node at all;
 * - the app:// scheme travels inside Chromium as http://zhuanban.app.localhost/… (custom schemes cannot be
 *   routed by the DevTools protocol); URLs are translated at every boundary, so the code and the page see
 *   app://, but `location.protocol` inside the page says http:;
 * - the system print dialog (`print` answers as if the user pressed 打印, or `printDialog = 'cancel'`), native
 *   dialogs (answered from `dialog.answers`), menus' roles (undo, zoom …), redirects, window geometry,
 *   several displays, GPU, crashes of the renderer, `will-redirect`, webviews (the preferences test covers them).
 */
import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page, Request, Route } from 'playwright-core'

type Handler = (event: unknown, ...args: unknown[]) => unknown

/** An Electron event: an object first, with preventDefault. */
export function electronEvent<T extends object>(extra: T = {} as T) {
  return Object.assign(
    {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true
      },
    },
    extra,
  )
}

/** What the machine keeps across processes: who holds the single-instance lock of each user-data folder. */
export interface Machine {
  locks: Map<string, StandInElectron>
}

export function newMachine(): Machine {
  return { locks: new Map() }
}

export interface StandInOptions {
  /** The default session: every window of this process is a page of it. */
  context: BrowserContext
  machine: Machine
  /** The %APPDATA% of this machine. */
  appData: string
  isPackaged?: boolean
  argv: string[]
  version?: string
}

let nextContentsId = 1
let nextWindowId = 1

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
}

/** The stand-in of one Electron process. `module` is what `require('electron')` returns in it. */
export class StandInElectron {
  readonly context: BrowserContext
  readonly machine: Machine
  readonly windows = new Set<StandInBrowserWindow>()
  readonly privileged = new Map<string, Record<string, boolean>>()
  readonly protocolHandlers = new Map<string, (request: globalThis.Request) => Response | Promise<Response>>()
  readonly ipcHandlers = new Map<string, Handler>()
  /** Every PDF that went to the "printer" (webContents.print), in order. */
  readonly printed: Buffer[] = []
  /** How the next system print dialog is answered. */
  printDialog: 'print' | 'cancel' = 'print'
  /** Native dialogs shown, and the answers queued for them. */
  readonly shownDialogs: { kind: string; options: unknown }[] = []
  readonly answers = { save: [] as unknown[], open: [] as unknown[], messageBox: [] as unknown[] }
  readonly opened: { kind: 'external' | 'folder'; target: string }[] = []
  readonly deniedWindows: string[] = []
  /** The first address each window the app did not create tried to load. */
  readonly strayRequests = new WeakMap<Page, string>()
  readonly strayUrls: string[] = []
  applicationMenu: { items: MenuItem[] } | null = null
  readonly app: StandInApp
  readonly ipcMain: EventEmitter & Record<string, unknown>
  readonly session: StandInSession
  private readonly exitedPromise: Promise<number>
  private resolveExit!: (code: number) => void
  exited = false

  constructor(readonly options: StandInOptions) {
    this.context = options.context
    this.machine = options.machine
    this.app = new StandInApp(this)
    this.session = new StandInSession()
    this.exitedPromise = new Promise((resolve) => (this.resolveExit = resolve))
    const ipcMain = new EventEmitter() as EventEmitter & Record<string, unknown>
    Object.assign(ipcMain, {
      handle: (channel: string, handler: Handler) => {
        if (this.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
        this.ipcHandlers.set(channel, handler)
      },
      handleOnce: (channel: string, handler: Handler) =>
        this.ipcHandlers.set(channel, (event, ...args) => {
          this.ipcHandlers.delete(channel)
          return handler(event, ...args)
        }),
      removeHandler: (channel: string) => this.ipcHandlers.delete(channel),
    })
    this.ipcMain = ipcMain
  }

  /** Resolves with the exit code once the process has quit. */
  whenExited(): Promise<number> {
    return this.exitedPromise
  }

  /** What `require('electron')` gives the main process: these APIs, and a clear error for any other. */
  get module(): Record<string, unknown> {
    const electron = {
      app: this.app,
      BrowserWindow: this.windowClass(),
      ipcMain: this.ipcMain,
      dialog: this.dialog(),
      Menu: {
        buildFromTemplate: (template: MenuItem[]) => ({ items: template }),
        setApplicationMenu: (menu: { items: MenuItem[] } | null) => (this.applicationMenu = menu),
        getApplicationMenu: () => this.applicationMenu,
      },
      session: { defaultSession: this.session },
      shell: {
        openExternal: async (url: string) => void this.opened.push({ kind: 'external', target: url }),
        showItemInFolder: (file: string) => void this.opened.push({ kind: 'folder', target: file }),
        openPath: async (file: string) => (this.opened.push({ kind: 'folder', target: file }), ''),
      },
      screen: {
        getAllDisplays: () => [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
        getPrimaryDisplay: () => ({ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }),
      },
      protocol: {
        registerSchemesAsPrivileged: (schemes: { scheme: string; privileges: Record<string, boolean> }[]) => {
          if (this.app.isReady())
            throw new Error('protocol.registerSchemesAsPrivileged must be called before app is ready')
          for (const s of schemes) this.privileged.set(s.scheme, s.privileges)
        },
        handle: (scheme: string, handler: (request: globalThis.Request) => Response | Promise<Response>) => {
          if (!this.app.isReady()) throw new Error('protocol.handle must be called after app is ready')
          this.protocolHandlers.set(scheme, handler)
        },
        unhandle: (scheme: string) => this.protocolHandlers.delete(scheme),
        isProtocolHandled: (scheme: string) => this.protocolHandlers.has(scheme),
      },
      net: { fetch: (url: string) => this.netFetch(url) },
    }
    return new Proxy(electron, {
      get(target, key) {
        if (typeof key === 'string' && !(key in target) && key !== 'then' && key !== '__esModule' && key !== 'default')
          throw new Error(`Electron stand-in: electron.${key} is not modelled (tests/desktop/stand-in/electron.ts)`)
        return key === 'default' ? target : (target as Record<string | symbol, unknown>)[key]
      },
    })
  }

  // ----- URLs: app://zhuanban/… inside Chromium as http://zhuanban.app.localhost/…

  toChromium(url: string): string {
    const m = /^([a-z][\w+.-]*):\/\/([^/?#]*)(.*)$/i.exec(url)
    if (!m || !this.privileged.has(m[1]!)) return url
    return `http://${m[2]}.${m[1]}.localhost${m[3] || '/'}`
  }

  fromChromium(url: string): string {
    const m = /^http:\/\/([^/.]+)\.([a-z][\w+.-]*)\.localhost(?::\d+)?(\/[^]*)?$/i.exec(url)
    if (!m || !this.privileged.has(m[2]!)) return url
    return `${m[2]}://${m[1]}${m[3] ?? '/'}`
  }

  contentsOf(page: Page): StandInWebContents | undefined {
    for (const w of this.windows) if (w.webContents.pageIfReady === page) return w.webContents
    return undefined
  }

  /** Electron's net.fetch, for file: URLs (what the app uses it for); no network in the stand-in. */
  private async netFetch(url: string): Promise<Response> {
    if (!url.startsWith('file:')) throw new Error(`net::ERR_INTERNET_DISCONNECTED (stand-in: no network for ${url})`)
    const file = fileURLToPath(url)
    let body: Buffer
    try {
      body = fs.readFileSync(file)
    } catch {
      throw new Error('net::ERR_FILE_NOT_FOUND')
    }
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: { 'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream' },
    })
  }

  /** Every request of every page of this process: the app's scheme through its handler, nothing else. */
  async route(route: Route, request: Request): Promise<void> {
    let page: Page
    try {
      page = request.frame().page()
    } catch {
      // The first navigation of a popup comes before its page exists: it is not one of the app's windows.
      this.strayUrls.push(this.fromChromium(request.url()))
      return route.abort('blockedbyclient')
    }
    const contents = this.contentsOf(page)
    // A window the app did not create (window.open before its handler answered) loads nothing.
    if (!contents) {
      if (!this.strayRequests.has(page)) this.strayRequests.set(page, this.fromChromium(request.url()))
      return route.abort('blockedbyclient')
    }
    const url = this.fromChromium(request.url())
    if (request.isNavigationRequest() && request.frame() === page.mainFrame() && !contents.takeAppLoad()) {
      const event = electronEvent()
      contents.emit('will-navigate', event, url, false, true)
      if (event.defaultPrevented) return route.abort('aborted')
    }
    const scheme = /^([a-z][\w+.-]*):/i.exec(url)?.[1]
    const handler = scheme ? this.protocolHandlers.get(scheme) : undefined
    if (!handler) return route.abort('internetdisconnected')
    let response: Response
    try {
      response = await handler(
        new Request(url, { method: request.method(), headers: request.headers(), body: request.postDataBuffer() }),
      )
    } catch {
      // Electron fails the request when the handler throws or rejects.
      return route.abort('failed')
    }
    const headers: Record<string, string[]> = {}
    response.headers.forEach((value, key) => (headers[key] = [value]))
    const rewritten = await this.session.rewriteHeaders({
      url,
      method: request.method(),
      resourceType: request.resourceType(),
      statusCode: response.status,
      responseHeaders: headers,
    })
    const flat: Record<string, string> = {}
    for (const [key, values] of Object.entries(rewritten)) flat[key] = values.join(', ')
    await route.fulfill({ status: response.status, headers: flat, body: Buffer.from(await response.arrayBuffer()) })
  }

  private windowClass() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const electron = this
    return class BrowserWindow extends StandInBrowserWindow {
      constructor(options: Record<string, unknown> = {}) {
        super(electron, options)
      }
      static getAllWindows() {
        return [...electron.windows]
      }
      static getFocusedWindow() {
        return [...electron.windows].find((w) => w.focused) ?? null
      }
    }
  }

  private dialog() {
    const record = (kind: string, args: unknown[]) => {
      const options = args.find((a) => a && typeof a === 'object' && !(a instanceof StandInBrowserWindow))
      this.shownDialogs.push({ kind, options })
      return options as Record<string, unknown>
    }
    return {
      showErrorBox: (title: string, content: string) =>
        this.shownDialogs.push({ kind: 'error', options: { title, content } }),
      showMessageBox: async (...args: unknown[]) => {
        const options = record('messageBox', args)
        return (
          this.answers.messageBox.shift() ?? { response: (options.cancelId as number) ?? 0, checkboxChecked: false }
        )
      },
      showSaveDialog: async (...args: unknown[]) => (
        record('save', args),
        this.answers.save.shift() ?? { canceled: true }
      ),
      showOpenDialog: async (...args: unknown[]) => (
        record('open', args),
        this.answers.open.shift() ?? { canceled: true, filePaths: [] }
      ),
    }
  }

  /** The process ends: windows gone, lock released. */
  async exit(code = 0): Promise<void> {
    if (this.exited) return
    this.exited = true
    for (const w of [...this.windows]) w.destroy()
    for (const [folder, holder] of this.machine.locks) if (holder === this) this.machine.locks.delete(folder)
    this.resolveExit(code)
  }
}

interface MenuItem {
  label?: string
  accelerator?: string
  role?: string
  type?: string
  submenu?: MenuItem[]
  click?: (item: unknown, window: unknown, event: unknown) => void
}

export class StandInApp extends EventEmitter {
  private readonly paths = new Map<string, string>()
  private ready = false
  private sandbox = false
  private readonly readyPromise: Promise<void>
  private resolveReady!: () => void
  private quitting = false
  readonly isPackaged: boolean

  constructor(private readonly electron: StandInElectron) {
    super()
    this.isPackaged = electron.options.isPackaged ?? false
    this.paths.set('appData', electron.options.appData)
    this.paths.set('userData', path.join(electron.options.appData, 'Electron'))
    this.paths.set('temp', path.join(electron.options.appData, '..', 'Temp'))
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve))
  }

  getPath(name: string): string {
    const value = this.paths.get(name)
    if (!value) throw new Error(`Electron stand-in: app.getPath('${name}') is not modelled`)
    return value
  }
  setPath(name: string, value: string): void {
    this.paths.set(name, value)
  }
  getVersion(): string {
    return this.electron.options.version ?? '0.0.0'
  }
  getLocale(): string {
    return 'zh-CN'
  }
  isReady(): boolean {
    return this.ready
  }
  whenReady(): Promise<void> {
    return this.readyPromise
  }
  get sandboxEnabled(): boolean {
    return this.sandbox
  }
  enableSandbox(): void {
    if (this.ready) throw new Error('app.enableSandbox() can only be called before app is ready')
    this.sandbox = true
  }
  /** Per user-data folder, across the processes of the machine (Electron locks the folder). */
  requestSingleInstanceLock(additionalData?: unknown): boolean {
    const folder = path.resolve(this.getPath('userData'))
    const holder = this.electron.machine.locks.get(folder)
    if (holder && holder !== this.electron && !holder.exited) {
      holder.app.emit('second-instance', electronEvent(), this.electron.options.argv, process.cwd(), additionalData)
      return false
    }
    this.electron.machine.locks.set(folder, this.electron)
    return true
  }
  /** Called by the launcher once the main script has run (Electron is ready after its own start-up). */
  markReady(): void {
    this.ready = true
    this.emit('ready', electronEvent())
    this.resolveReady()
  }
  quit(): void {
    if (this.quitting || this.electron.exited) return
    this.quitting = true
    void this.runQuit().finally(() => (this.quitting = false))
  }
  exit(code = 0): void {
    void this.electron.exit(code)
  }
  private async runQuit(): Promise<void> {
    const before = electronEvent()
    this.emit('before-quit', before)
    if (before.defaultPrevented) return
    for (const win of [...this.electron.windows]) {
      if (!win.close({ quitting: true })) return // a window refused to close: the quit is cancelled
    }
    const willQuit = electronEvent()
    this.emit('will-quit', willQuit)
    if (willQuit.defaultPrevented) return
    this.emit('quit', electronEvent(), 0)
    await this.electron.exit(0)
  }
  windowsAllClosed(): void {
    if (!this.quitting) this.emit('window-all-closed', electronEvent())
  }
}

export class StandInSession {
  private headersListener?: (
    details: unknown,
    callback: (r: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
  ) => void
  permissionRequestHandler: ((...args: unknown[]) => void) | null = null
  permissionCheckHandler: ((...args: unknown[]) => boolean) | null = null
  readonly webRequest = {
    onHeadersReceived: (listener: StandInSession['headersListener']) => (this.headersListener = listener),
  }
  setPermissionRequestHandler(handler: StandInSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler
  }
  setPermissionCheckHandler(handler: StandInSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler
  }
  async rewriteHeaders(details: { responseHeaders: Record<string, string[]> } & Record<string, unknown>) {
    const listener = this.headersListener
    if (!listener) return details.responseHeaders
    return new Promise<Record<string, string[]>>((resolve) =>
      listener(details, (r) => resolve(r.responseHeaders ?? details.responseHeaders)),
    )
  }
  /** Electron's default with no handler: granted. */
  async requestPermission(contents: unknown, permission: string, details: unknown): Promise<boolean> {
    const handler = this.permissionRequestHandler
    if (!handler) return true
    return new Promise((resolve) => handler(contents, permission, resolve, details))
  }
  checkPermission(contents: unknown, permission: string, origin: string): boolean {
    return this.permissionCheckHandler ? this.permissionCheckHandler(contents, permission, origin, {}) : true
  }
}

/** The renderer side of `require('electron')` inside a preload, and the page-side half of the stand-in. */
function preloadScript(preloadSource: string | null): string {
  return `(() => {
  const call = window.__electronStandIn
  // Permissions go to the session's handlers, as Electron routes Chromium's own requests.
  const ask = (permission, check) => call({ kind: check ? 'permission-check' : 'permission-request', permission })
  if (window.Notification) window.Notification.requestPermission = async () => ((await ask('notifications')) ? 'granted' : 'denied')
  if (navigator.geolocation) navigator.geolocation.getCurrentPosition = (ok, fail) => { ask('geolocation').then((g) => g ? ok({ coords: { latitude: 0, longitude: 0, accuracy: 1 }, timestamp: Date.now() }) : fail && fail({ code: 1, message: 'User denied Geolocation' })) }
  if (navigator.mediaDevices) navigator.mediaDevices.getUserMedia = async () => { if (await ask('media')) return new MediaStream(); throw new DOMException('Permission denied', 'NotAllowedError') }
  if (navigator.permissions) navigator.permissions.query = async ({ name }) => ({ state: (await ask(name, true)) ? 'granted' : 'denied', name })
  // Menu accelerators fire for keys the page leaves alone.
  window.addEventListener('keydown', (e) => setTimeout(() => call({ kind: 'key', prevented: e.defaultPrevented })))
  if (window.top !== window) return
  ${
    preloadSource === null
      ? ''
      : `const listeners = new Map()
  const ipcRenderer = {
    async invoke(channel, ...args) {
      const answer = await call({ kind: 'invoke', channel, args })
      if ('error' in answer) throw new Error(answer.error)
      return answer.value
    },
    send(channel, ...args) { void call({ kind: 'send', channel, args }) },
    on(channel, listener) { if (!listeners.has(channel)) listeners.set(channel, []); listeners.get(channel).push(listener); return ipcRenderer },
    removeListener(channel, listener) { listeners.set(channel, (listeners.get(channel) || []).filter((l) => l !== listener)); return ipcRenderer },
  }
  Object.defineProperty(window, '__electronStandInEmit', { value: (channel, args) => { for (const l of listeners.get(channel) || []) l({ sender: ipcRenderer }, ...args) } })
  // contextBridge copies the object; functions stay callable, nothing else of the preload is reachable.
  const contextBridge = { exposeInMainWorld(key, api) {
    const copy = {}
    for (const [k, v] of Object.entries(api)) copy[k] = typeof v === 'function' ? (...a) => v(...a) : v
    Object.defineProperty(window, key, { value: Object.freeze(copy), enumerable: true })
  } }
  const require = (id) => { if (id === 'electron') return { contextBridge, ipcRenderer }; throw new Error('module not found: ' + id) }
  const module = { exports: {} }
  // The page's location as the preload sees it in Electron: app:// (see "URLs" above).
  const appLocation = location.hostname === 'zhuanban.app.localhost'
    ? { protocol: 'app:', host: 'zhuanban', href: location.href.replace('http://zhuanban.app.localhost', 'app://zhuanban') }
    : location
  ;(function (require, module, exports, location) {\n${preloadSource}\n})(require, module, module.exports, appLocation)`
  }
})()`
}

export class StandInWebContents extends EventEmitter {
  readonly id = nextContentsId++
  readonly page: Promise<Page>
  pageIfReady: Page | undefined
  private openHandler?: (details: Record<string, unknown>) => { action: 'allow' | 'deny' }
  private appLoads: string[] = []
  private destroyed = false
  private lastKeyPrevented = true

  constructor(
    private readonly electron: StandInElectron,
    readonly owner: StandInBrowserWindow,
    size: { width: number; height: number },
    preload: string | undefined,
  ) {
    super()
    this.page = this.create(size, preload)
  }

  private async create(size: { width: number; height: number }, preload: string | undefined): Promise<Page> {
    const page = await this.electron.context.newPage()
    this.pageIfReady = page
    await page.setViewportSize(size)
    await page.exposeBinding('__electronStandIn', (source, message: Record<string, unknown>) =>
      this.fromPage(source.frame.url(), message),
    )
    await page.addInitScript(preloadScript(preload ? fs.readFileSync(preload, 'utf8') : null))
    page.on('popup', (popup) => void this.popup(popup))
    page.on('close', () => this.owner.destroy())
    return page
  }

  private async fromPage(frameUrl: string, message: Record<string, unknown>): Promise<unknown> {
    const senderFrame = { url: this.electron.fromChromium(frameUrl) }
    switch (message.kind) {
      case 'invoke': {
        const channel = message.channel as string
        const handler = this.electron.ipcHandlers.get(channel)
        if (!handler) return { error: `No handler registered for '${channel}'` }
        try {
          const event = { sender: this, senderFrame, processId: 1, frameId: 1 }
          return { value: await handler(event, ...(message.args as unknown[])) }
        } catch (error) {
          return { error: `Error invoking remote method '${channel}': ${String(error)}` }
        }
      }
      case 'send':
        this.electron.ipcMain.emit(
          message.channel as string,
          { sender: this, senderFrame },
          ...(message.args as unknown[]),
        )
        return null
      case 'permission-request':
        return this.electron.session.requestPermission(this, message.permission as string, {
          requestingUrl: senderFrame.url,
        })
      case 'permission-check':
        return this.electron.session.checkPermission(
          this,
          message.permission as string,
          new URL(senderFrame.url).origin,
        )
      case 'key':
        this.lastKeyPrevented = message.prevented === true
        return null
    }
    return null
  }

  private async popup(popup: Page): Promise<void> {
    const stray = () => this.electron.strayRequests.get(popup) ?? this.electron.strayUrls.shift()
    let target = stray()
    for (let i = 0; !target && i < 40; i++) {
      await new Promise((r) => setTimeout(r, 25))
      target = stray()
    }
    target ??= this.electron.fromChromium(popup.url())
    const answer = this.openHandler?.({ url: target, frameName: '', features: '', disposition: 'new-window' }) ?? {
      action: 'allow',
    }
    if (answer.action === 'deny') this.electron.deniedWindows.push(target)
    // 'allow' would make a BrowserWindow in Electron; the app never allows, so the stand-in closes it either way.
    await popup.close().catch(() => {})
  }

  /** True once for the navigation that loadURL started (Electron emits no will-navigate for it). */
  takeAppLoad(): boolean {
    return this.appLoads.shift() !== undefined
  }

  setWindowOpenHandler(handler: StandInWebContents['openHandler']): void {
    this.openHandler = handler
  }

  async loadURL(url: string): Promise<void> {
    const page = await this.page
    this.appLoads.push(url)
    try {
      await page.goto(this.electron.toChromium(url), { waitUntil: 'load' })
    } catch (error) {
      this.appLoads = []
      throw new Error(`ERR_FAILED (-2) loading '${url}'`, { cause: error })
    }
    this.emit('did-finish-load')
  }

  getURL(): string {
    return this.pageIfReady ? this.electron.fromChromium(this.pageIfReady.url()) : ''
  }

  send(channel: string, ...args: unknown[]): void {
    void this.page
      .then((page) =>
        page.evaluate(`window.__electronStandInEmit?.(${JSON.stringify(channel)}, ${JSON.stringify(args)})`),
      )
      .catch(() => {})
  }

  async executeJavaScript(code: string): Promise<unknown> {
    return (await this.page).evaluate(code)
  }

  print(options: Record<string, unknown>, callback?: (success: boolean, reason: string) => void): void {
    void (async () => {
      if (this.electron.printDialog === 'cancel') return callback?.(false, 'cancelled')
      try {
        const pdf = await (
          await this.page
        ).pdf({ printBackground: options.printBackground === true, preferCSSPageSize: true })
        this.electron.printed.push(pdf)
        callback?.(true, '')
      } catch (error) {
        callback?.(false, String(error))
      }
    })()
  }

  async printToPDF(options: Record<string, unknown>): Promise<Buffer> {
    return (await this.page).pdf({
      printBackground: options.printBackground === true,
      preferCSSPageSize: options.preferCSSPageSize === true,
      landscape: options.landscape === true,
    })
  }

  /** A key press as the user makes it: the page first, then the menu's accelerator if the page left it alone. */
  async press(key: string): Promise<void> {
    const page = await this.page
    this.lastKeyPrevented = true
    await page.keyboard.press(key)
    await page.waitForTimeout(50)
    if (this.lastKeyPrevented) return
    const wanted = key.replace(/^Control\+/, 'CmdOrCtrl+').toLowerCase()
    const item = findMenuItem(
      this.electron.applicationMenu?.items ?? [],
      (i) => i.accelerator?.toLowerCase() === wanted,
    )
    item?.click?.(item, this.owner, {})
  }

  isDestroyed(): boolean {
    return this.destroyed
  }

  close(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.emit('destroyed')
    void this.pageIfReady?.close().catch(() => {})
  }
}

export function findMenuItem(items: MenuItem[], match: (item: MenuItem) => boolean): MenuItem | undefined {
  for (const item of items) {
    if (match(item)) return item
    const inner = item.submenu ? findMenuItem(item.submenu, match) : undefined
    if (inner) return inner
  }
  return undefined
}

export class StandInBrowserWindow extends EventEmitter {
  readonly id = nextWindowId++
  readonly webContents: StandInWebContents
  readonly options: Record<string, unknown>
  shown = false
  focused = false
  minimized = false
  maximized = false
  private destroyed = false
  private firstLoad = true

  constructor(
    private readonly electron: StandInElectron,
    options: Record<string, unknown>,
  ) {
    super()
    if (!electron.app.isReady()) throw new Error('Cannot create BrowserWindow before app is ready')
    this.options = options
    const prefs = (options.webPreferences ?? {}) as Record<string, unknown>
    const size = { width: (options.width as number) ?? 800, height: (options.height as number) ?? 600 }
    this.webContents = new StandInWebContents(electron, this, size, prefs.preload as string | undefined)
    electron.windows.add(this)
    this.webContents.on('did-finish-load', () => {
      if (!this.firstLoad) return
      this.firstLoad = false
      this.emit('ready-to-show')
    })
    if (options.show !== false) this.show()
  }

  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url)
  }
  show(): void {
    this.shown = true
    this.focused = true
    this.emit('show')
  }
  hide(): void {
    this.shown = false
  }
  isVisible(): boolean {
    return this.shown
  }
  focus(): void {
    this.focused = true
    this.emit('focus')
  }
  isMinimized(): boolean {
    return this.minimized
  }
  minimize(): void {
    this.minimized = true
  }
  restore(): void {
    this.minimized = false
  }
  maximize(): void {
    this.maximized = true
  }
  isMaximized(): boolean {
    return this.maximized
  }
  getNormalBounds() {
    const o = this.options
    return {
      x: (o.x as number) ?? 0,
      y: (o.y as number) ?? 0,
      width: (o.width as number) ?? 800,
      height: (o.height as number) ?? 600,
    }
  }
  getBounds() {
    return this.getNormalBounds()
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  /** Returns false when a 'close' listener prevented it. */
  close(_how: { quitting?: boolean } = {}): boolean {
    if (this.destroyed) return true
    const event = electronEvent()
    this.emit('close', event)
    if (event.defaultPrevented) return false
    this.destroy()
    return true
  }
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.webContents.close()
    this.electron.windows.delete(this)
    this.emit('closed')
    if (this.electron.windows.size === 0 && !this.electron.exited) this.electron.app.windowsAllClosed()
  }
}
