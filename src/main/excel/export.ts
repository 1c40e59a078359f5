/**
 * Exports that open properly in Chinese Excel and WPS: .xlsx with a title row (period and export date),
 * Chinese headers, the header row frozen, amounts as numbers in 万元 with two decimals, dates as dates, and
 * A4 landscape fit-to-width print setup.
 */
import ExcelJS from 'exceljs'
import { formatDateChinese, formatPeriodChinese, type IsoDate } from '../../shared/dates'
import {
  MEMBER_ROLE_LABELS,
  PROBLEM_LEVEL_LABELS,
  PROBLEM_STATUS_LABELS,
  PROJECT_LEVEL_LABELS,
  STAGE_LABELS,
} from '../../shared/domain'
import { basisText, formatChange, tieText } from '../../shared/rules/ranking'
import { allPages, ofOneState } from '../../shared/paging'
import { GROUP_LABELS, LIGHT_LABELS, type GroupBy } from '../../shared/rules/types'
import type { CallName, CallResult } from '../../shared/contract'
import type { InvestmentFigures, LedgerDetail, Problem, ProjectSummary, TaskForceContact } from '../../shared/domain'
import type { KanbanCard } from '../../shared/rules/types'

type Call = <K extends CallName>(name: K, input: unknown) => Promise<CallResult<K>>

/**
 * The whole lists an export writes, read main-side (no contract call answers a whole list: at most 200 rows a
 * call, issue 19). The paged ranking is read through its calls (`allPages`), as the 通报 reads it.
 */
export interface ExportSource {
  /** Every project on the list, in board order. */
  projects(): Promise<ProjectSummary[]>
  /** Today's kanban cards (their lights), from the computation the kanban keeps. */
  cards(): Promise<KanbanCard[]>
  /** 本年 and 开累 of every project as of `date`. */
  figures(date: IsoDate): Promise<InvestmentFigures[]>
  ledgerDetails(): Promise<LedgerDetail[]>
  /** Every problem, by 办结时限. */
  problems(): Promise<Problem[]>
  /** The 专班通讯录. */
  contacts(): Promise<TaskForceContact[]>
}

interface ColumnSpec {
  header: string
  width: number
  kind?: 'money' | 'date' | 'percent' | 'int' | 'text'
}

const WAN = (v: number | null | undefined) => (v === null || v === undefined ? null : v / 100)
/** A civil date as an Excel date (UTC midnight, shown without a time). */
const DATE = (v: IsoDate | null | undefined) => (v ? new Date(`${v}T00:00:00Z`) : null)

function sheet(
  workbook: ExcelJS.Workbook,
  name: string,
  title: string,
  columns: ColumnSpec[],
  rows: unknown[][],
): void {
  const ws = workbook.addWorksheet(name, {
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '2:2',
    },
    views: [{ state: 'frozen', ySplit: 2 }],
  })
  ws.columns = columns.map((c) => ({ width: c.width }))
  const titleRow = ws.addRow([title])
  ws.mergeCells(1, 1, 1, columns.length)
  titleRow.font = { name: '黑体', size: 14, bold: true }
  titleRow.alignment = { horizontal: 'center', vertical: 'middle' }
  titleRow.height = 28
  const header = ws.addRow(columns.map((c) => c.header))
  header.font = { name: '黑体', size: 11, bold: true }
  header.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
  header.height = 30
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFF3F8' } }
    cell.border = {
      top: { style: 'thin' },
      bottom: { style: 'thin' },
      left: { style: 'thin' },
      right: { style: 'thin' },
    }
  })
  for (const values of rows) {
    const row = ws.addRow(values)
    row.font = { name: '宋体', size: 11 }
    columns.forEach((c, i) => {
      const cell = row.getCell(i + 1)
      cell.border = {
        top: { style: 'thin' },
        bottom: { style: 'thin' },
        left: { style: 'thin' },
        right: { style: 'thin' },
      }
      if (c.kind === 'money') cell.numFmt = '#,##0.00'
      if (c.kind === 'percent') cell.numFmt = '0.00'
      if (c.kind === 'date') cell.numFmt = 'yyyy-mm-dd'
      cell.alignment = { vertical: 'middle', wrapText: c.kind === undefined || c.kind === 'text' }
    })
  }
}

async function toFile(workbook: ExcelJS.Workbook, fileName: string) {
  workbook.creator = '专班'
  workbook.created = new Date()
  const buffer = Buffer.from(await workbook.xlsx.writeBuffer())
  return { fileName, base64: buffer.toString('base64') }
}

export const LEDGER_COLUMNS: ColumnSpec[] = [
  { header: '序号', width: 6, kind: 'int' },
  { header: '项目编号', width: 12 },
  { header: '项目名称', width: 30 },
  { header: '项目类别', width: 10 },
  { header: '产业标签', width: 10 },
  { header: '项目级别', width: 10 },
  { header: '乡镇/街道', width: 12 },
  { header: '建设单位', width: 20 },
  { header: '建设内容及规模', width: 36 },
  { header: '总投资（万元）', width: 14, kind: 'money' },
  { header: '年度计划投资（万元）', width: 14, kind: 'money' },
  { header: '本年完成投资（万元）', width: 14, kind: 'money' },
  { header: '建设起止年限', width: 12 },
  { header: '计划开工', width: 12, kind: 'date' },
  { header: '计划竣工', width: 12, kind: 'date' },
  { header: '阶段', width: 10 },
  { header: '包联领导', width: 10 },
  { header: '牵头单位', width: 14 },
  { header: '专班长', width: 10 },
  { header: '预警', width: 8 },
]

export async function exportExcel(
  call: Call,
  source: ExportSource,
  what: string,
  options: { period?: string; projectId?: number; today: IsoDate },
) {
  const workbook = new ExcelJS.Workbook()
  const stamp = `导出日期：${formatDateChinese(options.today)}`
  switch (what) {
    case 'template': {
      sheet(workbook, '重点项目台账', '重点项目台账（导入模板：每行一个项目，金额单位万元）', LEDGER_COLUMNS, [])
      return toFile(workbook, '专班-重点项目台账导入模板.xlsx')
    }
    case 'ledger': {
      const [projects, kanban, investment, details] = await Promise.all([
        source.projects(),
        source.cards(),
        source.figures(options.today),
        source.ledgerDetails(),
      ])
      const detailOf = new Map(details.map((d) => [d.projectId, d]))
      const lights = new Map(kanban.map((c) => [c.id, c.light]))
      const figures = new Map(investment.map((r) => [r.projectId, r]))
      // The year is named in the headers (an export of January says 2027, never a bare 年度/本年), and 开累
      // (every month since the project's start) stands beside 本年.
      const year = Number(options.today.slice(0, 4))
      const columns: ColumnSpec[] = LEDGER_COLUMNS.flatMap((c) =>
        c.header === '年度计划投资（万元）'
          ? [{ ...c, header: `${year}年计划投资（万元）` }]
          : c.header === '本年完成投资（万元）'
            ? [
                { ...c, header: `${year}年完成投资（万元）` },
                { header: '开累完成投资（万元）', width: 14, kind: 'money' as const },
              ]
            : [c],
      )
      const sorted = [...projects].sort((a, b) => a.code.localeCompare(b.code))
      const rows: unknown[][] = []
      for (const [i, p] of sorted.entries()) {
        const d = detailOf.get(p.id)!
        const f = figures.get(p.id)
        rows.push([
          i + 1,
          p.code,
          p.name,
          p.category?.name ?? '',
          p.industryTag?.name ?? '',
          PROJECT_LEVEL_LABELS[p.level],
          p.township.name,
          d.constructionUnit,
          d.content,
          WAN(p.totalInvestment),
          WAN(f?.annualPlan),
          WAN(f?.completedThisYear ?? 0),
          WAN(f?.completedToDate ?? 0),
          `${d.startYear}-${d.endYear}`,
          DATE(d.plannedStart),
          DATE(d.plannedEnd),
          STAGE_LABELS[p.stage],
          p.leader.name,
          p.leadUnit.name,
          d.head ?? '',
          LIGHT_LABELS[lights.get(p.id) ?? 'green'],
        ])
      }
      sheet(workbook, '重点项目台账', `重点项目台账（${stamp}）`, columns, rows)
      return toFile(workbook, `重点项目台账-${options.today}.xlsx`)
    }
    case 'ranking': {
      const period = options.period!
      // The four sheets of one state of the data (shared/paging.ts).
      const [{ first: projects, rows: projectRows }, groups] = await ofOneState(async () => {
        const read = await allPages((offset, limit) => call('ranking.projects', { period, offset, limit }))
        const byGroup = await Promise.all(
          (['leader', 'township', 'unit'] as GroupBy[]).map((by) =>
            allPages((offset, limit) => call('ranking.groups', { period, by, offset, limit })),
          ),
        )
        return {
          value: [read, byGroup] as const,
          versions: [read.first.version, ...byGroup.map((g) => g.first.version)],
        }
      })
      const title = (what: string) =>
        `${formatPeriodChinese(period)}重点项目排名（${what}，${projects.frozen ? '已封账' : '未封账'}，${stamp}）`
      sheet(
        workbook,
        '按项目',
        title('按项目'),
        [
          { header: '名次', width: 8, kind: 'int' },
          { header: '升降', width: 8 },
          { header: '项目编号', width: 12 },
          { header: '项目名称', width: 32 },
          { header: '包联领导', width: 10 },
          { header: '乡镇/街道', width: 12 },
          { header: '牵头单位', width: 14 },
          { header: '得分', width: 10, kind: 'percent' },
          { header: '节点得分（%）', width: 12, kind: 'percent' },
          { header: '投资得分（%）', width: 12, kind: 'percent' },
          { header: '问题得分（%）', width: 12, kind: 'percent' },
          { header: '计分依据', width: 26 },
          { header: '同分排序', width: 30 },
          { header: '年度计划投资（万元）', width: 14, kind: 'money' },
          { header: '本年完成投资（万元）', width: 14, kind: 'money' },
          { header: '预警', width: 8 },
          { header: '预警原因', width: 50 },
        ],
        projectRows.map((r) => [
          r.rank ?? '不参与',
          formatChange(r.change),
          r.code,
          r.name,
          r.leader?.name ?? '',
          r.township.name,
          r.leadUnit.name,
          r.score === null ? null : r.score / 100,
          r.components.milestones === null ? null : r.components.milestones / 100,
          r.components.investment === null ? null : r.components.investment / 100,
          r.components.problems === null ? null : r.components.problems / 100,
          basisText(r.basis),
          tieText(r.tie, r.investmentRate),
          WAN(r.annualPlan),
          WAN(r.completed),
          LIGHT_LABELS[r.light],
          r.reasons.map((x) => x.text).join('；'),
        ]),
      )
      for (const [i, by] of (['leader', 'township', 'unit'] as GroupBy[]).entries()) {
        const groupRows = groups[i]!.rows
        sheet(
          workbook,
          `按${GROUP_LABELS[by].replace('/', '')}`,
          title(`按${GROUP_LABELS[by]}`),
          [
            { header: '名次', width: 8, kind: 'int' },
            { header: '升降', width: 8 },
            { header: GROUP_LABELS[by], width: 16 },
            { header: '平均得分', width: 10, kind: 'percent' },
            { header: '项目数', width: 8, kind: 'int' },
            { header: '参与排名', width: 10, kind: 'int' },
            { header: '红灯', width: 8, kind: 'int' },
            { header: '黄灯', width: 8, kind: 'int' },
            { header: '绿灯', width: 8, kind: 'int' },
          ],
          groupRows.map((r) => [
            r.rank ?? '不参与',
            formatChange(r.change),
            r.group.name,
            r.mean === null ? null : r.mean / 100,
            r.projects,
            r.ranked,
            r.red,
            r.yellow,
            r.green,
          ]),
        )
      }
      return toFile(workbook, `重点项目排名-${period}.xlsx`)
    }
    case 'problems': {
      const problems = await source.problems()
      sheet(
        workbook,
        '问题清单',
        `重点项目问题清单（${stamp}）`,
        [
          { header: '序号', width: 6, kind: 'int' },
          { header: '项目编号', width: 12 },
          { header: '项目名称', width: 28 },
          { header: '问题类别', width: 10 },
          { header: '问题描述', width: 36 },
          { header: '提出日期', width: 12, kind: 'date' },
          { header: '责任单位', width: 14 },
          { header: '责任领导', width: 10 },
          { header: '办结时限', width: 12, kind: 'date' },
          { header: '协调层级', width: 10 },
          { header: '状态', width: 8 },
          { header: '销号日期', width: 12, kind: 'date' },
          { header: '办理结果', width: 30 },
        ],
        problems.map((p, i) => [
          i + 1,
          p.projectCode,
          p.projectName,
          p.category.name,
          p.description,
          DATE(p.raisedOn),
          p.responsibleUnit.name,
          p.responsibleLeader?.name ?? '',
          DATE(p.deadline),
          PROBLEM_LEVEL_LABELS[p.level],
          PROBLEM_STATUS_LABELS[p.status],
          DATE(p.closedOn),
          p.resolution,
        ]),
      )
      return toFile(workbook, `重点项目问题清单-${options.today}.xlsx`)
    }
    case 'milestones': {
      const d = await call('project.get', { id: options.projectId! })
      sheet(
        workbook,
        '节点',
        `${d.project.code} ${d.project.name} 节点计划（${stamp}）`,
        [
          { header: '序号', width: 6, kind: 'int' },
          { header: '节点', width: 24 },
          { header: '计划日期', width: 12, kind: 'date' },
          { header: '权重', width: 8, kind: 'int' },
          { header: '责任单位', width: 14 },
          { header: '责任人', width: 10 },
          { header: '实际完成', width: 12, kind: 'date' },
          { header: '佐证说明', width: 36 },
        ],
        d.plan.milestones.map((m, i) => [
          i + 1,
          m.name,
          DATE(m.plannedDate),
          m.weight,
          m.responsibleUnit,
          m.responsiblePerson,
          DATE(m.actualDate),
          m.evidence,
        ]),
      )
      return toFile(workbook, `节点计划-${d.project.code}.xlsx`)
    }
    case 'contacts':
      return contactsFile(source, workbook, stamp, options.today)
    default:
      throw new Error(`unknown export ${what}`)
  }
}

/** The columns of the 专班通讯录. */
export const CONTACT_COLUMNS: ColumnSpec[] = [
  { header: '序号', width: 6, kind: 'int' },
  { header: '项目编号', width: 12 },
  { header: '项目名称', width: 30 },
  { header: '包联领导', width: 10 },
  { header: '专班职务', width: 10 },
  { header: '姓名', width: 10 },
  { header: '单位', width: 20 },
  { header: '职务/分工', width: 24 },
  { header: '电话', width: 18 },
]

/**
 * 专班通讯录: the task-force members of every project on the key-project list (taskForce.contacts: by project
 * code, then 专班长, 联络员, 成员; projects 调出 or 归档 left out), one row each with the project and its
 * 包联领导. Phones are written as text, as stored (Excel would turn 13800000000 into a number shown as 1.38E+10
 * and drop a landline's leading 0).
 */
async function contactsFile(source: ExportSource, workbook: ExcelJS.Workbook, stamp: string, today: IsoDate) {
  const contacts = await source.contacts()
  sheet(
    workbook,
    '专班通讯录',
    `重点项目专班通讯录（${stamp}）`,
    CONTACT_COLUMNS,
    contacts.map((c, i) => [
      i + 1,
      c.projectCode,
      c.projectName,
      c.leader,
      MEMBER_ROLE_LABELS[c.role],
      c.name,
      c.unit,
      c.duty,
      c.phone,
    ]),
  )
  return toFile(workbook, `专班通讯录-${today}.xlsx`)
}
