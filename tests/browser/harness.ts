/** A browser-mode host on a fresh database with the built renderer, for the UI flows. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { build } from 'vite'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { openApp, type App } from '../../src/main/app'
import { startHttpHost, type RunningHost } from '../../src/main/http/host'
import { fixedClock } from '../helpers/clock'
import { TOKEN_HEADER } from '../../src/shared/bridge'
import { launchChromium } from './chromium'

export interface Harness {
  app: App
  host: RunningHost
  browser: Browser
  dir: string
  /** The account new pages log in as (startDemo's 系统管理员 + 重点项目办); null: pages start at the login. */
  account: { login: string; password: string } | null
  close(): Promise<void>
}

/** The administrator (also 重点项目办) that startDemo sets up, as a one-clerk office has. */
export const ADMIN = { login: 'wangbs', password: 'Zb#20261121' }

let rendererDir: string | null = null

/** Builds the renderer once per test file (about two seconds); removed by cleanupRenderer. */
export async function builtRenderer(): Promise<string> {
  return renderer()
}

async function renderer(): Promise<string> {
  if (rendererDir) return rendererDir
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-renderer-'))
  await build({ configFile: 'vite.config.ts', logLevel: 'silent', build: { outDir: dir, emptyOutDir: true } })
  rendererDir = dir
  return dir
}

export async function startHarness(options: { clock?: () => Date } = {}): Promise<Harness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-ui-'))
  // The server's "today" is the fixed test date; the browser's clock is set to the same day in newPage().
  // (A test of time passing — an idle session — gives a clock it moves.)
  const app = openApp(path.join(dir, 'ui.db'), { clock: options.clock ?? fixedClock })
  const host = await startHttpHost({ app, staticDir: await renderer() })
  const browser = await launchChromium()
  return {
    app,
    host,
    browser,
    dir,
    account: null,
    async close() {
      await browser.close()
      await host.close()
      await app.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * A page on the app, with the browser's clock at the test date, failing the test on any page error; logged in
 * as `account` (default: the harness's) through the contract's own login call — its session cookie then belongs
 * to the page's browser context, as after a login on the screen.
 */
export async function newPage(
  h: Harness,
  size = { width: 1366, height: 768 },
  account: { login: string; password: string } | null = h.account,
): Promise<{ page: Page; errors: string[] }> {
  const context = await h.browser.newContext({ viewport: size, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  await context.clock.setFixedTime(fixedClock())
  if (account) await logIn(h, context, account)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text())
  })
  await page.goto(h.host.url)
  // Let the app settle on its first route before a test navigates elsewhere.
  await page.waitForSelector(SCREENS, { timeout: 20_000 })
  return { page, errors }
}

/**
 * Logs a browser context in as `account` (default: the harness's) through the contract's own login call: its
 * session cookie then belongs to the context, as after a login on the screen.
 */
export async function logIn(
  h: Harness,
  context: BrowserContext,
  account: { login: string; password: string } | null = h.account,
): Promise<void> {
  if (!account) throw new Error('logIn: the harness has no account')
  const res = await context.request.post(`http://127.0.0.1:${h.host.port}/api/call/auth.login`, {
    headers: { [TOKEN_HEADER]: h.host.token },
    data: account,
  })
  if (!res.ok()) throw new Error(`logIn: login as ${account.login} failed: ${await res.text()}`)
}

/**
 * Cuts a page's live updates as a dropped stream would (its stream is answered 401 until restored): what it
 * read stays on screen until it is reloaded — the stale copy a save conflict needs. Returns the way back.
 */
export async function cutLiveUpdates(page: Page): Promise<() => Promise<void>> {
  const pattern = '**/api/events'
  await page.route(pattern, (route) =>
    route.fulfill({ status: 401, contentType: 'application/json', body: '{"ok":false}' }),
  )
  return () => page.unroute(pattern)
}

/** What the app shows once started: its frame, or one of the screens before it. */
export const SCREENS = '.frame, .first-run, .login-screen, .password-screen'

/** Picks an option of an Element Plus select identified by its placeholder or aria-label. */
export async function choose(page: Page, select: string, option: string): Promise<void> {
  await page.locator(select).first().click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click()
}

export function cleanupRenderer(): void {
  if (rendererDir) fs.rmSync(rendererDir, { recursive: true, force: true })
  rendererDir = null
}

/** Drags with real mouse steps (Chromium starts an HTML5 drag only after the pointer has moved a little). */
export async function dragTo(page: Page, source: string, target: string, offsetY = 400): Promise<void> {
  const from = (await page.locator(source).first().boundingBox())!
  const to = (await page.locator(target).first().boundingBox())!
  await page.mouse.move(from.x + 20, from.y + 10)
  await page.mouse.down()
  await page.mouse.move(from.x + 40, from.y + 30, { steps: 5 })
  await page.mouse.move(to.x + 50, to.y + Math.min(offsetY, to.height - 10), { steps: 10 })
  await page.mouse.up()
}

/**
 * Opens a route with a full page load (not only a hash change), so the app starts on it rather than racing
 * its own start-up against a navigation.
 */
export async function openRoute(page: Page, h: Harness, route: string): Promise<void> {
  await page.goto(h.host.url.replace(/#.*$/, route))
  await page.reload()
  if (await booted(page)) return refsLoaded(page)
  // Twice in ~15 full runs every test of one browser file timed out at its first step, never when the file
  // ran alone. Say what the page showed (so the cause can be found), then give it one more full load.
  console.warn(`openRoute(${route}): the app did not start within 15 s — ${await pageState(page)}`)
  await page.reload()
  if (!(await booted(page))) throw new Error(`openRoute(${route}): the app did not start — ${await pageState(page)}`)
  await refsLoaded(page)
}

/** Fails at once, with the page's words, when the frame could not read the office's lists. */
async function refsLoaded(page: Page): Promise<void> {
  const error = page.locator('.refs-error')
  if (await error.count()) throw new Error(`the office's lists were not read: ${await error.innerText()}`)
}

/**
 * The app has started: a screen before the frame, a print, or the frame with the office's lists read (its main
 * area no longer busy, or saying why not). Without the last, a screen's own controls may never come.
 */
async function booted(page: Page): Promise<boolean> {
  return page
    .waitForSelector(
      `.first-run, .login-screen, .password-screen, .print-screen, .frame .main[aria-busy="false"], .refs-error`,
      {
        timeout: 15_000,
      },
    )
    .then(() => true)
    .catch(() => false)
}

async function pageState(page: Page): Promise<string> {
  const body = await page
    .locator('body')
    .innerText({ timeout: 2000 })
    .then((text) => text.slice(0, 300))
    .catch((e: Error) => `(page not readable: ${e.message})`)
  return `url ${page.url()}, text: ${JSON.stringify(body)}`
}

/** Sets up the administrator (also 重点项目办) of an empty harness; new pages then log in as it. */
export async function setupAdmin(h: Harness, admin = { name: '王办事', unit: '区发改局' }): Promise<void> {
  await h.app.call('auth.setup', { login: ADMIN.login, password: ADMIN.password, ...admin })
  h.account = ADMIN
}

/**
 * A harness on the demo district (or `projects` of them), with its administrator (also 重点项目办, ADMIN) set
 * up, ready for the screens: new pages log in as it.
 */
export async function startDemo(projects?: number, admin = { name: '王办事', unit: '区发改局' }): Promise<Harness> {
  const h = await startHarness()
  await setupAdmin(h, admin)
  await h.app.call('demo.load', projects ? { projects } : {})
  return h
}

/**
 * The demo district and one page on it for a whole test file: started before its first test, closed after
 * its last. `use` receives them (test files keep them in their own variables).
 */
export function useDemoPage(use: (demo: { h: Harness; page: Page; errors: string[] }) => void): void {
  let h: Harness | undefined
  beforeAll(async () => {
    h = await startDemo()
    use({ h, ...(await newPage(h)) })
  }, 120_000)
  afterAll(() => closeHarness(h))
}

/** Closes a harness and removes the renderer build of this test file. */
export async function closeHarness(h: Harness | undefined): Promise<void> {
  await h?.close()
  cleanupRenderer()
}
