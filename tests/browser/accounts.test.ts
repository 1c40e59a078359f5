/**
 * Issue 17, 账号管理 through the real interface in Chromium: the administrator creates a 县领导 account linked to
 * a leader, resets a password, sees an account locked by wrong passwords and unlocks it, deactivates one (asked
 * first, listed last), and finds the lockout in the security log; the policy and the role matrix show.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { CallFrom } from '../../src/main/app'
import { choose, closeHarness, newPage, openRoute, startDemo, type Harness } from './harness'

let h: Harness
let page: Page
let errors: string[]

beforeAll(async () => {
  h = await startDemo()
  ;({ page, errors } = await newPage(h))
}, 120_000)
afterAll(() => closeHarness(h))

/** A browser tab of its own, nobody logged in on it. */
const newSession = (): CallFrom => ({ kind: 'session', slot: { token: null }, source: '测试' })

const PASSWORD = 'Zb#20261121'
const rowOf = (login: string) => page.locator('.el-table__row', { hasText: login })
const dialog = () => page.locator('.el-dialog:visible')

async function account(login: string) {
  return (await h.app.call('user.list', {})).find((a) => a.login === login)!
}

describe('账号管理 (browser mode, Chromium)', () => {
  it('creates a 县领导 account linked to a leader; it is listed with its role, leader and 须改密码', async () => {
    const leader = (await h.app.call('leader.list', {}))[0]!
    await openRoute(page, h, '#/accounts')
    await rowOf('wangbs').waitFor()
    await page.getByRole('button', { name: '新建账号' }).click()
    await dialog().getByText('新账号首次登录时必须修改初始密码').waitFor()
    await dialog().getByLabel('登录名').fill('zhouxz')
    // Each role says what it may do; the link a role needs shows only while it is ticked.
    await dialog().getByText('本人专班项目的节点、月报、问题、方案').waitFor()
    const linkItem = (label: string) => dialog().locator('.el-form-item__label', { hasText: label })
    expect(await linkItem('对应领导').count()).toBe(0)
    for (const role of ['县领导', '专班成员', '责任单位联络员'])
      await dialog().locator('.el-checkbox', { hasText: role }).click()
    await linkItem('对应领导').waitFor()
    await linkItem('对应专班人员').waitFor()
    await linkItem('责任单位').waitFor()
    await page.screenshot({ path: '/tmp/accounts-dialog-links.png' })
    for (const role of ['专班成员', '责任单位联络员']) await dialog().locator('.el-checkbox', { hasText: role }).click()
    await linkItem('对应专班人员').waitFor({ state: 'detached' })
    await choose(page, '.el-dialog:visible .el-form-item:has-text("对应领导") .el-select', leader.name)
    // Choosing the leader fills the name that was still empty.
    expect(await dialog().getByLabel('姓名', { exact: true }).inputValue()).toBe(leader.name)
    await dialog().getByLabel('单位', { exact: true }).fill('区人民政府')

    // A weak password is said while typing; a different confirmation is refused under its field.
    await dialog().locator('input[aria-label="初始密码"]').fill('abc')
    await dialog().getByText('密码至少8位').waitFor()
    await dialog().locator('input[aria-label="初始密码"]').fill(PASSWORD)
    await dialog().locator('input[aria-label="确认初始密码"]').fill('Zb#20261120')
    await dialog().getByRole('button', { name: '新建账号' }).click()
    await dialog().locator('.el-form-item__error', { hasText: '两次输入的密码不一致' }).waitFor()
    await page.screenshot({ path: '/tmp/accounts-dialog.png' })
    await dialog().locator('input[aria-label="确认初始密码"]').fill(PASSWORD)
    await dialog().getByRole('button', { name: '新建账号' }).click()
    await page.getByText('已新建账号「zhouxz」').waitFor()

    const row = rowOf('zhouxz')
    await row.getByText('县领导').waitFor()
    expect(await row.textContent()).toContain(`领导 ${leader.name}`)
    expect(await row.textContent()).toContain('须改密码')
    expect(await row.textContent()).toContain('从未登录')
    expect(await account('zhouxz')).toMatchObject({
      name: leader.name,
      unit: '区人民政府',
      roles: ['leader'],
      leaderId: leader.id,
      personId: null,
      unitId: null,
      mustChangePassword: true,
      active: true,
    })

    // The same login name again: the main side's refusal is said under 登录名.
    // The page's own button (the dialog, closing, has one of the same name).
    await page.getByRole('button', { name: '新建账号' }).first().click()
    await dialog().getByLabel('登录名').fill('ZhouXZ')
    await dialog().getByLabel('姓名', { exact: true }).fill('周某')
    await dialog().getByLabel('单位', { exact: true }).fill('区人民政府')
    await dialog().locator('.el-checkbox', { hasText: '重点项目办' }).click()
    await dialog().locator('input[aria-label="初始密码"]').fill(PASSWORD)
    await dialog().locator('input[aria-label="确认初始密码"]').fill(PASSWORD)
    await dialog().getByRole('button', { name: '新建账号' }).click()
    await dialog().locator('.el-form-item__error', { hasText: '登录名已被使用' }).waitFor()
    await dialog().getByRole('button', { name: '取消' }).click()

    // 修改: no login name or password there; the leader stays linked.
    await rowOf('zhouxz').getByRole('button', { name: '修改zhouxz' }).click()
    await dialog().getByText('修改账号「zhouxz」').waitFor()
    expect(await dialog().locator('input[aria-label="初始密码"]').count()).toBe(0)
    await dialog().getByLabel('单位', { exact: true }).fill('区委办公室')
    await dialog().getByRole('button', { name: '保存' }).click()
    await page.getByText('账号已保存').waitFor()
    await rowOf('zhouxz').getByText('区委办公室').waitFor()
    expect(await account('zhouxz')).toMatchObject({ unit: '区委办公室', roles: ['leader'], leaderId: leader.id })
  })

  it('resets a password: the old one no longer works, the new one must be changed', async () => {
    const before = newSession()
    await h.app.call('auth.login', { login: 'zhouxz', password: PASSWORD }, before)
    await rowOf('zhouxz').getByRole('button', { name: '重置密码zhouxz' }).click()
    await dialog().getByText('该账号下次登录时必须修改密码').waitFor()
    await dialog().locator('input[aria-label="新初始密码"]').fill('Zb#20261199')
    await dialog().locator('input[aria-label="确认新密码"]').fill('Zb#20261199')
    await dialog().getByRole('button', { name: '重置密码', exact: true }).click()
    await page.getByText('密码：下次登录时须修改').waitFor()
    // Its session ended; the old password is refused, the new one logs in and must be changed.
    expect(await h.app.call('auth.me', {}, before)).toBeNull()
    await expect(h.app.call('auth.login', { login: 'zhouxz', password: PASSWORD }, newSession())).rejects.toThrow()
    const user = await h.app.call('auth.login', { login: 'zhouxz', password: 'Zb#20261199' }, newSession())
    expect(user.mustChangePassword).toBe('first')
  })

  it('shows an account locked by wrong passwords and unlocks it; 停用 asks first and lists it last', async () => {
    await h.app.call('user.create', {
      login: 'lisd',
      name: '李锁定',
      unit: '区重点项目办',
      roles: ['office'],
      password: PASSWORD,
    })
    await h.app.call('user.create', {
      login: 'zhaoty',
      name: '赵停用',
      unit: '区重点项目办',
      roles: ['office'],
      password: PASSWORD,
    })
    for (let i = 0; i < 6; i++)
      await expect(
        h.app.call('auth.login', { login: 'lisd', password: `Wrong#${i}abc` }, newSession()),
      ).rejects.toThrow()
    expect((await account('lisd')).lockedUntil).not.toBeNull()

    await openRoute(page, h, '#/accounts')
    const locked = rowOf('lisd')
    // The demo's clock is 12:00 in China; the policy locks for 15 minutes.
    await locked.getByText('已锁定至 12:15').waitFor()

    // 停用 says what happens, and the account goes to the end of the list, greyed.
    await rowOf('zhaoty').getByRole('button', { name: '停用zhaoty' }).click()
    const box = page.locator('.el-message-box:visible')
    await box.getByText('停用后该账号不能登录，已登录的会话立即结束').waitFor()
    await box.getByRole('button', { name: '停用' }).click()
    await page.getByText('「赵停用」已停用').waitFor()
    await rowOf('zhaoty').getByText('已停用').waitFor()
    const logins = await page.locator('.el-table__body-wrapper .el-table__row td:first-child').allTextContents()
    expect(logins.at(-1)).toBe('zhaoty')
    expect(await rowOf('zhaoty').getAttribute('class')).toContain('stopped')
    expect((await account('zhaoty')).active).toBe(false)

    await page.mouse.move(0, 0)
    await page
      .locator('.el-message')
      .last()
      .waitFor({ state: 'hidden', timeout: 10_000 })
      .catch(() => {})
    fs.mkdirSync('docs/screenshots', { recursive: true })
    await page.screenshot({ path: path.join('docs/screenshots', 'accounts-1366.png') })

    await locked.getByRole('button', { name: '解除锁定lisd' }).click()
    await page.getByText('已解除「李锁定」的锁定').waitFor()
    await expect.poll(() => locked.locator('[data-state]').textContent()).not.toContain('已锁定')
    expect(await locked.getByRole('button', { name: '解除锁定lisd' }).count()).toBe(0)
    expect((await account('lisd')).lockedUntil).toBeNull()
    await h.app.call('auth.login', { login: 'lisd', password: PASSWORD }, newSession())
  })

  it('lists the lockout in the security log, by event too', async () => {
    await page.getByRole('tab', { name: '安全日志' }).click()
    const log = page.locator('#pane-log')
    const event = (label: string) =>
      log.locator('.el-table__row', { has: page.getByRole('cell', { name: label, exact: true }) })
    await event('账号锁定').filter({ hasText: 'lisd（李锁定）' }).waitFor()
    expect(await event('解除锁定').first().textContent()).toContain('lisd（李锁定）')
    // An account change reads by field label, not by the main side's field name.
    expect(await event('修改账号').filter({ hasText: 'zhaoty' }).textContent()).toContain('状态：启用 → 停用')
    await choose(page, '#pane-log .el-select', '账号锁定')
    await expect.poll(() => log.locator('.el-table__row').count()).toBe(1)
    expect(await log.locator('.el-table__row').textContent()).toContain('连续5次密码错误')
    await page.screenshot({ path: '/tmp/accounts-log.png' })

    // 导出为CSV: the log of the chosen event, UTF-8 with a byte order mark so that Excel reads the Chinese.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      log.getByRole('button', { name: '导出为CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('安全日志（账号锁定）-2026-11-21.csv')
    const bytes = fs.readFileSync(await download.path())
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n')
    expect(lines).toEqual([
      '时间,事件,登录名,姓名,来源,说明',
      '2026-11-21 12:00:00,账号锁定,lisd,李锁定,测试,连续5次密码错误，锁定15分钟',
    ])
  })

  it('shows the security policy and the role matrix', async () => {
    await page.getByRole('tab', { name: '安全策略' }).click()
    await page.getByText('三员分立').waitFor()
    expect(await page.getByLabel('连续失败次数').inputValue()).toBe('5')
    await page.screenshot({ path: '/tmp/accounts-policy.png' })
    await page.getByRole('tab', { name: '角色权限' }).click()
    const matrix = page.locator('#pane-roles')
    const row = matrix.locator('.el-table__row', { hasText: '新建账号' })
    await row.waitFor()
    expect(await row.textContent()).toMatch(/新建账号写✓—+/)
    await matrix.locator('.el-table__row', { hasText: '修改节点' }).getByText('仅本人专班项目').waitFor()
    await page.screenshot({ path: '/tmp/accounts-roles-1366.png' })
    expect(errors).toEqual([])
  })
})
