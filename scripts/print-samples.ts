/**
 * `npm run print-samples`: each printed document of the demo data as A4 PDF, and its first pages as PNG in
 * docs/print-samples/ (pdftoppm from Debian's poppler-utils, Chromium as for the tests). `-- --out <folder>`
 * writes them to another folder instead (its PNG files are replaced). The 排名通报 carries a sample
 * 通报设置: an issuing body, a 文号, the level word, a 成文日期 and a 附注.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { closeHarness, newPage, startDemo } from '../tests/browser/harness'

const outAt = process.argv.indexOf('--out')
const OUT =
  outAt > 0 && process.argv[outAt + 1]
    ? path.resolve(process.argv[outAt + 1]!)
    : path.resolve(import.meta.dirname, '..', 'docs', 'print-samples')
const h = await startDemo(undefined, { name: '王办事', unit: '区重点项目办' })
try {
  const [project] = await h.app.call('project.list', { text: 'XM-012' })
  await h.app.call('settings.updateReport', {
    version: 1,
    issuer: '某某区重点项目建设指挥部办公室',
    level: '区',
    docNumber: '某重办〔2026〕12号',
    date: '2026-11-20',
    remarks: '此件发至各乡镇（街道）、区直各有关单位。',
  })
  fs.mkdirSync(OUT, { recursive: true })
  for (const f of fs.readdirSync(OUT)) if (f.endsWith('.png')) fs.rmSync(path.join(OUT, f))
  const { page } = await newPage(h)
  const docs: [string, string, number][] = [
    ['ranking', '#/print/ranking/2026-10', 4],
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
