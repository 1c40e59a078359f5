/**
 * Issue 16 in the interface: the import dialog asks for the stage of new projects (no silent 谋划包装) and says
 * that a backup is made before every import; in January 2027 the project page shows 2027's figures, 开累 beside
 * 本年, and asks for the missing 2027 annual plan; the 一项目一档 print carries 开累.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { build } from 'vite'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp, type App } from '../../src/main/app'
import { startHttpHost, type RunningHost } from '../../src/main/http/host'
import { formatMoney } from '../../src/shared/money'
import { fixedClock } from '../helpers/clock'
import { HEADER, TITLE, project, rawXlsx } from '../helpers/raw-xlsx'
import { launchChromium } from './chromium'
import { ADMIN, openRoute, useDemoPage, type Harness } from './harness'
import { TOKEN_HEADER } from '../../src/shared/bridge'

const BACKUP_NOTE = '导入前会自动备份当前数据，如需撤销，可在 设置 → 数据备份 中恢复。'

describe('导入台账: the stage of new projects and the backup before the import', () => {
  let h: Harness
  let page: Page
  let errors: string[]
  useDemoPage((demo) => ({ h, page, errors } = demo))

  it('says a backup is made, asks for the stage, shows the codes it will make, and imports in that stage', async () => {
    const file = path.join(h.dir, '无阶段列.xlsx')
    fs.writeFileSync(
      file,
      await rawXlsx([
        {
          name: '台账',
          rows: [
            TITLE,
            HEADER,
            project(1, '阶段测试甲项目', 100, 10, '周明远'),
            project(2, '阶段测试乙项目', 50, 5, '周明远'),
          ],
        },
      ]),
    )
    await openRoute(page, h, '#/kanban')
    await page.waitForSelector('[data-card]')
    await page.getByRole('button', { name: '导入台账' }).click()
    const dialog = page.locator('.el-dialog:visible')
    // Said before any file is chosen, beside 导入 — never "请确认已备份".
    expect(await dialog.getByRole('note').textContent()).toBe(BACKUP_NOTE)
    expect(await dialog.textContent()).not.toContain('请确认已备份')
    await page.getByLabel('选择台账文件').setInputFiles(file)
    await dialog.locator('text=2个新项目在台账中没有写「项目阶段」').first().waitFor()
    const importButton = dialog.getByRole('button', { name: '导入', exact: true })
    expect(await importButton.isDisabled()).toBe(true)
    const stageSelect = dialog.locator('.el-select', { has: page.getByLabel('新项目的阶段') })
    expect(await stageSelect.textContent()).toContain('请选择阶段') // none chosen: no default
    await page.screenshot({ path: '/tmp/B2-import-stage-ask.png' })
    await stageSelect.click()
    await page.locator('.el-select-dropdown:visible').getByText('开工建设', { exact: true }).click()
    await dialog.locator('text=新增项目的阶段：开工建设2个').waitFor()
    expect(await dialog.textContent()).not.toContain('发现1处问题')
    const sample = dialog.locator('.el-table').last()
    expect(await sample.textContent()).toContain('IMP-00001（自动）')
    expect(await sample.textContent()).toContain('IMP-00002（自动）')
    expect(await sample.textContent()).toContain('开工建设')
    await page.screenshot({ path: '/tmp/B2-import-stage-chosen.png' })
    await importButton.click()
    const confirm = page.locator('.el-message-box')
    expect(await confirm.textContent()).toContain(BACKUP_NOTE)
    await confirm.getByRole('button', { name: '导入' }).click()
    await page.locator('.el-message-box >> text=导入完成：新增2个项目').waitFor()
    await page.locator('.el-message-box').getByRole('button', { name: '好' }).click()
    const imported = await h.app.call('project.list', { text: '阶段测试' })
    expect(imported.map((p) => [p.code, p.stage]).sort()).toEqual([
      ['IMP-00001', 'construction'],
      ['IMP-00002', 'construction'],
    ])
    // The backup the note speaks of is there, under 设置 → 数据备份.
    expect((await h.app.call('backup.list', {})).backups.map((b) => b.reason)).toContain('pre-import')
    expect(errors).toEqual([])
    fs.rmSync(file)
  })
})

describe('January 2027 on the 2026 demo data: the project page and the 一项目一档', () => {
  const JANUARY = () => new Date('2027-01-15T04:00:00Z')
  let dir: string
  let app: App
  let host: RunningHost
  let browser: Browser
  let page: Page
  const errors: string[] = []
  let id: number

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-new-year-'))
    const file = path.join(dir, 'ui.db')
    const old = openApp(file, { clock: fixedClock })
    await old.call('auth.setup', { login: ADMIN.login, password: ADMIN.password, name: '王办事', unit: '区发改局' })
    await old.call('demo.load', {})
    await old.close()
    app = openApp(file, { clock: JANUARY })
    // A project under construction whose years end in 2026, extended to 2027: its 2027 plan is missing.
    const candidates = (await app.call('project.list', {})).filter((p) => p.stage === 'construction')
    const details = await Promise.all(candidates.map((p) => app.call('project.get', { id: p.id })))
    const chosen = details.find((d) => d.project.endYear === 2026)!
    id = chosen.project.id
    await app.call('project.update', { id, version: chosen.project.version, endYear: 2027 })
    await app.call('report.save', { projectId: id, period: '2026-12', investment: 12_345 })
    await app.call('report.save', { projectId: id, period: '2027-01', investment: 6_789 })
    const staticDir = path.join(dir, 'renderer')
    await build({ configFile: 'vite.config.ts', logLevel: 'silent', build: { outDir: staticDir, emptyOutDir: true } })
    host = await startHttpHost({ app, staticDir })
    browser = await launchChromium()
    const context = await browser.newContext({
      viewport: { width: 1366, height: 768 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    })
    await context.clock.setFixedTime(JANUARY())
    await context.request.post(`http://127.0.0.1:${host.port}/api/call/auth.login`, {
      headers: { [TOKEN_HEADER]: host.token },
      data: ADMIN,
    })
    page = await context.newPage()
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text())
    })
    // The address with the launch token first (the app keeps it), as the harness's newPage does.
    await page.goto(host.url)
    await page.waitForSelector('.frame, .first-run', { timeout: 20_000 })
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await host?.close()
    await app?.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  // As the harness's openRoute: a full load, and once more if the app did not start (seen once in a CI run on
  // a loaded machine, never alone), saying what the page showed.
  const open = async (route: string, ready: string) => {
    await page.goto(host.url.replace(/#.*$/, route))
    await page.reload()
    if (
      await page.waitForSelector(ready, { timeout: 20_000 }).then(
        () => true,
        () => false,
      )
    )
      return
    console.warn(`open(${route}): not ready in 20 s — ${(await page.locator('body').innerText()).slice(0, 200)}`)
    await page.reload()
    await page.waitForSelector(ready, { timeout: 30_000 })
  }

  it('月报 shows 2027: the plan missing with a prompt, 本年 of January only, 开累 since the start', async () => {
    const [figures] = await app.call('report.figures', { projectIds: [id] })
    expect(figures).toMatchObject({ year: 2027, annualPlan: null, planMissing: true, completedThisYear: 6_789 })
    await open(`#/projects/${id}`, '.ones')
    await page.getByRole('tab', { name: '月报' }).click()
    const strip = page.getByLabel('投资完成情况')
    await strip.waitFor()
    const text = (await strip.textContent())!.replace(/\s+/g, ' ')
    expect(text).toContain('2027年计划投资 未填报')
    expect(text).toContain('本年完成 67.89 万元')
    expect(text).toContain(`开累完成 ${formatMoney(figures!.completedToDate)} 万元`)
    const prompt = page.locator('.el-alert', { hasText: '2027年的年度计划投资尚未填报' })
    await prompt.waitFor()
    expect(await prompt.textContent()).toContain('请在「基本信息 → 年度计划投资」中填报2027年的计划')
    // The month picker offers January 2027 (this month) and the form starts on December 2026.
    expect(await page.locator('input[aria-label="月份"]').inputValue()).toBe('2026-12')
    await page.screenshot({ path: '/tmp/B2-project-january.png' })
    await page.locator('input[aria-label="月份"]').click()
    const panel = page.locator('.el-picker-panel:visible')
    await panel.locator('.el-date-picker__header-label', { hasText: '2026' }).waitFor()
    await panel.getByRole('button', { name: '后一年' }).click()
    await panel.locator('.el-date-picker__header-label', { hasText: '2027' }).waitFor()
    const month = (n: string) => panel.locator('.el-month-table td').filter({ hasText: new RegExp(`^\\s*${n}\\s*$`) })
    expect(await month('一月').getAttribute('class')).not.toContain('disabled')
    expect(await month('二月').getAttribute('class')).toContain('disabled')
    await month('一月').click()
    expect(await page.locator('input[aria-label="月份"]').inputValue()).toBe('2027-01')
    // Entered, the prompt goes and the plan shows.
    await app.call('project.setAnnualPlan', { projectId: id, year: 2027, amount: 1_200_000 })
    await open(`#/projects/${id}`, '.ones')
    await page.getByRole('tab', { name: '月报' }).click()
    await page.getByLabel('投资完成情况').locator('text=12,000.00 万元').waitFor()
    expect(await page.locator('.el-alert', { hasText: '尚未填报' }).count()).toBe(0)
    expect(errors).toEqual([])
  })

  it('the 一项目一档 prints 2027 with 本年 and 开累 beside the plan', async () => {
    if ((await app.call('report.figures', { projectIds: [id] }))[0]!.annualPlan === null)
      await app.call('project.setAnnualPlan', { projectId: id, year: 2027, amount: 1_200_000 })
    const [figures] = await app.call('report.figures', { projectIds: [id] })
    await open(`#/print/project/${id}`, '.print-screen')
    await page.locator('h2', { hasText: '2027年月度完成投资（万元）' }).waitFor()
    const line = page.locator('p.figures')
    await line.locator('text=开累').waitFor()
    expect((await line.textContent())!.replace(/\s+/g, '')).toBe(
      `年度计划12,000.00万元；本年完成67.89万元；开累（自项目开始）完成${formatMoney(figures!.completedToDate)}万元`,
    )
    await page.screenshot({ path: '/tmp/B2-print-january.png', fullPage: true })
    expect(errors).toEqual([])
  })
})
