/**
 * Amounts as people write them — in 亿元, 万元, 千元 or 元, typed in a form or held in a ledger — turned into
 * the product's Money (hundredths of 万元) exactly, by one parser for forms, the import and the command line: the number's own decimal digits are scaled by a power of ten in
 * integer arithmetic, never multiplied as a float (4.05 亿元 × 10000 is 40499.999… as a float; here it is
 * 40,500.00 万元).
 */
import { IMPORT_UNITS, type ImportUnit } from './excel'
import { MAX_MONEY, type Money } from './money'

/** A unit a ledger's amount can be in (the list the preview offers). */
export type AmountUnit = ImportUnit
/** Each unit as the power of ten that turns it into 万元. */
export const AMOUNT_UNITS: Record<AmountUnit, number> = {
  元: -4,
  千元: -1,
  万元: 0,
  十万元: 1,
  百万元: 2,
  千万元: 3,
  亿元: 4,
}

/** "亿" → 亿元, "万元" → 万元; null for anything else. */
export function unitOf(text: string): AmountUnit | null {
  const t = text.replace(/\s/g, '').replace(/^人民币/, '')
  if ((IMPORT_UNITS as readonly string[]).includes(t)) return t as AmountUnit
  if ((IMPORT_UNITS as readonly string[]).includes(`${t}元`)) return `${t}元` as AmountUnit
  return null
}

/** An exact decimal: digits × 10^-scale. */
export interface Decimal {
  digits: bigint
  scale: number
}

/** "1234.5", "1.2E+3", "-0.05" → an exact decimal; null when it is not a plain number. */
export function parseDecimal(text: string): Decimal | null {
  const m = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/.exec(text)
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null
  const [, sign, whole = '', frac = '', exp = '0'] = m
  let digits = BigInt(`${whole}${frac}` || '0')
  let scale = frac.length - Number(exp)
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale)
    scale = 0
  }
  return { digits: sign === '-' ? -digits : digits, scale }
}

export type AmountResult =
  { ok: true; amount: Money; rounded: boolean } | { ok: false; reason: 'negative' | 'too-large' | 'decimals' }

/**
 * A decimal in `unit` → Money. More than two decimals of 万元 are rounded half up only when `mayRound`
 * (a formula's result, shown rounded by Excel, or a conversion from 元/千元); otherwise refused.
 */
export function toMoney(value: Decimal, unit: AmountUnit, mayRound: boolean): AmountResult {
  if (value.digits < 0n) return { ok: false, reason: 'negative' }
  // hundredths of 万元 = digits × 10^(power + 2 − scale)
  const shift = AMOUNT_UNITS[unit] + 2 - value.scale
  let hundredths: bigint
  let rounded = false
  if (shift >= 0) hundredths = value.digits * 10n ** BigInt(shift)
  else {
    const divisor = 10n ** BigInt(-shift)
    hundredths = value.digits / divisor
    const rest = value.digits % divisor
    if (rest !== 0n) {
      if (!mayRound) return { ok: false, reason: 'decimals' }
      rounded = true
      if (rest * 2n >= divisor) hundredths += 1n
    }
  }
  if (hundredths > BigInt(MAX_MONEY)) return { ok: false, reason: 'too-large' }
  return { ok: true, amount: Number(hundredths), rounded }
}

export type TextAmount =
  | { ok: true; value: Decimal; unit: AmountUnit | null }
  | { ok: false; message: string }
  | { ok: true; value: null; unit: null }

const HOW = '请写成 1234.56 这样的数字（可带千位分隔 1,234.56 或单位“万元”）'

/**
 * An amount typed as text: full-width digits, thousands separators in groups of three, an optional unit after
 * the number (12.3万, 1.2亿元). Dashes and 无 mean "no amount". Anything that could mean two things — a comma
 * that could be a decimal mark (12,3), two decimal marks, a unit inside the number (1亿2000万) — is refused.
 */
export function parseTextAmount(text: string): TextAmount {
  const t = text
    .replace(/[０-９．，－＋]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000\u00a0]/g, '')
  if (t === '' || /^[-—–/／无]+$/.test(t)) return { ok: true, value: null, unit: null }
  const m = /^([+-]?[\d,.]+)(亿元|亿|万元|万|千元|元)?$/.exec(t)
  if (!m) {
    if (/\d\s*(亿|万)\s*\d/.test(t)) return { ok: false, message: `「${text}」的单位写在数字中间，含义不确定。${HOW}` }
    return { ok: false, message: `「${text}」不是金额。${HOW}` }
  }
  const [, number = '', unitText] = m
  if ((number.match(/\./g) ?? []).length > 1)
    return { ok: false, message: `「${text}」有两个小数点，含义不确定。${HOW}` }
  const [whole = '', frac] = number.replace(/^[+-]/, '').split('.')
  if (whole.includes(',') && !/^\d{1,3}(,\d{3})+$/.test(whole))
    return { ok: false, message: `「${text}」中的逗号不是千位分隔，可能是小数点，含义不确定。${HOW}` }
  if (frac !== undefined && frac.includes(','))
    return { ok: false, message: `「${text}」小数部分有逗号，含义不确定。${HOW}` }
  const value = parseDecimal(number.replace(/,/g, ''))
  if (!value) return { ok: false, message: `「${text}」不是金额。${HOW}` }
  return { ok: true, value, unit: unitText ? unitOf(unitText) : null }
}

export type ParsedAmount = { ok: true; amount: Money | null } | { ok: false; message: string }

const REASONS: Record<'negative' | 'too-large' | 'decimals', string> = {
  negative: '不能为负数',
  'too-large': '过大，请检查单位',
  decimals: '折合万元后超过两位小数，请按万元填写，最多两位小数',
}

/**
 * An amount typed into a form (or given on the command line), in 万元 unless a unit follows: "1,230.50",
 * "１２.３", "12.3万", "1.2亿" → Money (hundredths of 万元); empty → null. The same reading as the import
 * (parseTextAmount): what could mean two things ("12,3万", "1.2.3", "1亿2000万") is refused with a message that
 * shows how to write it, never guessed. Units are converted exactly; nothing is rounded.
 */
export function parseAmount(text: string, label = '金额'): ParsedAmount {
  const read = parseTextAmount(text)
  if (!read.ok) return { ok: false, message: `「${label}」：${read.message}` }
  if (read.value === null)
    return /^[\s\u3000]*$/.test(text)
      ? { ok: true, amount: null }
      : { ok: false, message: `「${label}」：「${text}」不是金额。${HOW}` }
  const money = toMoney(read.value, read.unit ?? '万元', false)
  if (!money.ok) return { ok: false, message: `「${label}」${REASONS[money.reason]}` }
  return { ok: true, amount: money.amount }
}
