/**
 * The desktop app end to end: the real shell (built main, preload and renderer) on the Electron stand-in
 * (tests/desktop/stand-in/electron.ts says what it models and what not), each window a real Chromium page.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '../browser/chromium'
import { openApp } from '../../src/main/app'
import { fixedClock } from '../helpers/clock'
import { buildShell, launchDesktop, type Desktop } from './stand-in/launch'
import { findMenuItem, newMachine, type Machine } from './stand-in/electron'

let root: string
let browser: Browser
let seeded: string
const running: Desktop[] = []

beforeAll(async () => {
  root = await buildShell()
  browser = await launchChromium()
  // A database an office has worked in: the demo district, its administrator (also 重点项目办) set up.
  seeded = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-seed-')), 'seed.db')
  const app = openApp(seeded, { clock: fixedClock })
  await app.call('auth.setup', { login: 'wangbs', name: '王办事', unit: '区发改局', password: 'Zb#20261121' })
  await app.call('demo.load', { projects: 40 })
  await app.close()
}, 180_000)

afterEach(async () => {
  for (const d of running.splice(0)) if (!d.electron.exited) await d.quit()
})

afterAll(async () => {
  await browser?.close()
  if (root) fs.rmSync(root, { recursive: true, force: true })
  if (seeded) fs.rmSync(path.dirname(seeded), { recursive: true, force: true })
})

interface Office {
  machine: Machine
  appData: string
  /** The user-data folder the app uses (%APPDATA%\zhuanban). */
  data: string
}

/** A PC on which 专班 was used: its database (a copy of the seeded one) in the user-data folder. */
function office(): Office {
  const appData = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-appdata-'))
  const data = path.join(appData, 'zhuanban')
  fs.mkdirSync(data)
  fs.copyFileSync(seeded, path.join(data, 'zhuanban.db'))
  return { machine: newMachine(), appData, data }
}

async function start(
  where: Office,
  options: { args?: string[]; env?: Record<string, string>; isPackaged?: boolean } = {},
): Promise<Desktop> {
  const desktop = await launchDesktop({ root, browser, machine: where.machine, appData: where.appData, ...options })
  running.push(desktop)
  return desktop
}

/** The main window's page with the app started in it, logged in on its login screen as the administrator. */
async function opened(desktop: Desktop): Promise<Page> {
  const page = await (await desktop.mainWindow()).webContents.page
  await page.waitForSelector('.login-screen', { timeout: 30_000 })
  await page.getByLabel('登录名').fill('wangbs')
  await page.getByLabel('密码', { exact: true }).fill('Zb#20261121')
  await page.getByRole('button', { name: '登录' }).click()
  await page.waitForSelector('.frame', { timeout: 30_000 })
  return page
}

function menuClick(desktop: Desktop, label: string): void {
  const item = findMenuItem(desktop.electron.applicationMenu?.items ?? [], (i) => i.label === label)
  if (!item?.click) throw new Error(`menu item ${label} not found`)
  item.click(item, undefined, {})
}

/** Runs an expression in the page (a string: these tests are type-checked without the DOM's types). */
const inPage = <T = unknown>(page: Page, expression: string): Promise<T> => page.evaluate(expression) as Promise<T>

const pdfText = (file: string) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })

describe('the desktop app on the Electron stand-in', () => {
  it('starts on 总览 and answers a call from the page over IPC; quitting folds the WAL into the file', async () => {
    const here = office()
    const desktop = await start(here)
    const page = await opened(desktop)
    await page.getByRole('heading', { name: /总览/ }).or(page.locator('.frame')).first().waitFor()
    expect(new URL(desktop.electron.fromChromium(page.url())).hash).toBe('#/overview')
    const info = await inPage<{ outcome: unknown; require: string }>(
      page,
      `(async () => ({ outcome: await window.zhuanban.invoke('project.list', {}), require: typeof window.require }))()`,
    )
    expect(info.require).toBe('undefined')
    expect(info.outcome).toMatchObject({ ok: true })
    expect((info.outcome as { result: unknown[] }).result).toHaveLength(40)
    expect(desktop.electron.app.sandboxEnabled).toBe(true)
    expect(await desktop.quit()).toBe(0)
    expect(fs.existsSync(path.join(here.data, 'zhuanban.db-wal'))).toBe(false)
  })

  it('holds one instance per PC: a second start opens no window and brings the first forward', async () => {
    const here = office()
    const first = await start(here)
    const window = await first.mainWindow()
    window.minimize()
    window.focused = false
    const second = await start(here)
    expect(await second.electron.whenExited()).toBe(0)
    expect(second.electron.windows.size).toBe(0)
    expect(window.isMinimized()).toBe(false)
    expect(window.focused).toBe(true)
  })

  it('exports the 排名通报 as a PDF where the user chooses', async () => {
    const here = office()
    const desktop = await start(here)
    const page = await opened(desktop)
    await inPage(page, `location.hash = '#/print/ranking/2026-10'`)
    await page.locator('.print-bar').getByRole('button', { name: '导出PDF' }).waitFor()
    const target = path.join(here.appData, '排名通报.pdf')
    desktop.electron.answers.save.push({ canceled: false, filePath: target })
    await page.locator('.print-bar').getByRole('button', { name: '导出PDF' }).click()
    await page.getByText(`已导出：${target}`).waitFor({ timeout: 45_000 })
    const text = pdfText(target)
    expect(text).toContain('2026年10月')
    expect(text).toMatch(/排名/)
    // The save dialog asked with a PDF filter and the report's own file name.
    const save = desktop.electron.shownDialogs.find((d) => d.kind === 'save')!.options as Record<string, unknown>
    expect(String(save.defaultPath)).toMatch(/\.pdf$/)
    // The hidden print window is gone afterwards.
    expect(desktop.electron.windows.size).toBe(1)
  })

  it('exports every print view, and refuses to print one that could not load its data', async () => {
    const here = office()
    const desktop = await start(here)
    const page = await opened(desktop)
    const exported = async (route: string, name: string) => {
      const target = path.join(here.appData, name)
      desktop.electron.answers.save.push({ canceled: false, filePath: target })
      const outcome = await inPage<{ ok: boolean; error?: { message: string } }>(
        page,
        `window.zhuanban.exportPdf(${JSON.stringify(route)}, ${JSON.stringify(name)})`,
      )
      return { outcome, text: outcome.ok ? pdfText(target) : '' }
    }
    expect((await exported('#/print/ledger', '一览表.pdf')).text).toContain('重点项目一览表')
    expect((await exported('#/print/project/1', '一项目一档.pdf')).text.replace(/\s+/g, '')).toContain('一名领导')
    expect((await exported('#/print/problems', '问题清单.pdf')).outcome.ok).toBe(true)
    // A project deleted meanwhile: the view says so and nothing is written.
    const missing = await exported('#/print/project/999999', '没有.pdf')
    expect(missing.outcome).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^无法打印：.*不存在/) },
    })
    expect(fs.existsSync(path.join(here.appData, '没有.pdf'))).toBe(false)
    expect(desktop.electron.windows.size).toBe(1)
    // On screen its 打印 and 导出PDF are disabled.
    await inPage(page, `location.hash = '#/print/project/999999'`)
    await page.locator('.print-bar').getByRole('button', { name: '导出PDF' }).and(page.locator('[disabled]')).waitFor()
  })

  it('prints with Ctrl+P: the screen’s printed document, then the system print dialog', async () => {
    const here = office()
    const desktop = await start(here)
    const page = await opened(desktop)
    await inPage(page, `location.hash = '#/ranking?period=2026-10'`)
    // The ranking screen itself (the frame was already there on 总览).
    await page.getByRole('button', { name: '打印通报' }).waitFor()
    await (await desktop.mainWindow()).webContents.press('Control+P')
    await page.locator('.print-bar').waitFor()
    expect(page.url()).toContain('#/print/ranking/2026-10')
    await page.locator('.print-bar').getByRole('button', { name: '打印' }).click()
    await expect.poll(() => desktop.electron.printed.length, { timeout: 45_000 }).toBe(1)
    const file = path.join(here.appData, 'printed.pdf')
    fs.writeFileSync(file, desktop.electron.printed[0]!)
    expect(pdfText(file)).toContain('2026年10月')
    // Cancelling the print dialog is not an error.
    desktop.electron.printDialog = 'cancel'
    await page.locator('.print-bar').getByRole('button', { name: '打印' }).click()
    await page.waitForTimeout(1500)
    expect(await page.locator('.el-message--error').count()).toBe(0)
  })

  it('refuses to navigate away from the app and to open other windows', async () => {
    const here = office()
    const desktop = await start(here)
    const page = await opened(desktop)
    const before = page.url()
    await inPage(page, `location.href = 'https://example.com/'`)
    await page.waitForTimeout(500)
    expect(page.url()).toBe(before)
    await inPage(page, `window.open('https://www.gov.cn/'); window.open('#/settings')`)
    await expect.poll(() => desktop.electron.deniedWindows.length, { timeout: 5000 }).toBe(2)
    expect(desktop.electron.windows.size).toBe(1)
    // An https address goes to the system browser; the app's own page does not open twice.
    expect(desktop.electron.opened).toEqual([{ kind: 'external', target: 'https://www.gov.cn/' }])
    // No permission is ever granted.
    expect(await inPage(page, `Notification.requestPermission()`)).toBe('denied')
    expect(await inPage(page, `navigator.permissions.query({ name: 'geolocation' }).then((p) => p.state)`)).toBe(
      'denied',
    )
  })

  it('enforces the Content-Security-Policy on the app’s pages', async () => {
    const desktop = await start(office())
    const page = await opened(desktop)
    const ran = await inPage(
      page,
      `(async () => {
        const s = document.createElement('script')
        s.textContent = 'window.__inline = 1'
        document.body.append(s)
        await new Promise((r) => setTimeout(r, 100))
        return window.__inline ?? 0
      })()`,
    )
    expect(ran).toBe(0)
  })

  it('answers 404, not a failed request, for a malformed or missing app:// path', async () => {
    const desktop = await start(office())
    const page = await opened(desktop)
    const statuses = await inPage(
      page,
      `Promise.all(['/%E0%A4%A', '/nope.js', '/../../etc/passwd', '/%00', '/index.html%00.js'].map((p) => fetch(p).then((r) => r.status, () => -1)))`,
    )
    expect(statuses).toEqual([404, 404, 404, 404, 404])
  })

  it('restores from a backup through the menu 数据备份与恢复', async () => {
    const here = office()
    const desktop = await start(here)
    const page = await opened(desktop)
    // Today's backup is made at start; then the office changes something.
    await expect.poll(() => fs.readdirSync(path.join(here.data, 'backups')).length).toBeGreaterThan(0)
    const changed = await inPage(
      page,
      `window.zhuanban.invoke('leader.create', { name: '李改动', title: '副区长', sortOrder: 1 })`,
    )
    expect(changed).toMatchObject({ ok: true })
    menuClick(desktop, '数据备份与恢复…')
    const panel = page.locator('[data-testid="backup-panel"]')
    await panel.locator('.el-table__row:has-text("每日自动")').getByRole('button', { name: '恢复' }).click()
    await page.locator('.el-message-box:visible').getByRole('button', { name: '恢复' }).click()
    await page.getByText(/已恢复到 .* 的数据/).waitFor()
    const leaders = await inPage<{ ok: boolean; result: { name: string }[] }>(
      page,
      `window.zhuanban.invoke('leader.list', {})`,
    )
    expect(leaders.ok).toBe(true)
    expect(leaders.result.map((l) => l.name)).not.toContain('李改动')
  })

  it('chooses the backup folder in the system folder dialog only (the page names no path)', async () => {
    const here = office()
    const desktop = await start(here)
    const page = await opened(desktop)
    menuClick(desktop, '数据备份与恢复…')
    const panel = page.locator('[data-testid="backup-panel"]')
    const chosen = path.join(here.appData, '专班备份')
    desktop.electron.answers.open.push({ canceled: false, filePaths: [chosen] })
    await panel.getByRole('button', { name: '选择文件夹…' }).click()
    await panel.getByTestId('backup-folder').filter({ hasText: chosen }).waitFor()
    const shown = desktop.electron.shownDialogs.find((d) => d.kind === 'open')!.options as { properties: string[] }
    expect(shown.properties).toContain('openDirectory')
    await panel.getByRole('button', { name: '立即备份' }).click()
    await page.getByText('备份完成').waitFor()
    expect(fs.readdirSync(chosen).some((f) => f.endsWith('.db'))).toBe(true)
    // Cancelling the dialog changes nothing; the contract has no call that takes a folder.
    await panel.getByRole('button', { name: '选择文件夹…' }).click()
    await page.waitForTimeout(300)
    await panel.getByTestId('backup-folder').filter({ hasText: chosen }).waitFor()
    const refused = await inPage<{ ok: boolean }>(
      page,
      `window.zhuanban.invoke('backup.setFolder', { folder: '/etc' })`,
    )
    expect(refused.ok).toBe(false)
  })

  it('in a packaged app, an environment variable cannot choose the native module it loads', async () => {
    const here = office()
    const desktop = await start(here, {
      isPackaged: true,
      env: { ZHUANBAN_NATIVE_BINDING: path.join(here.appData, 'evil.node') },
    })
    await opened(desktop)
    expect(desktop.electron.shownDialogs.filter((d) => d.kind === 'error')).toEqual([])
  })
})
