/**
 * The phone view (#/m) at 390 × 844 with touch, as a 专班成员 on site: log in on the phone, see 我的项目 with the
 * light's reasons, complete a milestone with a photo from the camera, file the month's report through a dropped
 * connection (nothing typed is lost: the page is even reloaded), close a problem with its result and a photo, and
 * answer a 领导批示. Screenshots of each view in docs/screenshots/phone-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { closeHarness, startDemo, type Harness } from './harness'
import { fixedClock } from '../helpers/clock'
import { CHANGED, loginAs } from '../helpers/accounts'
import { sitePhoto } from '../helpers/images'

let h: Harness
let context: BrowserContext
let page: Page
const errors: string[] = []
let projectId = 0
let milestoneName = ''
let problemText = ''
const MEMBER = 'wangzb'

beforeAll(async () => {
  h = await startDemo()
  // A project under construction with an open milestone and an open problem; a 专班成员 of it, and a 批示 on it.
  const cards = (await h.app.call('kanban.cards', {})).cards.filter((c) => c.stage === 'construction')
  for (const c of cards) {
    const detail = await h.app.call('project.get', { id: c.id })
    const open = detail.plan.milestones.find((m) => !m.actualDate)
    const problems = (await h.app.call('problem.list', { projectId: c.id })).filter((p) => p.status !== 'closed')
    if (!open || !problems.length || !detail.taskForce.members.length) continue
    projectId = c.id
    milestoneName = open.name
    problemText = problems[0]!.description
    const person = detail.taskForce.members[0]!.person
    await loginAs(h.app, MEMBER, { roles: ['member'], personId: person.id, name: person.name, unit: person.unit })
    const leader = await loginAs(h.app, 'lingdao', { roles: ['leader'], leaderId: detail.leader.id })
    const given = await h.app.invoke(
      'instruction.create',
      { projectId: c.id, problemId: null, givenOn: '2026-11-20', text: '请本周内完成设备进场，每周报告进度。' },
      leader.from,
    )
    expect(given.ok).toBe(true)
    break
  }
  expect(projectId).toBeGreaterThan(0)
  context = await h.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  await context.clock.setFixedTime(fixedClock())
  page = await context.newPage()
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d|ERR_FAILED|ERR_CONNECTION|net::/.test(m.text())) errors.push(m.text())
  })
}, 120_000)
afterAll(async () => {
  await context?.close()
  await closeHarness(h)
})

const shot = (name: string) => page.screenshot({ path: `docs/screenshots/phone-${name}.png` })
const tab = (name: string) => page.getByRole('tab', { name: new RegExp(`^${name}`) }).tap()

describe('the phone view (390 × 844, touch)', () => {
  it('logs in on the phone and opens 我的项目: each project with its light and the reasons written out', async () => {
    await page.goto(h.host.url)
    await page.locator('.login-screen').waitFor()
    await page.getByRole('textbox', { name: '登录名' }).fill(MEMBER)
    await page.getByRole('textbox', { name: '密码' }).fill(CHANGED)
    await shot('login')
    await page.getByRole('button', { name: '登录' }).tap()
    await page.locator('.m-project').first().waitFor({ timeout: 20_000 })
    expect(page.url()).toContain('#/m')
    // Nothing wider than the screen (no sideways scrolling with one hand).
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390)
    // The first project's light says why, in words (a phone has no hover).
    expect(await page.locator('.m-project .reasons li').count()).toBeGreaterThan(0)
    await shot('home')
  })

  it('completes a milestone with a photo taken by the camera', async () => {
    await page
      .locator('.m-project', { hasText: (await h.app.call('project.get', { id: projectId })).project.name })
      .tap()
    await page.getByRole('tab', { name: '节点' }).waitFor()
    const card = page.locator('article', { hasText: milestoneName }).first()
    await card.getByRole('button', { name: '完成节点' }).tap()
    // The file chooser opens the camera (capture="environment").
    const picker = card.locator('input.picker')
    expect(await picker.getAttribute('capture')).toBe('environment')
    await picker.setInputFiles({
      name: 'IMG_20261121_101500.jpg',
      mimeType: 'image/jpeg',
      buffer: await sitePhoto('设备进场', { takenAt: '2026:11:21 10:15:00', latitude: 34.7466, longitude: 113.6253 }),
    })
    await card.locator('figure.file img').waitFor({ timeout: 15_000 })
    expect(await card.innerText()).toContain('拍摄于2026年11月21日 10:15')
    await shot('milestone')
    await card.getByRole('button', { name: '确认完成' }).tap()
    await expect
      .poll(
        async () =>
          (await h.app.call('project.get', { id: projectId })).plan.milestones.find((m) => m.name === milestoneName)
            ?.actualDate,
      )
      .toBe('2026-11-21')
  })

  it("files the month's report through a dropped connection: nothing typed is lost, even after a reload", async () => {
    await tab('月报')
    // This month: no report yet (the amount starts empty — what is typed into it must come back too).
    await page.getByLabel('月份').selectOption('2026-11')
    await page.getByLabel('本月完成投资（万元）').fill('1,280.5')
    await page.getByLabel('形象进度').fill('主体结构施工至第六层，设备基础完成')
    // The connection drops as 保存 is tapped.
    await page.route('**/api/call/report.save', (route) => route.abort('internetdisconnected'))
    await page.getByRole('button', { name: '保存月报' }).tap()
    await page.getByText('未保存：网络不通，填写的内容已留在本机').waitFor()
    // The phone is put away and the page opened again: the typing is there.
    await page.reload()
    await page.getByRole('tab', { name: '节点' }).waitFor({ timeout: 20_000 })
    await tab('月报')
    await page.getByLabel('月份').selectOption('2026-11')
    await page.getByText('已恢复上次未提交的内容').waitFor()
    expect(await page.getByLabel('形象进度').inputValue()).toBe('主体结构施工至第六层，设备基础完成')
    expect(await page.getByLabel('本月完成投资（万元）').inputValue()).toBe('1280.50')
    await page.unroute('**/api/call/report.save')
    await page.getByRole('button', { name: '保存月报' }).tap()
    await expect
      .poll(async () => (await h.app.call('report.list', { projectId, period: '2026-11' }))[0]?.investment)
      .toBe(128050)
    await page
      .locator('input.picker')
      .setInputFiles({ name: '形象进度.jpg', mimeType: 'image/jpeg', buffer: await sitePhoto('十月形象进度') })
    await page.locator('figure.file img').first().waitFor({ timeout: 15_000 })
    await shot('report')
  })

  it('closes a problem with its result and a photo', async () => {
    await tab('问题')
    const card = page.locator('article', { hasText: problemText }).first()
    await card.getByRole('button', { name: '办结销号' }).tap()
    await card.getByLabel('办理结果').fill('已协调供电公司完成临时用电接入')
    await card.locator('input.picker').setInputFiles({
      name: '接电完成.jpg',
      mimeType: 'image/jpeg',
      buffer: await sitePhoto('临时用电接入', { takenAt: '2026:11:21 09:00:00' }),
    })
    await card.locator('figure.file img').waitFor({ timeout: 15_000 })
    await shot('problem')
    await card.getByRole('button', { name: '确认销号' }).tap()
    await expect
      .poll(
        async () =>
          (await h.app.call('problem.list', { projectId })).find((p) => p.description === problemText)?.status,
      )
      .toBe('closed')
  })

  it('reads the 批示 and answers it; 待办 shows what is left', async () => {
    await tab('批示')
    const card = page.locator('article', { hasText: '请本周内完成设备进场' })
    await card.getByRole('button', { name: '答复落实情况' }).tap()
    await card.getByLabel('落实情况').fill('设备已于11月21日进场，下周一开始安装')
    await card.getByRole('button', { name: '答复', exact: true }).tap()
    await card.getByText('落实情况（').waitFor()
    await shot('instructions')
    await page.getByRole('link', { name: /我的待办/ }).tap()
    await page.locator('.m-main').waitFor()
    await shot('todos')
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390)
    expect(errors).toEqual([])
  })
})
