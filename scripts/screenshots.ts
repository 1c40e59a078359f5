/**
 * `npm run screenshots`: every main view on the demo data at 1366×768 and 1920×1080, into docs/screenshots/.
 * Uses Debian's Chromium through browser mode, with the clock fixed at 2026-11-21 like the tests.
 */
import fs from 'node:fs'
import path from 'node:path'
import { closeHarness, newPage, startDemo } from '../tests/browser/harness'
import { HEADER, TITLE, project as row, rawXlsx } from '../tests/helpers/raw-xlsx'
import { CHANGED, loginAs } from '../tests/helpers/accounts'

const OUT = path.resolve(import.meta.dirname, '..', 'docs', 'screenshots')
const SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
]

const h = await startDemo(undefined, { name: '王办事', unit: '区发改局' })
try {
  const [project] = await h.app.call('project.list', { text: 'XM-012' })
  await h.app.call('backup.create', {}) // the 数据备份 tab shows a list
  // A 县领导 (the leader with the most projects) and a 专班成员, for 账号 and a leader's 我的项目.
  const leaders = await h.app.call('leader.list', {})
  const busiest = [...leaders].sort((a, b) => b.projectCount - a.projectCount)[0]!
  await loginAs(h.app, 'leader', { name: busiest.name, unit: '区政府', roles: ['leader'], leaderId: busiest.id })
  const detail = await h.app.call('project.get', { id: project!.id })
  const person = detail.taskForce.members[0]!.person
  await loginAs(h.app, 'member', { name: person.name, unit: person.unit, roles: ['member'], personId: person.id })
  fs.mkdirSync(OUT, { recursive: true })
  for (const size of SIZES) {
    const { page, errors } = await newPage(h, size)
    const base = h.host.url.replace(/#.*$/, '')
    const shot = async (name: string) => {
      await page.waitForTimeout(700)
      await page.screenshot({ path: path.join(OUT, `${name}-${size.width}.png`) })
    }
    const views: [string, string, string][] = [
      ['overview', '#/overview', 'text=五个一批'],
      ['kanban', '#/kanban', '[data-card]'],
      ['project', `#/projects/${project!.id}`, '[aria-label="一个项目"]'],
      ['ranking', '#/ranking', '.el-table__row'],
      ['problems', '#/problems', '.el-table__row'],
      ['leaders', '#/leaders', '.el-table__row'],
      ['settings', '#/settings', 'text=我的账号'],
      ['accounts', '#/accounts', '.el-table__row'],
      ['settings-backup', '#/settings?tab=backup', '[data-testid="backup-panel"] .el-table__row'],
    ]
    for (const [name, route, ready] of views) {
      await page.goto(base + route)
      await page.waitForSelector(ready)
      await shot(name)
    }
    await page.goto(`${base}#/projects/${project!.id}`)
    await page.getByRole('tab', { name: '方案与节点' }).click()
    await shot('project-plan')
    await page.goto(`${base}#/kanban`)
    await page.getByText('按包联领导分行').click()
    await shot('kanban-lanes')
    await page.goto(`${base}#/ranking`)
    await page.locator('.el-table__row').nth(31).click()
    await page.locator('.el-dialog:visible >> text=节点（计划日期不晚于').waitFor()
    await shot('ranking-breakdown')
    // 导入台账: a ledger in 亿元 with last year's sheet hidden before it, as offices keep them.
    const ledger = path.join(h.dir, '2026年重点项目台账.xlsx')
    const yi = HEADER.map((t) => t.replace('万元', '亿元'))
    fs.writeFileSync(
      ledger,
      await rawXlsx(
        [
          { name: '2025年台账', state: 'hidden', rows: [TITLE, HEADER, row(1, '去年项目', 1, 1, '周明远')] },
          {
            name: '2026年台账',
            rows: [
              TITLE,
              ['填报单位：县发改局', null, null, null, null, null, '填报日期：2026年11月5日'],
              yi,
              [null, '全县合计（3个）', null, 21.3, 6.45],
              ['一', '续建项目（2个）', null, 15.3, 5.25],
              row(1, '城东污水处理厂提标改造项目', 3.5, 1.2, '周明远（副县长）'),
              row(2, '智能装备产业园一期', 11.8, 4.05, '郑佳宁', '高新区'),
              ['二', '新开工项目（1个）', null, 6, 1.2],
              row(3, '滨河公园二期', 6, 1.2, '王　伟', '河口镇'),
              ['填表人：钱小雨', null, '审核人：冯国强'],
            ],
          },
        ],
        { activeTab: 1 },
      ),
    )
    await page.goto(`${base}#/kanban`)
    await page.waitForSelector('[data-card]')
    await page.getByRole('button', { name: '导入台账' }).click()
    await page.getByLabel('选择台账文件').setInputFiles(ledger)
    await page.locator('.el-dialog:visible >> text=亿元 → 万元').first().waitFor()
    // The ledger has no 项目阶段 column: the stage of its new projects is chosen in the preview.
    const dialog = page.locator('.el-dialog:visible')
    await dialog.locator('.el-select', { has: page.getByLabel('新项目的阶段') }).click()
    await page.locator('.el-select-dropdown:visible').getByText('开工建设', { exact: true }).click()
    await dialog.locator('text=新增项目的阶段：开工建设').first().waitFor()
    await page.locator('.el-dialog:visible details.skipped summary').click()
    await page.locator('.el-dialog:visible .body').evaluate((body) => (body.scrollTop = 0))
    await shot('import')
    if (errors.length) throw new Error(errors.join('\n'))
    await page.context().close()
    // Before anyone is logged in: the login screen, the last login name offered.
    const { page: login } = await newPage(h, size, null)
    await login.evaluate(`localStorage.setItem('zhuanban.lastLogin', 'wangbs')`)
    await login.reload()
    await login.waitForSelector('.login-screen')
    await login.waitForTimeout(500)
    await login.screenshot({ path: path.join(OUT, `login-${size.width}.png`) })
    await login.context().close()
    // A 县领导's kanban: 只看我的项目, nothing to drag.
    const { page: leader } = await newPage(h, size, { login: 'leader', password: CHANGED })
    await leader.goto(`${base}#/kanban`)
    await leader.waitForSelector('[data-card]')
    await leader.waitForTimeout(700)
    await leader.screenshot({ path: path.join(OUT, `leader-kanban-${size.width}.png`) })
    await leader.context().close()
  }
  console.log(`截图已保存到 ${OUT}`)
} finally {
  await closeHarness(h)
}
