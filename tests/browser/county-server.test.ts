/**
 * Issue 20 in Chromium, against two real `zhuanban server` processes on one PostgreSQL database (the county's
 * network as two app servers behind one address would be): a 县领导 logged in on one and a 专班成员 on the other
 * see each other's change on the project page live, without reloading; an expired session asks for the password
 * again and the page stays; a call without the page's anti-forgery token is refused; the login rate limit
 * refuses the fourth try in a minute, in Chinese. Runs in the postgres project (it needs the server).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { openAppAt } from '../../src/main/app'
import type { ProjectDetail } from '../../src/shared/domain'
import { CHANGED, loginAs } from '../helpers/accounts'
import { withDatabase } from '../helpers/store'
import { launchChromium } from './chromium'
import { builtRenderer, choose, cleanupRenderer } from './harness'

interface Server {
  child: ChildProcess
  origin: string
  output: () => string
}

const LEADER = 'zhouxz'
const MEMBER = 'sunxue'
let url: string
/** The file's own database (not a test's: both servers use it across the tests), dropped at the end. */
const database = `zb_county_${process.pid}`
let project: ProjectDetail
let servers: Server[] = []
let browser: Browser
let config = ''
const shots = path.resolve('docs/screenshots')

/** `zhuanban server` as the county runs it (the command line, a configuration file), on a free port. */
async function startServer(config: string, renderer: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main/cli/index.ts', 'server', '--config', config, '--port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ZHUANBAN_RENDERER_DIR: renderer } },
  )
  let out = ''
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()))
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000)
    child.stdout!.on('data', () => {
      const m = /专班县服务器已启动：(http:\/\/127\.0\.0\.1:\d+)\//.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)))
  })
  return { child, origin, output: () => out }
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return
  await new Promise((resolve) => {
    server.child.on('exit', resolve)
    server.child.kill('SIGTERM')
  })
}

/** Runs SQL on the test server's maintenance database (creating and dropping the file's database). */
async function onServer(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('pgUrl') })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

beforeAll(async () => {
  await onServer(`CREATE DATABASE ${database}`)
  url = withDatabase(inject('pgUrl'), database)
  // The county's data: the demo district, a 县领导 account on one project's leader, a 专班成员 in its 专班.
  const app = await openAppAt(url)
  try {
    await app.call('auth.setup', { login: 'admin', name: '李主任', unit: '县重点项目办', password: 'Admin#2026x' })
    await app.call('demo.load', { projects: 20 })
    for (const row of await app.call('project.list', {})) {
      const detail = await app.call('project.get', { id: row.id })
      if (detail.taskForce.members.length) {
        project = detail
        break
      }
    }
    const person = project.taskForce.members[0]!.person
    await loginAs(app, LEADER, {
      roles: ['leader'],
      leaderId: project.leader.id,
      name: project.leader.name,
      unit: '县人民政府',
    })
    await loginAs(app, MEMBER, { roles: ['member'], personId: person.id, name: person.name, unit: person.unit })
  } finally {
    await app.close()
  }
  config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-county-')), 'server.json')
  fs.writeFileSync(
    config,
    JSON.stringify({
      listen: '127.0.0.1',
      database: url,
      loginLimit: { perAddress: 1000, perAccount: 3, windowSeconds: 60 },
      logLevel: 'warn',
    }),
  )
  const renderer = await builtRenderer()
  servers = [await startServer(config, renderer), await startServer(config, renderer)]
  browser = await launchChromium()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  for (const server of servers) await stopServer(server)
  await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  fs.rmSync(path.dirname(config), { recursive: true, force: true })
  cleanupRenderer()
})

/** A new browser (its own cookies) on `server`, at the login screen. */
async function loginPage(server: Server): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`${server.origin}/`)
  await page.locator('.login-screen').waitFor()
  return { page, errors }
}

async function logIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('登录名').fill(login)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.getByLabel('密码', { exact: true }).press('Enter')
}

async function openProject(page: Page, server: Server, id: number): Promise<void> {
  await page.goto(`${server.origin}/#/projects/${id}`)
  await page.locator('[aria-label="一个项目"]').waitFor()
}

const alertOf = (page: Page) => page.locator('.changed-by-others')

describe('the county server in Chromium: two servers, one ledger', () => {
  it('a 县领导 on one server and a 专班成员 on the other see each other’s change live', async () => {
    const [one, two] = servers as [Server, Server]
    const leader = await loginPage(one)
    await leader.page.screenshot({ path: path.join(shots, 'server-login.png') })
    await logIn(leader.page, LEADER, CHANGED)
    await leader.page.locator('.frame').waitFor()
    await openProject(leader.page, one, project.project.id)
    const member = await loginPage(two)
    await logIn(member.page, MEMBER, CHANGED)
    await member.page.locator('.frame').waitFor()
    await openProject(member.page, two, project.project.id)
    const openBefore = await leader.page.getByRole('tab', { name: /^问题（\d+）$/ }).textContent()

    // The member raises a problem on the second server …
    await member.page.getByRole('tab', { name: /问题/ }).click()
    await member.page.getByRole('button', { name: '提出问题' }).click()
    const dialog = member.page.locator('.el-dialog:visible')
    await choose(member.page, '.el-dialog:visible .el-form-item:has-text("问题类别") .el-select', '用地')
    await dialog.locator('textarea').fill('施工用电接入方案尚未批复')
    await choose(member.page, '.el-dialog:visible .el-form-item:has-text("责任单位") .el-select', '区发改局')
    const deadline = dialog.locator('.el-form-item:has-text("办结时限") input')
    await deadline.fill('2026-12-31')
    await deadline.press('Enter')
    await dialog.getByRole('button', { name: '登记' }).click()
    await member.page.waitForSelector('.el-table >> text=施工用电接入方案尚未批复')
    const saved = Date.now()
    // … and the leader's page on the first server shows it without a reload, and says so.
    await alertOf(leader.page).waitFor({ timeout: 5000 })
    await expect.poll(() => leader.page.getByRole('tab', { name: /^问题（\d+）$/ }).textContent()).not.toBe(openBefore)
    expect(Date.now() - saved).toBeLessThan(3000)
    expect(await alertOf(leader.page).textContent()).toContain('被其他用户更新，页面已显示最新内容')
    await leader.page.screenshot({ path: path.join(shots, 'server-live-leader.png') })
    // The member's own save does not tell the member that someone else changed it.
    expect(await alertOf(member.page).count()).toBe(0)

    // The leader answers with a 批示 on the first server; the member's page shows it.
    await leader.page.getByRole('button', { name: '写批示', exact: true }).click()
    const instruct = leader.page.locator('.el-dialog:visible')
    await instruct.getByLabel('批示内容').fill('请专班三日内拿出用电接入方案。')
    await instruct.getByRole('button', { name: '送达专班' }).click()
    await leader.page.getByText('批示已送达专班').waitFor()
    await member.page.getByRole('note', { name: '最新领导批示' }).getByText('请专班三日内拿出用电接入方案。').waitFor({
      timeout: 5000,
    })
    await alertOf(member.page).waitFor()
    expect([...leader.errors, ...member.errors]).toEqual([])
  })

  it('an expired session asks for the password again, and the page stays as it was', async () => {
    const [one] = servers as [Server, Server]
    const { page, errors } = await loginPage(one)
    await logIn(page, MEMBER, CHANGED)
    await page.locator('.frame').waitFor()
    await openProject(page, one, project.project.id)
    // The session's lifetime ends (as after sessionHours): its row says so.
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(`UPDATE sessions SET expires = 1 WHERE user_id = (SELECT id FROM users WHERE login = $1)`, [
        MEMBER,
      ])
    } finally {
      await client.end()
    }
    // The next screen's call meets the ended session: the lock asks for the password over the page.
    await page.goto(`${one.origin}/#/kanban`)
    const lock = page.getByRole('dialog', { name: '重新输入密码' })
    await lock.waitFor({ timeout: 10_000 })
    // (The kanban asks several calls at once: the first to meet the ended session says why; one that arrives
    // after the session's row is gone says only that nobody is logged in — both ask for the password here.)
    expect(await lock.textContent()).toMatch(/本次登录已满12小时，为保护数据请重新输入密码。当前页面会保留|请先登录/)
    await page.screenshot({ path: path.join(shots, 'server-session-ended.png') })
    await lock.getByLabel('密码', { exact: true }).fill(CHANGED)
    await lock.getByLabel('密码', { exact: true }).press('Enter')
    await lock.waitFor({ state: 'detached' })
    await page.locator('.kanban').waitFor()
    expect(errors).toEqual([])
  })

  it('refuses a call without the page’s anti-forgery token, and the fourth login try in a minute', async () => {
    const [one, two] = servers as [Server, Server]
    const { page } = await loginPage(one)
    await logIn(page, 'admin', 'Admin#2026x')
    await page.locator('.frame').waitFor()
    // Another page (here the other server's origin: same site, so the cookie would go along) posting a change.
    const forged = await page.evaluate(async () => {
      const res = await fetch('/api/call/dict.create', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'unit', name: '伪造的单位' }),
      })
      return { status: res.status, body: await res.text() }
    })
    expect(forged.status).toBe(403)
    expect(forged.body).toContain('页面的安全校验已过期，操作未执行')
    // Three tries for one login name on either server (counted per name, whether it exists or not, so that
    // the limit does not tell which do): the fourth is refused whatever the password.
    const login = await loginPage(two)
    for (let i = 0; i < 3; i++) {
      await logIn(login.page, 'zhangsan', `Wrong#2026${i}`)
      await login.page
        .getByText(/密码不正确|登录名或密码不正确/)
        .first()
        .waitFor()
    }
    const again = await loginPage(one)
    await logIn(again.page, 'zhangsan', CHANGED)
    await again.page.getByText(/登录尝试过于频繁，请\d+秒后再试/).waitFor()
    await again.page.screenshot({ path: path.join(shots, 'server-login-limited.png') })
    expect(await again.page.locator('.frame').count()).toBe(0)
  })
})
