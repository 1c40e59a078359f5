/**
 * Zod field builders that carry a Chinese label, so every refusal names the field the way the form does:
 * 「项目名称」不能为空, 「总投资」不能为负数. Schemas of the contract are built only from these.
 */
import { z } from 'zod'
import { isIsoDate, isPeriod } from './dates'
import { inYearRange, outOfRangeMessage } from './date-checks'
import { MAX_MONEY } from './money'
import { PERSON_NAME_MAX, badCharacters, codePoints, normalizePersonName, normalizeText } from './names'

const q = (label: string) => `「${label}」`

function typeError(label: string, expected: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined || issue.input === null ? `${q(label)}必须填写` : `${q(label)}应为${expected}`
}

/** Refuses NUL, other control characters and lone surrogates (names.ts `badCharacters`), before anything else. */
function storable(label: string) {
  return z.string({ error: typeError(label, '文字') }).refine((v) => badCharacters(v) === null, {
    error: (issue) => `${q(label)}${badCharacters(String(issue.input)) ?? '含有无法保存的字符'}`,
    abort: true,
  })
}

/** At most `max` characters, counted in code points (𠮷 is one character, as a person counts it). */
function atMost<T extends z.ZodString>(schema: T, label: string, max: number): T {
  return schema.refine((v) => codePoints(v) <= max, `${q(label)}不能超过${max}个字`)
}

/**
 * Required text, trimmed; empty after trimming is refused. Line breaks inside are kept (multi-line text:
 * descriptions, reasons). Control characters and lone surrogates are refused.
 */
export function text(label: string, max: number) {
  return atMost(
    storable(label)
      .trim()
      .min(1, `${q(label)}不能为空`),
    label,
    max,
  )
}

/** Text that may be empty. Use `.optional()` on it in update inputs, where absent means "unchanged". */
export function anyText(label: string, max: number) {
  return atMost(storable(label).trim(), label, max)
}

/**
 * A required one-line name (project, unit, township, dictionary item, template, milestone, title):
 * `normalizeText` of names.ts — spaces of every kind and line breaks collapsed, zero-width characters
 * removed, a space between two CJK characters removed — then not empty and at most `max` characters.
 * '智能装备\n产业园' arrives as '智能装备产业园'.
 */
export function name(label: string, max: number) {
  return atMost(
    storable(label)
      .overwrite(normalizeText)
      .min(1, `${q(label)}不能为空`),
    label,
    max,
  )
}

/** A one-line name that may be empty (normalised as `name`): `.default('')` in create inputs. */
export function anyName(label: string, max: number) {
  return atMost(storable(label).overwrite(normalizeText), label, max)
}

/**
 * The required name of a person (领导, 专班人员, 操作员): `normalizePersonName` of names.ts — as `name`, and
 * every middle-dot variant becomes · (U+00B7): '阿不都•热合曼' arrives as '阿不都·热合曼' — then not empty
 * and at most PERSON_NAME_MAX (50) characters, the same limit as the Excel import's.
 */
export function personName(label: string) {
  return atMost(
    storable(label)
      .overwrite(normalizePersonName)
      .min(1, `${q(label)}不能为空`),
    label,
    PERSON_NAME_MAX,
  )
}

/** The name of a person that may be empty (责任人; a search for people), normalised as `personName`. */
export function anyPersonName(label: string) {
  return atMost(storable(label).overwrite(normalizePersonName), label, PERSON_NAME_MAX)
}

/**
 * Optional text for create inputs: absent becomes "". Never `.optional()` this in an update input — the
 * default would turn "not sent" into "cleared".
 */
export function optionalText(label: string, max: number) {
  return anyText(label, max).default('')
}

/** A positive integer row id. */
export function id(label: string) {
  return z
    .number({ error: typeError(label, '编号（整数）') })
    .int(`${q(label)}应为整数编号`)
    .positive(`${q(label)}应为正整数编号`)
}

/** Money in hundredths of 万元 (see money.ts); non-negative unless said otherwise. */
export function money(label: string, options: { allowNegative?: boolean } = {}) {
  const base = z
    .number({ error: typeError(label, '金额（以0.01万元为单位的整数）') })
    .int(`${q(label)}最多两位小数`)
    .max(MAX_MONEY, `${q(label)}过大`)
  return options.allowNegative ? base.min(-MAX_MONEY, `${q(label)}过小`) : base.min(0, `${q(label)}不能为负数`)
}

/**
 * A civil date "YYYY-MM-DD". Empty (a cleared date field) is 「…」必须填写, not "not a valid date"; a date
 * outside 1990–2100 is refused (date-checks.ts: no project is built then, it is a mistyped year).
 */
export function date(label: string) {
  return z
    .string({ error: typeError(label, '日期') })
    .refine((v) => v.trim() !== '', { message: `${q(label)}必须填写`, abort: true })
    .refine(isIsoDate, { message: `${q(label)}应为有效日期，如 2026-11-21`, abort: true })
    .refine(inYearRange, outOfRangeMessage(label))
}

export function period(label: string) {
  return z.string({ error: typeError(label, '月份') }).refine(isPeriod, `${q(label)}应为月份，如 2026-10`)
}

export function int(label: string, min: number, max: number) {
  return z
    .number({ error: typeError(label, '整数') })
    .int(`${q(label)}应为整数`)
    .min(min, `${q(label)}不能小于${min}`)
    .max(max, `${q(label)}不能大于${max}`)
}

export function year(label: string) {
  return int(label, 1990, 2100)
}

/** The version a client last read; a write with an older one is refused (lost update). */
export function version() {
  return z
    .number({ error: typeError('版本号', '整数') })
    .int('「版本号」应为整数')
    .positive('「版本号」应为正整数')
}

export function oneOf<const T extends readonly [string, ...string[]]>(
  label: string,
  values: T,
  labels: Record<T[number], string>,
) {
  const allowed = values.map((v) => labels[v as T[number]]).join('、')
  return z.enum(values, { error: () => `${q(label)}只能是：${allowed}` })
}

export function bool(label: string) {
  return z.boolean({ error: typeError(label, '是或否') })
}

/** An argument object; keys the contract does not know are refused rather than silently dropped. */
export function input<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `请求中有无法识别的字段：${(issue as { keys: string[] }).keys.join('、')}`
        : '请求参数应为一个对象',
  })
}
