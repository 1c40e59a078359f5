/**
 * Issue 16, task C, through the real interface in Chromium: deactivating a township used by projects (asked,
 * with the count; its projects keep its name; re-enabled), a leader likewise, phones checked and shown (领导,
 * 一项目一档), the 专班通讯录 export, and the empty pickers of a new database that say where to add entries.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { closeHarness, newPage, openRoute, setupAdmin, startDemo, startHarness, type Harness } from './harness'
import { readPdf } from './pdf'
import { sqliteOf } from '../helpers/app'

let h: Harness
let page: Page
let errors: string[]

beforeAll(async () => {
  h = await startDemo()
  ;({ page, errors } = await newPage(h))
}, 120_000)
afterAll(() => closeHarness(h))

/** Turns 显示已停用 on (the switch's own input is hidden: its visible part is clicked). */
async function showInactive() {
  await page.locator('.el-switch', { has: page.getByRole('switch', { name: '显示已停用' }) }).click()
}

/** The township used by the most demo projects, with those projects. */
async function busiestTownship() {
  const projects = await h.app.call('project.list', {})
  const by = new Map<number, typeof projects>()
  for (const p of projects) by.set(p.township.id, [...(by.get(p.township.id) ?? []), p])
  const [id, list] = [...by.entries()].sort((a, b) => b[1].length - a[1].length)[0]!
  return { id, name: list[0]!.township.name, projects: list }
}

describe('deactivation keeps names (browser mode, Chromium)', () => {
  it('deactivates a township used by projects: asked with the count; its projects keep its name; re-enabled', async () => {
    const t = await busiestTownship()
    expect(t.projects.length).toBeGreaterThan(1)
    await openRoute(page, h, '#/settings?tab=dicts&kind=township')
    await page.getByRole('button', { name: `停用${t.name}` }).click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    expect(await box.textContent()).toContain(`乡镇/街道「${t.name}」正被${t.projects.length}个项目`)
    expect(await box.textContent()).toContain(`这些项目仍显示「${t.name}」`)
    await page.screenshot({ path: '/tmp/C-confirm.png' })
    await box.getByRole('button', { name: '停用' }).click()
    await page.getByText(`「${t.name}」已停用`).waitFor()
    const stored = (await h.app.call('dict.list', { kind: 'township', includeInactive: true })).find(
      (d) => d.id === t.id,
    )!
    expect(stored.active).toBe(false)
    await page.getByLabel(`${t.name}的名称`).waitFor({ state: 'detached' })

    // Its projects: the header, the 基本信息 form (never the number) and the kanban card still say its name.
    const project = t.projects[0]!
    await openRoute(page, h, `#/projects/${project.id}`)
    await page.locator('[aria-label="一个项目"]', { hasText: t.name }).waitFor()
    const field = page.locator('.el-form-item', { hasText: '乡镇/街道' }).locator('.el-select__selection').first()
    await expect.poll(() => field.textContent()).toBe(`${t.name}（已停用）`)
    await page.screenshot({ path: '/tmp/C-project.png' })
    await openRoute(page, h, '#/kanban')
    await page.locator(`[data-card]:has-text("${project.code}")`).getByText(t.name).first().waitFor()

    // 显示已停用 lists it with its state, and 启用 brings it back.
    await openRoute(page, h, '#/settings?tab=dicts&kind=township')
    await showInactive()
    const row = page.locator('.el-table__row', { has: page.getByLabel(`${t.name}的名称`) })
    await row.getByText('已停用').waitFor()
    await page.screenshot({ path: '/tmp/C-dicts.png' })
    await row.getByRole('button', { name: `启用${t.name}` }).click()
    await page.getByText(`「${t.name}」已重新启用`).waitFor()
    expect(
      (await h.app.call('dict.list', { kind: 'township' })).find((d) => d.id === t.id),
      '重新启用后应在可选列表中',
    ).toMatchObject({ active: true })
    const log = (await h.app.call('audit.list', { entity: 'dict' })).filter((e) => e.entityId === t.id)
    expect(log.map((e) => `${e.oldValue}→${e.newValue}`)).toEqual(['否→是', '是→否'])
  })

  it('deactivates and re-enables a leader on 领导, asked first; shows and checks phones', async () => {
    const leader = await h.app.call('leader.create', {
      name: '孙停用',
      title: '副区长',
      phone: '139 1234 5678',
      sortOrder: 999_000,
    })
    expect(leader.phone).toBe('13912345678')
    await openRoute(page, h, '#/leaders')
    await page.getByLabel('搜索领导').fill('孙停用')
    const row = page.locator('.el-table__row', { hasText: '孙停用' })
    await row.getByText('13912345678').waitFor()
    // A phone saved by an earlier version that does not pass the rule: shown, kept when other fields are saved.
    sqliteOf(h.app).prepare('UPDATE leaders SET phone = ? WHERE id = ?').run('7654321', leader.id)
    await openRoute(page, h, '#/leaders')
    await page.getByLabel('搜索领导').fill('孙停用')
    await row.getByText('7654321').waitFor()
    await row.getByRole('button', { name: '编辑' }).click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.getByText('此号码按旧规则保存，格式不符').waitFor()
    await dialog.getByLabel('职务').fill('区委常委、副区长')
    await dialog.getByRole('button', { name: '保存' }).click()
    await row.getByText('区委常委、副区长').waitFor()
    expect((await h.app.call('leader.list', {})).find((l) => l.id === leader.id)).toMatchObject({
      title: '区委常委、副区长',
      phone: '7654321',
    })
    // A new phone that is no number is said under the field, and nothing is saved.
    await row.getByRole('button', { name: '编辑' }).click()
    await dialog.getByLabel('电话').fill('12345')
    await dialog.getByRole('button', { name: '保存' }).click()
    await dialog.locator('.el-form-item__error', { hasText: '「电话」应为11位手机号' }).waitFor()
    await page.screenshot({ path: '/tmp/C-leader-phone.png' })
    expect((await h.app.call('leader.list', {})).find((l) => l.id === leader.id)!.phone).toBe('7654321')
    await dialog.getByLabel('电话').fill('（0358）765 4321')
    await dialog.getByRole('button', { name: '保存' }).click()
    await row.getByText('0358-7654321').waitFor()

    await row.getByRole('button', { name: '停用孙停用' }).click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    expect(await box.textContent()).toContain('领导「孙停用」没有包联项目或问题的记录')
    await box.getByRole('button', { name: '停用' }).click()
    await page.getByText('「孙停用」已停用').waitFor()
    await row.waitFor({ state: 'detached' })
    expect((await h.app.call('leader.list', { includeInactive: true })).find((l) => l.id === leader.id)!.active).toBe(
      false,
    )
    await showInactive()
    await row.getByText('已停用').waitFor()
    await page.screenshot({ path: '/tmp/C-leaders.png' })
    await row.getByRole('button', { name: '启用孙停用' }).click()
    await page.getByText('「孙停用」已重新启用').waitFor()
    expect((await h.app.call('leader.list', {})).find((l) => l.id === leader.id)!.active).toBe(true)
  })

  it("edits a 专班 member's phone on the project's 专班 tab: checked, normalised, shown", async () => {
    const [project] = await h.app.call('project.list', { text: 'XM-013' })
    const member = (await h.app.call('project.get', { id: project!.id })).taskForce.members[0]!
    await openRoute(page, h, `#/projects/${project!.id}`)
    await page.getByRole('tab', { name: '专班' }).click()
    const row = page.locator('.el-table__row', { hasText: member.person.name }).first()
    await row.getByText(member.person.phone).waitFor()
    await row.getByRole('button', { name: `编辑${member.person.name}` }).click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.getByLabel('成员电话').fill('0371-1234567-8')
    await dialog.getByRole('button', { name: '保存' }).click()
    await dialog.locator('.el-form-item__error', { hasText: '含义不确定' }).waitFor()
    await page.screenshot({ path: '/tmp/C-member-phone.png' })
    await dialog.getByLabel('成员电话').fill('１３９ ０１２３ ４５６７')
    await dialog.getByRole('button', { name: '保存' }).click()
    await row.getByText('13901234567').waitFor()
    const people = await h.app.call('person.list', { text: member.person.name })
    expect(people.find((p) => p.id === member.person.id)!.phone).toBe('13901234567')
  })

  it('exports the 专班通讯录 from 领导', async () => {
    await openRoute(page, h, '#/leaders')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出专班通讯录' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('专班通讯录-2026-11-21.xlsx')
    const file = path.join(h.dir, 'contacts.xlsx')
    await download.saveAs(file)
    expect(fs.statSync(file).size).toBeGreaterThan(5000)
  })

  it('prints each 专班 member with their phone in the 一项目一档, still on one page', async () => {
    const [project] = await h.app.call('project.list', { text: 'XM-012' })
    const detail = await h.app.call('project.get', { id: project!.id })
    expect(detail.taskForce.members.length).toBeGreaterThan(2)
    await openRoute(page, h, `#/print/project/${project!.id}`)
    await page.waitForSelector('body[data-print-ready="1"]', { timeout: 60_000 })
    const table = page.locator('table[aria-label="专班成员"]')
    for (const m of detail.taskForce.members) {
      const row = table.locator('tr', { hasText: m.person.name })
      expect(await row.textContent()).toContain(m.person.phone)
    }
    await page.screenshot({ path: '/tmp/C-print.png', fullPage: true })
    await page.emulateMedia({ media: 'print' })
    const file = path.join(h.dir, 'sheet.pdf')
    await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true })
    await page.emulateMedia({ media: 'screen' })
    const pages = readPdf(file)
    expect(pages).toHaveLength(1)
    expect(pages[0]!.text).toContain(detail.taskForce.members[0]!.person.phone)
  })

  it('showed no page errors along the way', () => {
    expect(errors).toEqual([])
  })
})

describe('an empty database: every empty picker says where to add its entries', () => {
  let empty: Harness
  beforeAll(async () => {
    empty = await startHarness()
    await setupAdmin(empty)
  }, 120_000)
  afterAll(() => empty?.close())

  it('新建项目: 乡镇/街道 and 包联领导 say so, and the button goes to 设置 → 基础名录 / 领导', async () => {
    const { page: p, errors: pageErrors } = await newPage(empty)
    await openRoute(p, empty, '#/kanban')
    await p.getByRole('button', { name: '新建项目' }).click()
    const dialog = p.locator('.el-dialog:visible')
    const township = dialog.locator('.el-form-item', { hasText: '乡镇/街道' }).locator('.el-select')
    expect(await township.locator('.el-select__selection').textContent()).toContain('暂无乡镇/街道')
    const leader = dialog.locator('.el-form-item', { hasText: '包联领导' }).locator('.el-select')
    expect(await leader.textContent()).toContain('暂无领导')
    await leader.click()
    await p.locator('.zb-empty-hint:visible', { hasText: '还没有领导，请先到 领导 页面添加' }).waitFor()
    await p.keyboard.press('Escape')
    await township.click()
    const hint = p.locator('.zb-empty-hint:visible', { hasText: '还没有乡镇/街道，请先到 设置 → 基础名录 添加' })
    await hint.waitFor()
    await p.screenshot({ path: '/tmp/C-empty.png' })
    await hint.getByRole('button', { name: '去添加' }).click()
    await p.waitForURL(/#\/settings\?tab=dicts&kind=township/)
    await p.getByPlaceholder('新增乡镇/街道名称').waitFor()
    expect(pageErrors).toEqual([])
  })
})
