/**
 * What a ledger's cell means for one field: text, an amount in 万元, a date, a construction period. Each reader
 * returns the value or a complaint in Chinese that says what was found and how to write it; nothing is guessed.
 */
import { isIsoDate, type IsoDate } from '../../../shared/dates'
import type { Money } from '../../../shared/money'
import { badCharacters, normalizeText } from '../../../shared/names'
import type { Cell } from '../read/workbook'
import { parseDecimal, parseTextAmount, toMoney, type AmountUnit, type Decimal } from '../../../shared/amounts'

/**
 * A number as Excel shows it: at most 15 significant digits (Excel's precision). Files keep up to 17
 * ("4.0499999999999998" for 4.05 typed); what the office saw and checked is the 15-digit value.
 */
export function decimalOfNumber(raw: string, value: number): Decimal {
  const exact = parseDecimal(raw)
  const significant = exact ? String(exact.digits < 0n ? -exact.digits : exact.digits).replace(/^0+/, '').length : 99
  if (exact && significant <= 15) return exact
  return parseDecimal(value.toPrecision(15))!
}

export type Read<T> = { ok: true; value: T } | { ok: false; message: string }

const fail = (message: string): { ok: false; message: string } => ({ ok: false, message })

/** A saved error value (#REF!, #VALUE!) or a formula never calculated: the complaint for it, or null. */
function cellProblem(cell: Cell): string | null {
  if (cell.t === 'error')
    return cell.formula
      ? `是公式，保存的结果是错误值 ${cell.code}（公式引用或计算出错）。请在 Excel 或 WPS 中修正公式或改填数值后再导入`
      : `是错误值 ${cell.code}。请改填正确的内容后再导入`
  if (cell.t === 'unsaved-formula')
    return '是公式，但文件中没有保存计算结果（制作文件的程序未计算公式）。请在 Excel 或 WPS 中打开、保存后再导入'
  return null
}

/** Raw text of a cell as written (not normalised): for messages. */
export function shown(cell: Cell): string {
  switch (cell.t) {
    case 'text':
      return cell.text
    case 'number':
      return cell.raw
    case 'date':
      return cell.iso
    case 'bool':
      return cell.value ? 'TRUE' : 'FALSE'
    case 'error':
      return cell.code
    default:
      return ''
  }
}

/** One-line text (names of projects, units, townships), normalised; null when empty. */
export function readText(cell: Cell | undefined): Read<string | null> {
  if (!cell) return { ok: true, value: null }
  const problem = cellProblem(cell)
  if (problem) return fail(problem)
  if (cell.t === 'bool') return { ok: true, value: cell.value ? '是' : '否' }
  const raw = shown(cell)
  const bad = badCharacters(raw)
  if (bad) return fail(bad)
  const text = cell.t === 'text' ? normalizeText(raw) : raw
  return { ok: true, value: text === '' ? null : text }
}

/** Multi-line text (建设内容): line breaks kept, only trimmed. */
export function readLongText(cell: Cell | undefined): Read<string | null> {
  if (!cell) return { ok: true, value: null }
  const problem = cellProblem(cell)
  if (problem) return fail(problem)
  const raw = shown(cell)
  const bad = badCharacters(raw)
  if (bad) return fail(bad)
  const text = raw.replace(/[\u200b-\u200d\u2060\ufeff]/g, '').trim()
  return { ok: true, value: text === '' ? null : text }
}

export interface AmountRead {
  amount: Money | null
  /** Rounded half up to 0.01 万元 (a formula's result or a conversion from 元 carried more digits). */
  rounded: boolean
}

/**
 * An amount in the column's `unit` → Money (0.01 万元). A formula's result with more digits than two decimals of
 * 万元 is rounded half up, as Excel shows it; a typed value with more digits is refused (it may be a slip).
 * Text may carry its own unit (12.3万, 1.2亿元), which then wins over the column's.
 */
export function readAmount(cell: Cell | undefined, unit: AmountUnit): Read<AmountRead> {
  const none = { ok: true as const, value: { amount: null, rounded: false } }
  if (!cell) return none
  const problem = cellProblem(cell)
  if (problem) return fail(problem)
  let decimal
  let inUnit = unit
  if (cell.t === 'number') {
    if (cell.dateFormat) return fail(`显示为日期，不是金额。请把单元格格式改为“数值”后检查金额`)
    decimal = decimalOfNumber(cell.raw, cell.value)
  } else if (cell.t === 'text') {
    const parsed = parseTextAmount(cell.text)
    if (!parsed.ok) return fail(parsed.message)
    if (parsed.value === null) return none
    decimal = parsed.value
    inUnit = parsed.unit ?? unit
  } else return fail(`「${shown(cell)}」不是金额`)
  const mayRound = cell.formula || inUnit === '元' || inUnit === '千元'
  const money = toMoney(decimal, inUnit, mayRound)
  if (!money.ok) {
    const what = shown(cell)
    if (money.reason === 'negative') return fail(`「${what}」是负数，金额不能为负。请填写正数，没有金额的留空`)
    if (money.reason === 'too-large') return fail(`「${what}」${inUnit}过大，请检查单位和数值`)
    return fail(
      `「${what}」${inUnit === '万元' ? '万元' : `${inUnit}（换算为万元后）`}超过两位小数，请按万元保留两位小数后再导入`,
    )
  }
  return {
    ok: true,
    value: { amount: money.amount, rounded: money.rounded },
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

/** Excel's serial day → ISO date. Day 0 is 1899-12-30 in the 1900 system (its leap-year bug included), 1904-01-01 in the 1904 system. */
export function fromSerial(serial: number, date1904 = false): IsoDate {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30)
  return new Date(epoch + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10)
}

const HALF = (t: string) =>
  t.replace(/[０-９．－／：]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\s|\u3000/g, '')
const DATE_HOW = '请写成 2026-03-15、2026/3/15、2026.3.15、2026年3月15日，或只写年月（2026.3、2026年3月，按当月1日）'

/** A date cell: an ISO date cell, a date-formatted number (1900 or 1904 system), or a date typed as text. */
export function readDate(cell: Cell | undefined, date1904: boolean): Read<IsoDate | null> {
  if (!cell) return { ok: true, value: null }
  const problem = cellProblem(cell)
  if (problem) return fail(problem)
  if (cell.t === 'date')
    return isIsoDate(cell.iso) ? { ok: true, value: cell.iso } : fail(`「${cell.iso}」不是有效日期`)
  if (cell.t === 'number') {
    if (/^\d{8}$/.test(cell.raw)) return textDate(cell.raw)
    if (!Number.isInteger(cell.value) && !cell.dateFormat) return fail(`「${cell.raw}」不是日期。${DATE_HOW}`)
    const iso = fromSerial(cell.value, date1904)
    if (iso < '1990-01-01' || iso > '2100-12-31') return fail(`「${cell.raw}」不是有效日期。${DATE_HOW}`)
    return { ok: true, value: iso }
  }
  if (cell.t === 'text') return textDate(cell.text)
  return fail(`「${shown(cell)}」不是日期`)
}

function textDate(text: string): Read<IsoDate | null> {
  const t = HALF(text)
  if (t === '' || /^[-—/无]+$/.test(t)) return { ok: true, value: null }
  const m = /^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?|月)?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t)
  if (!m) return fail(`「${text}」不是日期。${DATE_HOW}`)
  const iso = `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3] ?? 1))}`
  return isIsoDate(iso) ? { ok: true, value: iso } : fail(`「${text}」不是有效日期（没有这一天）。${DATE_HOW}`)
}

const YEARS_HOW = '请写成 2025-2027、2025—2027年、2025-27 或 2026.3-2027.12'

/**
 * 建设起止年限: "2025-2027", "2025—2027年", "2025年至2027年", "2025-27", "2026.3-2027.12", "2026.3-12"
 * (months of one year), or one year ("2026年", 2026).
 */
export function readYears(cell: Cell | undefined): Read<{ startYear: number; endYear: number } | null> {
  if (!cell) return { ok: true, value: null }
  const problem = cellProblem(cell)
  if (problem) return fail(problem)
  if (cell.t === 'number' && Number.isInteger(cell.value) && !cell.dateFormat)
    return cell.value >= 1990 && cell.value <= 2100
      ? { ok: true, value: { startYear: cell.value, endYear: cell.value } }
      : fail(`「${cell.raw}」不是年份。${YEARS_HOW}`)
  if (cell.t !== 'text') return fail(`「${shown(cell)}」不是建设年限。${YEARS_HOW}`)
  const t = HALF(cell.text)
    .replace(/年度?$/, '')
    .replace(/年度?(?=[至到~～—–-])/g, '')
  if (t === '' || /^[-—/无]+$/.test(t)) return { ok: true, value: null }
  const sides = t.split(/[至到~～—–]+|-{1,2}(?=\d)/)
  if (sides.length > 2) return fail(`「${cell.text}」不是建设年限。${YEARS_HOW}`)
  const start = /^(\d{4})(?:[.年/](\d{1,2})月?)?$/.exec(sides[0]!)
  if (!start) return fail(`「${cell.text}」不是建设年限。${YEARS_HOW}`)
  const startYear = Number(start[1])
  let endYear = startYear
  if (sides[1] !== undefined) {
    const full = /^(\d{4})(?:[.年/]\d{1,2}月?)?$/.exec(sides[1])
    const short = /^(\d{1,2})月?$/.exec(sides[1])
    if (full) endYear = Number(full[1])
    else if (short && start[2] !== undefined) {
      // 2026.3-12: March to December of 2026. 2025.12-26 or 2026.11-3 could be a year or a month: refused.
      if (!(Number(short[1]) > Number(start[2]) && Number(short[1]) <= 12))
        return fail(`「${cell.text}」的结束部分是年份还是月份不确定。${YEARS_HOW}`)
    } else if (short && short[1]!.length === 2) {
      endYear = Math.floor(startYear / 100) * 100 + Number(short[1])
      if (endYear < startYear) return fail(`「${cell.text}」的结束年份写法不确定。${YEARS_HOW}`)
    } else return fail(`「${cell.text}」不是建设年限。${YEARS_HOW}`)
  }
  if (startYear < 1990 || endYear > 2100) return fail(`「${cell.text}」的年份不在1990—2100之间`)
  if (endYear < startYear) return fail(`「${cell.text}」的结束年份早于开始年份`)
  return { ok: true, value: { startYear, endYear } }
}
