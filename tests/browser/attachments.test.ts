/**
 * 佐证材料 at the office's desk (1366 × 768): photos attached to a milestone and a month's report through the file
 * dialog, shown with the camera's time and place (an old photo marked as old), a refused file said in Chinese,
 * and the 一项目一档 printed with the newest photos.
 */
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { openRoute, useDemoPage, type Harness } from './harness'
import { readPdf } from './pdf'
import { sitePhoto } from '../helpers/images'

let h: Harness
let page: Page
let errors: string[]
useDemoPage((demo) => ({ h, page, errors } = demo))

async function projectOf(code: string) {
  const [project] = await h.app.call('project.list', { text: code })
  return h.app.call('project.get', { id: project!.id })
}

describe('佐证材料 (desktop)', () => {
  it('attaches photos to a milestone: each with when and where it was taken, an old one marked; a refused file said', async () => {
    const detail = await projectOf('XM-012')
    const done = detail.plan.milestones.find((m) => m.actualDate)!
    await openRoute(page, h, `#/projects/${detail.project.id}`)
    await page.getByRole('tab', { name: '方案与节点' }).click()
    await page.getByRole('button', { name: `「${done.name}」的佐证材料` }).click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.getByText('暂无佐证材料').waitFor()
    await dialog.locator('input.picker').setInputFiles([
      {
        name: '主体施工.jpg',
        mimeType: 'image/jpeg',
        buffer: await sitePhoto('主体结构施工', {
          takenAt: '2026:11:18 10:12:00',
          latitude: 34.7466,
          longitude: 113.6253,
        }),
      },
      {
        name: '旧照片.jpg',
        mimeType: 'image/jpeg',
        buffer: await sitePhoto('基础开挖', { takenAt: '2026:08:03 16:40:00', floors: 1 }),
      },
      { name: '说明.docx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK\x03\x04 not a photo') },
    ])
    await expect.poll(() => dialog.locator('figure.file').count(), { timeout: 15_000 }).toBe(2)
    await expect.poll(() => dialog.locator('figure.file img').count()).toBe(2)
    const text = await dialog.innerText()
    expect(text).toContain('拍摄于2026年11月18日 10:12')
    expect(text).toContain('北纬 34.7466° 东经 113.6253°')
    expect(text).toMatch(/拍摄于2026年8月3日 16:40（上传前\d+天拍摄，非当期照片）/)
    await expect.poll(() => page.locator('.el-message--error').innerText()).toContain('「说明.docx」不是照片或PDF')
    await page.screenshot({ path: 'docs/screenshots/attachments-1366.png' })
    // Opened large, with its fingerprint.
    await dialog.locator('figure.file button.thumb').first().click()
    const viewer = page.locator('.el-dialog:visible').last()
    await viewer.locator('img.full').waitFor()
    expect(await viewer.innerText()).toContain('文件指纹')
    await page.keyboard.press('Escape')
    await page.keyboard.press('Escape')
    // The milestones table counts them; the audit log names both files with their hash.
    await expect.poll(() => page.getByRole('button', { name: `「${done.name}」的佐证材料` }).innerText()).toBe('2份')
    const log = await h.app.call('audit.list', { projectId: detail.project.id })
    const added = log.filter((e) => e.entity === 'attachment' && e.field === 'sha256')
    expect(added).toHaveLength(2)
    for (const e of added) expect(e.newValue).toMatch(/^[0-9a-f]{64}$/)
  })

  it("attaches the month's 形象进度照片 to its report", async () => {
    const detail = await projectOf('XM-012')
    await openRoute(page, h, `#/projects/${detail.project.id}`)
    await page.getByRole('tab', { name: '月报' }).click()
    const form = page.locator('.reports')
    await form.getByText('形象进度照片').waitFor()
    const picker = form.locator('input.picker')
    await picker.setInputFiles({
      name: '十月形象进度.jpg',
      mimeType: 'image/jpeg',
      buffer: await sitePhoto('十月形象进度', { takenAt: '2026:10:28 09:00:00', floors: 5 }),
    })
    await expect.poll(() => form.locator('figure.file img').count(), { timeout: 15_000 }).toBe(1)
    const files = await h.app.call('attachment.list', { projectId: detail.project.id, owner: 'report' })
    expect(files.map((f) => f.name)).toEqual(['十月形象进度.jpg'])
  })

  it('prints the 一项目一档 with the newest photos, each with when it was taken', async () => {
    const detail = await projectOf('XM-012')
    await openRoute(page, h, `#/print/project/${detail.project.id}`)
    await page.waitForSelector('body[data-print-ready="1"]', { timeout: 60_000 })
    expect(await page.locator('.photos img').count()).toBe(3)
    await page.emulateMedia({ media: 'print' })
    const file = path.join(h.dir, 'project-photos.pdf')
    await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true })
    await page.emulateMedia({ media: 'screen' })
    const text = readPdf(file)
      .map((p) => p.text.replace(/\s/g, ''))
      .join('')
    expect(text).toContain('最新现场照片')
    expect(text).toContain('形象进度照片')
    expect(text).toContain('非当期照片')
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', file, path.join(h.dir, 'project-photos')])
    expect(errors).toEqual([])
  })
})
