/**
 * What a user sees on the first day (issue 16, D1), measured in Chromium at 1366×768: the 总览 of an empty
 * database, labels that fit, the 问题 table's 操作 column, the print button in the page's flow, the reasons of a
 * light without hovering, and long project names shown whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { STAGES, STAGE_LABELS } from '../../src/shared/domain'
import { fixedClock } from '../helpers/clock'
import { closeHarness, logIn, newPage, openRoute, setupAdmin, startDemo, startHarness, type Harness } from './harness'

/** A project name of exactly 100 characters (the limit of 「项目名称」), ending in a marker. */
const LONG_NAME = '离石区新能源装备制造产业园基础设施及配套道路管网建设工程'.repeat(4).slice(0, 96) + '终点标记'

// The measurements run in the page. The Node side's type-check has no DOM types: the little of the page they
// use is declared here, for this module only.
interface Box {
  left: number
  right: number
  top: number
  bottom: number
  width: number
  height: number
}
interface El {
  className: string
  textContent: string | null
  scrollWidth: number
  clientWidth: number
  scrollHeight: number
  clientHeight: number
  scrollTop: number
  parentElement: El | null
  matches(selector: string): boolean
  contains(other: El | null): boolean
  getBoundingClientRect(): Box
  getAttribute(name: string): string | null
  querySelector(selector: string): El | null
  querySelectorAll(selector: string): Iterable<El>
}
declare const document: {
  elementFromPoint(x: number, y: number): El | null
  createRange(): { selectNodeContents(node: El): void; getBoundingClientRect(): Box }
  querySelectorAll(selector: string): Iterable<El>
}
declare const window: { innerWidth: number; innerHeight: number }
declare function getComputedStyle(el: El): { overflowX: string; overflowY: string }

/**
 * What cuts an element's text off: it or an ancestor up to `stop` with overflow hidden or clip and more content
 * than room (text-overflow ellipsis and line clamps included; a scrolling box is not a cut). Empty: nothing.
 */
function clippedIn(el: El, stop: string): string[] {
  const cuts: string[] = []
  for (let e: El | null = el; e && !e.matches(stop); e = e.parentElement) {
    const s = getComputedStyle(e)
    const hides = (o: string) => o === 'hidden' || o === 'clip'
    if (hides(s.overflowX) && e.scrollWidth > e.clientWidth + 1) cuts.push(`${e.className}（宽）`)
    if (hides(s.overflowY) && e.scrollHeight > e.clientHeight + 1) cuts.push(`${e.className}（高）`)
  }
  return cuts
}

async function clipped(page: Page, selector: string, stop = 'body'): Promise<string[]> {
  return page.locator(selector).first().evaluate(clippedIn, stop)
}

/** Whether the last line of an element's text is on top (not covered by another element). */
function uncovered(el: El): boolean {
  const r = el.getBoundingClientRect()
  const hit = document.elementFromPoint(r.left + 4, r.bottom - 4)
  return Boolean(hit && el.contains(hit))
}

/** Overlaps between each form item's label text and any other label or field of the same form. */
function labelOverlapsIn(root: El): string[] {
  const meet = (a: Box, b: Box) =>
    a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5
  const items = [...root.querySelectorAll('.el-form-item')]
  const found: string[] = []
  for (const item of items) {
    const label = item.querySelector('.el-form-item__label')
    const text = label?.textContent?.trim()
    if (!label || !text) continue
    const range = document.createRange()
    range.selectNodeContents(label)
    const box = range.getBoundingClientRect()
    if (box.bottom > item.getBoundingClientRect().bottom + 0.5) found.push(`「${text}」超出了自己的一行`)
    for (const other of items) {
      if (other === item) continue
      for (const part of other.querySelectorAll('.el-form-item__label, .el-form-item__content'))
        if (meet(box, part.getBoundingClientRect()))
          found.push(`「${text}」压住了「${other.textContent?.trim().slice(0, 12)}」`)
    }
    const own = item.querySelector('.el-form-item__content')
    if (own && meet(box, own.getBoundingClientRect())) found.push(`「${text}」压住了自己的输入框`)
  }
  return found
}

async function labelOverlaps(page: Page, form: string): Promise<string[]> {
  return page.locator(form).first().evaluate(labelOverlapsIn)
}

/** The table body's buttons that are in view vertically but lie outside the table or are covered. */
function buttonsOutside(table: El): { found: string[]; count: number } {
  const t = table.getBoundingClientRect()
  const found: string[] = []
  if (t.right > window.innerWidth) found.push(`表格右缘 ${t.right} 超出窗口`)
  const buttons = [...table.querySelectorAll('.el-table__body .el-button')]
  for (const b of buttons) {
    const r = b.getBoundingClientRect()
    // Rows scrolled out of view (of the table or of the window) are not judged.
    if (r.bottom < Math.max(t.top, 0) || r.top > Math.min(t.bottom, window.innerHeight)) continue
    if (r.left < t.left - 0.5 || r.right > t.right + 0.5) found.push(`「${b.textContent}」在表格外`)
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
    if (!hit || !b.contains(hit)) found.push(`「${b.textContent}」被遮住`)
  }
  return { found, count: buttons.length }
}

/** Scrolls the main area to y and lists the form fields and tabs the print button then lies over. */
function printOver(main: El, y: number): string[] {
  main.scrollTop = y
  const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.includes('打印一项目一档'))
  if (!button) return ['找不到「打印一项目一档」']
  const p = button.getBoundingClientRect()
  return [...document.querySelectorAll('.el-form-item__content, .el-tabs__item')]
    .filter((f) => {
      const r = f.getBoundingClientRect()
      return r.left < p.right && p.left < r.right && r.top < p.bottom && p.top < r.bottom
    })
    .map((f) => f.textContent?.trim().slice(0, 10) || f.className)
}

/** The steps of 从这里开始 as shown: text, done mark, link. */
function stepsIn(items: El[]): { text: string; done: boolean; link: string }[] {
  return items.map((li) => ({
    text: (li.textContent ?? '').replace(/\s+/g, ''),
    done: li.getAttribute('data-done') === 'true',
    link: li.querySelector('a')?.getAttribute('href') ?? '',
  }))
}

/** Whether a card's reason line lies inside the card and has a height. */
function whyInside(card: El): boolean {
  const w = card.querySelector('.why')?.getBoundingClientRect()
  const r = card.getBoundingClientRect()
  return Boolean(w && w.top >= r.top && w.bottom <= r.bottom && w.height > 8)
}

describe('an empty database: 总览 says where to start', () => {
  let h: Harness
  let page: Page
  let errors: string[]
  beforeAll(async () => {
    h = await startHarness()
    await setupAdmin(h)
    ;({ page, errors } = await newPage(h))
  }, 120_000)
  afterAll(() => h?.close())

  const steps = () => page.locator('.start-here li').evaluateAll(stepsIn)

  it('shows the five steps, with links and done marks from the data, instead of empty charts', async () => {
    await openRoute(page, h, '#/overview')
    await page.locator('.start-here').waitFor()
    const shown = await steps()
    expect(shown.map((s) => s.text.slice(0, 12))).toEqual([
      expect.stringContaining('为同事建立账号'),
      expect.stringContaining('添加乡镇'),
      expect.stringContaining('添加包联领导'),
      expect.stringContaining('新建项目'),
      expect.stringContaining('每月填报'),
    ])
    expect(shown.map((s) => s.done)).toEqual([false, false, false, false, false])
    expect(shown.every((s) => s.link.startsWith('#/'))).toBe(true)
    // No chart of nothing: neither the bars nor the donut are drawn on an empty database.
    expect(await page.locator('.overview .chart').count()).toBe(0)
    await page.screenshot({ path: '/tmp/first-day-empty.png' })

    // Lists and a leader added elsewhere tick their steps.
    await h.app.call('dict.create', { kind: 'township', name: '城东街道' })
    await h.app.call('dict.create', { kind: 'unit', name: '区发改局' })
    await h.app.call('leader.create', { name: '张建国', title: '副区长', sortOrder: 1 })
    await openRoute(page, h, '#/overview')
    await page.locator('.start-here').waitFor()
    expect((await steps()).map((s) => s.done)).toEqual([false, true, true, false, false])

    // Each step leads to its screen.
    await page.locator('.start-here li').nth(2).locator('a').click()
    await page.waitForURL(/#\/leaders/)
    expect(errors).toEqual([])
  })
})

describe('the demo district at 1366×768', () => {
  let h: Harness
  let page: Page
  let errors: string[]
  let longId: number
  beforeAll(async () => {
    h = await startDemo()
    // The first card of the 谋划包装 column gets a name of the full 100 characters and a problem.
    const { cards } = await h.app.call('kanban.cards', {})
    const first = cards.find((c) => c.stage === 'planning')!
    longId = first.id
    const detail = await h.app.call('project.get', { id: longId })
    await h.app.call('project.update', { id: longId, version: detail.project.version, name: LONG_NAME })
    const [category] = await h.app.call('dict.list', { kind: 'problem_category' })
    const [unit] = await h.app.call('dict.list', { kind: 'unit' })
    await h.app.call('problem.create', {
      projectId: longId,
      categoryId: category!.id,
      description: '长名称项目的用地指标尚未落实',
      raisedOn: '2026-11-01',
      responsibleUnitId: unit!.id,
      deadline: '2026-12-31',
    })
    ;({ page, errors } = await newPage(h))
  }, 120_000)
  afterAll(() => closeHarness(h))

  it('总览: the 五个一批 bars label all five stages', async () => {
    await openRoute(page, h, '#/overview')
    await page.locator('.overview .chart svg text').first().waitFor()
    const labels = await page.locator('.overview .chart').first().locator('svg text').allTextContents()
    // A label may be set on two lines (two text elements): the stage names are read in order, joined.
    for (const s of STAGES) expect(labels.join('').replace(/\s+/g, '')).toContain(STAGE_LABELS[s])
    expect(await page.locator('.start-here').count()).toBe(0)
    await page.screenshot({ path: '/tmp/first-day-overview.png' })
  })

  it('the completion dialog: 实际完成日期 fits beside its field', async () => {
    const { cards } = await h.app.call('kanban.cards', {})
    // A milestone already due and not completed (one not yet due may not be completable).
    const open = cards.find((c) => c.milestones.done < c.milestones.due)!
    await openRoute(page, h, `#/projects/${open.id}`)
    await page.getByRole('tab', { name: '方案与节点' }).click()
    await page
      .locator('.el-table__row')
      .getByRole('button', { name: '完成', exact: true, disabled: false })
      .first()
      .click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.getByText('确认完成').waitFor()
    await page.waitForTimeout(300)
    expect(await labelOverlaps(page, '.el-dialog:visible .el-form')).toEqual([])
    await page.screenshot({ path: '/tmp/first-day-complete.png' })
    await dialog.getByRole('button', { name: '取消' }).click()
  })

  it('设置 → 预警与评分: 亮红灯 / 亮黄灯 labels fit on their line', async () => {
    await openRoute(page, h, '#/settings?tab=rules')
    await page.getByText('预警灯阈值').waitFor()
    const form = '.el-tab-pane:visible .el-form'
    expect(await page.locator(form).first().textContent()).toContain('亮黄灯')
    expect(await labelOverlaps(page, form)).toEqual([])
    await page.screenshot({ path: '/tmp/first-day-rules.png' })
  })

  it('问题: every button of the 操作 column lies whole inside the table at 1366 px', async () => {
    await openRoute(page, h, '#/problems')
    await page.locator('.el-table__row').first().waitFor()
    await page.locator('.el-loading-mask').waitFor({ state: 'detached' }) // the page has come: the veil fades
    const outside = await page.locator('.el-table').first().evaluate(buttonsOutside)
    expect(outside.count).toBeGreaterThan(5)
    expect(outside.found).toEqual([])
    await page.screenshot({ path: '/tmp/first-day-problems.png' })
  })

  it('the project page: 打印一项目一档 never lies over a form field while scrolling', async () => {
    await openRoute(page, h, `#/projects/${longId}`)
    await page.getByRole('button', { name: '保存基本信息' }).waitFor()
    const main = page.locator('.el-main')
    const max = await main.evaluate((m: El) => m.scrollHeight - m.clientHeight)
    expect(max).toBeGreaterThan(100)
    for (let y = 0; y <= max + 40; y += 40) {
      const over = await main.evaluate(printOver, y)
      expect(over, `滚动到 ${y}px`).toEqual([])
    }
  })

  it('the reasons of a red or yellow light are on the kanban card and the project page without hovering', async () => {
    const { cards } = await h.app.call('kanban.cards', {})
    // A card near the top of its column (the columns render only the cards in view), with several reasons.
    const top = STAGES.flatMap((s) => cards.filter((c) => c.stage === s && c.id !== longId).slice(0, 4))
    const card = top.find((c) => c.reasons.length > 1) ?? top.find((c) => c.reasons.length > 0)!
    await openRoute(page, h, '#/kanban')
    const el = page.locator(`[data-card="${card.id}"]`)
    await el.waitFor()
    const why = el.locator('.why')
    expect(await why.isVisible()).toBe(true)
    expect(await why.textContent()).toContain(card.reasons[0]!.text)
    if (card.reasons.length > 1) expect(await why.textContent()).toContain(`等${card.reasons.length}项`)
    const inside = await el.evaluate(whyInside)
    expect(inside).toBe(true)
    await page.screenshot({ path: '/tmp/first-day-kanban.png' })

    await openRoute(page, h, `#/projects/${card.id}`)
    await page.locator('.light-reasons').waitFor()
    for (const r of card.reasons) expect(await page.getByText(r.text, { exact: true }).first().isVisible()).toBe(true)
    await page.screenshot({ path: '/tmp/first-day-project.png' })
  })

  it('a 100-character name is shown whole: kanban card (focus and tap), project title, problems, print', async () => {
    expect([...LONG_NAME].length).toBe(100)
    const code = (await h.app.call('project.get', { id: longId })).project.code

    await openRoute(page, h, '#/kanban')
    const card = `[data-card="${longId}"]`
    await page.locator(card).waitFor()
    // At rest: clamped, with the whole name as its title.
    expect(await page.locator(`${card} .name`).getAttribute('title')).toBe(LONG_NAME)
    expect(await page.locator(`${card} .name`).textContent()).toContain(LONG_NAME)
    // Keyboard focus shows it whole.
    await page.locator(card).focus()
    await page.waitForTimeout(100)
    expect(await clipped(page, `${card} .name`, '.column')).toEqual([])
    expect(await page.locator(`${card} .name`).evaluate(uncovered)).toBe(true)
    await page.screenshot({ path: '/tmp/first-day-kanban-focus.png' })

    // A tap (a touch screen has no hover) shows it whole as well.
    const context = await h.browser.newContext({
      viewport: { width: 1366, height: 768 },
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    })
    await context.clock.setFixedTime(fixedClock())
    await logIn(h, context)
    const touch = await context.newPage()
    await touch.goto(h.host.url)
    await touch.waitForSelector('.frame')
    await touch.goto(h.host.url.replace(/#.*$/, '#/kanban'))
    await touch.locator(card).waitFor()
    expect(await clipped(touch, `${card} .name`, '.column')).not.toEqual([])
    await touch.locator(`${card} .meta`).first().tap()
    await touch.waitForTimeout(100)
    expect(await clipped(touch, `${card} .name`, '.column')).toEqual([])
    expect(await touch.locator(`${card} .name`).evaluate(uncovered)).toBe(true)
    await context.close()

    // The project page's title.
    await openRoute(page, h, `#/projects/${longId}`)
    const title = page.locator('[aria-label="一个项目"] .main')
    await title.waitFor()
    expect(await title.textContent()).toContain(LONG_NAME)
    expect(await clipped(page, '[aria-label="一个项目"] .main', '.zb-page')).toEqual([])
    await page.screenshot({ path: '/tmp/first-day-long-title.png' })

    // The problem table.
    await openRoute(page, h, '#/problems')
    // A page at a time: its problems are found by the project's code (searched on the main side).
    await page.getByPlaceholder('搜索问题或项目（Ctrl+F）').fill(code)
    const link = `.el-table__row a.proj:has-text("${code}")`
    await page.locator(link).waitFor()
    expect(await page.locator(link).textContent()).toContain(LONG_NAME)
    expect(await clipped(page, link, '.el-table')).toEqual([])
    await page.screenshot({ path: '/tmp/first-day-long-problems.png' })

    // The ranking table (a row of every project, ranked or not): the name wraps in its cell.
    const rows = (await h.app.call('ranking.projects', { period: '2026-10' })).rows
    expect(rows.some((r) => r.projectId === longId)).toBe(true)
    await openRoute(page, h, '#/ranking')
    const cell = `.el-table__row:has-text("${code}") td .cell:has-text("${LONG_NAME.slice(0, 12)}")`
    await page.locator(cell).first().waitFor()
    expect(await page.locator(cell).first().textContent()).toContain(LONG_NAME)
    expect(await clipped(page, cell, '.el-table')).toEqual([])

    // The printed 一项目一档.
    await openRoute(page, h, `#/print/project/${longId}`)
    await page.locator('h1').first().waitFor()
    expect(await page.locator('h1').first().textContent()).toContain(LONG_NAME)
    expect(await clipped(page, 'h1')).toEqual([])
    expect(errors).toEqual([])
  })
})
