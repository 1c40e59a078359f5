import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
// 'electron' is aliased to this mock (vitest.config.ts); importing it by path gives the same instance, typed.
import {
  app,
  BrowserWindow,
  dialog,
  electronMock,
  ipcMain,
  Menu,
  MockWebContents,
  protocol,
  session,
  shell,
} from '../mocks/electron'
import { runDesktop, type Desktop } from '../../electron/desktop'
import { CONTENT_SECURITY_POLICY } from '../../electron/security'
import { IPC } from '../../src/shared/bridge'
import { tempDir } from '../helpers/app'
import { openApp } from '../../src/main/app'

// The mock's extra helpers (ready, instances …) are not on Electron's types.
const mockApp = app as unknown as typeof import('../mocks/electron').app
const Window = BrowserWindow as unknown as typeof import('../mocks/electron').BrowserWindow
const mockIpc = ipcMain as unknown as typeof import('../mocks/electron').ipcMain
const mockSession = () =>
  session.defaultSession as unknown as ReturnType<typeof Object> & Record<string, (...a: unknown[]) => unknown>

let desktop: Desktop | undefined

async function started(argv: string[] = ['electron', '.', '--db', path.join(tempDir(), 'desk.db')]) {
  desktop = runDesktop(argv, {})
  mockApp.ready()
  await new Promise((r) => setTimeout(r, 0))
  return { desktop, window: Window.instances[0]! }
}

function trustedEvent(win: InstanceType<typeof Window>, url = 'app://zhuanban/index.html') {
  return { sender: win.webContents, senderFrame: { url } }
}

beforeEach(() => electronMock.reset())
afterEach(async () => {
  await desktop?.main?.close().catch(() => {})
  desktop = undefined
})

describe('the desktop window', () => {
  it("computes 总览's figures once the window has loaded, not before (src/main/warm.ts)", async () => {
    const { desktop, window } = await started()
    await desktop.main!.call('demo.load', {})
    await new Promise((r) => setTimeout(r, 20))
    expect(desktop.main!.deps.rankings.computations).toBe(0) // the window's files come first
    window.webContents.emit('did-finish-load')
    await expect.poll(() => desktop.main!.deps.rankings.computations).toBe(1)
    await expect.poll(() => desktop.main!.deps.overviews.computations).toBe(1)
  })

  it('sends the window each committed change (live updates), and stops when the window closes', async () => {
    const { desktop, window } = await started()
    await desktop.main!.call('dict.create', { kind: 'unit', name: '县数据局' })
    const changes = window.webContents.sent.filter(([channel]) => channel === IPC.changes)
    expect(changes).toEqual([[IPC.changes, { version: expect.any(Number), projectIds: null, by: null }]])
    window.emit('closed')
    await desktop.main!.call('dict.create', { kind: 'unit', name: '县统计局' })
    expect(window.webContents.sent.filter(([channel]) => channel === IPC.changes)).toHaveLength(1)
  })

  it('opens one window with the locked-down preferences, hidden until ready', async () => {
    const { window } = await started()
    expect(Window.instances).toHaveLength(1)
    const prefs = window.options.webPreferences as Record<string, unknown>
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
    expect(String(prefs.preload)).toMatch(/preload\.cjs$/)
    expect(window.options.show).toBe(false)
    expect(window.loadedUrl).toBe('app://zhuanban/index.html')
    expect(window.shown).toBe(false)
    window.emit('ready-to-show')
    expect(window.shown).toBe(true)
    expect(mockApp.enableSandbox).toHaveBeenCalled()
  })

  it('sets a strict Content-Security-Policy on every response', async () => {
    await started()
    let headers: Record<string, string[]> = {}
    const listener = mockSession().headersListener as (
      d: unknown,
      cb: (r: { responseHeaders: Record<string, string[]> }) => void,
    ) => void
    listener({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (headers = r.responseHeaders))
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY])
    expect(headers['Content-Type']).toEqual(['text/html'])
    for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"])
      expect(CONTENT_SECURITY_POLICY).toContain(directive)
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/)
  })

  it('refuses every permission request', async () => {
    await started()
    let granted: boolean | undefined
    ;(mockSession().permissionHandler as (c: unknown, p: string, cb: (g: boolean) => void) => void)(
      {},
      'media',
      (g) => (granted = g),
    )
    expect(granted).toBe(false)
    expect((mockSession().permissionCheck as () => boolean)()).toBe(false)
  })

  it('refuses navigation away from the app', async () => {
    const { window } = await started()
    expect(window.webContents.fire('will-navigate', 'https://example.com/').defaultPrevented).toBe(true)
    expect(window.webContents.fire('will-navigate', 'file:///etc/passwd').defaultPrevented).toBe(true)
    expect(window.webContents.fire('will-redirect', 'http://127.0.0.1:8080/').defaultPrevented).toBe(true)
    expect(window.webContents.fire('will-navigate', 'app://zhuanban/index.html#/kanban').defaultPrevented).toBe(false)
    expect(window.webContents.fire('will-attach-webview').defaultPrevented).toBe(true)
  })

  it('refuses new windows; https links go to the system browser, nothing else does', async () => {
    const { window } = await started()
    const open = window.webContents.windowOpenHandler!
    expect(open({ url: 'https://www.gov.cn/' })).toEqual({ action: 'deny' })
    expect(shell.openExternal).toHaveBeenCalledWith('https://www.gov.cn/')
    for (const url of [
      'http://example.com/',
      'file:///C:/Windows/system32/calc.exe',
      'javascript:alert(1)',
      'not a url',
    ])
      expect(open({ url })).toEqual({ action: 'deny' })
    expect(shell.openExternal).toHaveBeenCalledTimes(1)
  })

  it('serves the renderer on app:// and registers the scheme before ready', async () => {
    await started()
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ])
    expect(protocol.handle).toHaveBeenCalledWith('app', expect.any(Function))
  })
})

/** The first run's administrator (also 重点项目办), as the start screen creates it. */
const ADMIN_SETUP = { login: 'wangbs', name: '王办事', unit: '区发改局', password: 'Zb#20261121' }

describe('the contract over IPC', () => {
  it('answers a call from the app window, as the account logged in on that window', async () => {
    const { window } = await started()
    const handler = mockIpc.handlers.get(IPC.invoke)!
    // Nobody logged in on the window yet: refused; the first run's administrator then logs the window in.
    expect(await handler(trustedEvent(window), 'system.info', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    })
    expect(await handler(trustedEvent(window), 'auth.setup', ADMIN_SETUP)).toMatchObject({
      ok: true,
      result: { login: 'wangbs', roles: ['admin', 'office'] },
    })
    const outcome = (await handler(trustedEvent(window), 'system.info', {})) as {
      ok: boolean
      result: { schemaVersion: number }
    }
    expect(outcome.ok).toBe(true)
    expect(outcome.result.schemaVersion).toBeGreaterThan(0)
  })

  it('refuses a foreign sender or a foreign page, and changes nothing', async () => {
    const { window, desktop } = await started()
    const handler = mockIpc.handlers.get(IPC.invoke)!
    const before = desktop.main!.deps.store.file.handle.prepare('SELECT count(*) AS n FROM leaders').get()
    const input = { name: '外来', title: '副区长', sortOrder: 1 }
    const foreign = { sender: { id: 9999 }, senderFrame: { url: 'app://zhuanban/index.html' } }
    expect(await handler(foreign, 'leader.create', input)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    const strangePage = trustedEvent(window, 'https://evil.example/')
    expect(await handler(strangePage, 'leader.create', input)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    })
    expect(desktop.main!.deps.store.file.handle.prepare('SELECT count(*) AS n FROM leaders').get()).toEqual(before)
  })

  it('lets a hidden print window read while it prints, but never write, and forgets it when it goes', async () => {
    const { Senders, registerContractHandlers } = await import('../../electron/ipc')
    const senders = new Senders()
    const contents = new MockWebContents()
    senders.trust(contents as never, 'print')
    const event = { sender: contents, senderFrame: { url: 'app://zhuanban/index.html#/print/ledger' } }
    expect(senders.roleOf(event as never)).toBe('print')
    expect(senders.roleOf({ ...event, senderFrame: { url: 'https://evil.example/' } } as never)).toBeNull()

    const calls: string[] = []
    const ipc = { handle: (_c: string, h: (...a: unknown[]) => unknown) => (handle = h) }
    let handle: (...a: unknown[]) => unknown = () => undefined
    registerContractHandlers(ipc as never, async (name) => (calls.push(name), { ok: true, result: null }), senders)
    expect(await handle(event, 'ranking.projects', {})).toEqual({ ok: true, result: null })
    expect(await handle(event, 'project.create', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    expect(await handle(event, 'no.such', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    // Calls that change no data but do something are not a print view's either.
    for (const name of ['backup.create', 'excel.cancelImport', 'backup.list'])
      expect(await handle(event, name, {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    contents.emit('destroyed')
    expect(await handle(event, 'ranking.projects', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    expect(calls).toEqual(['ranking.projects'])
  })

  it('validates input: a bad payload gets a Chinese error and changes nothing', async () => {
    const { window, desktop } = await started()
    const handler = mockIpc.handlers.get(IPC.invoke)!
    await handler(trustedEvent(window), 'auth.setup', ADMIN_SETUP)
    const out = (await handler(trustedEvent(window), 'leader.create', { name: '', title: 5 })) as {
      ok: false
      error: { code: string; message: string }
    }
    expect(out.error.code).toBe('INVALID_INPUT')
    expect(out.error.message).toContain('「姓名」不能为空')
    expect(await handler(trustedEvent(window), 42, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } })
    expect(await handler(trustedEvent(window), 'leader.drop', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CALL' },
    })
    expect(desktop.main!.deps.store.file.handle.prepare('SELECT count(*) AS n FROM leaders').get()).toEqual({ n: 0 })
  })
})

describe('life cycle', () => {
  it('a second instance quits at once and focuses the first', async () => {
    mockApp.singleInstance = false
    desktop = runDesktop(['electron', '.'], {})
    expect(mockApp.quit).toHaveBeenCalled()
    expect(mockApp.whenReady).not.toHaveBeenCalled()
  })

  it('keeps the database in the user-data folder "zhuanban", or where --db or ZHUANBAN_DB says', async () => {
    mockApp.paths.appData = tempDir()
    desktop = runDesktop(['electron', '.'], {})
    mockApp.ready()
    await new Promise((r) => setTimeout(r, 0))
    expect(desktop.main!.deps.databasePath).toBe(path.join(mockApp.paths.appData, 'zhuanban', 'zhuanban.db'))
    await desktop.main!.close()
    electronMock.reset()
    const file = path.join(tempDir(), 'from-env.db')
    desktop = runDesktop(['electron', '.'], { ZHUANBAN_DB: file })
    mockApp.ready()
    await new Promise((r) => setTimeout(r, 0))
    expect(desktop.main!.deps.databasePath).toBe(file)
  })

  it('says in Chinese why the database cannot be opened, and quits', async () => {
    const file = path.join(tempDir(), 'notes.db')
    fs.writeFileSync(file, '不是数据库'.repeat(300))
    desktop = runDesktop(['electron', '.', `--db=${file}`], {})
    mockApp.ready()
    await new Promise((r) => setTimeout(r, 0))
    expect(dialog.showErrorBox).toHaveBeenCalledWith(
      '专班无法打开数据库',
      expect.stringContaining('不是有效的专班数据库'),
    )
    expect(mockApp.quit).toHaveBeenCalled()
    expect(Window.instances).toHaveLength(0)
  })

  it('does not open a damaged database: offers the newest good backup, and restores it when asked', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'county.db')
    const first = openApp(file)
    await first.call('leader.create', { name: '备份里的领导', title: '副区长', sortOrder: 1 })
    const backup = await first.call('backup.create', {})
    await first.close()
    const size = fs.statSync(file).size
    const fd = fs.openSync(file, 'r+')
    for (let at = 4096; at < size; at += 8192) fs.writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, at)
    fs.closeSync(fd)

    dialog.messageBoxResult = { response: 1 } // 退出
    desktop = runDesktop(['electron', '.', '--db', file], {})
    mockApp.ready()
    await new Promise((r) => setTimeout(r, 20))
    expect(dialog.showMessageBox).toHaveBeenCalledWith(
      expect.objectContaining({
        title: '数据库已损坏',
        buttons: ['从最近的完好备份恢复', '退出'],
        detail: expect.stringContaining(backup.name),
      }),
    )
    expect(mockApp.quit).toHaveBeenCalled()
    expect(Window.instances).toHaveLength(0)

    electronMock.reset() // 从最近的完好备份恢复
    desktop = runDesktop(['electron', '.', '--db', file], {})
    mockApp.ready()
    await new Promise((r) => setTimeout(r, 50))
    expect(Window.instances).toHaveLength(1)
    expect((await desktop.main!.call('leader.list', {})).map((l) => l.name)).toEqual(['备份里的领导'])
  })

  it('closes the database cleanly on quit (WAL checkpointed) before letting the app end', async () => {
    const file = path.join(tempDir(), 'quit.db')
    const { desktop } = await started(['electron', '.', '--db', file])
    await desktop.main!.call('leader.create', { name: '甲', title: '副区长', sortOrder: 1 })
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true
      },
    }
    mockApp.emit('will-quit', event)
    expect(event.defaultPrevented).toBe(true)
    await new Promise((r) => setTimeout(r, 10))
    expect(desktop.main!.deps.store.file.handle.open).toBe(false)
    expect(fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0).toBe(0)
    expect(mockApp.quit).toHaveBeenCalled()
    // The second will-quit (from that quit) goes through.
    const again = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true
      },
    }
    mockApp.emit('will-quit', again)
    expect(again.defaultPrevented).toBe(false)
  })

  it('remembers the window bounds when it closes', async () => {
    mockApp.paths.appData = tempDir()
    const { window } = await started(['electron', '.', '--db', path.join(tempDir(), 'w.db')])
    window.emit('close')
    const saved = JSON.parse(fs.readFileSync(path.join(mockApp.paths.appData, 'zhuanban', 'window-state.json'), 'utf8'))
    expect(saved).toEqual({ x: 10, y: 20, width: 1400, height: 900, maximized: false })
  })

  it('sets the Chinese menu, and menu commands reach the window', async () => {
    const { window } = await started()
    const template = Menu.template as { label: string; submenu: { label?: string; click?: () => void }[] }[]
    expect(template.map((m) => m.label)).toEqual(['文件(&F)', '编辑(&E)', '视图(&V)', '帮助(&H)'])
    const item = (menu: number, label: string) => template[menu]!.submenu.find((i) => i.label === label)!
    item(3, '关于专班').click!()
    item(0, '打印…').click!()
    expect(window.webContents.sent).toEqual([
      [IPC.command, 'about'],
      [IPC.command, 'print'],
    ])
    item(0, '打开数据文件夹').click!()
    expect(shell.showItemInFolder).toHaveBeenCalled()
  })
})
