/**
 * A page that loses its way to the server (the stream of live updates breaks and cannot reconnect) says so over
 * the page, keeps what was typed, and clears the notice by itself once the server answers again (App.vue,
 * renderer/api/transport.ts streamChanges). The server here stays up: the page's own requests for the stream
 * are cut in the browser, as a pulled cable or a restarting server would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeHarness, newPage, openRoute, startDemo, type Harness } from './harness'
import { readDataVersion } from '../../src/main/store/data-version'

let h: Harness

beforeAll(async () => {
  h = await startDemo()
}, 120_000)
afterAll(() => closeHarness(h))

describe('a lost connection', () => {
  it('is said over the page, keeps what was typed, and is cleared once the server answers again', async () => {
    const { page, errors } = await newPage(h)
    // Each stream the page opens is answered with the server's greeting and then ends (the page reconnects in
    // 3 s); while `cut`, the requests fail as with no network.
    let cut = false
    await page.route('**/api/events', async (route) => {
      if (cut) return route.abort('connectionrefused')
      const version = await readDataVersion(h.app.deps.db)
      return route.fulfill({
        status: 200,
        contentType: 'text/event-stream',
        body: `event: hello\ndata: ${JSON.stringify({ version })}\n\n`,
      })
    })
    await openRoute(page, h, '#/leaders')
    await page.getByRole('button', { name: '新增领导' }).click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.getByLabel('姓名').fill('孙立新')
    const notice = page.locator('.connection-lost')
    expect(await notice.count()).toBe(0)

    cut = true
    await notice.waitFor({ timeout: 10_000 })
    expect(await notice.innerText()).toContain('与专班服务器的连接中断，正在自动重连')
    await dialog.getByLabel('职务').fill('副区长')
    await page.screenshot({ path: 'docs/screenshots/connection-lost.png' })

    cut = false
    await notice.waitFor({ state: 'detached', timeout: 10_000 })
    expect(await dialog.getByLabel('姓名').inputValue()).toBe('孙立新')
    expect(await dialog.getByLabel('职务').inputValue()).toBe('副区长')
    await dialog.getByRole('button', { name: '保存' }).click()
    await expect.poll(async () => (await h.app.call('leader.list', {})).some((l) => l.name === '孙立新')).toBe(true)
    // The browser reports each refused request itself; nothing else went wrong on the page.
    expect(errors.filter((e) => !e.includes('net::ERR_CONNECTION_REFUSED'))).toEqual([])
  })
})
