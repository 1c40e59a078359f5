/**
 * Importing a county ledger (台账): find the header (one or two rows, merged cells), map columns to fields,
 * read every row (skipping blanks and 合计/小计 rows), validate everything, and only then write it all in one
 * transaction. Projects are matched by code (or, without codes, by name), so importing again updates.
 */
import ExcelJS from 'exceljs'
import type { Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import { localToday } from '../../shared/dates'
import { PROJECT_LEVELS, STAGES, STAGE_LABELS, type ProjectLevel, type Stage } from '../../shared/domain'
import { projectCreateInput } from '../../shared/schemas'
import type { ImportPreview, ImportResult, ImportRowIssue } from '../../shared/excel'
import { audit } from '../audit'
import { writeTx, type Deps, type WriteCtx } from '../context'
import type { Database } from '../db/schema'
import { createProject, setAnnualPlan, updateProject } from '../services/projects'
import { cleanText, readCell, readDate, readMoney, readYears } from './cells'
import { IMPORT_FIELDS, fieldOf, isSubtotalRow, type ImportField } from '../../shared/import-fields'
import { importJob } from './progress'

const MAX_ROWS = 100_000

/** Refuses what is not an .xlsx workbook, saying what it is instead. */
function checkFileKind(buffer: Buffer, fileName: string) {
  if (buffer.length === 0) throw new AppError('INVALID_INPUT', '文件是空的')
  const head = buffer.subarray(0, 8)
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0)
    throw new AppError(
      'INVALID_INPUT',
      `「${fileName}」是旧版 Excel（.xls）文件。请在 Excel 或 WPS 中“另存为” .xlsx 格式后再导入`,
    )
  if (!(head[0] === 0x50 && head[1] === 0x4b)) {
    const text = buffer.subarray(0, 2000).toString('utf8')
    if (/[,，\t]/.test(text) && !text.includes(String.fromCharCode(0)))
      throw new AppError(
        'INVALID_INPUT',
        `「${fileName}」是文本（CSV）文件，不是 Excel 工作簿。请在 Excel 或 WPS 中打开并另存为 .xlsx 后再导入`,
      )
    throw new AppError('INVALID_INPUT', `「${fileName}」不是 Excel 工作簿（.xlsx），无法导入`)
  }
}

export async function loadWorkbook(buffer: Buffer, fileName: string): Promise<ExcelJS.Workbook> {
  checkFileKind(buffer, fileName)
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer)
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      `「${fileName}」已损坏或不是 Excel 工作簿，无法读取。请在 Excel 或 WPS 中打开检查后另存为 .xlsx`,
    )
  }
  return workbook
}

interface Column {
  index: number
  header: string
  field: ImportField | null
  /** A year named in the header ("2026年计划投资"). */
  year: number | null
}

interface Table {
  sheet: ExcelJS.Worksheet
  headerRows: number[]
  columns: Column[]
  firstDataRow: number
}

function cellText(ws: ExcelJS.Worksheet, row: number, col: number): string {
  const cell = ws.getCell(row, col)
  const master = cell.isMerged ? cell.master : cell
  const read = readCell(master.value)
  return read.ok ? cleanText(read.value) : ''
}

/** The header: the row (of the first 15) naming most known fields, plus a sub-header row below if there is one. */
function findTable(workbook: ExcelJS.Workbook): Table {
  let best: { ws: ExcelJS.Worksheet; row: number; score: number } | null = null
  for (const ws of workbook.worksheets) {
    for (let r = 1; r <= Math.min(15, ws.rowCount); r++) {
      const fields = new Set<ImportField>()
      for (let c = 1; c <= ws.columnCount; c++) {
        const f = fieldOf(cellText(ws, r, c))
        if (f) fields.add(f)
      }
      const score = fields.has('name') ? fields.size : 0
      if (score >= 2 && (!best || score > best.score)) best = { ws, row: r, score }
    }
    if (best) break // the first sheet with a ledger in it
  }
  if (!best)
    throw new AppError(
      'INVALID_INPUT',
      '没有找到台账表头：前15行中应有「项目名称」以及「总投资」「包联领导」「责任单位」等列名。请检查工作表，或下载专班的导入模板',
    )
  const ws = best.ws
  const headerRows = [best.row]
  // A two-row header: cells of this row merged down from the row above (项目名称 over two rows) …
  const above = best.row - 1
  let mergedFromAbove = false
  for (let c = 1; c <= ws.columnCount; c++) {
    const cell = ws.getCell(best.row, c)
    if (cell.isMerged && Number(cell.master.row) === above) mergedFromAbove = true
  }
  if (above >= 1 && mergedFromAbove) headerRows.unshift(above)
  else {
    // … or a sub-header row below, text only, naming fields under merged parents (投资情况 → 总投资 / 年度计划投资).
    const next = best.row + 1
    let subFields = 0
    let numbers = 0
    for (let c = 1; c <= ws.columnCount; c++) {
      const cell = ws.getCell(next, c)
      if (typeof cell.value === 'number') numbers++
      if (!cell.isMerged && fieldOf(cellText(ws, next, c)) && !fieldOf(cellText(ws, best.row, c))) subFields++
    }
    if (subFields > 0 && numbers === 0) headerRows.push(next)
  }
  const columns: Column[] = []
  for (let c = 1; c <= ws.columnCount; c++) {
    const texts = headerRows.map((r) => cellText(ws, r, c))
    const header = [...new Set(texts.filter(Boolean))].join(' / ')
    const field =
      [...texts]
        .reverse()
        .map(fieldOf)
        .find((f) => f) ?? null
    const year = /(\d{4})年/.exec(texts.join(''))
    columns.push({ index: c, header, field, year: year ? Number(year[1]) : null })
  }
  // The first column naming a field wins; a second one is left unmapped (the preview shows it).
  const seen = new Set<ImportField>()
  for (const col of columns) {
    if (col.field && seen.has(col.field)) col.field = null
    else if (col.field) seen.add(col.field)
  }
  return { sheet: ws, headerRows, columns, firstDataRow: headerRows.at(-1)! + 1 }
}

export interface ImportRow {
  row: number
  code: string | null
  name: string
  content: string | null
  totalInvestment: number | null
  annualPlan: number | null
  annualYear: number
  leadUnit: string | null
  leader: string | null
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
function readLevel(text: string): ProjectLevel | string {
  const t = text.replace(/重点|项目/g, '')
  if (LEVELS[t]) return LEVELS[t]
  if ((PROJECT_LEVELS as readonly string[]).includes(t)) return t as ProjectLevel
  return '应为 省级 / 市级 / 县级'
}
function readStage(text: string): Stage | string {
  const exact = STAGES.find((s) => STAGE_LABELS[s] === text)
  if (exact) return exact
  if (/投产|竣工|达产/.test(text)) return 'production'
  if (/开工|在建|续建|施工/.test(text)) return 'construction'
  if (/签约/.test(text)) return 'signed'
  if (/招商|洽谈/.test(text)) return 'investment'
  if (/谋划|包装|前期|储备/.test(text)) return 'planning'
  return '应为 谋划包装 / 招商洽谈 / 签约落地 / 开工建设 / 竣工投产'
}

/** Reads every data row; problems are collected, not thrown, so the preview can list them all. */
function readRows(
  table: Table,
  mapping: Map<number, ImportField | null>,
): { rows: ImportRow[]; issues: ImportRowIssue[]; skipped: number } {
  const ws = table.sheet
  const issues: ImportRowIssue[] = []
  const rows: ImportRow[] = []
  let skipped = 0
  const byField = new Map<ImportField, Column>()
  for (const col of table.columns) {
    const f = mapping.has(col.index) ? mapping.get(col.index)! : col.field
    if (f && !byField.has(f)) byField.set(f, col)
  }
  for (const required of ['name'] as const)
    if (!byField.has(required))
      issues.push({
        row: 0,
        column: IMPORT_FIELDS[required].label,
        message: `缺少「${IMPORT_FIELDS[required].label}」列`,
      })
  if (ws.rowCount - table.firstDataRow + 1 > MAX_ROWS)
    throw new AppError('INVALID_INPUT', `台账超过${MAX_ROWS}行，请分成几个文件导入`)
  // Merged cells spanning several rows in the data area make a row's meaning ambiguous.
  const merges = ((ws.model as unknown as { merges?: string[] }).merges ?? []).map((range) => {
    const [a, b = a] = range.split(':')
    return { range, top: ws.getCell(a!).row as unknown as number, bottom: ws.getCell(b!).row as unknown as number }
  })
  const skippedRows = new Set<number>()
  const thisYear = Number(localToday().slice(0, 4))
  for (let r = table.firstDataRow; r <= ws.rowCount; r++) {
    const texts = table.columns.map((c) => cellText(ws, r, c.index))
    if (texts.every((t) => t === '') || isSubtotalRow(texts)) {
      skipped++
      skippedRows.add(r)
      continue
    }
    const issue = (field: ImportField, message: string) =>
      issues.push({
        row: r,
        column: byField.get(field)?.header || IMPORT_FIELDS[field].label,
        message: `第${r}行「${IMPORT_FIELDS[field].label}」${message}`,
      })
    const raw = (field: ImportField) => {
      const col = byField.get(field)
      if (!col) return null
      const read = readCell(ws.getCell(r, col.index).value)
      if (!read.ok) {
        issue(field, read.message)
        return null
      }
      return read.value
    }
    const text = (field: ImportField) => {
      const t = cleanText(raw(field))
      return t === '' ? null : t
    }
    const money = (field: ImportField) => {
      const v = readMoney(raw(field))
      if (typeof v === 'string') {
        issue(field, v)
        return null
      }
      return v
    }
    const date = (field: ImportField) => {
      const v = readDate(raw(field))
      if (v !== null && !/^\d{4}-\d{2}-\d{2}$/.test(v)) {
        issue(field, v)
        return null
      }
      return v
    }
    const name = text('name')
    if (!name) {
      issue('name', '为空')
      continue
    }
    const years = readYears(raw('years'))
    if (typeof years === 'string') issue('years', years)
    const levelText = text('level')
    const level = levelText ? readLevel(levelText) : null
    if (level && !(PROJECT_LEVELS as readonly string[]).includes(level)) issue('level', level)
    const stageText = text('stage')
    const stage = stageText ? readStage(stageText) : null
    if (stage && !(STAGES as readonly string[]).includes(stage)) issue('stage', stage)
    rows.push({
      row: r,
      code: text('code'),
      name,
      content: text('content'),
      totalInvestment: money('totalInvestment'),
      annualPlan: money('annualPlan'),
      annualYear: byField.get('annualPlan')?.year ?? thisYear,
      leadUnit: text('leadUnit'),
      leader: text('leader'),
      township: text('township'),
      constructionUnit: text('constructionUnit'),
      level: (PROJECT_LEVELS as readonly string[]).includes(level ?? '') ? (level as ProjectLevel) : null,
      category: text('category'),
      industryTag: text('industryTag'),
      years: typeof years === 'object' ? years : null,
      plannedStart: date('plannedStart'),
      plannedEnd: date('plannedEnd'),
      stage: (STAGES as readonly string[]).includes(stage ?? '') ? (stage as Stage) : null,
    })
  }
  for (const m of merges)
    if (m.bottom > m.top && m.bottom >= table.firstDataRow) {
      const rowsOf = Array.from(
        { length: m.bottom - Math.max(m.top, table.firstDataRow) + 1 },
        (_, i) => Math.max(m.top, table.firstDataRow) + i,
      )
      if (!rowsOf.every((row) => skippedRows.has(row)))
        issues.push({
          row: m.top,
          column: m.range,
          message: `第${m.top}—${m.bottom}行有跨行合并的单元格（${m.range}），无法确定每行的内容。请取消合并并在每行填上内容后再导入`,
        })
    }
  const codes = new Map<string, number>()
  for (const row of rows)
    if (row.code) {
      if (codes.has(row.code))
        issues.push({
          row: row.row,
          column: IMPORT_FIELDS.code.label,
          message: `第${row.row}行「项目编号」${row.code}与第${codes.get(row.code)}行重复`,
        })
      else codes.set(row.code, row.row)
    }
  return { rows, issues, skipped }
}

interface Plan {
  preview: ImportPreview
  rows: ImportRow[]
  existing: Map<number, { id: number; version: number }>
}

async function namesOf(db: Kysely<Database>, kind: string) {
  return new Map(
    (await db.selectFrom('dict_items').select(['id', 'name']).where('kind', '=', kind).execute()).map((r) => [
      r.name,
      r.id,
    ]),
  )
}

/** Reads, validates and plans an import without writing anything. */
export async function planImport(
  db: Kysely<Database>,
  buffer: Buffer,
  fileName: string,
  mapping: Record<string, ImportField | null> = {},
): Promise<Plan> {
  const workbook = await loadWorkbook(buffer, fileName)
  const table = findTable(workbook)
  const overrides = new Map(Object.entries(mapping).map(([k, v]) => [Number(k), v]))
  const { rows, issues, skipped } = readRows(table, overrides)
  const leaders = new Map((await db.selectFrom('leaders').select(['id', 'name']).execute()).map((r) => [r.name, r.id]))
  const [townships, units, categories, tags] = await Promise.all(
    ['township', 'unit', 'category', 'industry_tag'].map((k) => namesOf(db, k)),
  )
  const projects = await db.selectFrom('projects').select(['id', 'code', 'name', 'version']).execute()
  const byCode = new Map(projects.map((p) => [p.code, p]))
  const byName = new Map(projects.map((p) => [p.name, p]))
  const existing = new Map<number, { id: number; version: number }>()
  const missing = { leaders: new Set<string>(), townships: new Set<string>(), units: new Set<string>() }
  for (const row of rows) {
    const match = row.code ? byCode.get(row.code) : byName.get(row.name)
    if (match) existing.set(row.row, { id: match.id, version: match.version })
    const isNew = !match
    const need = (value: string | null, field: ImportField) => {
      // A cell already reported (e.g. "不是数字") is not reported again as empty.
      const reported = issues.some(
        (i) => i.row === row.row && i.message.startsWith(`第${row.row}行「${IMPORT_FIELDS[field].label}」`),
      )
      if (isNew && !value && !reported)
        issues.push({
          row: row.row,
          column: IMPORT_FIELDS[field].label,
          message: `第${row.row}行是新项目，「${IMPORT_FIELDS[field].label}」不能为空`,
        })
    }
    need(row.leader, 'leader')
    need(row.township, 'township')
    need(row.leadUnit, 'leadUnit')
    if (isNew && row.totalInvestment === null) need(null, 'totalInvestment')
    if (row.leader && !leaders.has(row.leader)) missing.leaders.add(row.leader)
    if (row.township && !townships!.has(row.township)) missing.townships.add(row.township)
    if (row.leadUnit && !units!.has(row.leadUnit)) missing.units.add(row.leadUnit)
    if (row.category && !categories!.has(row.category))
      issues.push({
        row: row.row,
        column: IMPORT_FIELDS.category.label,
        message: `第${row.row}行「项目类别」${row.category}不在名录中，请先在 设置 → 基础名录 中添加`,
      })
    if (row.industryTag && !tags!.has(row.industryTag))
      issues.push({
        row: row.row,
        column: IMPORT_FIELDS.industryTag.label,
        message: `第${row.row}行「产业标签」${row.industryTag}不在名录中，请先在 设置 → 基础名录 中添加`,
      })
    if (row.plannedStart && row.plannedEnd && row.plannedEnd < row.plannedStart)
      issues.push({
        row: row.row,
        column: IMPORT_FIELDS.plannedEnd.label,
        message: `第${row.row}行「计划竣工」早于「计划开工」`,
      })
    // The same checks the contract applies to a project typed in by hand.
    if (isNew) {
      const years = yearsOf(row)
      const check = projectCreateInput.safeParse({
        code: row.code ?? 'IMP-0',
        name: row.name,
        level: row.level ?? 'county',
        townshipId: 1,
        totalInvestment: row.totalInvestment ?? 0,
        ...years,
        leaderId: 1,
        leadUnitId: 1,
        content: row.content ?? '',
        constructionUnit: row.constructionUnit ?? '',
      })
      if (!check.success)
        for (const i of check.error.issues)
          issues.push({ row: row.row, column: String(i.path[0] ?? ''), message: `第${row.row}行${i.message}` })
    }
  }
  issues.sort((a, b) => a.row - b.row)
  const preview: ImportPreview = {
    sheet: table.sheet.name,
    headerRows: table.headerRows,
    columns: table.columns.map((c) => ({
      index: c.index,
      header: c.header,
      field: overrides.has(c.index) ? overrides.get(c.index)! : c.field,
    })),
    rows: rows.length,
    skipped,
    creates: rows.length - existing.size,
    updates: existing.size,
    newLeaders: [...missing.leaders],
    newTownships: [...missing.townships],
    newUnits: [...missing.units],
    issues: issues.slice(0, 500),
    issueCount: issues.length,
    sample: rows.slice(0, 5).map((r) => ({
      row: r.row,
      code: r.code,
      name: r.name,
      totalInvestment: r.totalInvestment,
      leader: r.leader,
      township: r.township,
      leadUnit: r.leadUnit,
    })),
  }
  return { preview, rows, existing }
}

function yearsOf(row: ImportRow) {
  if (row.years) return row.years
  const start = Number((row.plannedStart ?? '').slice(0, 4)) || Number(localToday().slice(0, 4))
  const end = Math.max(start, Number((row.plannedEnd ?? '').slice(0, 4)) || start + 1)
  return { startYear: start, endYear: end }
}

/** Writes a planned import in one transaction: nothing at all unless the whole file is valid. */
export async function commitImport(deps: Deps, plan: Plan): Promise<ImportResult> {
  if (plan.preview.issueCount > 0)
    throw new AppError(
      'INVALID_INPUT',
      `台账有${plan.preview.issueCount}处问题，未导入任何数据。第一处：${plan.preview.issues[0]!.message}`,
    )
  const job = importJob.start(plan.rows.length)
  try {
    return await writeRows(deps, plan, job)
  } finally {
    importJob.finish(job)
  }
}

async function writeRows(deps: Deps, plan: Plan, job: ReturnType<typeof importJob.start>): Promise<ImportResult> {
  return writeTx(deps, async (w) => {
    const ref = await refMaker(w)
    let created = 0
    let updated = 0
    const codes = new Set((await w.db.selectFrom('projects').select('code').execute()).map((p) => p.code))
    let seq = codes.size
    for (const row of plan.rows) {
      // Lets the event loop answer progress and cancel requests while the transaction runs.
      if (job.done % 200 === 0) await new Promise((resolve) => setImmediate(resolve))
      importJob.step(job)
      const match = plan.existing.get(row.row)
      const years = yearsOf(row)
      let projectId: number
      if (match) {
        const project = await updateProject(w, {
          id: match.id,
          version: match.version,
          name: row.name,
          ...(row.content !== null && { content: row.content }),
          ...(row.totalInvestment !== null && { totalInvestment: row.totalInvestment }),
          ...(row.constructionUnit !== null && { constructionUnit: row.constructionUnit }),
          ...(row.level && { level: row.level }),
          ...(row.township && { townshipId: await ref.township(row.township) }),
          ...(row.category && { categoryId: await ref.dict('category', row.category) }),
          ...(row.industryTag && { industryTagId: await ref.dict('industry_tag', row.industryTag) }),
          ...(row.years && years),
          ...(row.plannedStart && { plannedStart: row.plannedStart }),
          ...(row.plannedEnd && { plannedEnd: row.plannedEnd }),
        })
        projectId = project.id
        updated++
      } else {
        let code = row.code
        while (!code || codes.has(code)) code = `IMP-${String(++seq).padStart(5, '0')}`
        codes.add(code)
        const detail = await createProject(w, {
          code,
          name: row.name,
          categoryId: row.category ? await ref.dict('category', row.category) : null,
          industryTagId: row.industryTag ? await ref.dict('industry_tag', row.industryTag) : null,
          level: row.level ?? 'county',
          townshipId: await ref.township(row.township!),
          constructionUnit: row.constructionUnit ?? '',
          content: row.content ?? '',
          totalInvestment: row.totalInvestment!,
          ...years,
          plannedStart: row.plannedStart,
          plannedEnd: row.plannedEnd,
          stage: row.stage ?? 'planning',
          leaderId: await ref.leader(row.leader!),
          leaderFrom:
            `${Math.min(years.startYear, Number(w.today.slice(0, 4)))}-01-01` > w.today
              ? w.today
              : `${Math.min(years.startYear, Number(w.today.slice(0, 4)))}-01-01`,
          leadUnitId: await ref.unit(row.leadUnit!),
          goals: '',
          serviceContent: [],
        })
        projectId = detail.project.id
        created++
      }
      if (row.annualPlan !== null) {
        const project = await w.db
          .selectFrom('projects')
          .select(['start_year', 'end_year'])
          .where('id', '=', projectId)
          .executeTakeFirstOrThrow()
        if (row.annualYear >= project.start_year && row.annualYear <= project.end_year) {
          const current = await w.db
            .selectFrom('annual_plans')
            .select('version')
            .where('project_id', '=', projectId)
            .where('year', '=', row.annualYear)
            .executeTakeFirst()
          await setAnnualPlan(w, { projectId, year: row.annualYear, amount: row.annualPlan, version: current?.version })
        }
      }
    }
    await audit(w, {
      entity: 'import',
      entityId: 0,
      projectId: null,
      action: 'import',
      note: `导入台账「${plan.preview.sheet}」：新增${created}个、更新${updated}个项目`,
    })
    return {
      created,
      updated,
      newLeaders: plan.preview.newLeaders,
      newTownships: plan.preview.newTownships,
      newUnits: plan.preview.newUnits,
    }
  })
}

/** Finds leaders, townships and units by name, creating those the ledger names for the first time. */
async function refMaker(w: WriteCtx) {
  const cache = new Map<string, number>()
  async function dict(kind: string, name: string): Promise<number> {
    const key = `${kind}:${name}`
    if (cache.has(key)) return cache.get(key)!
    const row = await w.db
      .selectFrom('dict_items')
      .select('id')
      .where('kind', '=', kind)
      .where('name', '=', name)
      .executeTakeFirst()
    let id = row?.id
    if (!id) {
      const max = await w.db
        .selectFrom('dict_items')
        .select((eb) => eb.fn.max('sort_order').as('m'))
        .where('kind', '=', kind)
        .executeTakeFirst()
      id = (
        await w.db
          .insertInto('dict_items')
          .values({ kind, name, sort_order: (max?.m ?? 0) + 10, active: 1 })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
      await audit(w, {
        entity: 'dict',
        entityId: id,
        projectId: null,
        action: 'create',
        changes: [{ field: kind, old: null, new: name }],
        note: '导入台账时新增',
      })
    }
    cache.set(key, id)
    return id
  }
  async function leader(name: string): Promise<number> {
    const key = `leader:${name}`
    if (cache.has(key)) return cache.get(key)!
    const row = await w.db
      .selectFrom('leaders')
      .select('id')
      .where('name', '=', name)
      .orderBy('active', 'desc')
      .executeTakeFirst()
    let id = row?.id
    if (!id) {
      const max = await w.db
        .selectFrom('leaders')
        .select((eb) => eb.fn.max('sort_order').as('m'))
        .executeTakeFirst()
      id = (
        await w.db
          .insertInto('leaders')
          .values({
            name,
            title: '待补充',
            unit: '',
            phone: '',
            sort_order: (max?.m ?? 0) + 10,
            active: 1,
            created_at: w.now,
            updated_at: w.now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
      await audit(w, {
        entity: 'leader',
        entityId: id,
        projectId: null,
        action: 'create',
        changes: [{ field: 'name', old: null, new: name }],
        note: '导入台账时新增，职务待补充',
      })
    }
    cache.set(key, id)
    return id
  }
  return { dict, leader, township: (n: string) => dict('township', n), unit: (n: string) => dict('unit', n) }
}
