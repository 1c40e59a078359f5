/**
 * The columns of an import after the user's choices: which column is which field (the header's reading, changed
 * in the preview or with --map), the unit of each amount column (its header's, the sheet's, or the one chosen),
 * and how amounts are understood, said in the preview's words.
 */
import { AppError } from '../../../shared/errors'
import type { ImportRowIssue } from '../../../shared/excel'
import { AMOUNT_FIELDS, IMPORT_FIELDS, type ImportField } from '../../../shared/import-fields'
import type { AmountUnit } from '../../../shared/amounts'
import { unitsIn, type LedgerColumn, type LedgerTable } from '../ledger/header'
import { place, type SkippedRow } from '../ledger/rows'
import type { ImportOptions } from './plan'

const UNIT_FACTOR_TEXT: Record<AmountUnit, string> = {
  元: '÷10,000',
  千元: '÷10',
  万元: '',
  十万元: '×10',
  百万元: '×100',
  千万元: '×1,000',
  亿元: '×10,000',
}

export interface Columns {
  /** Field → its column (one column per field). */
  byField: Map<ImportField, LedgerColumn>
  fieldOfColumn: (col: LedgerColumn) => ImportField | null
  /** A column's unit; null for a unit that could not be read and was not chosen (the column is not read then). */
  unitOf: (col: LedgerColumn) => AmountUnit | null
  chosenUnits: Map<number, AmountUnit>
}

/**
 * The user's mapping and units applied to the header's reading. INVALID_INPUT for a column that does not exist
 * or one field given to two columns.
 */
export function resolveColumns(table: LedgerTable, options: Pick<ImportOptions, 'mapping' | 'units'>): Columns {
  const mapping = new Map(Object.entries(options.mapping ?? {}).map(([k, v]) => [Number(k), v]))
  const chosenUnits = new Map(Object.entries(options.units ?? {}).map(([k, v]) => [Number(k), v]))
  for (const index of [...mapping.keys(), ...chosenUnits.keys()])
    if (index < 1 || index > table.columns.length)
      throw new AppError(
        'INVALID_INPUT',
        `工作表「${table.sheet.name}」没有第${index}列（有内容的列是 A—${table.columns.at(-1)?.letter ?? 'A'}），请检查“列的对应”或金额单位`,
      )
  const mappedTwice = [...mapping.entries()].filter(
    ([, f]) => f && [...mapping.values()].filter((g) => g === f).length > 1,
  )
  if (mappedTwice.length)
    throw new AppError(
      'INVALID_INPUT',
      `「${IMPORT_FIELDS[mappedTwice[0]![1]!].label}」被指定给了${mappedTwice.map(([c]) => `${table.columns[c - 1]?.letter}列`).join('、')}：每个字段只能对应一列`,
    )
  // A field the user gave to a column is taken away from the column the header detection gave it to.
  const chosenFields = new Set([...mapping.values()].filter((f) => f !== null))
  const fieldOfColumn = (col: LedgerColumn) =>
    mapping.has(col.index) ? mapping.get(col.index)! : col.field && chosenFields.has(col.field) ? null : col.field
  const byField = new Map<ImportField, LedgerColumn>()
  for (const col of table.columns) {
    const f = fieldOfColumn(col)
    if (f && !byField.has(f)) byField.set(f, col)
  }
  // A unit that could not be read stays null until the user chooses one: its column is not read meanwhile.
  const unitOf = (col: LedgerColumn): AmountUnit | null =>
    chosenUnits.get(col.index) ?? (col.unit ? col.unit.unit : '万元')
  return { byField, fieldOfColumn, unitOf, chosenUnits }
}

/** How each amount column is read (conversions, an assumed 万元), and the columns whose unit must be chosen. */
export function describeAmounts(
  table: LedgerTable,
  { byField, unitOf, chosenUnits }: Pick<Columns, 'byField' | 'unitOf' | 'chosenUnits'>,
): { conversions: string[]; issues: ImportRowIssue[] } {
  const issues: ImportRowIssue[] = []
  const conversions: string[] = []
  for (const field of AMOUNT_FIELDS) {
    const col = byField.get(field)
    if (!col || field === 'completedThisYear') continue
    const unit = unitOf(col)
    const label = `${col.letter}列「${col.path.join(' / ')}」`
    if (chosenUnits.has(col.index))
      conversions.push(
        `${label}：按所选单位 ${unit} 读取${unit !== '万元' ? `，换算为万元（${UNIT_FACTOR_TEXT[unit!]}）` : ''}`,
      )
    else if (unit === null)
      issues.push({
        row: 0,
        column: `${col.letter}列`,
        message: `工作表「${table.sheet.name}」${col.letter}列「${col.path.join(' / ')}」的金额单位「${col.unit?.text ?? ''}」无法识别，没有读取这一列。请在预览中为这一列选择单位（元、万元、亿元……）`,
      })
    else if (!col.unit || col.unit.source === 'default') conversions.push(`${label}：表头未注明单位，按万元读取`)
    else if (unit !== '万元')
      conversions.push(
        `${label}：${unit} → 万元（${UNIT_FACTOR_TEXT[unit!]}${col.unit.source === 'sheet' ? `，依据表上方的“单位：${col.unit.text}”` : ''}）`,
      )
    else if (col.unit.source === 'sheet') conversions.push(`${label}：依据表上方的“单位：${col.unit.text}”，按万元读取`)
  }
  return { conversions, issues }
}

/** A note under the table that states a unit ("注：表中金额单位为亿元") while the header states none: an issue. */
export function unitNotes(
  table: LedgerTable,
  skipped: SkippedRow[],
  { byField, fieldOfColumn, chosenUnits }: Pick<Columns, 'byField' | 'fieldOfColumn' | 'chosenUnits'>,
): ImportRowIssue[] {
  const issues: ImportRowIssue[] = []
  for (const skippedRow of skipped.filter((r) => r.kind === 'note')) {
    const stated = unitsIn(skippedRow.text).find((u) => u.unit !== null)
    const assumed = [...byField.values()].filter(
      (c) => AMOUNT_FIELDS.includes(fieldOfColumn(c)!) && !chosenUnits.has(c.index) && c.unit?.source === 'default',
    )
    if (stated && stated.unit !== '万元' && assumed.length)
      issues.push({
        row: skippedRow.row,
        column: '',
        message: `${place(table, skippedRow.row)}：表下方的说明写着金额单位为${stated.unit}，而${assumed.map((c) => `${c.letter}列`).join('、')}的表头没有注明单位。请在预览中为这些金额列选择单位，以免差一万倍`,
      })
  }
  return issues
}
