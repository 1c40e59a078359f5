/**
 * Issue 17, a day of each role on the project and problem screens, through the real interface in Chromium: a
 * 县领导 reads a project with nothing to edit and writes 领导批示 (on the project and on a problem) that its 专班
 * then sees; a 专班成员 adds a milestone and fills a monthly report on its own project and is offered no edits on
 * another; a 责任单位联络员 closes (销号) a problem of its unit and 完成 a milestone of its unit, and is offered
 * neither on another unit's. The data is checked through the contract after each step.
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Milestone, Problem, ProjectDetail } from '../../src/shared/domain'
import { CHANGED, loginAs, type LoggedIn } from '../helpers/accounts'
import { closeHarness, newPage, openRoute, startDemo, type Harness } from './harness'
import { MM, outsideMargins, readPdf } from './pdf'

let h: Harness
/** The project the three accounts share, and one whose 专班 the member is not in. */
let a: ProjectDetail
let b: ProjectDetail
/** The liaison's unit; an open problem of it and one of another unit, both on project A. */
let unit: { id: number; name: string }
let ours: Problem
let theirs: Problem
/** A milestone of A not yet done whose 责任单位 is the liaison's unit, and one of another unit. */
let ourMilestone: Milestone
let theirMilestone: Milestone
/** The 县领导's own session, for a 批示 written through the contract. */
let leader: LoggedIn

const LEADER = 'zhouxz'
const MEMBER = 'sunxue'
const LIAISON = 'shuiliju'
const account = (login: string) => ({ login, password: CHANGED })

beforeAll(async () => {
  h = await startDemo()
  // Project A: open problems of two units, and undone milestones of the first of them and of another unit.
  const open = (await h.app.call('problem.list', {})).filter((p) => p.status !== 'closed')
  for (const p of open) {
    const other = open.find((q) => q.projectId === p.projectId && q.responsibleUnit.id !== p.responsibleUnit.id)
    if (!other) continue
    const detail = await h.app.call('project.get', { id: p.projectId })
    const undone = detail.plan.milestones.filter((m) => !m.actualDate)
    const mine = undone.find((m) => m.responsibleUnit === p.responsibleUnit.name)
    const notMine = undone.find((m) => m.responsibleUnit !== p.responsibleUnit.name)
    if (!mine || !notMine || detail.taskForce.members.length === 0) continue
    ;[a, unit, ours, theirs, ourMilestone, theirMilestone] = [detail, p.responsibleUnit, p, other, mine, notMine]
    break
  }
  expect(a, 'the demo has a project with problems of two units').toBeDefined()
  const person = a.taskForce.members[0]!.person
  for (const s of await h.app.call('project.list', {})) {
    const detail = await h.app.call('project.get', { id: s.id })
    if (detail.taskForce.members.every((m) => m.person.id !== person.id)) {
      b = detail
      break
    }
  }
  leader = await loginAs(h.app, LEADER, {
    roles: ['leader'],
    leaderId: a.leader.id,
    name: a.leader.name,
    unit: '区人民政府',
  })
  await loginAs(h.app, MEMBER, { roles: ['member'], personId: person.id, name: person.name, unit: person.unit })
  await loginAs(h.app, LIAISON, { roles: ['liaison'], unitId: unit.id, name: '钱联络', unit: unit.name })
}, 120_000)
afterAll(() => closeHarness(h))

const dialog = (page: Page) => page.locator('.el-dialog:visible')
const pane = (page: Page) => page.locator('.el-tab-pane:visible')
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true })
const rowOf = (page: Page, text: string) => page.locator('.el-tab-pane:visible .el-table__row', { hasText: text })

async function openProject(page: Page, id: number) {
  await openRoute(page, h, `#/projects/${id}`)
  await page.locator('[aria-label="一个项目"]').waitFor()
}
async function tab(page: Page, name: string | RegExp) {
  await page.getByRole('tab', { name }).click()
  await pane(page).waitFor()
}

/** The screen offers none of the project's edits (基本信息, 专班, 方案与节点, 月报, 问题). */
async function expectReadOnly(page: Page, shot: string) {
  await tab(page, '基本信息')
  await page.screenshot({ path: `/tmp/roles-${shot}-info.png` })
  expect(await button(page, '保存基本信息').count()).toBe(0)
  expect(await button(page, '填报').count()).toBe(0)
  // The fields are shown, disabled: nothing that would fail on save can be typed.
  expect(await pane(page).getByLabel('项目名称').isDisabled()).toBe(true)
  expect(await pane(page).locator('input:enabled, textarea:enabled').count()).toBe(0)
  expect(await button(page, '调整').count()).toBe(0)
  expect(await button(page, '调出重点项目').count()).toBe(0)
  await tab(page, '专班')
  expect(await button(page, '添加成员').count()).toBe(0)
  expect(await pane(page).locator('.el-select').count()).toBe(0)
  expect(await pane(page).getByRole('button', { name: '移出' }).count()).toBe(0)
  await tab(page, '方案与节点')
  await page.screenshot({ path: `/tmp/roles-${shot}-plan.png` })
  for (const name of ['新增节点', '按模板生成', '保存方案', '完成', '编辑', '删除', '重新打开'])
    expect(await pane(page).getByRole('button', { name, exact: true }).count(), name).toBe(0)
  await tab(page, '月报')
  await page.screenshot({ path: `/tmp/roles-${shot}-reports.png` })
  expect(await button(page, '保存月报').count()).toBe(0)
  expect(await pane(page).locator('textarea').count()).toBe(0)
  await tab(page, /^问题/)
  for (const name of ['提出问题', '开始办理', '提级', '销号', '重新打开'])
    expect(await pane(page).getByRole('button', { name, exact: true }).count(), name).toBe(0)
}

describe('roles on the project and problem screens (browser mode, Chromium)', () => {
  it('县领导: reads the project with nothing to edit, writes 批示 on it and on a problem; they are shown and audited', async () => {
    const { page, errors } = await newPage(h, undefined, account(LEADER))
    await openProject(page, a.project.id)
    await expectReadOnly(page, 'leader')
    await tab(page, '领导批示（0）')
    await pane(page).getByText('尚无领导批示').waitFor()

    // 写批示 on the whole project.
    await button(page, '写批示').click()
    const d = dialog(page)
    await d.getByText(a.project.name).waitFor()
    expect(await d.getByLabel('批示日期').inputValue()).toBe('2026-11-21')
    expect(await d.locator('.el-form-item:has-text("关于") .el-select').textContent()).toContain('整个项目')
    // Empty: the contract's own message under the field, nothing sent.
    await d.getByRole('button', { name: '送达专班' }).click()
    await d.getByText('「批示内容」不能为空').waitFor()
    const text = '请专班倒排工期，本月底前完成施工许可办理。\n用地问题由自然资源局牵头，每周报一次进展。'
    await d.getByLabel('批示内容').fill(text)
    await d.getByRole('button', { name: '送达专班' }).click()
    await page.getByText('批示已送达专班').waitFor()
    await dialog(page)
      .waitFor({ state: 'detached' })
      .catch(() => {})
    await page.getByRole('tab', { name: '领导批示（1）' }).waitFor()
    const newest = page.getByRole('note', { name: '最新领导批示' })
    expect(await newest.textContent()).toContain(`2026年11月21日 ${a.leader.name}`)
    expect(await newest.textContent()).toContain('请专班倒排工期')

    // 批示 on one problem, from its row: the dialog opens with the problem chosen.
    await tab(page, /^问题/)
    await rowOf(page, ours.description).getByRole('button', { name: '批示' }).click()
    expect(await dialog(page).locator('.el-form-item:has-text("关于") .el-select').textContent()).toContain(
      `问题：${ours.description.slice(0, 10)}`,
    )
    await dialog(page).getByLabel('批示内容').fill('此问题请责任单位三日内拿出办理意见。')
    await dialog(page).getByRole('button', { name: '送达专班' }).click()
    await page.getByRole('tab', { name: '领导批示（2）' }).waitFor()
    await rowOf(page, ours.description).getByText('领导批示：此问题请责任单位三日内拿出办理意见。').waitFor()
    await page.screenshot({ path: '/tmp/roles-leader-problems.png' })

    const given = await h.app.call('instruction.list', { projectId: a.project.id })
    expect(given).toMatchObject([
      {
        problemId: ours.id,
        leader: { id: a.leader.id },
        givenOn: '2026-11-21',
        text: '此问题请责任单位三日内拿出办理意见。',
      },
      { problemId: null, leader: { id: a.leader.id }, givenOn: '2026-11-21', text },
    ])

    // Both listed, newest first, the text in full with its line break; the problem named.
    await tab(page, '领导批示（2）')
    const items = pane(page).locator('article')
    expect(await items.count()).toBe(2)
    expect(await items.nth(0).textContent()).toContain(`问题：${ours.description}`)
    expect(await items.nth(1).innerText()).toContain('本月底前完成施工许可办理。\n用地问题由自然资源局牵头')
    // The success messages gone and the tab's bar settled under 领导批示.
    await expect.poll(() => page.locator('.el-message').count(), { timeout: 10_000 }).toBe(0)
    await page.waitForTimeout(400)
    await page.screenshot({ path: 'docs/screenshots/instruction-1366.png' })

    // 变更记录 says who gave them.
    await tab(page, '变更记录')
    await rowOf(page, '此问题请责任单位三日内').waitFor()
    expect(await rowOf(page, '请专班倒排工期').textContent()).toContain('领导批示')
    const audit = await h.app.call('audit.list', { projectId: a.project.id })
    expect(audit.filter((e) => e.entity === 'instruction')).toHaveLength(2)
    expect(errors).toEqual([])
  })

  it("专班成员: adds a milestone and fills a report on its own project, sees its leader's 批示; another project is read-only", async () => {
    const { page, errors } = await newPage(h, undefined, account(MEMBER))
    await openProject(page, a.project.id)
    // The 专班 sees its leader's newest 批示 above the tabs.
    expect(await page.getByRole('note', { name: '最新领导批示' }).textContent()).toContain('此问题请责任单位三日内')
    expect(await button(page, '写批示').count()).toBe(0)
    // 基本信息 is the office's: shown, not editable, even on its own project.
    expect(await button(page, '保存基本信息').count()).toBe(0)

    await tab(page, '方案与节点')
    await button(page, '新增节点').click()
    await dialog(page).getByLabel('节点名称').fill('专班成员新增节点')
    const date = dialog(page).locator('.el-form-item:has-text("计划日期") input')
    await date.fill('2026-12-20')
    await date.press('Enter')
    await dialog(page).getByRole('button', { name: '保存' }).click()
    await page.getByText('节点已保存').waitFor()
    await rowOf(page, '专班成员新增节点').waitFor()
    const milestones = (await h.app.call('project.get', { id: a.project.id })).plan.milestones
    expect(milestones.find((m) => m.name === '专班成员新增节点')).toMatchObject({ plannedDate: '2026-12-20' })

    await tab(page, '月报')
    await pane(page).getByLabel('本月完成投资（万元）').fill('321.5')
    await pane(page).getByLabel('本月完成投资（万元）').blur()
    await pane(page).locator('textarea').fill('主体结构施工完成60%')
    await button(page, '保存月报').click()
    await page.getByText('2026年10月月报已保存').waitFor()
    const report = (await h.app.call('report.list', { projectId: a.project.id })).find((r) => r.period === '2026-10')
    expect(report).toMatchObject({ investment: 32150, narrative: '主体结构施工完成60%' })

    await tab(page, /^问题/)
    await button(page, '提出问题').waitFor()
    await page.screenshot({ path: '/tmp/roles-member-problems.png' })

    // Project B: not its 专班 — nothing to change.
    await openProject(page, b.project.id)
    await expectReadOnly(page, 'member-b')
    expect(errors).toEqual([])
  })

  it('责任单位联络员: closes (销号) and 完成 only what its unit is responsible for', async () => {
    const { page, errors } = await newPage(h, undefined, account(LIAISON))
    await openProject(page, a.project.id)
    await tab(page, /^问题/)
    expect(await button(page, '提出问题').count()).toBe(0)
    const row = rowOf(page, ours.description)
    // Its unit's problem, with the leader's 批示 on it: 销号 offered (提级 is the 专班's).
    await row.getByText('领导批示：此问题请责任单位三日内').waitFor()
    await row.getByRole('button', { name: '销号' }).waitFor()
    expect(await row.getByRole('button', { name: '提级' }).count()).toBe(0)
    // Another unit's: nothing.
    const other = rowOf(page, theirs.description)
    await other.waitFor()
    for (const name of ['开始办理', '销号', '提级']) expect(await other.getByRole('button', { name }).count()).toBe(0)
    await page.screenshot({ path: '/tmp/roles-liaison-problems.png' })

    await row.getByRole('button', { name: '销号' }).click()
    await dialog(page).locator('textarea').fill('已按领导批示办结：补偿方案经村民代表会议通过')
    await dialog(page).getByRole('button', { name: '销号' }).click()
    await page.getByText('已销号').first().waitFor()
    const closed = (await h.app.call('problem.list', { projectId: a.project.id })).find((p) => p.id === ours.id)
    expect(closed).toMatchObject({ status: 'closed', resolution: '已按领导批示办结：补偿方案经村民代表会议通过' })
    // A closed problem is reopened by the 专班, not by the unit.
    expect(await rowOf(page, ours.description).getByRole('button', { name: '重新打开' }).count()).toBe(0)

    // Milestones: 完成 on its unit's, nothing on another unit's, no adding or editing.
    await tab(page, '方案与节点')
    expect(await button(page, '新增节点').count()).toBe(0)
    const theirRow = rowOf(page, theirMilestone.name).filter({ hasText: theirMilestone.responsibleUnit })
    expect(await theirRow.first().getByRole('button', { name: '完成' }).count()).toBe(0)
    const ourRow = rowOf(page, ourMilestone.name).filter({ hasText: ourMilestone.responsibleUnit }).first()
    expect(await ourRow.getByRole('button', { name: '编辑' }).count()).toBe(0)
    await page.screenshot({ path: '/tmp/roles-liaison-plan.png' })
    await ourRow.getByRole('button', { name: '完成' }).click()
    await dialog(page).locator('textarea').fill('批复文件已取得，文号〔2026〕18号')
    await dialog(page).getByRole('button', { name: '确认完成' }).click()
    await page.getByText(`「${ourMilestone.name}」已完成`).waitFor()
    const done = (await h.app.call('project.get', { id: a.project.id })).plan.milestones.find(
      (m) => m.id === ourMilestone.id,
    )
    expect(done).toMatchObject({ actualDate: '2026-11-21', evidence: '批复文件已取得，文号〔2026〕18号' })
    expect(errors).toEqual([])
  })

  it("一项目一档 prints the project's 批示; 问题清单 prints each open problem's 批示 under it", async () => {
    // A long one, on the other unit's problem (still open): it wraps within the margins.
    const long =
      '此问题已拖延较长时间，请区工信局、区自然资源局、区住建局立即会商，明确责任分工和办理时限；' +
      '专班每周五前将进展书面报区政府办公室，月底前仍未解决的，提交区重点项目调度会研究。\n同时请专班梳理类似问题，举一反三。'
    await h.app.call(
      'instruction.create',
      { projectId: a.project.id, problemId: theirs.id, givenOn: '2026-11-20', text: long },
      leader.from,
    )
    const { page, errors } = await newPage(h)
    const portrait = { top: 37 * MM, right: 26 * MM, bottom: 35 * MM, left: 28 * MM }
    const landscape = { top: 20 * MM, right: 15 * MM, bottom: 22 * MM, left: 15 * MM }
    async function pdf(route: string, name: string) {
      await openRoute(page, h, route)
      await page.waitForSelector('body[data-print-ready="1"]', { timeout: 60_000 })
      await page.emulateMedia({ media: 'print' })
      const file = path.join(h.dir, `${name}.pdf`)
      await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true })
      await page.emulateMedia({ media: 'screen' })
      // The first page as a picture, to look at (/tmp/roles-<name>-1.png).
      execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', file, `/tmp/roles-${name}`])
      return readPdf(file)
    }

    const sheet = await pdf(`#/print/project/${a.project.id}`, 'sheet')
    const text = sheet.map((p) => p.text.replace(/\s/g, '')).join('')
    expect(text).toContain('领导批示')
    expect(text).toContain('2026-11-21')
    expect(text).toContain('请专班倒排工期，本月底前完成施工许可办理。')
    expect(text).toContain(`关于问题「${ours.description}」`)
    expect(text).toContain('同时请专班梳理类似问题，举一反三。')
    expect(text).toContain(a.leader.name)
    expect(outsideMargins(sheet, () => portrait)).toEqual([])

    const report = await pdf('#/print/problems', 'problems')
    const all = report.map((p) => p.text.replace(/\s/g, '')).join('')
    expect(all).toContain(`领导批示2026-11-20${a.leader.name}`)
    expect(all).toContain('同时请专班梳理类似问题，举一反三。')
    // Closed by the liaison: neither it nor its 批示 is on the list of open problems.
    expect(all).not.toContain('此问题请责任单位三日内拿出办理意见')
    expect(outsideMargins(report, () => landscape)).toEqual([])
    expect(errors).toEqual([])
  })
})
