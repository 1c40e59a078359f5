/**
 * Reading what county ledgers put in cells: numbers typed as text, full-width digits, 万元 suffixes, dates as
 * Excel serial numbers or as "2026.3" / "2026年3月", formulas with their cached result.
 */
import type { CellValue } from 'exceljs'
import { isIsoDate, type IsoDate } from '../../shared/dates'
import { MAX_MONEY, parseMoney, type Money } from '../../shared/money'

/** A cell read as the ledger means it: text, a number, a date, or a complaint. */
export type Read = { ok: true; value: string | number | Date | null } | { ok: false; message: string }

export function readCell(value: CellValue): Read {
  if (value === null || value === undefined) return { ok: true, value: null }
  if (typeof value === 'string' || typeof value === 'number') return { ok: true, value }
  if (typeof value === 'boolean') return { ok: true, value: value ? '是' : '否' }
  if (value instanceof Date) return { ok: true, value }
  if (typeof value === 'object') {
    if ('richText' in value) return { ok: true, value: value.richText.map((r) => r.text).join('') }
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: unknown }).result
      if (result === undefined || result === null || (typeof result === 'object' && !(result instanceof Date)))
        return { ok: false, message: '是公式，但文件中没有保存计算结果。请在 Excel 或 WPS 中打开、保存后再导入' }
      return { ok: true, value: result as string | number | Date }
    }
    if ('text' in value) return { ok: true, value: String((value as { text: unknown }).text) }
    if ('error' in value) return { ok: false, message: `是错误值（${String((value as { error: unknown }).error)}）` }
  }
  return { ok: false, message: '内容无法识别' }
}

const FULL_WIDTH = /[０-９．－＋／：]/g
export function halfWidth(text: string): string {
  return text.replace(FULL_WIDTH, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
}

/** Trimmed text with full-width and line-break spaces removed. */
export function cleanText(value: string | number | Date | null): string {
  if (value === null) return ''
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  return String(value)
    .replace(/[\u3000\s]+/g, ' ')
    .trim()
}

/** Money in 万元 → 0.01 万元; null for an empty cell, a string for a complaint. */
export function readMoney(value: string | number | Date | null): Money | null | string {
  if (value === null || (typeof value === 'string' && value.trim() === '')) return null
  if (typeof value === 'number') {
    const cents = value * 100
    const rounded = Math.round(cents)
    if (Math.abs(cents - rounded) > 1e-6) return '最多两位小数'
    if (rounded < 0) return '不能为负数'
    if (rounded > MAX_MONEY) return '过大'
    return rounded
  }
  if (value instanceof Date) return '不是数字'
  const parsed = parseMoney(value)
  if (parsed === null) return '不是数字'
  return parsed < 0 ? '不能为负数' : parsed
}

const pad = (n: number) => String(n).padStart(2, '0')

/** Excel's day 0 is 1899-12-30 (the 1900 leap-year bug included). */
export function fromSerial(serial: number): IsoDate {
  return new Date(Date.UTC(1899, 11, 30) + Math.round(serial) * 86_400_000).toISOString().slice(0, 10)
}

/** A date from a cell: a Date, an Excel serial number, or text such as 2026-03-15, 2026/3/15, 2026.3, 2026年3月. */
export function readDate(value: string | number | Date | null): IsoDate | null | string {
  if (value === null || (typeof value === 'string' && value.trim() === '')) return null
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'number') return value > 20000 && value < 80000 ? fromSerial(value) : '不是有效日期'
  const t = halfWidth(value).trim()
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?\s*月?$/.exec(t)
  if (!m) return '不是有效日期（可写作 2026-03-15、2026.3 或 2026年3月）'
  const iso = `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3] ?? 1))}`
  return isIsoDate(iso) ? iso : '不是有效日期'
}

/** 建设起止年限: "2025-2027", "2025—2027年", "2025年至2027年", or one year. */
export function readYears(
  value: string | number | Date | null,
): { startYear: number; endYear: number } | null | string {
  if (value === null || (typeof value === 'string' && value.trim() === '')) return null
  if (typeof value === 'number' && Number.isInteger(value)) return { startYear: value, endYear: value }
  const years = [...halfWidth(String(value)).matchAll(/(\d{4})/g)].map((m) => Number(m[1]))
  if (years.length === 0 || years.length > 2) return '不是有效的建设年限（如 2025-2027）'
  const [start, end = start] = years as [number, number?]
  if (end! < start) return '结束年份早于开始年份'
  return { startYear: start, endYear: end! }
}
