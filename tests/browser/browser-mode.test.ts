/** The real renderer in Debian's Chromium, through browser mode, on a real database. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from 'vite'
import type { Browser } from 'playwright-core'
import { openApp, type App } from '../../src/main/app'
import { startHttpHost, type RunningHost } from '../../src/main/http/host'
import { fixedClock } from '../helpers/app'
import { launchChromium } from './chromium'

let browser: Browser
let host: RunningHost
let app: App
// Shared by the tests of this file, so not in the helpers' per-test temporary folders.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-browser-'))

beforeAll(async () => {
  const rendererDir = path.join(dir, 'renderer')
  await build({ configFile: 'vite.config.ts', logLevel: 'silent', build: { outDir: rendererDir, emptyOutDir: true } })
  app = openApp(path.join(dir, 'browser.db'), { clock: fixedClock })
  await app.call('demo.load', {})
  await app.call('auth.setup', { login: 'wangcs', name: '王测试', unit: '区重点项目办', password: 'Zb#20261121' })
  host = await startHttpHost({ app, staticDir: rendererDir })
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await host?.close()
  await app?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('browser mode in Chromium', () => {
  it('opens the app and performs a real contract call end to end', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await page.goto(host.url)
    // Logged out: the login screen, then the app as the logged-in account.
    await page.getByLabel('登录名').fill('wangcs')
    await page.getByLabel('密码', { exact: true }).fill('Zb#20261121')
    await page.getByRole('button', { name: '登录' }).click()
    await page.waitForSelector('text=五个一批（55个项目）')
    expect(await page.textContent('header')).toContain('王测试（区重点项目办）')
    // The token leaves the address bar at once (it stays in this tab's session storage).
    expect(page.url()).not.toContain('token')
    await page.reload()
    await page.waitForSelector('text=五个一批（55个项目）')
    expect(errors, errors.join('\n')).toEqual([])
    await page.close()
  })

  it('shows a Chinese message, and no data, without the token', async () => {
    const page = await browser.newPage()
    await page.goto(host.url.replace(/#.*$/, ''))
    await page.waitForSelector('[role=alert]', { timeout: 10_000 }).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await page.content()}`)
    })
    expect(await page.textContent('[role=alert]')).toContain('访问令牌缺失或不正确')
    expect(await page.$('text=五个一批')).toBeNull()
    await page.close()
  })
})
