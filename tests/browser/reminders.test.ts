/**
 * 催报 and 待办 at the office's desk (1366 × 768): the 待办 count in the header and the window's title, the list,
 * a 催报 sent from a line and seen first in the 专班成员's 待办, marked 已办 there; 催报与推送 settings with a
 * 发送测试 to a stand-in group robot on loopback.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { closeHarness, newPage, openRoute, startDemo, type Harness } from './harness'
import { CHANGED, loginAs } from '../helpers/accounts'

let h: Harness
let robot: http.Server
const posted: unknown[] = []
let robotUrl = ''
let project: { id: number; code: string; name: string }
const MEMBER = 'sunzb'

beforeAll(async () => {
  h = await startDemo()
  // A project owing last month's report, and a 专班成员 of it with an account.
  const todos = await h.app.call('reminder.mine', {})
  const owing = todos.items.find((i) => i.kind === 'report')!
  project = { id: owing.projectId, code: owing.code, name: owing.name }
  const detail = await h.app.call('project.get', { id: project.id })
  const person = detail.taskForce.members[0]!.person
  await loginAs(h.app, MEMBER, { roles: ['member'], personId: person.id, name: person.name, unit: person.unit })
  const leader = await loginAs(h.app, 'lingdao', { roles: ['leader'], leaderId: detail.leader.id })
  const given = await h.app.invoke(
    'instruction.create',
    { projectId: project.id, problemId: null, givenOn: '2026-11-20', text: '请月底前补齐月报并说明原因。' },
    leader.from,
  )
  expect(given.ok).toBe(true)
  robot = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      posted.push(JSON.parse(body))
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"errcode":0,"errmsg":"ok"}')
    })
  })
  await new Promise<void>((resolve) => robot.listen(0, '127.0.0.1', resolve))
  robotUrl = `http://127.0.0.1:${(robot.address() as AddressInfo).port}/cgi-bin/webhook/send?key=test`
}, 120_000)
afterAll(async () => {
  robot?.close()
  await closeHarness(h)
})

const countIn = async (page: Page) => Number((await page.locator('.todo-count').innerText()).replace(/\D/g, ''))

describe('催报 and 待办 (desktop)', () => {
  it('the office sees the county’s 待办 with its count, and sends a 催报 from a line', async () => {
    const { page, errors } = await newPage(h)
    await openRoute(page, h, '#/todos')
    await page.locator('.todo-count').waitFor()
    const total = (await h.app.call('reminder.mine', {})).total
    expect(await countIn(page)).toBe(total)
    expect(await page.title()).toBe(`专班（待办${total}）`)
    const row = page
      .locator('.el-table__row', { hasText: `${project.code} ${project.name}` })
      .filter({ hasText: '月报' })
    await row.first().getByRole('button', { name: '催报' }).click()
    const dialog = page.locator('.el-dialog:visible')
    const note = dialog.locator('textarea')
    expect(await note.inputValue()).toMatch(/^请抓紧办理：\d+月月报/)
    await note.fill('请于今日下班前补报上月月报')
    await dialog.getByRole('button', { name: '发出催报' }).click()
    await expect
      .poll(() => page.locator('.el-table__row', { hasText: '请于今日下班前补报上月月报' }).count())
      .toBeGreaterThan(0)
    await page.screenshot({ path: 'docs/screenshots/todos-1366.png' })
    expect(errors).toEqual([])
  })

  it('the 专班成员 sees the 催报 first, marks it 已办, and its count goes down', async () => {
    const { page, errors } = await newPage(h, undefined, { login: MEMBER, password: CHANGED })
    await openRoute(page, h, '#/todos')
    const first = page.locator('.el-table__row').first()
    await expect.poll(() => first.innerText()).toContain('请于今日下班前补报上月月报')
    const before = await countIn(page)
    await first.getByRole('button', { name: '已办' }).click()
    await expect.poll(() => countIn(page)).toBe(before - 1)
    const sent = await h.app.call('reminder.sent', { projectId: project.id })
    expect(sent[0]).toMatchObject({ note: '请于今日下班前补报上月月报', doneAt: expect.any(String) })
    // The 批示 is answered from the same list (落实情况).
    const row = page.locator('.el-table__row', { hasText: '请月底前补齐月报' })
    await row.getByRole('button', { name: '答复' }).click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.locator('textarea').fill('已于11月21日补报，原因是统计口径调整')
    await dialog.getByRole('button', { name: '答复', exact: true }).click()
    await expect.poll(() => countIn(page)).toBe(before - 2)
    const [answered] = await h.app.call('instruction.list', { projectId: project.id })
    expect(answered!.answer).toMatchObject({ text: '已于11月21日补报，原因是统计口径调整', answeredOn: '2026-11-21' })
    expect(errors).toEqual([])
  })

  it('催报与推送: the robot’s address saved, 发送测试 posts the digest and says so', async () => {
    const { page, errors } = await newPage(h)
    await openRoute(page, h, '#/settings?tab=reminders')
    await page.getByRole('tab', { name: '催报与推送' }).click()
    await page.getByLabel('推送地址').fill('ftp://robot')
    await page.getByRole('button', { name: '保存' }).click()
    await expect.poll(() => page.locator('.el-form-item__error').first().innerText()).toContain('https://')
    await page.getByLabel('推送地址').fill(robotUrl)
    await page.locator('.reminders .el-switch').click()
    await page.getByRole('button', { name: '保存' }).click()
    await page.getByText('催报与推送设置已保存').waitFor()
    await page.getByRole('button', { name: '发送测试' }).click()
    await page.getByText('测试推送已发出').waitFor()
    expect(posted).toHaveLength(1)
    expect(JSON.stringify(posted[0])).toContain('专班每日待办')
    await expect.poll(() => page.locator('.reminders').innerText()).toContain('成功：已推送')
    await page.screenshot({ path: 'docs/screenshots/reminder-settings-1366.png' })
    expect(errors).toEqual([])
  })
})
