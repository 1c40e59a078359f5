/**
 * A project's life on the key-project list and the first hour of a database, through the real interface in
 * Chromium: 调出 / 归档 / 恢复 with their dialog and banner, the 已调出/已归档 list on the kanban, the
 * 包联起始日期 of 新建项目, the first-run screen, and 删除演示数据 in 设置.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { choose, closeHarness, newPage, openRoute, startDemo, startHarness, type Harness } from './harness'

let h: Harness
let page: Page
let errors: string[]

beforeAll(async () => {
  h = await startDemo()
  ;({ page, errors } = await newPage(h))
}, 120_000)
afterAll(() => closeHarness(h))

const byStage = async (stage: string) => (await h.app.call('project.list', { stage: stage as 'construction' }))[0]!

describe('调出、归档、恢复 (browser mode, Chromium)', () => {
  it('调出重点项目: the dialog asks the date and the reason, and the page then says so in a banner', async () => {
    const project = await byStage('construction')
    await openRoute(page, h, `#/projects/${project.id}`)
    await page.getByRole('button', { name: '调出重点项目' }).click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.getByText('2026年11月仍参加排名，自2026年12月起不再参加排名').waitFor()
    // A date in the future is not taken: said under the field, and nothing saved.
    const date = dialog.getByLabel('调出日期')
    await date.fill('2026-12-01')
    await dialog.getByRole('button', { name: '确定调出' }).click()
    await dialog.getByText('「调出日期」不能是 2026-12-01').waitFor()
    // Without a reason the contract's own message shows under the field.
    await date.fill('2026-10-15')
    await date.press('Enter')
    await dialog.getByRole('button', { name: '确定调出' }).click()
    await dialog.getByText('「调出原因」不能为空').waitFor()
    expect((await h.app.call('project.get', { id: project.id })).listing.status).toBe('listed')
    await dialog.getByText('2026年10月仍参加排名，自2026年11月起不再参加排名').waitFor()
    await dialog.getByLabel('调出原因').fill('业主资金链断裂，项目暂停，不再列为重点项目')
    // Filled in: its 不能为空 goes at once, not at the next 确定调出.
    await dialog.getByText('「调出原因」不能为空').waitFor({ state: 'detached' })
    await page.screenshot({ path: '/tmp/project-life-remove-dialog.png' })
    await dialog.getByRole('button', { name: '确定调出' }).click()

    const banner = page.getByRole('status').filter({ hasText: '本项目已调出' })
    await banner.waitFor()
    expect(await banner.textContent()).toContain('（2026-10-15）：业主资金链断裂')
    expect(await banner.textContent()).toContain('2026年10月仍参加排名，自2026年11月起不再参加排名')
    await expect.poll(() => page.getByRole('button', { name: '调出重点项目' }).count()).toBe(0)
    await page.screenshot({ path: '/tmp/project-life-banner.png' })
    const detail = await h.app.call('project.get', { id: project.id })
    expect(detail.listing).toEqual({
      status: 'removed',
      date: '2026-10-15',
      reason: '业主资金链断裂，项目暂停，不再列为重点项目',
    })
    // October still ranks it, November not.
    const ids = async (period: string) =>
      (await h.app.call('ranking.projects', { period })).rows.map((r) => r.projectId)
    expect(await ids('2026-10')).toContain(project.id)
    expect(await ids('2026-11')).not.toContain(project.id)
  })

  it('the kanban no longer shows it; 已调出/已归档 lists it and 恢复为重点项目 brings it back', async () => {
    const [removed] = await h.app.call('project.list', { listing: 'out' })
    await openRoute(page, h, '#/kanban')
    await page.waitForSelector('[data-card]')
    expect(await page.locator(`[data-card]:has-text("${removed!.code}")`).count()).toBe(0)
    await page.getByRole('button', { name: '已调出/已归档' }).click()
    const list = page.locator('.el-dialog:visible', { hasText: '已调出/已归档的项目' })
    const row = list.locator('.el-table__row', { hasText: removed!.code })
    await row.waitFor()
    expect(await row.textContent()).toContain('已调出')
    expect(await row.textContent()).toContain('2026-10-15')
    await page.screenshot({ path: '/tmp/project-life-kanban-list.png' })
    await row.getByRole('button', { name: '恢复为重点项目' }).click()
    const restore = page.locator('.el-dialog:visible', { hasText: '恢复日期' })
    await restore.getByLabel('恢复原因').fill('资金落实，恢复建设')
    await restore.getByRole('button', { name: '确定恢复' }).click()
    await list.getByText('没有已调出或已归档的项目').waitFor()
    await page.keyboard.press('Escape')
    await page.waitForSelector(`[data-card]:has-text("${removed!.code}")`)
    expect((await h.app.call('project.get', { id: removed!.id })).listing).toEqual({
      status: 'listed',
      date: '2026-11-21',
      reason: '资金落实，恢复建设',
    })
  })

  it('归档 is offered once a project is finished (竣工投产), and files it', async () => {
    const planning = await byStage('planning')
    await openRoute(page, h, `#/projects/${planning.id}`)
    await page.getByRole('button', { name: '调出重点项目' }).waitFor()
    expect(await page.getByRole('button', { name: '归档' }).isDisabled()).toBe(true)

    const finished = await byStage('production')
    await openRoute(page, h, `#/projects/${finished.id}`)
    await page.getByRole('button', { name: '归档' }).click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.getByLabel('归档说明').fill('已竣工投产，转入常态化管理')
    await dialog.getByRole('button', { name: '确定归档' }).click()
    await page.getByRole('status').filter({ hasText: '本项目已归档（2026-11-21）' }).waitFor()
    expect((await h.app.call('project.get', { id: finished.id })).listing.status).toBe('archived')
  })
})

describe('新建项目: 包联起始日期', () => {
  it('defaults to today and, set to 2026-10-05, puts the leader into the ranking of October', async () => {
    await openRoute(page, h, '#/kanban')
    await page.getByRole('button', { name: '新建项目' }).click()
    const dialog = page.locator('.el-dialog:visible')
    const start = dialog.getByLabel('包联起始日期')
    expect(await start.inputValue()).toBe('2026-11-21')
    await dialog.getByLabel('项目编号').fill('XM-950')
    await dialog.getByLabel('项目名称').fill('浏览器测试包联起始项目')
    await choose(page, '.el-dialog:visible .el-form-item:has-text("包联领导") .el-select', '（')
    await choose(page, '.el-dialog:visible .el-form-item:has-text("牵头单位") .el-select', '区发改局')
    await choose(page, '.el-dialog:visible .el-form-item:has-text("乡镇/街道") .el-select', '街道')
    await dialog.getByLabel('总投资（万元）').fill('800')
    await dialog.getByLabel('总投资（万元）').blur()
    await start.fill('2026-10-05')
    await start.press('Enter')
    await page.screenshot({ path: '/tmp/project-life-new-project.png' })
    await dialog.getByRole('button', { name: '保存' }).click()
    await page.waitForURL(/#\/projects\/\d+/)
    const [created] = await h.app.call('project.list', { text: 'XM-950' })
    const detail = await h.app.call('project.get', { id: created!.id })
    expect(detail.leaderHistory.map((a) => a.startDate)).toEqual(['2026-10-05'])
    const october = await h.app.call('ranking.projects', { period: '2026-10' })
    expect(october.rows.find((r) => r.projectId === created!.id)!.leader).toEqual(detail.leader)
  })
})

describe('删除演示数据 (设置 → 数据备份)', () => {
  it('asks to confirm, backs up first, removes the demo and says what it did', async () => {
    await openRoute(page, h, '#/settings?tab=backup')
    const panel = page.getByRole('region', { name: '演示数据' })
    await panel.getByRole('button', { name: '删除演示数据' }).click()
    const confirm = page.locator('.el-message-box')
    await confirm.getByText('删除前会自动备份').waitFor()
    await confirm.getByRole('button', { name: '取消' }).click()
    expect((await h.app.call('system.info', {})).demoRows).toBeGreaterThan(0)
    await panel.getByRole('button', { name: '删除演示数据' }).click()
    await confirm.getByRole('button', { name: '删除演示数据' }).click()
    const said = panel.getByRole('status')
    await said.waitFor({ timeout: 20_000 })
    // One demo leader is kept: the office's own project below has them as its 包联领导.
    expect(await said.textContent()).toContain('已删除演示数据：55个项目、25名领导')
    // The office's own project (XM-950, on a demo township and leader) stays, with what it uses.
    expect((await h.app.call('project.list', {})).map((p) => p.code)).toEqual(['XM-950'])
    expect(await said.textContent()).toContain('本单位数据在用而保留')
    const backups = (await h.app.call('backup.list', {})).backups
    expect(await said.textContent()).toContain(backups[0]!.name)
    await page.locator('.el-table', { hasText: backups[0]!.name }).waitFor()
    await page.screenshot({ path: '/tmp/project-life-demo-removed.png' })
    expect(errors).toEqual([])
  })
})

describe('the first-run screen', () => {
  let fresh: Harness
  beforeAll(async () => {
    fresh = await startHarness()
  }, 120_000)
  afterAll(() => fresh?.close())

  it('does not pre-select the demo, and names a missing field as its error does', async () => {
    const { page: first, errors: firstErrors } = await newPage(fresh)
    await first.waitForSelector('.first-run')
    expect(await first.getByRole('radio', { name: /从空白开始/ }).isChecked()).toBe(true)
    expect(await first.getByRole('radio', { name: /载入演示数据/ }).isChecked()).toBe(false)
    await first.getByLabel('登录名').fill('wangbs')
    await first.getByLabel('姓名').fill('王办事')
    await first.getByLabel('密码', { exact: true }).fill('Zb#20261121')
    await first.getByLabel('确认密码').fill('Zb#20261121')
    await first.getByRole('button', { name: '建立账号并开始使用' }).click()
    await first.locator('.el-form-item:has-text("单位")').getByText('「单位」不能为空').waitFor()
    await first.screenshot({ path: '/tmp/project-life-first-run.png' })
    await first.getByLabel('单位').fill('区发改局')
    await first.getByRole('button', { name: '建立账号并开始使用' }).click()
    await first.waitForSelector('.frame')
    expect((await fresh.app.call('system.info', {})).projectCount).toBe(0)
    expect(firstErrors).toEqual([])
  })
})
