/** The kanban with 2,000 cards stays light: only the cards in view are in the page, and scrolling reaches all. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeHarness, newPage, openRoute, startDemo, type Harness } from './harness'

let h: Harness
beforeAll(async () => {
  h = await startDemo(2000)
}, 120_000)
afterAll(() => closeHarness(h))

describe('kanban at 2,000 cards', () => {
  it('renders only the visible cards of each column and scrolls to the last one', { timeout: 60_000 }, async () => {
    const { page, errors } = await newPage(h)
    // Counts and windows only: no answer carries the whole board (issue 19).
    const answers: { call: string; bytes: number }[] = []
    page.on('response', async (response) => {
      const call = /\/api\/call\/(kanban\.[a-z]+)/.exec(response.url())?.[1]
      if (call) answers.push({ call, bytes: (await response.body()).length })
    })
    const started = Date.now()
    await openRoute(page, h, '#/kanban')
    await page.waitForSelector('[data-card]')
    const firstPaint = Date.now() - started
    expect(await page.textContent('.kanban')).toContain('共 2000 个项目')
    const rendered = await page.locator('[data-card]').count()
    expect(rendered).toBeGreaterThan(10)
    expect(rendered).toBeLessThan(150)
    const column = page.locator('[data-stage="construction"] .body')
    const count = Number((await page.textContent('[data-stage="construction"] .count'))!.trim())
    expect(count).toBeGreaterThan(500)
    await column.evaluate((el) => (el.scrollTop = el.scrollHeight))
    await page.waitForTimeout(200)
    const cards = await h.app.call('kanban.cards', {})
    const last = cards.cards.filter((c) => c.stage === 'construction').at(-1)!
    await page.waitForSelector(`[data-card="${last.id}"]`)
    expect(await page.locator('[data-card]').count()).toBeLessThan(150)
    // A search over all 2,000 cards, answered by the main side.
    await page.getByPlaceholder('搜索名称或编号（Ctrl+F）').fill(last.code.toLowerCase())
    await page.getByText('共 1 个项目', { exact: false }).waitFor()
    await page.waitForSelector(`[data-card="${last.id}"]`)
    expect(await page.locator('[data-card]').count()).toBe(1)
    expect(answers.map((a) => a.call)).not.toContain('kanban.cards')
    expect(Math.max(...answers.map((a) => a.bytes))).toBeLessThan(200_000)
    expect(errors).toEqual([])
    console.log(`kanban of 2,000 cards: first cards shown after ${firstPaint} ms, ${rendered} cards in the page`)
  })
})
