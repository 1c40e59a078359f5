/**
 * Writes .xlsx files part by part, with the habits of producers other than ExcelJS: inline strings, ISO date
 * cells (`t="d"`), saved formula errors, the 1904 date system, hidden sheets, an active tab, Strict Open XML
 * namespaces and prefixed element names (`x:c`, as the .NET OpenXML SDK writes them), cells without `r`.
 */
import JSZip from 'jszip'

/** A cell: text, a number, or an explicit form. */
export type RawCell =
  | string
  | number
  | null
  | { date: string } // t="d"
  | { serial: number; dateStyle: true } // a number formatted as a date
  | { formula: string; value?: string | number; error?: string }

export interface RawSheet {
  name: string
  state?: 'hidden' | 'veryHidden'
  rows: RawCell[][]
  merges?: string[]
  /** Rows after the content that carry only a style (formatted, empty). */
  formattedEmptyRows?: number
}

export interface RawOptions {
  activeTab?: number
  date1904?: boolean
  /** Strict Open XML namespaces, and element names with an `x:` prefix. */
  strict?: boolean
  /** Leave out the `r` attributes of cells (allowed: cells then follow one another). */
  noRefs?: boolean
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function col(n: number): string {
  let s = ''
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s
  return s
}

export async function rawXlsx(sheets: RawSheet[], options: RawOptions = {}): Promise<Buffer> {
  const ns = options.strict
    ? {
        main: 'http://purl.oclc.org/ooxml/spreadsheetml/main',
        rel: 'http://purl.oclc.org/ooxml/officeDocument/relationships',
      }
    : {
        main: 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
        rel: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
      }
  const p = options.strict ? 'x:' : ''
  const xmlns = options.strict ? `xmlns:x="${ns.main}"` : `xmlns="${ns.main}"`
  const zip = new JSZip()
  zip.file(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
  )
  zip.file(
    '_rels/.rels',
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${ns.rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  )
  zip.file(
    'xl/_rels/workbook.xml.rels',
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${ns.rel}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')}<Relationship Id="rIdS" Type="${ns.rel}/styles" Target="styles.xml"/></Relationships>`,
  )
  zip.file(
    'xl/workbook.xml',
    `<?xml version="1.0" encoding="UTF-8"?><${p}workbook ${xmlns} xmlns:r="${ns.rel}"><${p}workbookPr${options.date1904 ? ' date1904="1"' : ''}/><${p}bookViews><${p}workbookView activeTab="${options.activeTab ?? 0}"/></${p}bookViews><${p}sheets>${sheets.map((s, i) => `<${p}sheet name="${esc(s.name)}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`).join('')}</${p}sheets></${p}workbook>`,
  )
  // Style 0: general; style 1: a date (numFmtId 14); style 2: a custom Chinese date format.
  zip.file(
    'xl/styles.xml',
    `<?xml version="1.0" encoding="UTF-8"?><${p}styleSheet ${xmlns}><${p}numFmts count="1"><${p}numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></${p}numFmts><${p}cellXfs count="3"><${p}xf numFmtId="0"/><${p}xf numFmtId="14"/><${p}xf numFmtId="176"/></${p}cellXfs></${p}styleSheet>`,
  )
  sheets.forEach((sheet, i) => {
    const rows = sheet.rows.map((cells, r) => {
      const xml = cells
        .map((cell, c) => {
          if (cell === null || cell === '') return ''
          const ref = options.noRefs ? '' : ` r="${col(c + 1)}${r + 1}"`
          if (typeof cell === 'string')
            return `<${p}c${ref} t="inlineStr"><${p}is><${p}t>${esc(cell)}</${p}t></${p}is></${p}c>`
          if (typeof cell === 'number') return `<${p}c${ref}><${p}v>${cell}</${p}v></${p}c>`
          if ('date' in cell) return `<${p}c${ref} t="d" s="1"><${p}v>${cell.date}</${p}v></${p}c>`
          if ('serial' in cell) return `<${p}c${ref} s="2"><${p}v>${cell.serial}</${p}v></${p}c>`
          const f = `<${p}f>${esc(cell.formula)}</${p}f>`
          if (cell.error) return `<${p}c${ref} t="e">${f}<${p}v>${cell.error}</${p}v></${p}c>`
          if (cell.value === undefined) return `<${p}c${ref}>${f}</${p}c>`
          if (typeof cell.value === 'string')
            return `<${p}c${ref} t="str">${f}<${p}v>${esc(cell.value)}</${p}v></${p}c>`
          return `<${p}c${ref}>${f}<${p}v>${cell.value}</${p}v></${p}c>`
        })
        .join('')
      return `<${p}row r="${r + 1}">${xml}</${p}row>`
    })
    const n = sheet.rows.length
    for (let k = 1; k <= (sheet.formattedEmptyRows ?? 0); k++)
      rows.push(`<${p}row r="${n + k}"><${p}c r="A${n + k}" s="0"/></${p}row>`)
    const merges = sheet.merges?.length
      ? `<${p}mergeCells count="${sheet.merges.length}">${sheet.merges.map((m) => `<${p}mergeCell ref="${m}"/>`).join('')}</${p}mergeCells>`
      : ''
    zip.file(
      `xl/worksheets/sheet${i + 1}.xml`,
      `<?xml version="1.0" encoding="UTF-8"?><${p}worksheet ${xmlns} xmlns:r="${ns.rel}"><${p}sheetData>${rows.join('')}</${p}sheetData>${merges}</${p}worksheet>`,
    )
  })
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })
}

/** The README's standard columns, and a title row above them. */
export const HEADER = [
  '序号',
  '项目名称',
  '建设内容及规模',
  '总投资（万元）',
  '2026年计划投资（万元）',
  '包联领导',
  '责任单位',
  '所在乡镇',
]
export const TITLE = ['2026年全县重点项目推进情况表']
export const project = (
  n: number,
  name: string,
  total: RawCell,
  plan: RawCell,
  leader: string,
  township = '城关镇',
) => [n, name, '新建', total, plan, leader, '县发改局', township]
