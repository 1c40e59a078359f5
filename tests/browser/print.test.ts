/**
 * The printed documents, rendered from the demo data in Debian's Chromium to A4 PDF (as the desktop's
 * printToPDF and the browser's print do) and read back with pdftotext.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { allPages } from '../../src/shared/paging'
import { newPage, openRoute, startDemo, useDemoPage, type Harness } from './harness'
import { MM, codesInOrder, hasRow, outsideMargins, readPdf, type PdfPage } from './pdf'

let h: Harness
let page: Page
let errors: string[]

useDemoPage((demo) => ({ h, page, errors } = demo))

async function printToPdf(route: string, name: string): Promise<PdfPage[]> {
  await openRoute(page, h, route)
  await page.waitForSelector('body[data-print-ready="1"]', { timeout: 60_000 })
  await page.emulateMedia({ media: 'print' })
  const file = path.join(h.dir, `${name}.pdf`)
  await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true })
  await page.emulateMedia({ media: 'screen' })
  return readPdf(file)
}

const portrait = (p: PdfPage) => p.width < p.height
/** GB/T 9704 text pages: top 37, right 26, bottom 35, left 28 mm; landscape table pages: 20/15/22/15 mm. */
const margins = (p: PdfPage) =>
  portrait(p)
    ? { top: 37 * MM, right: 26 * MM, bottom: 35 * MM, left: 28 * MM }
    : { top: 20 * MM, right: 15 * MM, bottom: 22 * MM, left: 15 * MM }

function numbered(pages: PdfPage[]) {
  pages.forEach((p, i) => {
    const bottom = p.words.filter((w) => (w.yMin + w.yMax) / 2 > p.height - margins(p).bottom).map((w) => w.text)
    expect(bottom.join(''), `page ${i + 1}`).toContain(`${i + 1}`)
    expect(bottom.join(''), `page ${i + 1}`).toMatch(/—/)
  })
}

describe('printing (A4, GB/T 9704)', () => {
  it('排名通报: text page in portrait, the ranking on landscape pages, every project in rank order', async () => {
    const pages = await printToPdf('#/print/ranking/2026-10', 'ranking')
    const ranking = await h.app.call('ranking.projects', { period: '2026-10' })
    expect(pages[0]!.text).toContain('2026年10月重点项目推进情况通报')
    expect(pages[0]!.text).toContain('总体情况')
    expect(portrait(pages[0]!)).toBe(true)
    // The text (with its 署名 and 成文日期 it may take a second page) in portrait, then only landscape pages.
    const landscapeFrom = pages.findIndex((p) => !portrait(p))
    expect(landscapeFrom).toBeGreaterThan(0)
    expect(pages.slice(landscapeFrom).every((p) => !portrait(p))).toBe(true)
    expect(codesInOrder(pages)).toEqual(ranking.rows.map((r) => r.code))
    // The header row repeats on every page of the table.
    const tablePages = pages.filter((p) => /XM-\d+/.test(p.text))
    expect(tablePages.length).toBeGreaterThan(1)
    for (const p of tablePages) expect(hasRow(p, ['名次', '升降', '项目名称', '得分'])).toBe(true)
    // Group rankings follow, each leader, township and unit listed.
    const leaders = await h.app.call('ranking.groups', { period: '2026-10', by: 'leader' })
    const all = pages.map((p) => p.text).join(' ')
    for (const g of leaders.rows) expect(all).toContain(g.group.name)
    expect(outsideMargins(pages, margins)).toEqual([])
    numbered(pages)
    expect(errors).toEqual([])
  })

  it('重点项目一览表: every project, header on every page, landscape, within the margins', async () => {
    const pages = await printToPdf('#/print/ledger', 'ledger')
    const projects = await h.app.call('project.list', {})
    expect(codesInOrder(pages)).toEqual(projects.map((p) => p.code).sort())
    expect(pages.every((p) => !portrait(p))).toBe(true)
    for (const p of pages) expect(hasRow(p, ['序号', '编号', '项目名称', '总投资'])).toBe(true)
    expect(pages.at(-1)!.text).toContain(`合计（${projects.length}个项目）`)
    expect(outsideMargins(pages, margins)).toEqual([])
    numbered(pages)
  })

  it('一项目一档: one project on one portrait page', async () => {
    const [project] = await h.app.call('project.list', { text: 'XM-012' })
    const detail = await h.app.call('project.get', { id: project!.id })
    const pages = await printToPdf(`#/print/project/${project!.id}`, 'project')
    expect(pages).toHaveLength(1)
    expect(portrait(pages[0]!)).toBe(true)
    for (const text of [
      detail.project.name,
      detail.leader.name,
      detail.taskForce.leadUnit.name,
      ...detail.plan.milestones.map((m) => m.name),
    ])
      expect(pages[0]!.text.replace(/\s/g, '')).toContain(text)
    expect(outsideMargins(pages, margins)).toEqual([])
  })

  it('a document that could not be read says why, is not printed, and can be read again', async () => {
    await openRoute(page, h, '#/print/project/999999')
    await page.waitForSelector('body[data-print-ready="1"]')
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('不存在')
    const bar = page.locator('.print-bar')
    expect(await bar.getByRole('button', { name: '打印' }).isDisabled()).toBe(true)
    await bar.getByRole('button', { name: '重新读取' }).click()
    await page.waitForSelector('body[data-print-ready="1"]')
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('不存在')
  })

  it('问题清单: every open problem, grouped by level', async () => {
    const pages = await printToPdf('#/print/problems', 'problems')
    const open = (await h.app.call('problem.list', {})).filter((p) => p.status !== 'closed')
    const text = pages.map((p) => p.text.replace(/\s/g, '')).join('')
    for (const p of open) expect(text).toContain(`${p.projectCode}`)
    expect(codesInOrder(pages)).toHaveLength(open.length)
    expect(text).toContain('专班层级')
    expect(outsideMargins(pages, margins)).toEqual([])
    numbered(pages)
  })

  it('a ranking of 1,000 projects prints completely', async () => {
    const big = await startDemo(1000)
    try {
      const { page: p } = await newPage(big)
      await openRoute(p, big, '#/print/ranking/2026-10')
      await p.waitForSelector('body[data-print-ready="1"]', { timeout: 60_000 })
      await p.emulateMedia({ media: 'print' })
      const file = path.join(big.dir, 'big.pdf')
      const t0 = Date.now()
      await p.pdf({ path: file, preferCSSPageSize: true, printBackground: true })
      console.log(`1,000-project 排名通报 to PDF: ${Date.now() - t0} ms, ${fs.statSync(file).size} bytes`)
      const pages = readPdf(file)
      const { rows } = await allPages((offset, limit) =>
        big.app.call('ranking.projects', { period: '2026-10', offset, limit }),
      )
      expect(codesInOrder(pages)).toEqual(rows.map((r) => r.code))
      numbered(pages)
    } finally {
      await big.close()
    }
  }, 180_000)
})
