/**
 * One normalisation of the names of people and units for the whole product (issue 14): the contract's fields
 * (forms, HTTP API, command line), the Excel import and the search boxes all call these functions, so a name
 * is stored in one form whichever way it arrived, and what the import stores the form can save again.
 *
 * - Spaces of every kind (ASCII, tab, no-break U+00A0, full-width U+3000, U+2000–U+200A, …) and line breaks
 *   are collapsed to one space and trimmed; zero-width characters (U+200B–U+200D, U+2060, U+FEFF, U+180E)
 *   are removed. A space between two CJK characters is removed too ('王\u3000伟' → '王伟').
 * - In the names of people every middle-dot variant (• ・ ． ‧ ･ ∙ ⋅ and others) becomes U+00B7 ·, the
 *   separator of minority names (GB 18030-2022 maps it there): '阿不都•热合曼' → '阿不都·热合曼'.
 * - Characters outside the BMP (𠮷, U+20BB7) are kept intact and count as one character: lengths are in
 *   Unicode code points, never in UTF-16 units.
 * - NUL and the other C0 controls (tab, CR and LF aside) and lone surrogates are refused with a message
 *   (`badCharacters`), never silently dropped.
 *
 * Pure functions, no I/O: the renderer, the main process and the tests use the same code.
 */

/**
 * The longest name of a person (领导, 专班人员, 操作员, 责任人), in characters (code points). The national rule
 * for names leaves room for at least 25 characters and more for minority names written with the separator ·;
 * 50 holds both, e.g. '阿卜杜热合曼·买买提依明·艾则孜江·吐尔逊' (21). Every path uses this one limit.
 */
export const PERSON_NAME_MAX = 50

/**
 * Length in Unicode code points: what a person counts as characters.
 *
 * @example codePoints('王伟') === 2; codePoints('𠮷庆林') === 3 (while '𠮷庆林'.length === 4)
 */
export function codePoints(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) i++
    }
    n++
  }
  return n
}

const LONE_SURROGATE = '含有残缺的字符（不成对的代理项），请重新输入'

/**
 * Why the text cannot be saved, or null when it can: a NUL or another C0 control character (tab, CR and LF
 * are allowed: multi-line text keeps them) or a lone surrogate (half of a character outside the BMP, left by
 * a broken copy or a truncated file). The message is Chinese and continues a label: 「姓名」 + message.
 *
 * @example badCharacters('王\u0000伟') === '含有无法保存的控制字符（NUL）'
 * @example badCharacters('王\u001b伟') === '含有无法保存的控制字符（U+001B）'
 * @example badCharacters('\ud842庆林') === '含有残缺的字符（不成对的代理项），请重新输入'
 * @example badCharacters('𠮷庆林') === null
 */
export function badCharacters(text: string): string | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) {
      const which = c === 0 ? 'NUL' : `U+${c.toString(16).toUpperCase().padStart(4, '0')}`
      return `含有无法保存的控制字符（${which}）`
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0
      if (d < 0xdc00 || d > 0xdfff) return LONE_SURROGATE
      i++
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return LONE_SURROGATE
    }
  }
  return null
}

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u180E]/g
/** Every space and line break: ASCII, tab, CR/LF, VT, FF, NEL, no-break, full-width, the U+2000 spaces, … */
const WHITESPACE = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/g
/** Han (astral ones such as 𠮷 included), CJK punctuation 、。「」〔〕 and the full-width forms （），：Ａ１. */
const CJK = String.raw`\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF`
const SPACE_BETWEEN_CJK = new RegExp(String.raw`(?<=[${CJK}]) (?=[${CJK}])`, 'gu')

/**
 * A line break with a CJK character on either side: Excel wraps a name in a narrow column anywhere (Alt+Enter),
 * so 'G312' + break + '国道改造' is 'G312国道改造', not 'G312 国道改造'.
 */
const BREAK_BY_CJK = new RegExp(
  String.raw`(?<=[${CJK}])[ \t]*[\r\n\u0085\u2028\u2029]+[ \t]*|[ \t]*[\r\n\u0085\u2028\u2029]+[ \t]*(?=[${CJK}])`,
  'gu',
)

/** Zero-width characters and line breaks next to CJK removed, whitespace collapsed and trimmed. */
function collapse(text: string): string {
  return text.replace(ZERO_WIDTH, '').replace(BREAK_BY_CJK, '').replace(WHITESPACE, ' ').trim()
}

/**
 * Normalises a one-line name (a project, unit, township, dictionary item, template, milestone; also what is
 * typed into a search box): zero-width characters removed; line breaks and spaces of every kind collapsed
 * to one space; trimmed; then a space with a CJK character (Han, including astral Han such as 𠮷, CJK
 * punctuation or a full-width form) on BOTH sides is removed, because Chinese is written without spaces and
 * such a space is an input artefact (a full-width space from the IME, a line break inside an Excel cell). A
 * space with Latin letters or digits on either side stays: 'PPP 项目', '2026年 PPP', 'Smith John'.
 *
 * @example normalizeText(' 王\u3000伟 ') === '王伟'
 * @example normalizeText('智能装备\n产业园') === '智能装备产业园'
 * @example normalizeText('G312\n国道改造') === 'G312国道改造'
 * @example normalizeText('年产10万吨\u200b 项目') === '年产10万吨项目'
 * @example normalizeText('PPP  项目') === 'PPP 项目'
 * @example normalizeText('\u3000\u00a0') === ''
 */
export function normalizeText(text: string): string {
  return collapse(text).replace(SPACE_BETWEEN_CJK, '')
}

/** The middle-dot variants typed or pasted for the separator of minority names; all become U+00B7. */
const DOT_VARIANTS = '\u00B7\u0387\u16EB\u2022\u2027\u2219\u22C5\u2E31\u30FB\u318D\uFF0E\uFF65'
/** A run of '.' or '。' standing directly between two letters (Han included): 'Abdu.Rahman', '阿不都。热合曼'. */
const STOPS_BETWEEN_LETTERS = /(?<=[\p{L}\p{M}])[.\u3002]+(?=\p{L})/gu
/** A middle dot with the spaces and other dots around it: '阿不都 • 热合曼', '阿不都··热合曼', '阿不都.·热合曼'. */
const DOT_RUN = new RegExp(`[ .\u3002]*[${DOT_VARIANTS}][ .\u3002${DOT_VARIANTS}]*`, 'gu')

function unifyDots(text: string): string {
  return text.replace(STOPS_BETWEEN_LETTERS, '·').replace(DOT_RUN, '·')
}

/**
 * Normalises the name of a person: `normalizeText`, then every middle-dot variant (· • ・ ． ‧ ･ ∙ ⋅ · ⸱ ㆍ ᛫)
 * becomes U+00B7 with the spaces around it removed, and several dots in a row become one. An ASCII '.' or an
 * ideographic '。' counts as a dot only directly between two letters or Han characters ('Mr. Smith' keeps
 * its full stop).
 *
 * @example normalizePersonName('阿不都•热合曼') === '阿不都·热合曼'
 * @example normalizePersonName('阿不都 ． 热合曼') === '阿不都·热合曼'
 * @example normalizePersonName('阿不都..热合曼') === '阿不都·热合曼'
 * @example normalizePersonName('郑佳宁\u00a0') === '郑佳宁'
 * @example normalizePersonName('𠮷庆林') === '𠮷庆林'
 */
export function normalizePersonName(text: string): string {
  return unifyDots(normalizeText(text))
}

/**
 * What a title ends with (副县长, 县委常委, 县委副书记, 常务副县长, 县政府党组成员…). A prefix is taken for the
 * title only if every part of it (parts split by 、，, / and spaces) ends with one of these.
 */
const TITLE_ENDINGS = [
  '书记',
  '县长',
  '区长',
  '市长',
  '旗长',
  '乡长',
  '镇长',
  '州长',
  '盟长',
  '厅长',
  '处长',
  '科长',
  '组长',
  '主任',
  '主席',
  '部长',
  '局长',
  '常委',
  '秘书长',
  '院长',
  '检察长',
  '指挥长',
  '政委',
  '委员',
  '党组成员',
  '调研员',
  '巡视员',
]
const TITLE_ENDING_AT_END = new RegExp(`(?:${TITLE_ENDINGS.join('|')})$`, 'u')
const TITLE_ENDING_ANYWHERE = new RegExp(TITLE_ENDINGS.join('|'), 'gu')
const TITLE_PART_SEPARATORS = /[、，,/／ ]+/u
const HAN_ONLY = /^\p{Script=Han}+$/u
const HAN_NAME = /^[\p{Script=Han}·]+$/u
/** A title in brackets: 周明远（副县长）, 周明远 (常务副县长), （副县长）周明远. */
const BRACKETED = /[（(【〔[]([^（）()【】〔〕[\]]*)[）)】〕\]]/gu
/** What separates two people in one cell. */
const LIST_SEPARATORS = /[、，,；;/／|｜+＋&＆]+/u
/** 周明远和郑佳宁, 周明远及郑佳宁: two ordinary Han names (2–4 characters each) joined by 和 or 及. */
const JOINED_BY_AND = /^(\p{Script=Han}{2,4})[和及](\p{Script=Han}{2,4})$/u
/** What may stand between a title and the name: 副县长：周明远, 副县长、周明远. */
const LEADING_SEPARATORS = /^[、，,：:；; ]+/u

function isTitle(text: string): boolean {
  const parts = text.split(TITLE_PART_SEPARATORS).filter((p) => p !== '')
  return parts.length > 0 && parts.every((p) => HAN_ONLY.test(p) && TITLE_ENDING_AT_END.test(p))
}

function severalLeaders(names: string[], spaced: boolean): { ok: false; message: string } {
  const count = '两三四五六七八九十'[names.length - 2] ?? String(names.length)
  const hint = spaced ? '；如果是一个人的姓名，请去掉中间的空格（少数民族姓名的间隔用“·”）' : ''
  return {
    ok: false,
    message: `一个单元格里有${count}位领导（${names.join('、')}）：每个项目只能有一名包联领导，请只保留一位${hint}`,
  }
}

function tooLong(length: number): { ok: false; message: string } {
  return { ok: false, message: `姓名过长（${length}个字），最多${PERSON_NAME_MAX}个字` }
}

/**
 * Reads the cell of a 包联领导 column: one leader, possibly with the title written in the same cell.
 *
 * - A title in brackets (周明远（副县长）, 周明远(常务副县长), （副县长）周明远) or before the name
 *   (副县长 周明远, 副县长周明远, 县委常委、副县长 周明远, 副县长：周明远) or after it with a space
 *   (周明远 副县长) goes to `title`. A title is text whose every part ends in a title word (书记, 县长, 区长,
 *   市长, 旗长, 主任, 主席, 部长, 局长, 常委, 秘书长, 院长, 检察长, 政委, 委员, and 乡长, 镇长, 处长, 科长, 组长,
 *   党组成员…); a title glued to the name is split off only when at least 2 characters remain. Whatever is
 *   in brackets is taken for the title.
 * - Two or more people are refused, never stored as one leader called '周明远、郑佳宁': names separated by
 *   、，,；;/／, two 2–4-character Han names joined by 和 or 及, or two space-separated Han parts of at least 2
 *   characters each (周明远 郑佳宁). A single Han character on either side of a space is one name typed with an
 *   alignment space ('王\u3000伟' → '王伟'); a space between Latin words stays ('John Smith').
 * - The name is `normalizePersonName`d; empty, longer than PERSON_NAME_MAX code points, or with a bracket left
 *   without its pair is refused; so are NUL, other control characters and lone surrogates (`badCharacters`).
 *   A name accepted here is accepted by the contract's leader.create (the same limit and rules).
 *
 * The analysis runs on the text with its spaces still in (zero-width characters removed, whitespace collapsed,
 * dots unified), since '周明远 郑佳宁' and '副县长 周明远' are told apart by the space that `normalizePersonName`
 * would remove between Han characters; the name returned is `normalizePersonName`d, the title `normalizeText`ed.
 *
 * @example splitLeaderCell('周明远（副县长）') → { ok: true, name: '周明远', title: '副县长' }
 * @example splitLeaderCell('县委常委、副县长 周明远') → { ok: true, name: '周明远', title: '县委常委、副县长' }
 * @example splitLeaderCell('阿不都 • 热合曼') → { ok: true, name: '阿不都·热合曼', title: null }
 * @example splitLeaderCell('周明远、郑佳宁') → { ok: false, message: '一个单元格里有两位领导（周明远、郑佳宁）：…' }
 * @example splitLeaderCell('\u3000') → { ok: false, message: '为空' }
 */
export function splitLeaderCell(
  text: string,
): { ok: true; name: string; title: string | null } | { ok: false; message: string } {
  const bad = badCharacters(text)
  if (bad) return { ok: false, message: bad }
  const titles: string[] = []
  // In a leader cell a line break separates (周明远 + Alt+Enter + 郑佳宁 is two people), unlike in a project name.
  text = text.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ')

  // Brackets first: whatever is in them is a title, and a second person's bracket must not hide the first.
  let rest = unifyDots(
    collapse(
      collapse(text).replace(BRACKETED, (_, inside: string) => {
        if (inside.trim() !== '') titles.push(inside)
        return ' '
      }),
    ),
  )

  // Far longer than a title and a name together: refused before the analysis below (quadratic at worst).
  if (codePoints(rest) > PERSON_NAME_MAX * 4) return tooLong(codePoints(normalizePersonName(rest)))

  // A title before the name: the longest prefix that is a title and leaves at least 2 characters.
  const ends = [...rest.matchAll(TITLE_ENDING_ANYWHERE)].map((m) => m.index + m[0].length).reverse()
  for (const end of ends) {
    const name = rest.slice(end).replace(LEADING_SEPARATORS, '')
    if (codePoints(name) >= 2 && isTitle(rest.slice(0, end))) {
      titles.push(rest.slice(0, end))
      rest = name
      break
    }
  }

  // A title after the name, separated by a space: 周明远 副县长.
  const words = rest.split(' ')
  for (let k = 1; k < words.length; k++) {
    const head = words.slice(0, k).join(' ')
    const tail = words.slice(k).join(' ')
    if (codePoints(head) >= 2 && isTitle(tail)) {
      titles.push(tail)
      rest = head
      break
    }
  }

  const listed = rest
    .split(LIST_SEPARATORS)
    .map((p) => p.trim())
    .filter((p) => p !== '')
  if (listed.length > 1) return severalLeaders(listed.map(normalizePersonName), false)
  rest = listed[0] ?? ''

  const joined = JOINED_BY_AND.exec(normalizePersonName(rest))
  if (joined) return severalLeaders([joined[1]!, joined[2]!], false)

  const spaced = rest.split(' ')
  if (spaced.length > 1 && spaced.every((p) => HAN_NAME.test(p)) && spaced.filter((p) => codePoints(p) >= 2).length > 1)
    return severalLeaders(spaced.map(normalizePersonName), true)

  const title = titles.length > 0 ? normalizeText(titles.map(normalizeText).join('、')) : null
  // 周明远同志: the form of address is not part of the name; 周明远等 names more people than one.
  rest = rest.replace(/\s*同志$/u, '')
  if (/\p{Script=Han}{2,}\s*等$/u.test(rest))
    return {
      ok: false,
      message: `「${normalizeText(rest)}」写着“等”，不止一位领导：每个项目只能有一名包联领导，请只保留一位`,
    }
  const name = normalizePersonName(rest)
  if (/[0-9０-９]/u.test(name))
    return { ok: false, message: `「${name}」中有数字，不像姓名（电话等请填在领导信息里）：请只填姓名` }
  // 周明远副县长: a name and a title run together cannot be split for sure (周明远 + 副县长, or 周明 + 远副县长?).
  if (codePoints(name) >= 3 && HAN_ONLY.test(name) && TITLE_ENDING_AT_END.test(name))
    return { ok: false, message: `「${name}」像是姓名和职务连在一起：请用空格或括号分开，如“周明远（副县长）”` }
  if (name === '') return { ok: false, message: title ? `只有职务（${title}），没有姓名` : '为空' }
  if (/[（）()【】〔〕[\]]/u.test(name)) return { ok: false, message: `姓名「${name}」中有不成对的括号` }
  if (codePoints(name) > PERSON_NAME_MAX) return tooLong(codePoints(name))
  return { ok: true, name, title }
}
