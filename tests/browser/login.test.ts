/**
 * Logging in, as an office user meets it: the login screen (the last name offered, wrong passwords counted,
 * the sixth locked), and an idle session that asks for the password again and keeps the page — the action that
 * met the ended session is made once the password is in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ADMIN, closeHarness, newPage, openRoute, setupAdmin, startHarness, type Harness } from './harness'
import { fixedClock } from '../helpers/clock'
import { CHANGED, PASSWORD } from '../helpers/accounts'

let h: Harness
/** The server's clock: moved forward to let a session go idle. */
let now = fixedClock().getTime()

beforeAll(async () => {
  h = await startHarness({ clock: () => new Date(now) })
  await setupAdmin(h)
  await h.app.call('demo.load', { projects: 12 })
  await h.app.call('user.create', {
    login: 'lisi',
    name: '李四',
    unit: '区发改局',
    roles: ['office'],
    password: PASSWORD,
  })
}, 120_000)
afterAll(() => closeHarness(h))

async function login(page: Page, name: string, password: string) {
  await page.getByLabel('登录名').fill(name)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.getByRole('button', { name: '登录' }).click()
}

describe('the login screen', () => {
  it('a new account logs in, must change its initial password, and is then in', async () => {
    const { page, errors } = await newPage(h, undefined, null)
    await page.waitForSelector('.login-screen')
    await login(page, 'lisi', PASSWORD)
    await page.waitForSelector('.password-screen')
    expect(await page.textContent('.password-screen')).toContain('请先设置只有您知道的新密码')
    await page.getByLabel('原密码').fill(PASSWORD)
    await page.getByLabel('新密码', { exact: true }).fill('lisi')
    // The rule is said while typing, before anything is sent.
    await page.getByText('密码至少8位').waitFor()
    await page.getByLabel('新密码', { exact: true }).fill(CHANGED)
    await page.getByLabel('确认新密码').fill(CHANGED)
    await page.getByRole('button', { name: '修改密码' }).click()
    await page.waitForSelector('.frame')
    expect(await page.textContent('header')).toContain('李四（区发改局）· 重点项目办')
    // The login name is offered next time; the password never kept.
    await page.getByRole('button', { name: '当前账号' }).click()
    await page.getByRole('menuitem', { name: '退出登录' }).click()
    await page.waitForSelector('.login-screen')
    expect(await page.getByLabel('登录名').inputValue()).toBe('lisi')
    expect(await page.getByLabel('密码', { exact: true }).inputValue()).toBe('')
    expect(errors).toEqual([])
  })

  it('counts wrong passwords, locks at the fifth, and the sixth (even right) is refused until unlocked', async () => {
    const { page } = await newPage(h, undefined, null)
    await page.waitForSelector('.login-screen')
    // Every refusal reads alike (a stranger learns nothing of the name); the security log counts them.
    const failures = async () =>
      (await h.app.call('security.log', { event: 'login_failed' })).filter((e) => e.login === 'lisi').length
    for (let i = 1; i <= 5; i++) {
      await login(page, 'lisi', `Wrong#${i}xyz`)
      await expect.poll(failures).toBe(i)
      await page.getByRole('alert').filter({ hasText: '登录名或密码不正确。连续输错5次账号将锁定15分钟' }).waitFor()
    }
    await login(page, 'lisi', CHANGED)
    await expect.poll(failures).toBe(6)
    await page.getByRole('alert').filter({ hasText: '锁定期间请稍后再试或请系统管理员解锁' }).waitFor()
    await page.locator('.login-screen').waitFor()
    await page.screenshot({ path: '/tmp/login-locked.png' })
    const log = await h.app.call('security.log', { event: 'locked' })
    expect(log[0]).toMatchObject({ login: 'lisi', source: '浏览器' })
    // The administrator unlocks at once; then the right password is in.
    const [user] = (await h.app.call('user.list', {})).filter((u) => u.login === 'lisi')
    await h.app.call('user.unlock', { id: user!.id, version: user!.version })
    await login(page, 'lisi', CHANGED)
    await page.waitForSelector('.frame')
  })
})

describe('an idle session', () => {
  it('asks for the password again over the page, keeps what was typed, and then saves it', async () => {
    const { page, errors } = await newPage(h, undefined, ADMIN)
    await openRoute(page, h, '#/leaders')
    await page.getByRole('button', { name: '新增领导' }).click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.getByLabel('姓名').fill('孙立新')
    await dialog.getByLabel('职务').fill('副区长')
    // 31 minutes pass at the server: the session has ended; saving meets it.
    now += 31 * 60_000
    await dialog.getByRole('button', { name: '保存' }).click()
    const lock = page.locator('.lock-screen')
    await lock.getByText('长时间未操作，已自动退出登录').waitFor()
    await page.screenshot({ path: '/tmp/idle-lock.png' })
    // The dialog and what was typed are still underneath.
    expect(await dialog.getByLabel('姓名').inputValue()).toBe('孙立新')
    await lock.getByLabel('密码').fill('Wrong#1xyz')
    await lock.getByRole('button', { name: '继续' }).click()
    await lock.getByText('登录名或密码不正确', { exact: false }).waitFor()
    await lock.getByLabel('密码').fill(ADMIN.password)
    await lock.getByRole('button', { name: '继续' }).click()
    await lock.waitFor({ state: 'detached' })
    // The save that met the ended session went through once the password was in.
    await expect.poll(async () => (await h.app.call('leader.list', {})).some((l) => l.name === '孙立新')).toBe(true)
    const events = (await h.app.call('security.log', {})).map((e) => e.event)
    expect(events).toContain('session_ended')
    expect(errors).toEqual([])
  })
})
