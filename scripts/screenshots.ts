/**
 * `npm run screenshots`: every main view on the demo data at 1366×768 and 1920×1080, into docs/screenshots/.
 * Uses Debian's Chromium through browser mode, with the clock fixed at 2026-11-21 like the tests.
 */
import fs from 'node:fs'
import path from 'node:path'
import { closeHarness, newPage, startDemo } from '../tests/browser/harness'

const OUT = path.resolve(import.meta.dirname, '..', 'docs', 'screenshots')
const SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
]

const h = await startDemo(undefined, { name: '王办事', unit: '区发改局' })
try {
  const [project] = await h.app.call('project.list', { text: 'XM-012' })
  await h.app.call('backup.create', {}) // the 数据备份 tab shows a list
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
      ['settings', '#/settings', 'text=操作员'],
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
    if (errors.length) throw new Error(errors.join('\n'))
    await page.context().close()
  }
  console.log(`截图已保存到 ${OUT}`)
} finally {
  await closeHarness(h)
}
