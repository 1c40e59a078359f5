/**
 * Planning a ledger import without writing anything: choose the sheet, read its header and rows, match each row
 * to a project already in the database (by code; without codes by name and township), find the leaders,
 * townships and units it names for the first time, validate every row as the contract validates a project typed
 * by hand, and describe it all in a preview.
 */
import type { Kysely } from 'kysely'
import type { IsoDate } from '../../../shared/dates'
import { STAGES, STAGE_LABELS, type DictKind, type Stage } from '../../../shared/domain'
import { IMPORT_FIELDS, AMOUNT_FIELDS, type ImportField } from '../../../shared/import-fields'
import type { ImportPreview, ImportRowIssue, ImportUnit } from '../../../shared/excel'
import { normalizePersonName, normalizeText } from '../../../shared/names'
import { dictCreateInput, leaderCreateInput, projectCreateInput } from '../../../shared/schemas'
import type { Database } from '../../db/schema'
import { projectsWithOwners } from '../../services/common'
import { openWorkbook } from '../read/workbook'
import { columnNumber } from '../read/refs'
import { describeTable, type LedgerTable } from '../ledger/header'
import { place, readRows, type ImportRow, type ReadRows } from '../ledger/rows'
import { describeAmounts, resolveColumns, unitNotes, type Columns } from './columns'
import { chooseSheet } from './sheet'
import { importCodes } from './codes'

export interface ImportOptions {
  /** Column number → field, where the user changed what the header detection chose (null: not imported). */
  mapping?: Record<string, ImportField | null>
  /** The sheet to read, by name. */
  sheet?: string
  /** Column number → unit, for amount columns whose unit could not be read. */
  units?: Record<string, ImportUnit>
  /** The stage chosen in the preview for new projects whose row names none; never assumed when absent. */
  stage?: Stage
  /** Today, from the injected clock: the year of a plan column that names none. */
  today: IsoDate
}

export interface Plan {
  preview: ImportPreview
  rows: ImportRow[]
  /** Sheet row → the existing project it updates. */
  existing: Map<number, { id: number; version: number }>
  /** Leader name → the title written beside it in the ledger, for leaders the import creates. */
  leaderTitles: Map<string, string>
  /** Sheet row → the code made for a new project whose row has none (IMP-00001 …, the first codes not in use). */
  newCodes: Map<number, string>
  /** What it was planned from: the import matches it again inside its own transaction. */
  ledger: Ledger
  options: ImportOptions
}

/** A ledger read from its file, before anything is matched against the database. */
export interface Ledger {
  sheets: ImportPreview['sheets']
  table: LedgerTable
  columns: Columns
  /** Columns a new project needs that the sheet does not have. */
  missingColumns: ImportField[]
  issues: ImportRowIssue[]
  conversions: string[]
  defaultYear: number
  read: ReadRows
}

/**
 * The names in use, normalised, each with whether it can be given anew: true when an active item (or leader)
 * has it, false when only deactivated (停用) ones do — the import's refMaker then would give a deactivated one.
 */
function activeByName<R extends { name: string; active: number }>(
  rows: R[],
  normalize: (name: string) => string,
): Map<string, boolean> {
  const names = new Map<string, boolean>()
  for (const r of rows) {
    const key = normalize(r.name)
    names.set(key, names.get(key) === true || r.active === 1)
  }
  return names
}

async function namesOf(db: Kysely<Database>, kind: DictKind): Promise<Map<string, boolean>> {
  const rows = await db.selectFrom('dict_items').select(['name', 'active']).where('kind', '=', kind).execute()
  return activeByName(rows, normalizeText)
}

/** How a row that names a deactivated item is told where to enable it, or what else to choose. */
const DEACTIVATED: Record<'leader' | 'township' | 'leadUnit' | 'category' | 'industryTag', [string, string, string]> = {
  leader: ['包联领导', '领导', '领导'],
  township: ['乡镇（街道）', '设置 → 基础名录', '乡镇'],
  leadUnit: ['牵头单位', '设置 → 基础名录', '单位'],
  category: ['项目类别', '设置 → 基础名录', '类别'],
  industryTag: ['产业标签', '设置 → 基础名录', '标签'],
}

/**
 * Reads a ledger file as far as it can be read without the database: the sheet, its columns after the user's
 * choices, every row, and the problems found in them. Throws INVALID_INPUT for a file that is not a readable
 * .xlsx workbook, a sheet that does not exist, or a sheet without a ledger header.
 */
export async function readLedger(buffer: Buffer, fileName: string, options: ImportOptions): Promise<Ledger> {
  const workbook = await openWorkbook(buffer, fileName)
  const table = describeTable(await chooseSheet(workbook, options.sheet))
  const { byField, fieldOfColumn, unitOf, chosenUnits } = resolveColumns(table, options)
  const issues: ImportRowIssue[] = []
  if (!byField.has('name'))
    issues.push({
      row: 0,
      column: '项目名称',
      message: `工作表「${table.sheet.name}」缺少「项目名称」列：请在预览中指定哪一列是项目名称`,
    })
  // Columns a new project cannot do without: said once for the file, not once per row.
  const missingColumns = (['leader', 'township', 'leadUnit', 'totalInvestment'] as const).filter((f) => !byField.has(f))
  const amounts = describeAmounts(table, { byField, unitOf, chosenUnits })
  const conversions = amounts.conversions
  issues.push(...amounts.issues)
  const defaultYear = table.titleYear ?? Number(options.today.slice(0, 4))
  const read = readRows({
    table,
    byField,
    unitOf,
    date1904: workbook.date1904,
    defaultYear,
  })
  issues.push(...read.issues)
  issues.push(...unitNotes(table, read.skipped, { byField, fieldOfColumn, chosenUnits }))
  if (read.rounded > 0)
    conversions.push(
      `${read.rounded}个金额是公式结果或由元、千元换算而来，位数多于两位小数，已按四舍五入保留两位小数（万元）`,
    )
  return {
    sheets: workbook.sheets.map((s, i) => ({
      name: s.name,
      hidden: s.state !== 'visible',
      active: i === workbook.activeIndex,
    })),
    table,
    columns: { byField, fieldOfColumn, unitOf, chosenUnits },
    missingColumns,
    issues,
    conversions,
    defaultYear,
    read,
  }
}

/**
 * Reads, validates and plans an import; writes nothing. Throws as `readLedger`; everything wrong inside the
 * ledger is an issue in the preview (sheet, row, column as Excel shows them).
 */
export async function planImport(
  db: Kysely<Database>,
  buffer: Buffer,
  fileName: string,
  options: ImportOptions,
): Promise<Plan> {
  return matchLedger(db, await readLedger(buffer, fileName, options), options)
}

/**
 * Matches a read ledger against the database as it is in `db` — the preview's snapshot, or the import's own
 * transaction (commit.ts plans again there, so that an import started from a preview that another user's import
 * has overtaken cannot create the same projects twice).
 */
export async function matchLedger(db: Kysely<Database>, ledger: Ledger, options: ImportOptions): Promise<Plan> {
  const { table, missingColumns, defaultYear, read } = ledger
  const { byField, fieldOfColumn, unitOf, chosenUnits } = ledger.columns
  const issues = [...ledger.issues]
  const conversions = [...ledger.conversions]
  const { rows } = read

  const leaders = activeByName(await db.selectFrom('leaders').select(['name', 'active']).execute(), normalizePersonName)
  const [townships, units, categories, tags] = await Promise.all(
    (['township', 'unit', 'category', 'industry_tag'] as const).map((k) => namesOf(db, k)),
  )
  const projects = await projectsWithOwners(db)
    .leftJoin('dict_items as c', 'c.id', 'p.category_id')
    .leftJoin('dict_items as it', 'it.id', 'p.industry_tag_id')
    .select([
      'p.id',
      'p.code',
      'p.name',
      'p.version',
      'p.stage',
      't.name as township',
      'l.name as leader',
      'u.name as leadUnit',
      'c.name as category',
      'it.name as industryTag',
      'p.start_year',
      'p.end_year',
    ])
    .execute()
  const byCode = new Map(projects.map((p) => [p.code, p]))
  const plansOf = new Map<number, number[]>()
  for (const p of await db.selectFrom('annual_plans').select(['project_id', 'year']).execute())
    if (plansOf.has(p.project_id)) plansOf.get(p.project_id)!.push(p.year)
    else plansOf.set(p.project_id, [p.year])
  const byName = new Map<string, typeof projects>()
  for (const p of projects) {
    const key = normalizeText(p.name)
    if (byName.has(key)) byName.get(key)!.push(p)
    else byName.set(key, [p])
  }
  const totalColumn = byField.get('totalInvestment')
  const totalUnreadable = totalColumn !== undefined && unitOf(totalColumn) === null
  let newRows = 0
  const existing = new Map<number, { id: number; version: number }>()
  const claimed = new Map<number, number>() // project id → the sheet row that updates it
  const newKeys = new Map<string, number>() // name + township of a new project → its sheet row
  const codes = new Map<string, number>()
  const leaderTitles = new Map<string, string>()
  const newUncoded: number[] = [] // sheet rows of new projects without a code, in sheet order
  const newByStage: Partial<Record<Stage, number>> = {}
  let stageToChoose = 0
  const missing = { leaders: new Set<string>(), townships: new Set<string>(), units: new Set<string>() }
  const at = (row: number, field: ImportField) => {
    const col = byField.get(field)
    return { row, column: col ? `${col.letter}列` : IMPORT_FIELDS[field].label, where: place(table, row, col) }
  }
  const issue = (row: number, field: ImportField, message: string) => {
    const { column, where } = at(row, field)
    issues.push({ row, column, message: `${where}：${message}` })
  }
  for (const row of rows) {
    if (row.code) {
      if (codes.has(row.code)) issue(row.row, 'code', `项目编号「${row.code}」与第${codes.get(row.code)}行重复`)
      else codes.set(row.code, row.row)
    }
    let match: (typeof projects)[number] | undefined
    if (row.code) {
      match = byCode.get(row.code)
      // A code column added to a ledger imported before without one: the project is there under another code.
      const named = (byName.get(row.name) ?? []).filter(
        (c) => !row.township || (c.township && normalizeText(c.township) === row.township),
      )
      if (!match && named.length > 0) {
        issue(
          row.row,
          'code',
          `库中已有「${row.name}」${row.township ? `（${row.township}）` : ''}，编号是${named.map((c) => c.code).join('、')}，与这一行的编号「${row.code}」不同。是同一个项目吗？是的话请把台账中的编号改为${named[0]!.code}（或在项目页修改编号）；不是的话请修改项目名称`,
        )
        continue
      }
    } else {
      let candidates = byName.get(row.name) ?? []
      if (row.township && candidates.length > 0)
        candidates = candidates.filter((c) => c.township && normalizeText(c.township) === row.township)
      if (candidates.length > 1) {
        issue(
          row.row,
          'name',
          `库中有${candidates.length}个名为「${row.name}」的项目${row.township ? `都在${row.township}` : '，这一行没有填乡镇'}，无法确定更新哪一个。请在台账中加上「项目编号」列`,
        )
        continue
      }
      match = candidates[0]
    }
    if (match) {
      const other = claimed.get(match.id)
      if (other !== undefined) {
        issue(row.row, 'name', `与第${other}行是同一个项目（${match.code}「${match.name}」），同一项目只能出现一次`)
        continue
      }
      claimed.set(match.id, row.row)
      existing.set(row.row, { id: match.id, version: match.version })
    } else if (!row.code) {
      const key = `${row.name}\u0000${row.township ?? ''}`
      const other = newKeys.get(key)
      if (other !== undefined)
        issue(
          row.row,
          'name',
          `与第${other}行项目名称${row.township ? `和乡镇（${row.township}）` : ''}都相同，是重复的行吗？请删除重复行，或加上项目编号区分`,
        )
      else newKeys.set(key, row.row)
    }
    const isNew = !match
    // The leader and the lead unit of an existing project change only with a date (项目页 → 调整包联领导 / 专班):
    // a ledger that names others is refused rather than silently kept or changed.
    if (match && row.leader && normalizePersonName(match.leader) !== row.leader)
      issue(
        row.row,
        'leader',
        `包联领导是「${row.leader}」，库中是「${match.leader}」。调整包联领导需要日期，请在项目页「调整包联领导」中办理，或把台账改回「${match.leader}」`,
      )
    // So does the stage: a move is dated and recorded (看板), an import cannot say when it happened.
    if (match && row.stage && row.stage !== match.stage)
      issue(
        row.row,
        'stage',
        `项目阶段是「${STAGE_LABELS[row.stage]}」，库中是「${STAGE_LABELS[match.stage]}」。变更阶段需要日期，请在看板中把项目拖到「${STAGE_LABELS[row.stage]}」办理，或把台账改回「${STAGE_LABELS[match.stage]}」`,
      )
    if (match && row.leadUnit && normalizeText(match.leadUnit) !== row.leadUnit)
      issue(
        row.row,
        'leadUnit',
        `牵头单位是「${row.leadUnit}」，库中是「${match.leadUnit}」。请在项目页「专班」中调整牵头单位，或把台账改回「${match.leadUnit}」`,
      )
    const rowHasIssue = (field: ImportField) => {
      const { column } = at(row.row, field)
      return issues.some((i) => i.row === row.row && i.column === column)
    }
    const need = (value: unknown, field: ImportField) => {
      if (isNew && (value === null || value === undefined) && !rowHasIssue(field))
        issue(row.row, field, `这是新项目，「${IMPORT_FIELDS[field].label}」不能为空`)
    }
    for (const field of ['leader', 'township', 'leadUnit', 'totalInvestment'] as const)
      if (!missingColumns.includes(field) && !(field === 'totalInvestment' && totalUnreadable)) need(row[field], field)
    if (isNew) {
      newRows++
      if (!row.code) newUncoded.push(row.row)
      const stage = row.stage ?? options.stage
      // A 项目阶段 cell that was written but not understood is its own issue: not also one to choose.
      if (!row.stage && !rowHasIssue('stage')) stageToChoose++
      if (stage) newByStage[stage] = (newByStage[stage] ?? 0) + 1
    }
    // A deactivated (停用) item or leader is never given anew — to a new project, or as a change of an existing
    // one; an existing project that has it already keeps it. The leader and the lead unit of an existing project
    // do not change by import at all (refused above).
    const deactivated = (
      field: keyof typeof DEACTIVATED,
      name: string | null,
      names: Map<string, boolean>,
      current: string | null | undefined,
    ) => {
      if (!name || names.get(name) !== false) return
      if (match && (field === 'leader' || field === 'leadUnit')) return
      const normalize = field === 'leader' ? normalizePersonName : normalizeText
      if (match && current && normalize(current) === name) return
      const [what, where, other] = DEACTIVATED[field]
      issue(
        row.row,
        field,
        `${what}「${name}」已停用，请先在 ${where} 中启用，或改用其他${other}${match && current ? `，或把台账改回「${current}」` : ''}`,
      )
    }
    deactivated('leader', row.leader, leaders, match?.leader)
    deactivated('leadUnit', row.leadUnit, units!, match?.leadUnit)
    deactivated('township', row.township, townships!, match?.township)
    deactivated('category', row.category, categories!, match?.category)
    deactivated('industryTag', row.industryTag, tags!, match?.industryTag)
    if (isNew && row.leader && !leaders.has(row.leader)) {
      missing.leaders.add(row.leader)
      if (row.leaderTitle && !leaderTitles.has(row.leader)) leaderTitles.set(row.leader, row.leaderTitle)
    }
    if (row.township && !townships!.has(row.township)) {
      missing.townships.add(row.township)
      const check = dictCreateInput.safeParse({ kind: 'township', name: row.township })
      if (!check.success)
        issue(row.row, 'township', check.error.issues[0]!.message.replace('「名称」', '「乡镇/街道」'))
    }
    if (isNew && row.leadUnit && !units!.has(row.leadUnit)) {
      missing.units.add(row.leadUnit)
      const check = dictCreateInput.safeParse({ kind: 'unit', name: row.leadUnit })
      if (!check.success) issue(row.row, 'leadUnit', check.error.issues[0]!.message.replace('「名称」', '「牵头单位」'))
    }
    if (isNew && row.leader && !leaders.has(row.leader)) {
      const check = leaderCreateInput.safeParse({
        name: row.leader,
        title: row.leaderTitle ?? '待补充',
        unit: '',
        phone: '',
        sortOrder: 0,
      })
      if (!check.success) issue(row.row, 'leader', check.error.issues[0]!.message)
    }
    if (match && row.years) {
      const outside = (plansOf.get(match.id) ?? []).filter((y) => y < row.years!.startYear || y > row.years!.endYear)
      if (outside.length)
        issue(
          row.row,
          'years',
          `建设年限改为${row.years.startYear}—${row.years.endYear}年，但这个项目已有${outside.join('、')}年的年度计划投资，在新的年限之外。请先在项目页删除或调整这些年度计划，或核对建设年限`,
        )
    }
    const years =
      row.years ?? (match ? { startYear: match.start_year, endYear: match.end_year } : yearsOf(row, options.today))
    if (row.annualPlan !== null && (row.annualYear < years.startYear || row.annualYear > years.endYear))
      issue(
        row.row,
        'annualPlan',
        `${row.annualYear}年计划投资${row.annualPlan / 100}万元，但建设年限是${years.startYear}—${years.endYear}年，不含${row.annualYear}年。请核对建设年限或计划投资`,
      )
    if (row.category && !categories!.has(row.category))
      issue(row.row, 'category', `项目类别「${row.category}」不在名录中，请先在 设置 → 基础名录 中添加`)
    if (row.industryTag && !tags!.has(row.industryTag))
      issue(row.row, 'industryTag', `产业标签「${row.industryTag}」不在名录中，请先在 设置 → 基础名录 中添加`)
    if (row.plannedStart && row.plannedEnd && row.plannedEnd < row.plannedStart)
      issue(row.row, 'plannedEnd', `计划竣工（${row.plannedEnd}）早于计划开工（${row.plannedStart}）`)
    // The same checks the contract applies to a project typed in by hand (lengths, years) — for updates too.
    {
      const check = projectCreateInput.safeParse({
        code: row.code ?? 'IMP-0',
        name: row.name,
        level: row.level ?? 'county',
        townshipId: 1,
        totalInvestment: row.totalInvestment ?? 0,
        ...yearsOf(row, options.today),
        leaderId: 1,
        leadUnitId: 1,
        content: row.content ?? '',
        constructionUnit: row.constructionUnit ?? '',
      })
      if (!check.success)
        for (const i of check.error.issues)
          issues.push({
            row: row.row,
            column: String(i.path[0] ?? ''),
            message: `${place(table, row.row)}：${i.message}`,
          })
    }
  }
  if (newRows > 0 && missingColumns.length > 0)
    issues.push({
      row: 0,
      column: '',
      message: `工作表「${table.sheet.name}」没有认出${missingColumns.map((f) => `「${IMPORT_FIELDS[f].label}」`).join('、')}列，而${newRows}个新项目都需要它们。请在预览的“列的对应”中指定是哪一列`,
    })
  if (stageToChoose > 0 && !options.stage)
    issues.push({
      row: 0,
      column: IMPORT_FIELDS.stage.label,
      message: `${stageToChoose}个新项目在台账中没有写「项目阶段」${byField.has('stage') ? '' : `（工作表「${table.sheet.name}」没有项目阶段列）`}，不会默认为谋划包装。请在预览中为它们选择阶段（${STAGES.map((s) => STAGE_LABELS[s]).join(' / ')}），或在台账中填写「项目阶段」列`,
    })
  if (rows.length === 0 && issues.length === 0)
    issues.push({
      row: 0,
      column: '',
      message: `工作表「${table.sheet.name}」表头下面没有读到任何项目行${read.skipped.length ? `（${read.skipped.length}行被当作合计、分组标题或说明跳过，见“跳过的行”）` : ''}。请检查工作表，或选择其他工作表`,
    })
  // Codes for new projects without one: IMP-00001 upwards, skipping every code in use or given by the ledger.
  const nextCode = importCodes(new Set([...byCode.keys(), ...codes.keys()]))
  const newCodes = new Map(newUncoded.map((r) => [r, nextCode()]))
  // By row, then by column as Excel orders them (B before AA).
  const columnOrder = (c: string) => (/^[A-Z]+列$/.test(c) ? columnNumber(c.slice(0, -1)) : 0)
  issues.sort((a, b) => a.row - b.row || columnOrder(a.column) - columnOrder(b.column))
  const preview: ImportPreview = {
    sheet: table.sheet.name,
    sheets: ledger.sheets,
    headerRows: table.headerRows,
    columns: table.columns.map((c) => {
      const field = fieldOfColumn(c)
      const amount = field !== null && AMOUNT_FIELDS.includes(field)
      const chosen = chosenUnits.get(c.index)
      return {
        index: c.index,
        letter: c.letter,
        header: c.path.join(' / '),
        field,
        year: c.year,
        unit: amount ? (chosen ?? c.unit?.unit ?? (c.unit ? null : '万元')) : null,
        unitSource: amount ? (chosen ? 'chosen' : (c.unit?.source ?? 'default')) : null,
        unitText: amount ? (c.unit?.text ?? null) : null,
      }
    }),
    conversions,
    annualYear: byField.has('annualPlan') ? (byField.get('annualPlan')!.year ?? defaultYear) : null,
    rows: rows.length,
    skipped: read.skipped.length,
    skippedRows: read.skipped.slice(0, 200),
    creates: rows.length - existing.size,
    updates: existing.size,
    newLeaders: [...missing.leaders],
    newLeaderTitles: Object.fromEntries(leaderTitles),
    newTownships: [...missing.townships],
    newUnits: [...missing.units],
    stage: options.stage ?? null,
    stageToChoose,
    newByStage,
    issues: issues.slice(0, 500),
    issueCount: issues.length,
    sample: rows.slice(0, 5).map((r) => ({
      row: r.row,
      code: r.code,
      autoCode: newCodes.get(r.row) ?? null,
      stage: r.stage ?? (existing.has(r.row) ? null : (options.stage ?? null)),
      name: r.name,
      totalInvestment: r.totalInvestment,
      annualPlan: r.annualPlan,
      leader: r.leader,
      township: r.township,
      leadUnit: r.leadUnit,
    })),
  }
  return { preview, rows, existing, leaderTitles, newCodes, ledger, options }
}

/** The construction years of a row: its own, or from its planned dates, or this year and the next. */
export function yearsOf(row: ImportRow, today: IsoDate): { startYear: number; endYear: number } {
  if (row.years) return row.years
  const start = Number((row.plannedStart ?? '').slice(0, 4)) || Number(today.slice(0, 4))
  const end = Math.max(start, Number((row.plannedEnd ?? '').slice(0, 4)) || start + 1)
  return { startYear: start, endYear: end }
}
