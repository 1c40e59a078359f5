/**
 * Forms that never lose or mis-take what the user typed, through the real interface in Chromium: an unusual
 * date is warned about and saved only once confirmed; after a save conflict 重新载入 keeps the draft beside
 * the fresh copy and applies it again; a form's errors stand under their fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Project } from '../../src/shared/domain'
import { choose, closeHarness, cutLiveUpdates, newPage, openRoute, startDemo, type Harness } from './harness'

let h: Harness
let page: Page
let errors: string[]
let project: Project

beforeAll(async () => {
  h = await startDemo()
  ;({ page, errors } = await newPage(h))
  const cards = await h.app.call('project.list', {})
  project = (await h.app.call('project.get', { id: cards[0]!.id })).project
}, 120_000)
afterAll(() => closeHarness(h))

async function openProject(p: Page) {
  await openRoute(p, h, `#/projects/${project.id}`)
  // Generous: on a busy 2-core machine the first load of a project once took over 30 s.
  await p.waitForSelector(`[aria-label="一个项目"] >> text=${project.name}`, { timeout: 60_000 })
}

async function typeDate(p: Page, field: string, date: string) {
  const input = p.locator(`.el-form-item:has-text("${field}") input`).first()
  await input.fill(date)
  await input.press('Enter')
}

describe('forms that keep what the user typed (browser mode, Chromium)', () => {
  it('warns about a planned start before the 建设年限 and saves it only once confirmed', async () => {
    await openProject(page)
    const current = (await h.app.call('project.get', { id: project.id })).project
    const early = `${current.startYear - 1}-03-01`
    await typeDate(page, '计划开工', early)
    const item = page.locator('.el-form-item:has-text("计划开工")')
    const warning = item.locator('[data-date-warning]')
    await warning.waitFor()
    expect(await warning.textContent()).toContain(
      `「计划开工日期」${early}早于项目的建设年限（${current.startYear}—${current.endYear}年）`,
    )
    await page.getByRole('button', { name: '保存基本信息' }).click()
    await page.locator('.el-message', { hasText: '请点「确认无误」后再保存' }).waitFor()
    expect((await h.app.call('project.get', { id: project.id })).project.plannedStart).toBe(current.plannedStart)
    await page.screenshot({ path: '/tmp/D2-date-warning.png' })

    await warning.getByRole('button', { name: '确认无误' }).click()
    await item.locator('text=（已确认）').waitFor()
    await page.getByRole('button', { name: '保存基本信息' }).click()
    await page.locator('.el-message', { hasText: '已保存' }).waitFor()
    expect((await h.app.call('project.get', { id: project.id })).project.plannedStart).toBe(early)
    // Stored so now: said, but it no longer holds a save of another field.
    await openProject(page)
    expect(await page.locator('.el-form-item:has-text("计划开工") [data-date-warning]').textContent()).toContain(
      '（已确认）',
    )
  })

  it('a mistyped year (2207) is an error under the field, not an unusual date to confirm', async () => {
    await openProject(page)
    await typeDate(page, '计划开工', '2207-01-01')
    await page.locator('.el-form-item:has-text("计划开工") input').first().press('Tab')
    const item = page.locator('.el-form-item:has-text("计划开工")')
    await item.getByText('「计划开工」应在1990年至2100年之间，请核对年份').waitFor()
    // No 「确认无误」 offered for it (a warning left is the stored date's, already confirmed).
    expect(await item.getByRole('button', { name: '确认无误' }).count()).toBe(0)
    expect(await item.textContent()).not.toContain('2207-01-01晚于')
    await page.getByRole('button', { name: '保存基本信息' }).click()
    const stored = (await h.app.call('project.get', { id: project.id })).project
    expect(stored.plannedStart).not.toBe('2207-01-01')
    // The field went back to the stored date; typing it again clears the message (the next test saves this form).
    await typeDate(page, '计划开工', stored.plannedStart ?? '')
    await item.getByText('应在1990年至2100年之间').waitFor({ state: 'detached' })
  })

  it('项目编号 is required and limited like 项目名称: too long is said while typing, never cut', async () => {
    await openProject(page)
    const item = page.locator('.el-form-item:has-text("项目编号")').first()
    expect(await item.getAttribute('class')).toContain('is-required')
    const input = item.locator('input')
    const long = 'XM-' + '1'.repeat(28)
    await input.fill(long)
    await item.getByText('最多30个字，现有31个字').waitFor()
    expect(await input.inputValue()).toBe(long)
    await input.fill(project.code)
  })

  it('after a conflict, 重新载入 keeps the draft beside the fresh copy and applies it again', async () => {
    const second = await newPage(h)
    // The first page's live updates are cut (a dropped stream): it keeps the stale copy the conflict needs.
    const restore = await cutLiveUpdates(page)
    await openProject(page)
    await openProject(second.page)
    const before = (await h.app.call('project.get', { id: project.id })).project
    const unitInput = (p: Page) => p.locator('.el-form-item:has-text("建设单位") input').first()
    const nameInput = (p: Page) => p.getByLabel('项目名称').first()

    // The second user changes 建设单位 and saves first.
    await unitInput(second.page).fill('吕梁恒泰实业有限公司')
    await second.page.getByRole('button', { name: '保存基本信息' }).click()
    await second.page.locator('.el-message', { hasText: '已保存' }).waitFor()

    // The first user, on the stale copy, changes 项目名称 and saves: refused, offered 重新载入.
    const mine = `${before.name}（调整后）`
    await nameInput(page).fill(mine)
    await page.getByRole('button', { name: '保存基本信息' }).click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    expect(await box.textContent()).toContain('已被他人修改')
    await box.getByRole('button', { name: '重新载入' }).click()

    // The fresh copy is shown, the draft kept in a bar.
    const bar = page.locator('[data-draft-bar]')
    await bar.waitFor()
    expect(await bar.textContent()).toContain('您刚才填写的内容已保留')
    expect(await bar.textContent()).toContain('您改过：项目名称')
    await expect.poll(() => unitInput(page).inputValue()).toBe('吕梁恒泰实业有限公司')
    expect(await nameInput(page).inputValue()).toBe(before.name)

    // 查看并重新应用: only the field the user changed goes back, beside what the record holds now.
    await bar.getByRole('button', { name: '查看并重新应用' }).click()
    await bar.locator('text=已把您填写的 1 项重新填入，请核对后保存').waitFor()
    const row = bar.locator('tbody tr')
    expect(await row.count()).toBe(1)
    expect(await row.textContent()).toContain('项目名称')
    expect(await row.textContent()).toContain(mine)
    expect(await row.textContent()).toContain('与最新内容不同')
    expect(await nameInput(page).inputValue()).toBe(mine)
    expect(await unitInput(page).inputValue()).toBe('吕梁恒泰实业有限公司')
    await page.screenshot({ path: '/tmp/D2-draft-bar.png' })

    await page.getByRole('button', { name: '保存基本信息' }).click()
    await page.locator('.el-message', { hasText: '已保存' }).waitFor()
    await bar.waitFor({ state: 'detached' })
    const after = (await h.app.call('project.get', { id: project.id })).project
    expect(after.name).toBe(mine)
    expect(after.constructionUnit).toBe('吕梁恒泰实业有限公司')
    expect(after.version).toBe(before.version + 2)
    await second.page.context().close()
    expect(second.errors).toEqual([])
    await restore()
  })

  it('says a form’s errors under their fields: an empty required date is 必须填写', async () => {
    await openProject(page)
    await page.getByRole('tab', { name: /问题/ }).click()
    await page.getByRole('button', { name: '提出问题' }).click()
    const dialog = page.locator('.el-dialog:visible')
    await choose(page, '.el-dialog:visible .el-form-item:has-text("问题类别") .el-select', '用地')
    await dialog.locator('textarea').fill('施工用电线路未接入')
    await choose(page, '.el-dialog:visible .el-form-item:has-text("责任单位") .el-select', '区')
    await dialog.getByRole('button', { name: '登记' }).click()
    const deadline = dialog.locator('.el-form-item:has-text("办结时限")')
    await deadline.locator('.el-form-item__error', { hasText: '「办结时限」必须填写' }).waitFor()
    // A deadline before the day it was raised: under the deadline, and nothing is registered.
    await typeDate(page, '提出日期', '2026-11-20')
    await typeDate(page, '办结时限', '2026-11-19')
    // Filled in: the 必须填写 under it goes at once (it does not stay until the next 登记).
    await deadline.locator('.el-form-item__error', { hasText: '必须填写' }).waitFor({ state: 'detached' })
    await dialog.getByRole('button', { name: '登记' }).click()
    await deadline
      .locator('.el-form-item__error', { hasText: '「办结时限」不能早于「提出日期」（2026-11-20）' })
      .waitFor()
    await page.screenshot({ path: '/tmp/D2-field-error.png' })
    const problems = await h.app.call('problem.list', { projectId: project.id })
    expect(problems.some((p) => p.description === '施工用电线路未接入')).toBe(false)
    await typeDate(page, '办结时限', '2026-12-20')
    await dialog.getByRole('button', { name: '登记' }).click()
    await page.waitForSelector('.el-table >> text=施工用电线路未接入')
  })

  it('the 领导 dialog keeps what was typed too: 重新载入 shows the fresh record, the draft applies again', async () => {
    const leader = (await h.app.call('leader.list', {}))[0]!
    // The page's live updates are cut (a dropped stream): the other user's change does not reach it, and the save
    // meets the newer version. (With them, the dialog would have taken the new 单位 before the save.)
    const restore = await cutLiveUpdates(page)
    await openRoute(page, h, '#/leaders')
    await page
      .locator(`.el-table__row:has-text("${leader.name}")`)
      .first()
      .getByRole('button', { name: '编辑' })
      .click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.waitFor()
    // Another user changes the leader's unit meanwhile.
    await h.app.call('leader.update', { id: leader.id, version: leader.version, unit: '区政府办公室' })
    await dialog.locator('.el-form-item:has-text("职务") input').fill('区委常委、副区长')
    await dialog.getByRole('button', { name: '保存' }).click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    await box.getByRole('button', { name: '重新载入' }).click()
    const bar = dialog.locator('[data-draft-bar]')
    await bar.waitFor()
    await expect
      .poll(() => dialog.locator('.el-form-item:has-text("单位") input').first().inputValue())
      .toBe('区政府办公室')
    expect(await dialog.locator('.el-form-item:has-text("职务") input').inputValue()).toBe(leader.title)
    await bar.getByRole('button', { name: '查看并重新应用' }).click()
    expect(await dialog.locator('.el-form-item:has-text("职务") input').inputValue()).toBe('区委常委、副区长')
    await dialog.getByRole('button', { name: '保存' }).click()
    await page.locator('.el-message', { hasText: '已保存' }).waitFor()
    const after = (await h.app.call('leader.list', {})).find((l) => l.id === leader.id)!
    expect(after).toMatchObject({ title: '区委常委、副区长', unit: '区政府办公室', version: leader.version + 2 })
    await restore()
  })

  it('showed no page errors along the way', () => {
    expect(errors).toEqual([])
  })
})
