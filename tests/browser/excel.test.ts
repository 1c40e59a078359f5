/** Excel through the interface: download an export, import a county ledger with its preview. */
import fs from 'node:fs'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { countyLedger } from '../helpers/ledgers'
import { HEADER, TITLE, project, rawXlsx } from '../helpers/raw-xlsx'
import { openRoute, useDemoPage, type Harness } from './harness'

let h: Harness
let page: Page
let errors: string[]
useDemoPage((demo) => ({ h, page, errors } = demo))

describe('Excel in the interface', () => {
  it('downloads the ledger as .xlsx', async () => {
    await openRoute(page, h, '#/kanban')
    await page.waitForSelector('[data-card]')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出台账' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('重点项目台账-2026-11-21.xlsx')
    const file = path.join(h.dir, 'downloaded.xlsx')
    await download.saveAs(file)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(file)
    expect(wb.worksheets[0]!.rowCount).toBe(2 + 55)
  })

  it('imports a county ledger after showing how it was understood', async () => {
    const file = path.join(h.dir, '台账.xlsx')
    await (await countyLedger()).xlsx.writeFile(file)
    await page.getByRole('button', { name: '导入台账' }).click()
    await page.getByLabel('选择台账文件').setInputFiles(file)
    const dialog = page.locator('.el-dialog:visible')
    await dialog.locator('text=表头在第2、3行').waitFor()
    expect(await dialog.textContent()).toContain('共3个项目（新增3个、更新0个）')
    expect(await dialog.textContent()).toContain('包联领导：张一平、李二和')
    await dialog.getByRole('button', { name: '导入', exact: true }).click()
    await page.locator('.el-message-box').getByRole('button', { name: '导入' }).click()
    await page.locator('.el-message-box >> text=导入完成：新增3个项目').waitFor()
    await page.locator('.el-message-box').getByRole('button', { name: '好' }).click()
    // Its 项目阶段 is 开工建设: the card is in that (long, scrolled) column; the search finds it.
    await page.getByLabel('搜索项目').fill('城东新材料')
    await page.waitForSelector('[data-card]:has-text("城东新材料产业园项目")')
    await page.getByLabel('搜索项目').fill('')
    expect(await h.app.call('project.list', {})).toHaveLength(58)
    expect(errors).toEqual([])
    fs.rmSync(file)
  })

  it('shows the unit conversion and the sheet it read, lets the user choose another sheet and a unit it could not read', async () => {
    const file = path.join(h.dir, '两张表.xlsx')
    const yi = HEADER.map((t) => t.replace('万元', '亿元'))
    fs.writeFileSync(
      file,
      await rawXlsx(
        [
          { name: '2025年台账', state: 'hidden', rows: [TITLE, HEADER, project(1, '去年项目', 1, 1, '周明远')] },
          { name: '2026年台账', rows: [TITLE, yi, project(1, '亿元项目甲', 3.5, 1.2, '周明远')] },
          {
            name: '美元表',
            rows: [
              TITLE,
              HEADER.map((t, i) => (i === 3 ? '总投资（万美元）' : t)),
              project(1, '美元项目', 7, 1, '周明远'),
            ],
          },
        ],
        { activeTab: 1 },
      ),
    )
    await openRoute(page, h, '#/kanban')
    await page.waitForSelector('[data-card]')
    await page.getByRole('button', { name: '导入台账' }).click()
    await page.getByLabel('选择台账文件').setInputFiles(file)
    const dialog = page.locator('.el-dialog:visible')
    await dialog.locator('text=D列「总投资（亿元）」：亿元 → 万元（×10,000）').waitFor()
    const select = (label: string) => dialog.locator('.el-select', { has: page.getByLabel(label) })
    // No 项目阶段 column: the stage of the new project is chosen before the rows are shown.
    await select('新项目的阶段').click()
    await page.locator('.el-select-dropdown:visible').getByText('谋划包装', { exact: true }).click()
    await dialog.locator('text=新增项目的阶段：谋划包装1个').waitFor()
    expect(await dialog.textContent()).toContain('2026年台账（打开时显示）')
    expect(await dialog.textContent()).toContain('35,000.00')
    // Another sheet: its unit cannot be read, so the preview asks, and 导入 waits for the answer.
    await select('读取的工作表').click()
    await page.locator('.el-select-dropdown:visible').getByText('美元表', { exact: true }).click()
    await dialog.locator('text=的金额单位「万美元」无法识别').waitFor()
    expect(await dialog.getByRole('button', { name: '导入', exact: true }).isDisabled()).toBe(true)
    await select('总投资（万美元）的金额单位').click()
    await page.locator('.el-select-dropdown:visible').getByText('万元', { exact: true }).click()
    await dialog.locator('text=按所选单位 万元 读取').waitFor()
    // Another sheet forgets the choices made for the last one, the stage too: the import waits for it again.
    expect(await dialog.getByRole('button', { name: '导入', exact: true }).isDisabled()).toBe(true)
    await select('新项目的阶段').click()
    await page.locator('.el-select-dropdown:visible').getByText('谋划包装', { exact: true }).click()
    await dialog.locator('text=新增项目的阶段：谋划包装1个').waitFor()
    await dialog.getByRole('button', { name: '导入', exact: true }).click()
    await page.locator('.el-message-box').getByRole('button', { name: '导入' }).click()
    await page.locator('.el-message-box >> text=导入完成：新增1个项目').waitFor()
    await page.locator('.el-message-box').getByRole('button', { name: '好' }).click()
    const [imported] = await h.app.call('project.list', { text: '美元项目' })
    expect(imported!.totalInvestment).toBe(700)
    expect(await h.app.call('project.list', { text: '去年项目' })).toEqual([])
    expect(errors).toEqual([])
    fs.rmSync(file)
  })

  it('a 21-character minority name the import stored can be edited and saved again in 领导', async () => {
    const name = '阿卜杜热合曼·买买提依明·艾则孜江·吐尔逊'
    const fixture = path.join(__dirname, '../fixtures/field-cases/28-long-minority-leader-name.xlsx')
    const base64 = fs.readFileSync(fixture).toString('base64')
    await h.app.call('excel.import', { fileName: '28.xlsx', base64, stage: 'planning' })
    await openRoute(page, h, '#/leaders')
    await page.getByLabel('搜索领导').fill('阿卜杜')
    const row = page.locator('.el-table__row', { hasText: '阿卜杜热合曼' }).first()
    expect(await row.textContent()).toContain(name) // shown whole, not cut
    await row.getByRole('button', { name: '编辑' }).click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.locator('.el-form-item', { hasText: '职务' }).locator('input').fill('副县长')
    await dialog.getByRole('button', { name: '保存' }).click()
    await page.locator('.el-message >> text=已保存').waitFor()
    const saved = (await h.app.call('leader.list', {})).find((l) => l.name === name)
    expect(saved).toMatchObject({ name, title: '副县长' })
    expect(errors).toEqual([])
  })

  // Three previews of 3,000 rows (the stage chosen is one) and the import: more than the default minute on a busy machine.
  it(
    'reads a file chosen again after it was fixed, shows progress while importing, and forgets the file when closed',
    { timeout: 150_000 },
    async () => {
      const file = path.join(h.dir, '修改后再选.xlsx')
      const ledger = (leader: string, rows = 1) =>
        rawXlsx([
          {
            name: '台账',
            rows: [
              TITLE,
              HEADER,
              ...Array.from({ length: rows }, (_, i) => project(i + 1, `再选项目${i + 1}`, 100, 10, leader)),
            ],
          },
        ])
      fs.writeFileSync(file, await ledger('周明远、郑佳宁'))
      await openRoute(page, h, '#/kanban')
      await page.waitForSelector('[data-card]')
      await page.getByRole('button', { name: '导入台账' }).click()
      const dialog = page.locator('.el-dialog:visible')
      await page.getByLabel('选择台账文件').setInputFiles(file)
      await dialog.locator('text=两位领导').waitFor()
      // Fixed in Excel, chosen again under the same name: read again.
      fs.writeFileSync(file, await ledger('周明远', 3000))
      await page.getByLabel('选择台账文件').setInputFiles(file)
      await dialog.locator('text=共3000个项目').waitFor()
      await dialog.locator('.el-select', { has: page.getByLabel('新项目的阶段') }).click()
      await page.locator('.el-select-dropdown:visible').getByText('招商洽谈', { exact: true }).click()
      await dialog.locator('text=新增项目的阶段：招商洽谈3000个').waitFor()
      // 3,000 new projects are made in well under a second (500 at a time): the call is held back a moment on its
      // way, so that the bar that stands while it runs is there to be seen however fast the machine is.
      await page.route('**/api/call/excel.import', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1500))
        await route.continue()
      })
      await dialog.getByRole('button', { name: '导入', exact: true }).click()
      await page.locator('.el-message-box').getByRole('button', { name: '导入' }).click()
      // The bar and 取消导入 stand together while the import runs (one wait: it may finish soon after).
      await dialog.locator('.progress:has-text("正在导入")').getByRole('button', { name: '取消导入' }).waitFor()
      await page.locator('.el-message-box >> text=导入完成：新增3000个项目').waitFor({ timeout: 60_000 })
      await page.unroute('**/api/call/excel.import')
      await page.locator('.el-message-box').getByRole('button', { name: '好' }).click()
      // Opened again: no file, no preview from before.
      await page.getByRole('button', { name: '导入台账' }).click()
      await dialog.locator('text=请选择 .xlsx 台账').waitFor()
      expect(await dialog.locator('text=共3000个项目').count()).toBe(0)
      await page.keyboard.press('Escape')
      expect(errors).toEqual([])
      fs.rmSync(file)
    },
  )
})
