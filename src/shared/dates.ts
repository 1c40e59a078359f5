/**
 * Calendar dates ("2026-11-21") and report periods ("2026-10") as plain strings. Dates in this domain are
 * civil dates without a time zone, so they are compared as strings and computed in UTC to avoid DST and
 * zone shifts.
 */

/** A civil date, "YYYY-MM-DD". */
export type IsoDate = string
/** A report month, "YYYY-MM". */
export type Period = string

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const PERIOD_RE = /^(\d{4})-(\d{2})$/

export function isIsoDate(text: string): boolean {
  const m = DATE_RE.exec(text)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1) return false
  return d <= daysInMonth(y, mo)
}

export function isPeriod(text: string): boolean {
  const m = PERIOD_RE.exec(text)
  if (!m) return false
  const [y, mo] = [Number(m[1]), Number(m[2])]
  return y >= 1900 && y <= 2999 && mo >= 1 && mo <= 12
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function parts(date: IsoDate): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))]
}

function fromUtc(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10)
}

/** The date `days` days after `date` (negative goes back). */
export function addDays(date: IsoDate, days: number): IsoDate {
  const [y, m, d] = parts(date)
  return fromUtc(Date.UTC(y, m - 1, d + days))
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  const [y1, m1, d1] = parts(from)
  const [y2, m2, d2] = parts(to)
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000)
}

/** The period a date falls in: "2026-11-21" → "2026-11". */
export function periodOf(date: IsoDate): Period {
  return date.slice(0, 7)
}

export function periodYear(period: Period): number {
  return Number(period.slice(0, 4))
}

export function periodMonth(period: Period): number {
  return Number(period.slice(5, 7))
}

/** The last day of a period: "2026-02" → "2026-02-28". */
export function lastDayOfPeriod(period: Period): IsoDate {
  const y = periodYear(period)
  const m = periodMonth(period)
  return `${period}-${String(daysInMonth(y, m)).padStart(2, '0')}`
}

export function addMonths(period: Period, months: number): Period {
  const index = periodYear(period) * 12 + periodMonth(period) - 1 + months
  const y = Math.floor(index / 12)
  return `${y}-${String((index % 12) + 1).padStart(2, '0')}`
}

/**
 * Whole months of D's year that have ended by D; the month of D counts when D is its last day.
 * 2026-11-21 → 10, 2026-11-30 → 11, 2026-01-05 → 0.
 */
export function monthsElapsed(date: IsoDate): number {
  const [y, m, d] = parts(date)
  return d === daysInMonth(y, m) ? m : m - 1
}

/** 序时进度 as of a date: months elapsed / 12. */
export function scheduleProgress(date: IsoDate): number {
  return monthsElapsed(date) / 12
}

/** "2026年11月21日" */
export function formatDateChinese(date: IsoDate): string {
  const [y, m, d] = parts(date)
  return `${y}年${m}月${d}日`
}

/** "2026年10月" */
export function formatPeriodChinese(period: Period): string {
  return `${periodYear(period)}年${periodMonth(period)}月`
}

/** A moment (ISO, UTC) as this computer's clock reads it: "2026-11-21 09:05". */
export function formatLocalDateTime(iso: string, seconds = false): string {
  const d = new Date(iso)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${localToday(d)} ${two(d.getHours())}:${two(d.getMinutes())}${seconds ? `:${two(d.getSeconds())}` : ''}`
}

/** Today's civil date on this computer's clock, in its own time zone (what an office calls today). */
export function localToday(now: Date = new Date()): IsoDate {
  const y = now.getFullYear()
  const m = String(now.getMonth() + 1).padStart(2, '0')
  const d = String(now.getDate()).padStart(2, '0')
  return `${y}-${m}-${d}`
}
