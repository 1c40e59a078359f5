/** 设置 → 数据备份 in Chromium: back up, change data, restore, see the old data again (and undo the restore). */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { openRoute, useDemoPage, type Harness } from './harness'
import { setBackupFolder } from '../../src/main/services/backups'

let h: Harness
let page: Page
let errors: string[]
useDemoPage((demo) => ({ h, page, errors } = demo))

const panel = () => page.locator('[data-testid="backup-panel"]')

describe('backup and restore in the interface', () => {
  it('makes a backup on request and lists it', async () => {
    await openRoute(page, h, '#/settings?tab=backup')
    await panel().getByText('还没有备份').waitFor()
    await panel().getByRole('button', { name: '立即备份' }).click()
    await page.getByText('备份完成').waitFor()
    await panel().locator('.el-table__row:has-text("手动")').waitFor()
    expect((await h.app.call('backup.list', {})).backups.map((b) => b.reason)).toEqual(['manual'])
  })

  it('restores it after a change: the old data is back on screen, and the restore can be undone', async () => {
    const [project] = await h.app.call('project.list', { text: 'XM-012' })
    const original = project!.name
    // The change, made through the interface like an office would: a new township in 基础名录.
    await page.getByRole('tab', { name: '基础名录' }).click()
    await page.getByPlaceholder('新增乡镇/街道名称').fill('恢复测试镇')
    await page.getByRole('button', { name: '添加', exact: true }).click()
    await page.locator('.el-table input[aria-label="恢复测试镇的名称"]').waitFor()
    await h.app.call('project.update', { id: project!.id, version: project!.version, name: '改过的项目名称' })

    await page.getByRole('tab', { name: '数据备份' }).click()
    await panel().locator('.el-table__row:has-text("手动")').getByRole('button', { name: '恢复' }).click()
    const confirm = page.locator('.el-message-box:visible')
    expect(await confirm.textContent()).toContain('当前数据会先另存为一个“恢复前”备份')
    await confirm.getByRole('button', { name: '恢复' }).click()
    await page.getByText(/已恢复到 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 的数据/).waitFor()
    await panel().locator('.el-table__row:has-text("恢复前")').waitFor()

    await page.getByRole('tab', { name: '基础名录' }).click()
    await page.locator('.el-table input[aria-label="城东街道的名称"]').waitFor()
    expect(await page.locator('.el-table input[aria-label="恢复测试镇的名称"]').count()).toBe(0)
    await openRoute(page, h, '#/kanban')
    await page.locator(`[data-card]:has-text("${original}")`).first().waitFor()
    expect(await page.locator('[data-card]:has-text("改过的项目名称")').count()).toBe(0)

    // Undo: restore the "恢复前" backup, and the change is back.
    await openRoute(page, h, '#/settings?tab=backup')
    await panel().locator('.el-table__row:has-text("恢复前")').getByRole('button', { name: '恢复' }).click()
    await page.locator('.el-message-box:visible').getByRole('button', { name: '恢复' }).click()
    await page
      .getByText(/已恢复到/)
      .first()
      .waitFor()
    // The screen has reloaded its list (the second 恢复前 backup is in it) before anything else is typed.
    await panel().locator('.el-table__row:has-text("恢复前")').nth(1).waitFor()
    const [after] = await h.app.call('project.list', { text: 'XM-012' })
    expect(after!.name).toBe('改过的项目名称')
    expect(errors).toEqual([])
  })

  it('shows the backup folder but lets no page change it in browser mode; 恢复默认 resets one set on the command line', async () => {
    const elsewhere = path.join(h.dir, '专班备份')
    await setBackupFolder(h.app.deps, elsewhere)
    await openRoute(page, h, '#/settings?tab=backup')
    await panel().getByTestId('backup-folder').filter({ hasText: elsewhere }).waitFor()
    expect(await panel().locator('input').count()).toBe(0)
    expect(await panel().getByRole('button', { name: '选择文件夹…' }).count()).toBe(0)
    expect(await panel().textContent()).toContain('zhuanban backup-folder --db')
    await panel().getByRole('button', { name: '恢复默认' }).click()
    await page.getByText('已恢复默认备份位置').waitFor()
    expect((await h.app.call('backup.list', {})).isDefault).toBe(true)
    expect(errors).toEqual([])
  })
})
