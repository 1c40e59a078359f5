/**
 * A ledger's header read as a tree: one, two or three header rows, parent cells merged over their children
 * (2026年 over 计划投资 / 1-10月完成投资; 投资情况（万元） over 总投资 / 2026年 over two more), title and
 * 填报单位 rows above. Every column is named by its path from the top ("投资情况 / 2026年 / 计划投资"), gets the
 * field it means, the year its path names, and the unit of its amounts (its own header, a parent's, or the
 * sheet's "单位：万元").
 */
import { fieldOf, type ImportField } from '../../../shared/import-fields'
import { normalizeText } from '../../../shared/names'
import type { Cell, Merge, Sheet } from '../read/workbook'
import { columnName } from '../read/refs'
import { unitOf, type AmountUnit } from '../../../shared/amounts'

export interface ColumnUnit {
  unit: AmountUnit | null
  /** Where it was read: this column's header path, the sheet's 单位 note, or nowhere (万元 assumed). */
  source: 'header' | 'sheet' | 'default'
  /** The text it was read from ("亿元", "单位：万元"); for an unreadable unit the text that could not be read. */
  text: string | null
}

export interface LedgerColumn {
  index: number
  /** "D": the column as Excel names it. */
  letter: string
  /** Header texts from the top header row down, repeated parents once. */
  path: string[]
  field: ImportField | null
  /** A year named in the path ("2026年" over 计划投资, or "2026年计划投资"). */
  year: number | null
  /** The unit its amounts are in (read for every column: any column may be mapped to an amount). */
  unit: ColumnUnit | null
  /** Hidden in Excel: never taken for a field unless the user maps it. */
  hidden: boolean
}

export interface LedgerTable {
  sheet: Sheet
  /** The header rows, top to bottom. */
  headerRows: number[]
  columns: LedgerColumn[]
  firstDataRow: number
  /** A year the title or sheet name gives ("2026年全县重点项目推进情况表"), for a plan column without one. */
  titleYear: number | null
}

/** Text of a cell as a header: numbers as written, everything normalised. */
export function cellText(cell: Cell | undefined): string {
  if (!cell) return ''
  switch (cell.t) {
    case 'text':
      return normalizeText(cell.text)
    case 'number':
      return cell.raw
    case 'date':
      return cell.iso
    default:
      return ''
  }
}

/** Finds the merge covering a cell, if any (merges are few; a linear scan is fine). */
export function mergeAt(merges: Merge[], row: number, column: number): Merge | undefined {
  return merges.find((m) => row >= m.top && row <= m.bottom && column >= m.left && column <= m.right)
}

/** The text shown at (row, column): a merged cell shows its top-left cell's text. */
function shownText(sheet: Sheet, row: number, column: number): string {
  const m = mergeAt(sheet.merges, row, column)
  return cellText(sheet.rows.get(m ? m.top : row)?.get(m ? m.left : column))
}

const HEADER_SEARCH_ROWS = 30
const MAX_HEADER_ROWS = 4

function fieldsIn(sheet: Sheet, row: number, lastColumn: number): Set<ImportField> {
  const fields = new Set<ImportField>()
  for (let c = 1; c <= lastColumn; c++) {
    const f = fieldOf(shownText(sheet, row, c))
    if (f) fields.add(f)
  }
  return fields
}

function hasNumbers(sheet: Sheet, row: number): boolean {
  for (const cell of sheet.rows.get(row)?.values() ?? []) if (cell.t === 'number' || cell.t === 'date') return true
  return false
}

/**
 * The header of a sheet, or null when none of its first rows names 项目名称 and at least one more field.
 * The anchor is the row naming most fields; rows above join it when a merge spans into it (a parent or a
 * cell merged down) and rows below join while they hold only text and nothing under 项目名称 (the children of
 * merged parents, or a row of units).
 */
export function findHeader(sheet: Sheet): Omit<LedgerTable, 'titleYear'> | null {
  const lastColumn = sheet.lastColumn
  let anchor = 0
  let best = 0
  for (let r = 1; r <= Math.min(HEADER_SEARCH_ROWS, sheet.lastRow); r++) {
    const fields = fieldsIn(sheet, r, lastColumn)
    const score = fields.has('name') ? fields.size : 0
    if (score >= 2 && score > best) {
      best = score
      anchor = r
    }
  }
  if (!anchor) return null
  let nameColumn = 0
  for (let c = 1; c <= lastColumn && !nameColumn; c++)
    if (fieldOf(shownText(sheet, anchor, c)) === 'name') nameColumn = c
  let top = anchor
  while (top > 1 && anchor - top + 1 < MAX_HEADER_ROWS) {
    const above = top - 1
    const joins = sheet.merges.some(
      (m) =>
        (m.top <= above && m.bottom >= top) || // merged down into the block
        (m.top === above && m.bottom === above && m.right > m.left && m.right - m.left + 1 < lastColumn - 1),
    )
    // A row with a label and its value (填报单位：县发改局, 单位：亿元) is a note above the table, not a header.
    const notes = [...(sheet.rows.get(above)?.values() ?? [])].some((cell) => /[:：]/.test(cellText(cell)))
    if (!joins || notes) break
    top = above
  }
  let bottom = anchor
  while (bottom < sheet.lastRow && bottom - top + 1 < MAX_HEADER_ROWS) {
    const below = bottom + 1
    const row = sheet.rows.get(below)
    if (!row || hasNumbers(sheet, below)) break
    const underName = mergeAt(sheet.merges, below, nameColumn)
    if (row.has(nameColumn) && !(underName && underName.top < below)) break
    const coveredFromAbove = sheet.merges.some((m) => m.top <= bottom && m.bottom >= below)
    const underParent = [...row.keys()].some((c) => {
      const m = mergeAt(sheet.merges, bottom, c)
      return m !== undefined && m.right > m.left
    })
    const namesFieldsOrUnits = [...row.values()].some((cell) => {
      const t = cellText(cell)
      return fieldOf(t) !== null || unitOf(t.replace(/[（()）]/g, '')) !== null
    })
    if (!(coveredFromAbove || underParent || namesFieldsOrUnits)) break
    bottom = below
  }
  const headerRows = Array.from({ length: bottom - top + 1 }, (_, i) => top + i)
  const columns: LedgerColumn[] = []
  for (let c = 1; c <= lastColumn; c++) {
    const path: string[] = []
    for (const r of headerRows) {
      const t = shownText(sheet, r, c)
      if (t && path.at(-1) !== t) path.push(t)
    }
    const hidden = sheet.hiddenColumns.has(c)
    columns.push({
      index: c,
      letter: columnName(c),
      path,
      field: hidden ? null : columnField(path),
      year: yearOf(path),
      unit: null,
      hidden,
    })
  }
  return { sheet, headerRows, columns, firstDataRow: bottom + 1 }
}

/**
 * The field of a column from its path: its own title first; a title that is only a unit or a year
 * ("（万元）", "2026年") takes its parent's meaning, any other title that names no field does not.
 */
function columnField(path: string[]): ImportField | null {
  for (let i = path.length - 1; i >= 0; i--) {
    const own = fieldOf(path[i]!)
    if (own) return own
    // 合计 under 总投资 (beside 其中：财政资金 / 自筹), 全年计划 under 2026年投资计划: the parent's own figure.
    if (
      i > 0 &&
      /^(合计|小计|总计|全年|全年计划|全年合计|年度计划|计划数|计划)$/.test(path[i]!.replace(/[（(][^）)]*[）)]/g, ''))
    )
      continue
    const bare = path[i]!.replace(/[（(【[][^）)】\]]*[）)】\]]/g, '')
      .replace(/^\d{4}年度?$/, '')
      .replace(/^单位[:：].*$/, '')
      .trim()
    if (bare !== '' && unitOf(bare) === null) return null
  }
  return null
}

function yearOf(path: string[]): number | null {
  for (const text of [...path].reverse()) {
    const m = /(20\d{2}|19\d{2})年/.exec(text)
    if (m) return Number(m[1])
  }
  return null
}

/** Units in a text: bracketed (（亿元）, (万元)) or after 单位： — readable ones and the ones that could not be read. */
export function unitsIn(text: string): { unit: AmountUnit | null; text: string }[] {
  const found: { unit: AmountUnit | null; text: string }[] = []
  for (const m of text.matchAll(/[（(【[]([^）)】\]]*)[）)】\]]/g)) {
    const inner = m[1]!.replace(/^(金额|计量|投资)?单位[:：]/, '').trim()
    if (/[元亿万]/.test(inner) && !/^\d/.test(inner)) found.push({ unit: unitOf(inner), text: inner })
  }
  for (const m of text.matchAll(/(^|[^报任设头主目施送])单位\s*[:：为是]\s*([^\s,，;；。)）]+)/g)) {
    const inner = m[2]!
    if (/[元亿万]/.test(inner)) found.push({ unit: unitOf(inner), text: inner })
  }
  if (found.length === 0) {
    const whole = unitOf(text.replace(/^[（(]|[）)]$/g, ''))
    if (whole) found.push({ unit: whole, text })
    else {
      // 总投资/亿元, or 总投资 and 亿元 on two lines of one cell (the line break is gone by now): a unit at the end.
      const tail = /(?:[/／]\s*|[^\d元亿万千百十])(亿元|万元|千元|百万元|千万元)$/.exec(text)
      if (tail) found.push({ unit: unitOf(tail[1]!), text: tail[1]! })
    }
  }
  return found
}

/**
 * The sheet's unit: a 单位：万元 in a title or note row above the header. Null when none is given;
 * `{ unit: null }` when one is given that the product cannot read.
 */
function sheetUnit(sheet: Sheet, headerTop: number): { unit: AmountUnit | null; text: string } | null {
  for (let r = 1; r < headerTop; r++)
    for (const cell of sheet.rows.get(r)?.values() ?? []) {
      const units = unitsIn(cellText(cell))
      if (units.length) return units[0]!
    }
  return null
}

/**
 * The year a ledger is for: the one year its title rows name (a range such as 2025—2027年 and a 填报日期 do not
 * count), else the year in the sheet's name; null when neither says one year.
 */
function yearOfTitle(sheet: Sheet, headerTop: number): number | null {
  const years = new Set<number>()
  for (let r = 1; r < headerTop; r++)
    for (const cell of sheet.rows.get(r)?.values() ?? []) {
      const text = cellText(cell)
      if (/日期|填报|报送|时间/.test(text)) continue
      const bare = text
        .replace(/(19|20)\d{2}\s*年?\s*[-—–~～至到]\s*((19|20)\d{2}|\d{2})\s*年?/g, '')
        .replace(/(19|20)\d{2}年\d{1,2}月(\d{1,2}日)?/g, '')
      for (const m of bare.matchAll(/((?:19|20)\d{2})年/g)) years.add(Number(m[1]))
    }
  if (years.size === 1) return [...years][0]!
  const fromName = new Set([...sheet.name.matchAll(/((?:19|20)\d{2})/g)].map((m) => Number(m[1])))
  return fromName.size === 1 ? [...fromName][0]! : null
}

/** Fills in each column's unit (used when it is, or is mapped to, an amount column) and the title year. */
export function describeTable(table: Omit<LedgerTable, 'titleYear'>): LedgerTable {
  const fromSheet = sheetUnit(table.sheet, table.headerRows[0]!)
  for (const col of table.columns) {
    let unit: ColumnUnit | null = null
    for (const text of [...col.path].reverse()) {
      const found = unitsIn(text)[0]
      if (found) {
        unit = { unit: found.unit, source: 'header', text: found.text }
        break
      }
    }
    col.unit =
      unit ??
      (fromSheet
        ? { unit: fromSheet.unit, source: 'sheet', text: fromSheet.text }
        : { unit: '万元', source: 'default', text: null })
  }
  const titleYear = yearOfTitle(table.sheet, table.headerRows[0]!)
  // The first column naming a field wins, except that of several plan columns (2025年 / 2026年计划投资) the one
  // of the ledger's year does; the others are left unmapped (the preview shows them).
  const seen = new Set<ImportField>()
  const plans = table.columns.filter((c) => c.field === 'annualPlan')
  const plan = plans.find((c) => titleYear !== null && c.year === titleYear) ?? plans[0]
  for (const col of table.columns) {
    if (col.field === 'annualPlan' && col !== plan) col.field = null
    else if (col.field && seen.has(col.field)) col.field = null
    else if (col.field) seen.add(col.field)
  }
  return { ...table, titleYear }
}
