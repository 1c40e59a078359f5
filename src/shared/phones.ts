/**
 * One rule for telephone numbers (领导, 专班成员, 人员), used by the contract's schemas, the forms and the
 * tests alike (issue 16). Two shapes are accepted, each stored in one normal form, so that a number is never
 * stored in a way that could mean two things:
 *
 * - **手机 (mobile)**: 11 digits, 1[3-9]xxxxxxxxx; spaces and dashes between the digits are allowed and
 *   dropped, an optional +86 in front is dropped: '138 0000 0000', '138-0000-0000', '+86 13800000000' →
 *   '13800000000'.
 * - **座机 (landline)**: area code (0 + 2 or 3 digits: 010 and 020–029 are the three-character codes of the
 *   national plan, every other one has four characters, 03xx–09xx) + a 7- or 8-digit local number, with an
 *   optional extension: '0371-12345678', '(0371)12345678', '（0371）1234 5678', '037112345678' →
 *   '0371-12345678'; '0371-12345678-801', '0371-12345678转801', '0371-12345678#801' → '0371-12345678转801'.
 *   The local number may be written in two groups (3–4 digits and 4 digits) with a space or a dash.
 *
 * Full-width digits, brackets, plus signs and spaces (typed with a Chinese IME) and the dash variants
 * (－ — – ‐ …) are read as their ASCII forms. Anything else — letters, two numbers in one field, a short
 * number, an area code that does not exist — is refused with a message showing both shapes. An empty text is
 * allowed (the fields are optional); a schema adds `.default('')`.
 *
 * Numbers stored before this rule existed are never touched: they load and display as they were, and only a
 * new or changed number is checked (the contract checks what it is sent; the forms send the phone only when it
 * was changed).
 *
 * Pure functions, no I/O.
 */

/** What the refusal says after the field's label: both accepted shapes, with examples. */
export const PHONE_SHAPES =
  '应为11位手机号（如 13800000000）或带区号的座机号（如 0371-12345678，分机写作 0371-12345678转801）'

/** Full-width and other look-alike characters → ASCII; every kind of space → one ASCII space; trimmed. */
function canonical(text: string): string {
  return text
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[（\uFF08]/g, '(')
    .replace(/[）\uFF09]/g, ')')
    .replace(/\uFF0B/g, '+')
    .replace(/\uFF03/g, '#')
    .replace(/[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g, '-')
    .replace(/[\s\u00A0\u3000\u200B-\u200D\uFEFF]+/g, ' ')
    .replace(/ ?- ?/g, '-')
    .trim()
}

const MOBILE = /^1[3-9]\d{9}$/
/** Area codes of the national numbering plan: 010, 020–029 (three characters), 03xx–09xx (four). */
const AREA = String.raw`(?:010|02\d|0[3-9]\d{2})`
const LOCAL_CONTIGUOUS = String.raw`\d{7,8}`
const LOCAL_GROUPED = String.raw`\d{3,4}[ -]\d{4}`
const EXT_MARK = String.raw`(?:[ -]|转|分机|#|ext\.?|x)`

/** Every way a landline can be read, each as its stored form 区号-号码[转分机]. */
function landlineReadings(text: string): string[] {
  const readings = new Set<string>()
  for (const local of [LOCAL_CONTIGUOUS, LOCAL_GROUPED]) {
    for (const withExt of [false, true]) {
      const pattern = new RegExp(
        String.raw`^(?:\((${AREA})\)|(${AREA}))[ -]?(${local})` +
          (withExt ? String.raw` ?(${EXT_MARK}) ?(\d{1,6})$` : '$'),
        'i',
      )
      const m = pattern.exec(text)
      if (!m) continue
      const area = m[1] ?? m[2]!
      const digits = m[3]!.replace(/[ -]/g, '')
      const [mark, ext] = [m[4] ?? '', m[5] ?? '']
      readings.add(`${area}-${digits}${withExt ? `转${ext}` : ''}`)
      // '0371-1234567-8' may be the 8-digit number 12345678 with a stray dash as much as extension 8.
      if (digits.length === 7 && ext.length === 1 && /^[ -]$/.test(mark)) readings.add(`${area}-${digits}${ext}`)
    }
  }
  return [...readings]
}

function mobileReading(text: string): string | null {
  const digits = text
    .replace(/^\+86[ -]?/, '')
    .replace(/^\(\+86\) ?/, '')
    .replace(/[ -]/g, '')
  return MOBILE.test(digits) && /^[\d +()-]+$/.test(text) ? digits : null
}

/**
 * Why the number cannot be saved (the text after the label 「电话」), or null when it can (an empty text
 * included). A number that could be read in two ways is refused too, never guessed.
 *
 * @example phoneProblem('138 0000 0000') === null
 * @example phoneProblem('0371-12345678转801') === null
 * @example phoneProblem('12345') === PHONE_SHAPES
 */
export function phoneProblem(text: string): string | null {
  const t = canonical(text)
  if (t === '') return null
  if (mobileReading(t) !== null) return null
  const landline = landlineReadings(t)
  if (landline.length === 1) return null
  if (landline.length > 1)
    return `「${t}」既可读作 ${landline.join('，也可读作 ')}，含义不确定：请照其中一种写法填写（分机号前写“转”）`
  return PHONE_SHAPES
}

/** Whether the text is an accepted number (or empty). */
export function isPhone(text: string): boolean {
  return phoneProblem(text) === null
}

/**
 * The stored form of a number: a mobile as 11 digits, a landline as 区号-号码 with 转分机. A text that is not
 * an accepted number comes back only trimmed (so that the refusal can quote it as typed).
 *
 * @example normalizePhone('１３８ ００００ ００００') === '13800000000'
 * @example normalizePhone('（0371）1234 5678') === '0371-12345678'
 * @example normalizePhone('0371-12345678-801') === '0371-12345678转801'
 */
export function normalizePhone(text: string): string {
  const t = canonical(text)
  if (t === '') return ''
  const mobile = mobileReading(t)
  if (mobile !== null) return mobile
  const landline = landlineReadings(t)
  return landline.length === 1 ? landline[0]! : text.trim()
}
