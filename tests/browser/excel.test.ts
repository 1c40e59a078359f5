/** Excel through the interface: download an export, import a county ledger with its preview. */
import fs from 'node:fs'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { countyLedger } from '../helpers/ledgers'
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
    await page.waitForSelector('[data-card]:has-text("城东新材料产业园项目")')
    expect(await h.app.call('project.list', {})).toHaveLength(58)
    expect(errors).toEqual([])
    fs.rmSync(file)
  })
})
