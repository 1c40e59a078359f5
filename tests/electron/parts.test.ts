import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveAppFile } from '../../electron/protocol'
import { DEFAULT_STATE, loadWindowState, saveWindowState } from '../../electron/window-state'
import { buildMenuTemplate } from '../../electron/menu'
import { isAppUrl } from '../../electron/security'
import { defaultAppDataDir, defaultDatabasePath, resolveDatabasePath } from '../../src/main/paths'
import { tempDir } from '../helpers/app'

describe('app:// file mapping', () => {
  const root = path.resolve('/opt/zhuanban/dist/renderer')
  it('maps into the renderer folder', () => {
    expect(resolveAppFile(root, 'app://zhuanban/index.html')).toBe(path.join(root, 'index.html'))
    expect(resolveAppFile(root, 'app://zhuanban/')).toBe(path.join(root, 'index.html'))
    expect(resolveAppFile(root, 'app://zhuanban/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'))
  })
  it('refuses to leave it or another host', () => {
    // Dot segments are folded by the URL parser, so they stay inside; encoded slashes would not.
    expect(resolveAppFile(root, 'app://zhuanban/%2e%2e/%2e%2e/secret.db')).toBe(path.join(root, 'secret.db'))
    expect(resolveAppFile(root, 'app://zhuanban/..%2f..%2fsecret.db')).toBeNull()
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull()
  })
  it('knows its own origin', () => {
    expect(isAppUrl('app://zhuanban/index.html')).toBe(true)
    expect(isAppUrl('app://zhuanban.evil.com/')).toBe(false)
  })
})

describe('window state', () => {
  const screens = [{ x: 0, y: 0, width: 1920, height: 1040 }]
  it('falls back to defaults for a missing or damaged file', () => {
    const dir = tempDir()
    expect(loadWindowState(path.join(dir, 'none.json'), screens)).toEqual(DEFAULT_STATE)
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"width": "wide"')
    expect(loadWindowState(path.join(dir, 'bad.json'), screens)).toEqual(DEFAULT_STATE)
  })
  it('restores size and position, but not a position on a display that is gone', () => {
    const file = path.join(tempDir(), 's.json')
    saveWindowState(file, { x: 100, y: 80, width: 1500, height: 900, maximized: true })
    expect(loadWindowState(file, screens)).toEqual({ x: 100, y: 80, width: 1500, height: 900, maximized: true })
    saveWindowState(file, { x: 3000, y: 80, width: 1500, height: 900, maximized: false })
    expect(loadWindowState(file, screens)).toEqual({ width: 1500, height: 900, maximized: false })
    saveWindowState(file, { x: 0, y: 0, width: 300, height: 200, maximized: false })
    expect(loadWindowState(file, screens)).toMatchObject({ width: 1024, height: 640 })
  })
})

describe('menu', () => {
  it('is in Chinese, with developer tools only in development', () => {
    const actions = { send: () => {}, showDataFolder: () => {}, showConnection: () => {}, quit: () => {}, isDev: false }
    const labels = (t: ReturnType<typeof buildMenuTemplate>) =>
      t
        .flatMap((m) => [m.label, ...((m.submenu as { label?: string }[]) ?? []).map((i) => i.label)])
        .filter(Boolean) as string[]
    const prod = labels(buildMenuTemplate(actions))
    for (const label of prod) expect(label).toMatch(/[\u4e00-\u9fff]/)
    expect(prod).not.toContain('开发者工具')
    expect(labels(buildMenuTemplate({ ...actions, isDev: true }))).toContain('开发者工具')
    expect(prod).toContain('连接方式…')
  })
})

describe('database location', () => {
  it('follows the platform conventions, in a folder named zhuanban', () => {
    expect(defaultAppDataDir('win32', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'C:\\Users\\a')).toBe(
      'C:\\Users\\a\\AppData\\Roaming',
    )
    expect(defaultAppDataDir('linux', {}, '/home/a')).toBe('/home/a/.config')
    expect(defaultAppDataDir('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/a')).toBe('/cfg')
    expect(defaultDatabasePath('/home/a/.config')).toBe(path.join('/home/a/.config', 'zhuanban', 'zhuanban.db'))
  })
  it('takes --db, then --db=, then ZHUANBAN_DB, then the default', () => {
    expect(resolveDatabasePath(['x', '--db', '/d/a.db'], { ZHUANBAN_DB: '/e/b.db' }, '/f.db')).toBe(
      path.resolve('/d/a.db'),
    )
    expect(resolveDatabasePath(['x', '--db=/d/c.db'], {}, '/f.db')).toBe(path.resolve('/d/c.db'))
    expect(resolveDatabasePath(['x'], { ZHUANBAN_DB: '/e/b.db' }, '/f.db')).toBe(path.resolve('/e/b.db'))
    expect(resolveDatabasePath(['x', '--db'], {}, '/f.db')).toBe('/f.db')
  })
})
