/**
 * Reading an .xlsx workbook as the office sees it in Excel or WPS: which sheets are visible and which one is
 * active, the cells that hold a value (not the ones that are merely formatted), merged ranges, and each cell's
 * saved value in the form it was written — the number's own digits, an ISO date cell, a formula's saved result
 * or its error.
 *
 * Why not ExcelJS (which the exports use): read with ExcelJS, an ISO date cell (`t="d"`, written by Strict Open
 * XML and newer producers) becomes the number 2026 and then a date in 1905 — silently; a formula's saved error
 * reads as "no saved result"; every formatted empty row down to row 120,000 becomes an object; hidden sheets are
 * read like any other; prefixed element names (`x:c`, written by the .NET OpenXML SDK) are not understood. The
 * parts are read here with JSZip and saxes (the libraries ExcelJS itself uses); what a cell means is decided in
 * ../ledger, not here.
 */
import JSZip from 'jszip'
import { SaxesParser } from 'saxes'
import { AppError } from '../../../shared/errors'
import { parseRef } from './refs'

/** A cell's saved value. `formula` says the value is a formula's saved result. */
export type Cell =
  | { t: 'text'; text: string; formula: boolean }
  /** `raw` is the number as written in the file (its own digits, for exact decimals); `dateFormat` when Excel shows it as a date. */
  | { t: 'number'; raw: string; value: number; formula: boolean; dateFormat: boolean }
  /** An ISO 8601 date cell (`t="d"`): date part only. */
  | { t: 'date'; iso: string; formula: boolean }
  | { t: 'bool'; value: boolean; formula: boolean }
  /** An error value such as #REF! or #VALUE!, typed or saved as a formula's result. */
  | { t: 'error'; code: string; formula: boolean }
  /** A formula whose result was never saved (written by a program that does not calculate). */
  | { t: 'unsaved-formula' }

export interface Merge {
  top: number
  left: number
  bottom: number
  right: number
}

export interface SheetInfo {
  name: string
  /** 'hidden' and 'veryHidden' sheets are not shown in Excel; they are never read unless chosen. */
  state: 'visible' | 'hidden' | 'veryHidden'
  /** The part inside the zip. */
  path: string
}

export interface Sheet {
  name: string
  /** Rows that hold at least one value, by row number (1-based) → column number (1-based) → cell. */
  rows: Map<number, Map<number, Cell>>
  merges: Merge[]
  /** The largest row and column that hold a value (0 for an empty sheet). */
  lastRow: number
  lastColumn: number
  /** Rows that exist in the file but hold nothing (formatted only): counted, never read. */
  formattedOnlyRows: number
  /** Rows and columns hidden in Excel (row `hidden`, col `hidden`): what the office does not see. */
  hiddenRows: Set<number>
  hiddenColumns: Set<number>
}

export interface Workbook {
  fileName: string
  sheets: SheetInfo[]
  /** The index in `sheets` of the sheet Excel opens on (workbookView activeTab). */
  activeIndex: number
  /** The 1904 date system (old Mac Excel): serial 0 is 1904-01-01 instead of 1899-12-30. */
  date1904: boolean
  readSheet(index: number): Promise<Sheet>
}

/** Refuses what is not an .xlsx workbook, saying what it is instead. */
export function checkFileKind(buffer: Buffer, fileName: string): void {
  if (buffer.length === 0) throw new AppError('INVALID_INPUT', '文件是空的')
  const head = buffer.subarray(0, 8)
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0)
    throw new AppError(
      'INVALID_INPUT',
      `「${fileName}」是旧版 Excel（.xls）文件或加密的工作簿。请在 Excel 或 WPS 中打开，“另存为” .xlsx 格式（不设密码）后再导入`,
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

const damaged = (fileName: string) =>
  new AppError(
    'INVALID_INPUT',
    `「${fileName}」已损坏或不是 Excel 工作簿，无法读取。请在 Excel 或 WPS 中打开检查后另存为 .xlsx`,
  )

/** The element's name without a namespace prefix (`x:c` → `c`): Strict and SDK-written files use prefixes. */
const local = (name: string) => name.slice(name.indexOf(':') + 1)

function attr(attributes: Record<string, string>, name: string): string | undefined {
  if (name in attributes) return attributes[name]
  for (const key of Object.keys(attributes)) if (local(key) === name) return attributes[key]
  return undefined
}

/**
 * Excel writes characters that XML cannot hold (control characters) as `_xHHHH_`, and a literal `_x` as
 * `_x005F_x`: decoded here, so a control character reaches the checks that refuse it instead of being stored.
 */
export function decodeEscapes(text: string): string {
  return text.includes('_x')
    ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : text
}

/** Parses XML, calling `open` and `close` with local names and `text` with character data. */
function parseXml(
  xml: string,
  handlers: {
    open: (name: string, attributes: Record<string, string>) => void
    close?: (name: string) => void
    text?: (text: string) => void
  },
): void {
  const parser = new SaxesParser({ position: false })
  parser.on('opentag', (node) => {
    handlers.open(local(node.name), node.attributes as Record<string, string>)
    if (node.isSelfClosing) handlers.close?.(local(node.name))
  })
  parser.on('closetag', (node) => {
    if (!node.isSelfClosing) handlers.close?.(local(node.name))
  })
  if (handlers.text) {
    const onText = handlers.text
    parser.on('text', onText)
    parser.on('cdata', onText)
  }
  parser.write(xml).close()
}

function resolvePath(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1)
  const parts = base.split('/').slice(0, -1)
  for (const part of target.split('/')) {
    if (part === '..') parts.pop()
    else if (part !== '.' && part !== '') parts.push(part)
  }
  return parts.join('/')
}

async function readPart(zip: JSZip, path: string): Promise<string | null> {
  // Zip entry names are case-sensitive but some producers differ in case from their relationships.
  const file = zip.file(path) ?? zip.file(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i'))[0]
  return file ? file.async('string') : null
}

function relationships(xml: string | null, base: string): Map<string, { type: string; path: string }> {
  const map = new Map<string, { type: string; path: string }>()
  if (!xml) return map
  parseXml(xml, {
    open(name, a) {
      if (name === 'Relationship' && a.Id && a.Target && a.TargetMode !== 'External')
        map.set(a.Id, { type: a.Type ?? '', path: resolvePath(base, a.Target) })
    },
  })
  return map
}

/** Built-in number formats that Excel shows as dates or times (14–22, 45–47, and the Chinese locale's 27–36, 50–58). */
const BUILT_IN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56,
  57, 58,
])

/** Whether a number format code shows a date or time: y, m, d, h or s outside quotes, brackets and escapes. */
export function isDateFormatCode(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?![hms]+\])[^\]]*\]/gi, '')
    .split(';')[0]!
  if (/general/i.test(bare)) return false
  return /[ymdhse]/i.test(bare.replace(/[#0?.,%E+-]/g, ''))
}

/** For each style index (`s` attribute of a cell): whether Excel shows the number as a date. */
function dateStyles(xml: string | null): boolean[] {
  if (!xml) return []
  const custom = new Map<number, string>()
  const styles: boolean[] = []
  let inCellXfs = false
  parseXml(xml, {
    open(name, a) {
      if (name === 'numFmt' && a.numFmtId !== undefined) custom.set(Number(a.numFmtId), a.formatCode ?? '')
      else if (name === 'cellXfs') inCellXfs = true
      else if (name === 'xf' && inCellXfs) {
        const id = Number(a.numFmtId ?? 0)
        styles.push(custom.has(id) ? isDateFormatCode(custom.get(id)!) : BUILT_IN_DATE_FORMATS.has(id))
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false
    },
  })
  return styles
}

/** Shared strings: the text of each `<si>`, its runs joined, phonetic guides (`<rPh>`) left out. */
function sharedStrings(xml: string | null): string[] {
  if (!xml) return []
  const strings: string[] = []
  let current: string[] | null = null
  let inText = false
  let phonetic = 0
  parseXml(xml, {
    open(name) {
      if (name === 'si') current = []
      else if (name === 'rPh') phonetic++
      else if (name === 't' && phonetic === 0) inText = true
    },
    close(name) {
      if (name === 'si') {
        strings.push(decodeEscapes(current!.join('')))
        current = null
      } else if (name === 'rPh') phonetic--
      else if (name === 't') inText = false
    },
    text(t) {
      if (inText && current) current.push(t)
    },
  })
  return strings
}

function parseSheet(name: string, xml: string, strings: string[], dates: boolean[]): Sheet {
  const rows = new Map<number, Map<number, Cell>>()
  const merges: Merge[] = []
  let lastRow = 0
  let lastColumn = 0
  let formattedOnlyRows = 0
  const hiddenRows = new Set<number>()
  const hiddenColumns = new Set<number>()
  let rowNumber = 0
  let rowCells: Map<number, Cell> | null = null
  let column = 0
  // The cell being read.
  let type = 'n'
  let style = 0
  let hasFormula = false
  let value: string | null = null
  let inline: string[] | null = null
  let reading: 'v' | 'f' | 't' | null = null
  let phonetic = 0
  let inSheetData = false

  parseXml(xml, {
    open(tag, a) {
      switch (tag) {
        case 'sheetData':
          inSheetData = true
          break
        case 'row':
          if (!inSheetData) break
          rowNumber = a.r ? Number(a.r) : rowNumber + 1
          if (a.hidden === '1' || a.hidden === 'true') hiddenRows.add(rowNumber)
          rowCells = new Map()
          column = 0
          break
        case 'col':
          if (a.hidden === '1' || a.hidden === 'true')
            for (let c = Number(a.min); c <= Math.min(Number(a.max), 16384); c++) hiddenColumns.add(c)
          break
        case 'c': {
          const ref = a.r ? parseRef(a.r) : null
          column = ref ? ref.column : column + 1
          type = a.t ?? 'n'
          style = a.s ? Number(a.s) : 0
          hasFormula = false
          value = null
          inline = null
          break
        }
        case 'f':
          hasFormula = true
          reading = 'f'
          break
        case 'v':
          reading = 'v'
          value = ''
          break
        case 'is':
          inline = []
          break
        case 'rPh':
          phonetic++
          break
        case 't':
          if (inline && phonetic === 0) reading = 't'
          break
        case 'mergeCell': {
          const [from, to = from] = (attr(a, 'ref') ?? '').split(':')
          const start = parseRef(from ?? '')
          const end = parseRef(to ?? '')
          if (start && end)
            merges.push({
              top: Math.min(start.row, end.row),
              left: Math.min(start.column, end.column),
              bottom: Math.max(start.row, end.row),
              right: Math.max(start.column, end.column),
            })
          break
        }
      }
    },
    text(t) {
      if (reading === 'v') value += t
      else if (reading === 't') inline!.push(t)
    },
    close(tag) {
      switch (tag) {
        case 'sheetData':
          inSheetData = false
          break
        case 'f':
        case 'v':
        case 't':
          reading = null
          break
        case 'rPh':
          phonetic--
          break
        case 'c': {
          const cell = toCell(type, value, inline, hasFormula, strings, dates[style] ?? false)
          if (cell && rowCells) {
            rowCells.set(column, cell)
            if (column > lastColumn) lastColumn = column
          }
          break
        }
        case 'row':
          if (!rowCells) break
          if (rowCells.size > 0) {
            rows.set(rowNumber, rowCells)
            lastRow = Math.max(lastRow, rowNumber)
          } else formattedOnlyRows++
          rowCells = null
          break
      }
    },
  })
  return { name, rows, merges, lastRow, lastColumn, formattedOnlyRows, hiddenRows, hiddenColumns }
}

function toCell(
  type: string,
  value: string | null,
  inline: string[] | null,
  formula: boolean,
  strings: string[],
  dateFormat: boolean,
): Cell | null {
  if (type === 'inlineStr') {
    const text = decodeEscapes(inline ? inline.join('') : (value ?? ''))
    return text === '' ? null : { t: 'text', text, formula }
  }
  if (value === null) return formula ? { t: 'unsaved-formula' } : null
  switch (type) {
    case 's': {
      const text = strings[Number(value)]
      return text === undefined || text === '' ? null : { t: 'text', text, formula }
    }
    case 'str':
      return value === '' && !formula ? null : { t: 'text', text: decodeEscapes(value), formula }
    case 'b':
      return { t: 'bool', value: value.trim() === '1' || value.trim() === 'true', formula }
    case 'e':
      return { t: 'error', code: value.trim(), formula }
    case 'd':
      return /^\d{4}-\d{2}-\d{2}/.test(value.trim())
        ? { t: 'date', iso: value.trim().slice(0, 10), formula }
        : { t: 'text', text: value, formula }
    default: {
      const raw = value.trim()
      if (raw === '') return formula ? { t: 'unsaved-formula' } : null
      const number = Number(raw)
      if (!Number.isFinite(number)) return { t: 'text', text: raw, formula }
      return { t: 'number', raw, value: number, formula, dateFormat }
    }
  }
}

/**
 * Opens a workbook from its bytes. Sheets are parsed on demand (`readSheet`), so a workbook with a large
 * hidden sheet costs nothing for it. Throws INVALID_INPUT with a Chinese message for a file that is not an
 * .xlsx workbook, is encrypted, or is damaged.
 */
export async function openWorkbook(buffer: Buffer, fileName: string): Promise<Workbook> {
  checkFileKind(buffer, fileName)
  let zip: JSZip
  try {
    zip = await JSZip.loadAsync(buffer)
  } catch {
    throw damaged(fileName)
  }
  try {
    const root = relationships(await readPart(zip, '_rels/.rels'), '')
    const workbookPath =
      [...root.values()].find((r) => r.type.endsWith('/officeDocument'))?.path ??
      (zip.file('xl/workbook.xml') ? 'xl/workbook.xml' : null)
    const workbookXml = workbookPath ? await readPart(zip, workbookPath) : null
    if (!workbookPath || !workbookXml) throw damaged(fileName)
    const relsPath = resolvePath(workbookPath, `_rels/${workbookPath.split('/').pop()}.rels`)
    const rels = relationships(await readPart(zip, relsPath), workbookPath)
    const sheets: SheetInfo[] = []
    let activeIndex = 0
    let date1904 = false
    parseXml(workbookXml, {
      open(name, a) {
        if (name === 'sheet') {
          const rel = rels.get(attr(a, 'id') ?? '')
          const state = a.state === 'hidden' || a.state === 'veryHidden' ? a.state : 'visible'
          if (rel) sheets.push({ name: a.name ?? `Sheet${sheets.length + 1}`, state, path: rel.path })
        } else if (name === 'workbookView' && a.activeTab !== undefined) activeIndex = Number(a.activeTab) || 0
        else if (name === 'workbookPr') date1904 = a.date1904 === '1' || a.date1904 === 'true'
      },
    })
    const typed = [...rels.values()]
    const stylesPath = typed.find((r) => r.type.endsWith('/styles'))?.path
    const stringsPath = typed.find((r) => r.type.endsWith('/sharedStrings'))?.path
    let parts: { strings: string[]; dates: boolean[] } | null = null
    const shared = async () =>
      (parts ??= {
        strings: sharedStrings(stringsPath ? await readPart(zip, stringsPath) : null),
        dates: dateStyles(stylesPath ? await readPart(zip, stylesPath) : null),
      })
    return {
      fileName,
      sheets,
      activeIndex: activeIndex < sheets.length ? activeIndex : 0,
      date1904,
      async readSheet(index) {
        const info = sheets[index]
        if (!info) throw new AppError('INVALID_INPUT', `工作簿中没有第${index + 1}个工作表`)
        const xml = await readPart(zip, info.path)
        if (xml === null) throw damaged(fileName)
        const { strings, dates } = await shared()
        try {
          return parseSheet(info.name, xml, strings, dates)
        } catch {
          throw damaged(fileName)
        }
      },
    }
  } catch (error) {
    if (error instanceof AppError) throw error
    throw damaged(fileName)
  }
}
