/**
 * The rows under a ledger's header: which are projects and which are not (totals and subtotals anywhere,
 * group headings such as 一、续建项目（12个）, notes and sign-off lines under the table, rows numbering the
 * columns), and each project row read field by field. Problems are collected, not thrown, so the preview can
 * list them all, each with the sheet, row and column as Excel shows them.
 */
import { PROJECT_LEVELS, STAGES, STAGE_LABELS, type ProjectLevel, type Stage } from '../../../shared/domain'
import type { ImportRowIssue } from '../../../shared/excel'
import { IMPORT_FIELDS, type ImportField } from '../../../shared/import-fields'
import type { Money } from '../../../shared/money'
import { normalizeText, splitLeaderCell } from '../../../shared/names'
import type { Cell } from '../read/workbook'
import type { AmountUnit } from '../../../shared/amounts'
import { readAmount, readDate, readLongText, readText, readYears, shown, type Read } from './cells'
import { cellText, type LedgerColumn, type LedgerTable } from './header'

export interface ImportRow {
  row: number
  code: string | null
  name: string
  content: string | null
  totalInvestment: Money | null
  annualPlan: Money | null
  annualYear: number
  leadUnit: string | null
  leader: string | null
  /** A title written with the leader's name (周明远（副县长）): kept for a leader the import creates. */
  leaderTitle: string | null
  township: string | null
  constructionUnit: string | null
  level: ProjectLevel | null
  category: string | null
  industryTag: string | null
  years: { startYear: number; endYear: number } | null
  plannedStart: string | null
  plannedEnd: string | null
  stage: Stage | null
}

export interface SkippedRow {
  row: number
  kind: 'total' | 'group' | 'note' | 'numbering' | 'empty' | 'hidden'
  text: string
}

export interface ReadRows {
  rows: ImportRow[]
  issues: ImportRowIssue[]
  skipped: SkippedRow[]
  /** Amounts rounded half up to 0.01 万元 (formula results, conversions from 元). */
  rounded: number
}

const LEVELS: Record<string, ProjectLevel> = {
  省级: 'province',
  省: 'province',
  市级: 'city',
  市: 'city',
  县级: 'county',
  区级: 'county',
  县: 'county',
  区: 'county',
}
function readLevel(text: string): ProjectLevel | null {
  const t = text.replace(/重点|项目/g, '')
  if (LEVELS[t]) return LEVELS[t]
  return (PROJECT_LEVELS as readonly string[]).includes(t) ? (t as ProjectLevel) : null
}
/**
 * The five stage labels and their obvious equivalents, written as county ledgers write them. Anything else
 * (前期, 储备, 拟开工, 停工 …) could be more than one stage: it is a row error, never guessed.
 */
const STAGE_WORDS: Record<Stage, string[]> = {
  planning: ['谋划包装', '谋划', '包装', '谋划包装类', '包装一批', '谋划一批', '谋划包装一批'],
  investment: ['招商洽谈', '招商', '洽谈', '招商一批', '招商洽谈一批', '在谈', '洽谈中'],
  signed: ['签约落地', '签约', '已签约', '签约一批', '签约落地一批'],
  construction: ['开工建设', '开工', '已开工', '新开工', '在建', '续建', '施工', '建设中', '开工一批', '开工建设一批'],
  production: ['竣工投产', '竣工', '投产', '已竣工', '已投产', '建成投产', '投产一批', '竣工投产一批'],
}
const STAGE_OF = new Map(STAGES.flatMap((s) => STAGE_WORDS[s].map((w) => [w, s] as const)))
/** A 项目阶段 cell as a stage, or null when it is not one of the labels or their equivalents. */
export function readStage(text: string): Stage | null {
  const t = text.replace(/[\s\u3000]/g, '').replace(/(阶段|项目)$/, '')
  return STAGE_OF.get(t) ?? STAGE_OF.get(text.replace(/[\s\u3000]/g, '')) ?? null
}

// A total is the whole cell ("合计", "全县合计（2个）"), never a name that starts with one (合计物流园, 总计量检测中心).
const TOTAL = /^(全县|全区|全市|全镇|全乡|全旗|本页|本年|总)?(合计|小计|总计|共计|累计|汇总)([（(][^）)]*[）)])?[:：]?$/
const NUMERAL = /^[（(]?(第)?[一二三四五六七八九十百]+(部分|类)?[)）]?[、.．，,]?$/
const GROUP_TITLE = /^[（(]?[一二三四五六七八九十]+[)）、.．]/
const COUNTED_GROUP = /[（(]\s*\d+\s*个?(项目)?\s*[)）]$/
// A note is a label with a colon (填表人：钱小雨) or the label alone: 联系人服务中心 is a project.
const NOTE =
  /^(备注|注|注释|说明|填表人|填报人|审核人|审核|审批人|联系电话|联系人|制表人|制表|负责人|单位负责人|分管领导|主要领导|填报日期|填表日期|报送日期|报送时间|签字|盖章|（盖章）)([:：]|$)/

/**
 * Whether a row is not a project, and which kind. `texts` are the row's normalised cell texts by column;
 * the 序号 and 项目名称 columns decide most of it.
 */
export function classifyRow(
  texts: Map<number, string>,
  columns: { seq: number | null; name: number | null; owners: number[] },
): SkippedRow['kind'] | null {
  const values = [...texts.entries()].filter(([, t]) => t !== '').sort((a, b) => a[0] - b[0])
  if (values.length === 0) return 'empty'
  const first = values[0]![1].replace(/\s/g, '')
  const seq = columns.seq ? (texts.get(columns.seq) ?? '').replace(/\s/g, '') : ''
  const name = columns.name ? (texts.get(columns.name) ?? '').replace(/\s/g, '') : ''
  if (
    values.slice(0, 3).some(([, t]) => TOTAL.test(t.replace(/\s/g, ''))) ||
    /^其中[:：]?$/.test(first) ||
    /^其中[:：]/.test(name)
  )
    return 'total'
  if (NOTE.test(first)) return 'note'
  // 1 | 2 | 3 … or 甲 | 乙 | 1 …: a row numbering the columns under the header.
  if (values.length >= 3 && values.every(([, t]) => /^(\d{1,2}|[甲乙丙丁戊])$/.test(t))) return 'numbering'
  // A group heading or a section's total has no leader, unit or township of its own; a project with 序号 七
  // and them is a project.
  const owned = columns.owners.some((c) => (texts.get(c) ?? '') !== '')
  const label = (name || first).replace(/[（(][^）)]*[）)]$/, '')
  if (!owned && (/(合计|小计|总计|共计|汇总)$/.test(label) || /^其中/.test(label))) return 'total'
  if (!owned && NUMERAL.test(seq)) return 'group'
  if (!owned && GROUP_TITLE.test(name || first)) return 'group'
  if (!owned && COUNTED_GROUP.test(name) && (seq === '' || NUMERAL.test(seq))) return 'group'
  // Only a number in 序号 and nothing else: a row prepared for a project never filled in.
  if (values.length === 1 && columns.seq === values[0]![0]) return 'empty'
  return null
}

export interface RowContext {
  table: LedgerTable
  /** Column → field, after the user's changes in the preview. */
  byField: Map<ImportField, LedgerColumn>
  /** Column → unit, after the user's answers for units the product could not read. */
  unitOf: (column: LedgerColumn) => AmountUnit | null
  date1904: boolean
  /** The year a plan column without one is for (the title's year, or this year). */
  defaultYear: number
}

/** `「2026年台账」第5行 D列（总投资（亿元））：` — where a problem is, as the user finds it in Excel. */
export function place(table: LedgerTable, row: number, column?: LedgerColumn): string {
  const where = column ? ` ${column.letter}列（${column.path.join(' / ') || '无表头'}）` : ''
  return `工作表「${table.sheet.name}」第${row}行${where}`
}

/** Reads every row under the header. */
export function readRows(ctx: RowContext): ReadRows {
  const { table, byField } = ctx
  const sheet = table.sheet
  const issues: ImportRowIssue[] = []
  const rows: ImportRow[] = []
  const skipped: SkippedRow[] = []
  let rounded = 0
  const columnsOf = {
    seq: byField.get('seq')?.index ?? null,
    name: byField.get('name')?.index ?? null,
    owners: (['leader', 'leadUnit', 'township', 'code'] as const)
      .map((f) => byField.get(f)?.index)
      .filter((c): c is number => c !== undefined),
  }
  const rowNumbers = [...sheet.rows.keys()].filter((r) => r >= table.firstDataRow).sort((a, b) => a - b)
  const notProjects = new Set<number>()
  for (const r of rowNumbers) {
    const cells = sheet.rows.get(r)!
    const texts = new Map<number, string>()
    // A formula copied down empty rows (=D4+E4 → 0) does not make a row a project.
    for (const [c, cell] of cells)
      if (!(
        'formula' in cell &&
        cell.formula &&
        ((cell.t === 'number' && cell.value === 0) || (cell.t === 'text' && cell.text.trim() === ''))
      ))
        texts.set(c, cellText(cell))
    const kind = sheet.hiddenRows.has(r) ? 'hidden' : classifyRow(texts, columnsOf)
    if (kind) {
      notProjects.add(r)
      // Empty rows (a 序号 alone, formulas giving 0) are passed over without being listed.
      if (kind !== 'empty')
        skipped.push({ row: r, kind, text: [...texts.values()].filter(Boolean).join(' ').slice(0, 60) })
      continue
    }
    const cellOf = (field: ImportField): [Cell | undefined, LedgerColumn | undefined] => {
      const col = byField.get(field)
      return [col ? cells.get(col.index) : undefined, col]
    }
    const problem = (field: ImportField, message: string) => {
      const col = byField.get(field)
      issues.push({
        row: r,
        column: col ? `${col.letter}列` : IMPORT_FIELDS[field].label,
        message: `${place(table, r, col)}${col ? '' : `「${IMPORT_FIELDS[field].label}」`}：${message}`,
      })
    }
    const take = <T>(field: ImportField, read: (cell: Cell | undefined) => Read<T>): T | null => {
      const result = read(cellOf(field)[0])
      if (!result.ok) {
        problem(field, result.message)
        return null
      }
      return result.value
    }
    const amount = (field: 'totalInvestment' | 'annualPlan'): Money | null => {
      const col = byField.get(field)
      if (!col) return null
      const unit = ctx.unitOf(col)
      if (!unit) return null // the preview asks for the unit; nothing is read before it is given
      const value = take(field, (cell) => readAmount(cell, unit))
      if (!value) return null
      if (value.rounded) rounded++
      return value.amount
    }
    /** A unit or township: one name; two on two lines or with a space between them are refused, not joined. */
    const oneName = (field: 'leadUnit' | 'township', what: string): string | null => {
      const raw = take(field, readLongText)
      if (raw === null) return null
      const parts = raw.split(/[\r\n\u2028\u2029、，,；;/／|｜+＋\s\u3000]+/).filter((p) => p !== '')
      if (parts.length > 1 && parts.filter((p) => /^\p{Script=Han}{2,}/u.test(p)).length > 1) {
        problem(field, `一个单元格里有${parts.length}个${what}（${parts.join('、')}）：请只填一个`)
        return null
      }
      return normalizeText(raw)
    }
    const name = take('name', readText)
    if (!name) {
      if (!issues.some((i) => i.row === r))
        problem(
          'name',
          `为空，但这一行有其他内容（${[...texts.values()].filter(Boolean).join(' ').slice(0, 30)}）。请填写项目名称，或删除这一行`,
        )
      continue
    }
    let leader: string | null = null
    let leaderTitle: string | null = null
    // The leader cell is split before any space or line break is dropped: "周明远 郑佳宁" is two people.
    const leaderCell = take('leader', readLongText)
    if (leaderCell) {
      const split = splitLeaderCell(leaderCell)
      if (split.ok) {
        leader = split.name
        leaderTitle = split.title
      } else problem('leader', split.message)
    }
    const levelText = take('level', readText)
    const level = levelText ? readLevel(levelText) : null
    if (levelText && !level) problem('level', `「${levelText}」不是项目级别，应为 省级 / 市级 / 县级`)
    const stageText = take('stage', readText)
    const stage = stageText ? readStage(stageText) : null
    if (stageText && !stage)
      problem(
        'stage',
        `「${stageText}」不是项目阶段，无法确定是哪个阶段。请写成 ${STAGES.map((s) => STAGE_LABELS[s]).join(' / ')} 之一（也认 谋划、招商、签约、在建、续建、投产 等简称）`,
      )
    rows.push({
      row: r,
      code: take('code', readText),
      name,
      content: take('content', readLongText),
      totalInvestment: amount('totalInvestment'),
      annualPlan: amount('annualPlan'),
      annualYear: byField.get('annualPlan')?.year ?? ctx.defaultYear,
      leadUnit: oneName('leadUnit', '单位'),
      leader,
      leaderTitle,
      township: oneName('township', '乡镇/街道'),
      constructionUnit: take('constructionUnit', readText),
      level,
      category: take('category', readText),
      industryTag: take('industryTag', readText),
      years: take('years', readYears),
      plannedStart: take('plannedStart', (c) => readDate(c, ctx.date1904)),
      plannedEnd: take('plannedEnd', (c) => readDate(c, ctx.date1904)),
      stage,
    })
  }
  // A cell merged over several project rows makes each row's value uncertain: say so rather than guess.
  for (const m of sheet.merges) {
    if (m.bottom <= m.top || m.bottom < table.firstDataRow) continue
    const spanned = rowNumbers.filter((r) => r >= Math.max(m.top, table.firstDataRow) && r <= m.bottom)
    if (spanned.some((r) => !notProjects.has(r))) {
      const col = table.columns[m.left - 1]
      const text = shown(sheet.rows.get(m.top)?.get(m.left) ?? { t: 'unsaved-formula' })
      issues.push({
        row: m.top,
        column: `${col?.letter ?? ''}列`,
        message: `${place(table, m.top, col)}：第${m.top}—${m.bottom}行合并成了一个单元格${text ? `（「${text}」）` : ''}，无法确定每一行的内容。请取消合并，并在每一行填上内容后再导入`,
      })
    }
  }
  return { rows, issues, skipped, rounded }
}
