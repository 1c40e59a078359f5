/** The kanban with 2,000 cards stays light: only the cards in view are in the page, and scrolling reaches all. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeHarness, newPage, openRoute, startDemo, type Harness } from './harness'
import { allCards } from '../helpers/app'

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
    const last = (await allCards(h.app)).filter((c) => c.stage === 'construction').at(-1)!
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

  it(
    'in 按包联领导分行, a card dropped below the last card shown lands there, not at the column end',
    {
      timeout: 60_000,
    },
    async () => {
      // One leader given 15 more projects under construction: a lane longer than its first 10 cards.
      const lane = (await h.app.call('kanban.board', { lanes: true })).lanes[0]!
      const others = (await h.app.call('kanban.column', { stage: 'construction', limit: 60 })).rows
        .filter((c) => c.leader.id !== lane.leader.id)
        .slice(0, 15)
      for (const c of others)
        await h.app.call('project.reassignLeader', {
          projectId: c.id,
          version: c.version,
          leaderId: lane.leader.id,
          fromDate: '2026-11-21',
          note: '',
        })
      const column = async () =>
        (await h.app.call('kanban.column', { stage: 'construction', leaderId: lane.leader.id, limit: 200 })).rows
      const before = await column()
      const { page, errors } = await newPage(h)
      await openRoute(page, h, '#/kanban')
      await page.getByText('按包联领导分行').click()
      const body = page
        .locator('.lane', { has: page.locator('.lane-name', { hasText: lane.leader.name }) })
        .locator('[data-stage="construction"] .body')
      await body.scrollIntoViewIfNeeded()
      await body.locator(`[data-card="${before[9]!.id}"]`).waitFor()
      expect(await body.locator('[data-card]').count()).toBe(10) // the lane's first cards
      // The 9th card, dropped just below the 10th (the last one shown): it becomes the 10th.
      const dragged = before[8]!
      await body.locator(`[data-card="${before[9]!.id}"]`).scrollIntoViewIfNeeded() // its foot in the window
      const box = (await body.boundingBox())!
      const top = (await body.locator(`[data-card="${before[9]!.id}"]`).boundingBox())!
      const from = (await body.locator(`[data-card="${dragged.id}"]`).boundingBox())!
      await page.mouse.move(from.x + 20, from.y + 10)
      await page.mouse.down()
      await page.mouse.move(from.x + 40, from.y + 30, { steps: 5 })
      await page.mouse.move(box.x + 50, top.y + top.height + 8, { steps: 10 })
      await page.mouse.up()
      await expect.poll(async () => (await column()).findIndex((c) => c.id === dragged.id), { timeout: 10_000 }).toBe(9)
      // Lanes come 30 at a time; the button at the foot brings the next ones.
      const { laneTotal } = await h.app.call('kanban.board', { lanes: true, laneLimit: 1 })
      expect(laneTotal).toBeGreaterThan(30)
      await expect.poll(() => page.locator('.lane').count()).toBe(30)
      await page.locator('.more-lanes').click()
      await expect.poll(() => page.locator('.lane').count()).toBe(Math.min(60, laneTotal))
      expect(errors).toEqual([])
    },
  )
})
