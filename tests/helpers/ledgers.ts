/** County ledgers of the shapes offices really keep, generated with ExcelJS for the import tests. */
import ExcelJS from 'exceljs'
import type { App } from '../../src/main/app'

export interface LedgerOptions {
  rows?: number
  /** Extra rows, merges or cells after the standard content. */
  tweak?: (ws: ExcelJS.Worksheet) => void
}

export async function toBase64(workbook: ExcelJS.Workbook): Promise<string> {
  return Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64')
}

/**
 * A typical county ledger: a title row, a two-row header with merged cells (项目名称 over two rows, 投资情况
 * over 总投资 / 2026年计划投资), category and subtotal rows, numbers typed as text (with commas and full-width
 * digits), blank rows, dates as Excel serial numbers and as text, and a 项目阶段 column (a label, a short form).
 */
export async function countyLedger(options: LedgerOptions = {}): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('2026年重点项目')
  ws.addRow(['某某区2026年重点项目台账'])
  ws.mergeCells('A1:J1')
  ws.addRow([
    '序号',
    '项目名称',
    '建设内容及规模',
    '投资情况（万元）',
    '',
    '责任单位',
    '包联领导',
    '所在乡镇',
    '计划开工时间',
    '项目阶段',
  ])
  ws.addRow(['', '', '', '总投资', '2026年计划投资', '', '', '', '', ''])
  for (const col of ['A', 'B', 'C', 'F', 'G', 'H', 'I', 'J']) ws.mergeCells(`${col}2:${col}3`)
  ws.mergeCells('D2:E2')
  ws.addRow(['一、产业类项目'])
  ws.mergeCells('A4:J4')
  const n = options.rows ?? 3
  const rows: unknown[][] = [
    // 2026-03-01 as a serial
    [
      1,
      '城东新材料产业园项目',
      '新建厂房5万平方米',
      '12,345.60',
      '３０００',
      '区工信局',
      '张一平',
      '城东街道',
      46082,
      '开工建设',
    ],
    [2, '吴桥光伏发电项目', '装机50兆瓦', 8800, '2000.5', '区能源局', '李二和', '吴桥镇', '2026.4', '在建'],
    [3, '西沟冷链物流项目', '冷库2万吨', '６,５００', 1500, '区商务局', '张一平', '西沟乡', '2026年5月', '签约落地'],
  ]
  for (let i = 3; i < n; i++)
    rows.push([
      i + 1,
      `批量导入测试项目${i + 1}`,
      '新建',
      1000 + i,
      100,
      '区发改局',
      '王三',
      '城东街道',
      '2026-06-01',
      '谋划包装',
    ])
  for (const r of rows.slice(0, n)) ws.addRow(r)
  ws.addRow([])
  ws.addRow(['', '小计', '', 27645.6, 6500.5])
  ws.addRow(['', '合计', '', 27645.6, 6500.5])
  options.tweak?.(ws)
  return wb
}

/**
 * Every project as an import left it, with what the ledgers name: township, leader, lead unit, total, the
 * annual plans ("2026:120000"), construction years and planned dates; sorted by name and township.
 */
export async function landedProjects(app: App) {
  const out = []
  for (const p of await app.call('project.list', {})) {
    const d = await app.call('project.get', { id: p.id })
    out.push({
      name: d.project.name,
      township: p.township.name,
      leader: p.leader.name,
      leadUnit: p.leadUnit.name,
      total: d.project.totalInvestment,
      plan: d.annualPlans.map((a) => `${a.year}:${a.amount}`).join(',') || null,
      years: `${d.project.startYear}-${d.project.endYear}`,
      start: d.project.plannedStart,
      end: d.project.plannedEnd,
    })
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.township.localeCompare(b.township))
}
