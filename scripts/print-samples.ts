/**
 * `npm run print-samples`: each printed document of the demo data as A4 PDF, and its first pages as PNG in
 * docs/print-samples/ (pdftoppm from Debian's poppler-utils, Chromium as for the tests).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { closeHarness, newPage, startDemo } from '../tests/browser/harness'

const OUT = path.resolve(import.meta.dirname, '..', 'docs', 'print-samples')
const h = await startDemo(undefined, { name: '王办事', unit: '区重点项目办' })
try {
  const [project] = await h.app.call('project.list', { text: 'XM-012' })
  fs.mkdirSync(OUT, { recursive: true })
  for (const f of fs.readdirSync(OUT)) fs.rmSync(path.join(OUT, f))
  const { page } = await newPage(h)
  const docs: [string, string, number][] = [
    ['ranking', '#/print/ranking/2026-10', 3],
    ['ledger', '#/print/ledger', 1],
    ['project', `#/print/project/${project!.id}`, 1],
    ['problems', '#/print/problems', 1],
  ]
  for (const [name, route, pages] of docs) {
    await page.goto(h.host.url.replace(/#.*$/, route))
    await page.waitForSelector('body[data-print-ready="1"]')
    await page.emulateMedia({ media: 'print' })
    const pdf = path.join(h.dir, `${name}.pdf`)
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true })
    await page.emulateMedia({ media: 'screen' })
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', String(pages), pdf, path.join(OUT, name)])
  }
  console.log(`打印样张已保存到 ${OUT}`)
} finally {
  await closeHarness(h)
}
