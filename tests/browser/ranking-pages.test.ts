/**
 * The 排名 screen asks the main side for each page, order and search (issue 19): a search or a sort reaches
 * rows that were never on the page, and no answer carries the whole month.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allPages } from '../../src/shared/paging'
import { closeHarness, newPage, openRoute, startDemo, type Harness } from './harness'

let h: Harness
beforeAll(async () => {
  h = await startDemo(320)
}, 120_000)
afterAll(() => closeHarness(h))

const PERIOD = '2026-10'

describe('排名 a page at a time', () => {
  it('searches and sorts all 320 projects while only a page crosses', { timeout: 60_000 }, async () => {
    const { page, errors } = await newPage(h)
    const answers: number[] = []
    page.on('response', async (response) => {
      if (response.url().includes('ranking.projects')) answers.push((await response.body()).length)
    })
    await openRoute(page, h, '#/ranking')
    await page.getByText('共 320 个项目').waitFor()
    expect(await page.locator('.el-table__body-wrapper tbody tr').count()).toBe(50)
    const { rows } = await allPages((offset, limit) =>
      h.app.call('ranking.projects', { period: PERIOD, offset, limit }),
    )
    // A project of the last page, found by its code.
    const last = rows.at(-1)!
    await page.getByPlaceholder('搜索名称或编号（Ctrl+F）').fill(last.code)
    await page.getByText('共 1 个项目').waitFor()
    expect(await page.locator('.el-table__body-wrapper tbody tr').first().textContent()).toContain(last.name)
    await page.getByPlaceholder('搜索名称或编号（Ctrl+F）').fill('')
    await page.getByText('共 320 个项目').waitFor()
    // 编号 descending: the first row is the largest code of all 320, not of the page.
    const codeHeader = page.locator('.el-table__header th', { hasText: '编号' })
    await codeHeader.click() // ascending
    await codeHeader.click() // descending
    const largest = rows
      .map((r) => r.code)
      .sort()
      .at(-1)!
    await expect.poll(() => page.locator('.el-table__body-wrapper tbody tr').first().textContent()).toContain(largest)
    // The last page of 320 at 50 a page has 20 rows.
    await page.locator('.el-pager li', { hasText: '7' }).click()
    await expect.poll(() => page.locator('.el-table__body-wrapper tbody tr').count()).toBe(20)
    if (process.env.ZHUANBAN_SHOTS) await page.screenshot({ path: `${process.env.ZHUANBAN_SHOTS}/ranking.png` })
    // The leaders' ranking: a page, searched on the main side.
    await page.getByRole('tab', { name: '按包联领导' }).click()
    const leaders = await h.app.call('ranking.groups', { period: PERIOD, by: 'leader', limit: 200 })
    await page.getByText(`共 ${leaders.total} 个`, { exact: true }).waitFor()
    const name = leaders.rows.at(-1)!.group.name
    await page.getByPlaceholder('搜索名称（Ctrl+F）').fill(name)
    await expect.poll(() => page.locator('.el-table__body-wrapper tbody tr').first().textContent()).toContain(name)
    if (process.env.ZHUANBAN_SHOTS) await page.screenshot({ path: `${process.env.ZHUANBAN_SHOTS}/ranking-leaders.png` })
    expect(Math.max(...answers)).toBeLessThan(200_000)
    expect(errors).toEqual([])
  })
})
