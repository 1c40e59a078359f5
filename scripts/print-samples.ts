/**
 * `npm run print-samples`: each printed document of the demo data as A4 PDF, and its first pages as PNG in
 * docs/print-samples/ (pdftoppm from Debian's poppler-utils, Chromium as for the tests). `-- --out <folder>`
 * writes them to another folder instead (its PNG files are replaced). The 排名通报 carries a sample
 * 通报设置: an issuing body, a 文号, the level word, a 成文日期 and a 附注; the 一项目一档 carries site photos
 * (drawn, with the EXIF a phone writes; one of them old, as the sheet marks it).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { closeHarness, newPage, startDemo } from '../tests/browser/harness'
import { sitePhoto } from '../tests/helpers/images'

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
  const detail = await h.app.call('project.get', { id: project!.id })
  const [first, second] = detail.plan.milestones.filter((m) => m.actualDate).slice(-2)
  const report = (await h.app.call('report.list', { projectId: project!.id, year: 2026 })).at(-1)
  const photos: [string, string, number, string, number][] = [
    ['milestone', '基础开挖', first!.id, '2026:06:03 16:40:00', 1],
    ['milestone', '主体结构施工', second!.id, '2026:09:14 10:12:00', 4],
    ['report', '形象进度', report!.id, '2026:11:18 09:30:00', 6],
    ['report', '屋面施工', report!.id, '2026:11:19 15:05:00', 7],
  ]
  for (const [owner, label, ownerId, takenAt, floors] of photos) {
    const base64 = (await sitePhoto(label, { takenAt, floors, latitude: 34.7466, longitude: 113.6253 })).toString(
      'base64',
    )
    const name = `${label}.jpg`
    if (owner === 'milestone') await h.app.call('attachment.addToMilestone', { milestoneId: ownerId, name, base64 })
    else await h.app.call('attachment.addToReport', { reportId: ownerId, name, base64 })
  }
  fs.mkdirSync(OUT, { recursive: true })
  for (const f of fs.readdirSync(OUT)) if (f.endsWith('.png')) fs.rmSync(path.join(OUT, f))
  const { page } = await newPage(h)
  const docs: [string, string, number][] = [
    ['ranking', '#/print/ranking/2026-10', 4],
    ['ledger', '#/print/ledger', 1],
    ['project', `#/print/project/${project!.id}`, 2],
    ['problems', '#/print/problems', 1],
  ]
  for (const [name, route, pages] of docs) {
    await page.goto(h.host.url.replace(/#.*$/, route))
    // A new hash in the same page: loaded afresh, so that the last document's ready mark is not taken for this one's.
    await page.reload()
    await page.waitForSelector('body[data-print-ready="1"]')
    await page.emulateMedia({ media: 'print' })
    const pdf = path.join(h.dir, `${name}.pdf`)
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true })
    await page.emulateMedia({ media: 'screen' })
    if (process.env.KEEP_PDF) fs.copyFileSync(pdf, path.join(process.env.KEEP_PDF, `${name}.pdf`))
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', String(pages), pdf, path.join(OUT, name)])
  }
  console.log(`打印样张已保存到 ${OUT}`)
} finally {
  await closeHarness(h)
}
