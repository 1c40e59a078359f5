/**
 * The desktop's 连接方式 screen in Chromium, with the shell's bridge stood in for (the real one is tested in
 * tests/electron/connection.test.ts): a server whose certificate this computer does not trust shows that
 * certificate with its fingerprint; ticking 信任此证书 tests again through it, and only a reachable server can be
 * kept; offline, the screen says why and retries by itself; it asks no login and no data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { closeHarness, startHarness, type Harness } from './harness'

let h: Harness
const shots = path.resolve('docs/screenshots')
const PIN = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':')

beforeAll(async () => {
  h = await startHarness()
}, 120_000)
afterAll(() => closeHarness(h))

/** The screen with a stand-in shell: `offline` as the shell says, its calls recorded on window.calls. */
async function openScreen(offline: string | null): Promise<Page> {
  const context = await h.browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  await page.addInitScript(
    ({ offline, pin }) => {
      const calls: unknown[][] = []
      const certificate = {
        subject: 'zhuanban.county.gov.cn',
        issuer: '某县电子政务CA',
        validFrom: '2026-01-01',
        validTo: '2028-12-31',
        fingerprint: pin,
      }
      Object.assign(globalThis, {
        calls,
        zhuanban: {
          invoke: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'no data on this screen' } }),
          onCommand: () => () => {},
          connection: {
            get: async () => ({
              connection: offline
                ? { mode: 'server', url: 'https://zhuanban.county.gov.cn', fingerprint: pin }
                : { mode: 'local' },
              offline,
            }),
            test: async (address: string, fingerprint: string | null) => {
              calls.push(['test', address, fingerprint])
              const url = `https://${address.replace(/^https?:\/\//, '').replace(/\/.*$/, '')}`
              return fingerprint === pin
                ? { url, reachable: true, version: '0.1.0', schema: 9, trust: 'pinned', certificate, message: '' }
                : {
                    url,
                    reachable: false,
                    trust: 'untrusted',
                    certificate,
                    message:
                      '本机不信任服务器的证书（自签名或县内部 CA 签发）。请与服务器管理员核对下面的指纹，一致后勾选“信任此证书”',
                  }
            },
            save: async (connection: unknown) => {
              calls.push(['save', connection])
              return { ok: true, message: '' }
            },
            retry: async () => {
              calls.push(['retry'])
              return false
            },
          },
        },
      })
    },
    { offline, pin: PIN },
  )
  await page.goto(`http://127.0.0.1:${h.host.port}/#/connection`)
  await page.getByRole('heading', { name: '连接方式' }).waitFor()
  return page
}

const calls = (page: Page) => page.evaluate(() => (globalThis as unknown as { calls: unknown[][] }).calls)

describe('连接方式 (desktop, Chromium)', () => {
  it('tests a server, shows its certificate to compare, and keeps it only once it answers through the pinned one', async () => {
    const page = await openScreen(null)
    await page.getByText('县服务器', { exact: true }).click()
    await page.getByLabel('服务器地址').fill('zhuanban.county.gov.cn')
    await page.getByRole('button', { name: '测试连接' }).click()
    await page.getByText('本机不信任服务器的证书').waitFor()
    expect(await page.locator('.fingerprint').textContent()).toBe(PIN)
    expect(await page.getByRole('button', { name: '保存并重新启动' }).isDisabled()).toBe(true)
    await page.screenshot({ path: path.join(shots, 'desktop-connection-certificate.png') })
    await page.getByText('我已与服务器管理员核对指纹').click()
    await page.getByText('已连接：专班县服务器 0.1.0（数据结构版本 9）').waitFor()
    await page.screenshot({ path: path.join(shots, 'desktop-connection.png') })
    await page.getByRole('button', { name: '保存并重新启动' }).click()
    await expect
      .poll(() => calls(page))
      .toEqual([
        ['test', 'zhuanban.county.gov.cn', null],
        ['test', 'zhuanban.county.gov.cn', PIN],
        ['save', { mode: 'server', url: 'https://zhuanban.county.gov.cn', fingerprint: PIN }],
      ])
  })

  it('offline: says why and retries by itself every 5 seconds; 改用本机数据 keeps the office PC’s file', async () => {
    const page = await openScreen('无法打开县服务器 https://zhuanban.county.gov.cn（ERR_CONNECTION_REFUSED）')
    await page.getByRole('alert').filter({ hasText: 'ERR_CONNECTION_REFUSED' }).waitFor()
    expect(await page.getByText('正在每5秒自动重试').count()).toBe(1)
    await expect
      .poll(async () => (await calls(page)).filter(([c]) => c === 'retry').length, { timeout: 12_000 })
      .toBeGreaterThan(0)
    await page.screenshot({ path: path.join(shots, 'desktop-connection-offline.png') })
    await page.getByRole('button', { name: '改用本机数据' }).click()
    await expect
      .poll(async () => (await calls(page)).filter(([c]) => c === 'save'))
      .toEqual([['save', { mode: 'local' }]])
  })
})
