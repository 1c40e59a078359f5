/** The one normalisation of names (issue 14): forms, contract, import and search all go through names.ts. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  PERSON_NAME_MAX,
  badCharacters,
  codePoints,
  normalizePersonName,
  normalizeText,
  splitLeaderCell,
} from '../../src/shared/names'

const LONG_MINORITY_NAME = '阿卜杜热合曼·买买提依明·艾则孜江·吐尔逊'

describe('codePoints', () => {
  it('counts characters, not UTF-16 units', () => {
    expect(codePoints('')).toBe(0)
    expect(codePoints('王伟')).toBe(2)
    expect('𠮷庆林'.length).toBe(4)
    expect(codePoints('𠮷庆林')).toBe(3)
    expect(codePoints('𠮷𠮷')).toBe(2)
    expect(codePoints(LONG_MINORITY_NAME)).toBe(21)
  })

  it('counts a lone surrogate as one', () => {
    expect(codePoints('\ud842庆')).toBe(2)
    expect(codePoints('庆\udfb7')).toBe(2)
  })
})

describe('badCharacters', () => {
  it('refuses NUL and other C0 controls with a Chinese message', () => {
    expect(badCharacters('王\u0000伟')).toBe('含有无法保存的控制字符（NUL）')
    expect(badCharacters('王\u001b伟')).toBe('含有无法保存的控制字符（U+001B）')
    expect(badCharacters('\u0007')).toBe('含有无法保存的控制字符（U+0007）')
  })

  it('allows tab, CR and LF (multi-line text keeps them)', () => {
    expect(badCharacters('第一行\r\n第二行\t完')).toBeNull()
  })

  it('refuses lone surrogates, high or low, and accepts a pair', () => {
    const message = '含有残缺的字符（不成对的代理项），请重新输入'
    expect(badCharacters('\ud842庆林')).toBe(message)
    expect(badCharacters('庆林\ud842')).toBe(message)
    expect(badCharacters('庆\udfb7林')).toBe(message)
    expect(badCharacters('\udfb7\ud842')).toBe(message)
    expect(badCharacters('𠮷庆林')).toBeNull()
    expect(badCharacters('')).toBeNull()
  })
})

describe('normalizeText', () => {
  it.each([
    ['王　伟', '王伟'],
    ['王伟\u200b', '王伟'],
    ['郑佳宁\u00a0', '郑佳宁'],
    ['\ufeff  县发改局 ', '县发改局'],
    ['智能装备\n产业园', '智能装备产业园'],
    ['智能装备\r\n产业园', '智能装备产业园'],
    ['智能装备\u2028产业园\u0085', '智能装备产业园'],
    ['G312\n国道改造', 'G312国道改造'], // Alt+Enter next to a Han character: removed, not a space
    ['Smith\nJohn', 'Smith John'], // between Latin words: a space
    ['年产10万吨 \u200d 项目', '年产10万吨项目'],
    ['某某项目 （一期）', '某某项目（一期）'],
    ['𠮷 庆林', '𠮷庆林'],
  ])('%j → %j', (input, output) => {
    expect(normalizeText(input)).toBe(output)
  })

  it('keeps one space where Latin letters or digits are on a side', () => {
    expect(normalizeText('PPP  项目')).toBe('PPP 项目')
    expect(normalizeText('2026 年')).toBe('2026 年')
    expect(normalizeText('Smith\u3000\u3000John')).toBe('Smith John')
    expect(normalizeText('5G\t基站')).toBe('5G 基站')
  })

  it('collapses every kind of space', () => {
    expect(normalizeText('a\u2002\u2003\u2009\u202f\u205f\u00a0\tb')).toBe('a b')
  })

  it('makes empty what is only whitespace and invisible characters', () => {
    expect(normalizeText('')).toBe('')
    expect(normalizeText(' \u3000\u00a0\u200b\ufeff\n\r\t\u2060\u180e')).toBe('')
  })

  it('does not touch middle dots (those are for names of people)', () => {
    expect(normalizeText('城市•家园')).toBe('城市•家园')
  })
})

describe('normalizePersonName', () => {
  it.each([
    ['王　伟', '王伟'],
    ['王伟\u200b', '王伟'],
    ['郑佳宁\u00a0', '郑佳宁'],
    ['阿不都•热合曼', '阿不都·热合曼'],
    ['阿不都・热合曼', '阿不都·热合曼'],
    ['阿不都．热合曼', '阿不都·热合曼'],
    ['阿不都‧热合曼', '阿不都·热合曼'],
    ['阿不都･热合曼', '阿不都·热合曼'],
    ['阿不都∙热合曼', '阿不都·热合曼'],
    ['阿不都⋅热合曼', '阿不都·热合曼'],
    ['阿不都\u0387热合曼', '阿不都·热合曼'],
    ['阿不都\u2e31热合曼', '阿不都·热合曼'],
    ['阿不都\u318d热合曼', '阿不都·热合曼'],
    ['阿不都\u16eb热合曼', '阿不都·热合曼'],
    ['阿不都.热合曼', '阿不都·热合曼'],
    ['阿不都。热合曼', '阿不都·热合曼'],
    ['阿不都 · 热合曼', '阿不都·热合曼'],
    ['阿不都　•　热合曼', '阿不都·热合曼'],
    ['阿不都··热合曼', '阿不都·热合曼'],
    ['阿不都•·热合曼', '阿不都·热合曼'],
    ['阿不都..热合曼', '阿不都·热合曼'],
    ['阿不都.·热合曼', '阿不都·热合曼'],
    ['𠮷庆林', '𠮷庆林'],
    [LONG_MINORITY_NAME, LONG_MINORITY_NAME],
  ])('%j → %j', (input, output) => {
    expect(normalizePersonName(input)).toBe(output)
  })

  it('keeps 𠮷 intact and counted as one', () => {
    const name = normalizePersonName(' 𠮷庆林\u3000')
    expect(name).toBe('𠮷庆林')
    expect(codePoints(name)).toBe(3)
    expect(name.codePointAt(0)).toBe(0x20bb7)
  })

  it('keeps a full stop that is not between two letters, and spaces between Latin words', () => {
    expect(normalizePersonName('Mr. Smith')).toBe('Mr. Smith')
    expect(normalizePersonName('John  Smith')).toBe('John Smith')
    expect(normalizePersonName('John • Smith')).toBe('John·Smith')
  })
})

describe('splitLeaderCell', () => {
  it.each([
    ['周明远', '周明远', null],
    ['周明远（副县长）', '周明远', '副县长'],
    ['周明远(常务副县长)', '周明远', '常务副县长'],
    ['周明远 (常务副县长)', '周明远', '常务副县长'],
    ['（副县长）周明远', '周明远', '副县长'],
    ['副县长 周明远', '周明远', '副县长'],
    ['副县长　周明远', '周明远', '副县长'],
    ['副县长周明远', '周明远', '副县长'],
    ['副县长：周明远', '周明远', '副县长'],
    ['县委常委、副县长 周明远', '周明远', '县委常委、副县长'],
    ['县委常委、副县长周明远', '周明远', '县委常委、副县长'],
    ['县委副书记 周明远', '周明远', '县委副书记'],
    ['县政府党组成员 周明远', '周明远', '县政府党组成员'],
    ['县人大常委会副主任 周明远', '周明远', '县人大常委会副主任'],
    ['旗长 巴特尔', '巴特尔', '旗长'],
    ['周明远 副县长', '周明远', '副县长'],
    ['副县长 阿不都 • 热合曼', '阿不都·热合曼', '副县长'],
    ['王　伟', '王伟', null],
    ['王 伟明', '王伟明', null],
    ['郑佳宁\u00a0', '郑佳宁', null],
    ['阿不都•热合曼', '阿不都·热合曼', null],
    ['𠮷庆林', '𠮷庆林', null],
    [LONG_MINORITY_NAME, LONG_MINORITY_NAME, null],
    ['John Smith', 'John Smith', null],
    ['周明远、', '周明远', null],
  ])('%j → %j, title %j', (cell, name, title) => {
    expect(splitLeaderCell(cell)).toEqual({ ok: true, name, title })
  })

  it('splits a glued title only when at least two characters remain; a title glued after the name is refused', () => {
    // 周明远副县长 could be 周明远 + 副县长 or 周明 + 远副县长: not split by guess.
    expect(splitLeaderCell('李县长')).toMatchObject({
      ok: false,
      message: expect.stringContaining('像是姓名和职务连在一起'),
    })
    expect(splitLeaderCell('周明远副县长')).toMatchObject({ ok: false })
    expect(splitLeaderCell('县长李')).toEqual({ ok: true, name: '县长李', title: null })
    expect(splitLeaderCell('县长李明')).toEqual({ ok: true, name: '李明', title: '县长' })
    expect(splitLeaderCell('常委明')).toEqual({ ok: true, name: '常委明', title: null })
  })

  it.each([
    ['周明远、郑佳宁', '两位领导（周明远、郑佳宁）'],
    ['周明远，郑佳宁', '两位领导（周明远、郑佳宁）'],
    ['周明远,郑佳宁', '两位领导（周明远、郑佳宁）'],
    ['周明远；郑佳宁', '两位领导（周明远、郑佳宁）'],
    ['周明远;郑佳宁', '两位领导（周明远、郑佳宁）'],
    ['周明远/郑佳宁', '两位领导（周明远、郑佳宁）'],
    ['周明远／郑佳宁', '两位领导（周明远、郑佳宁）'],
    ['周明远和郑佳宁', '两位领导（周明远、郑佳宁）'],
    ['周明远 及 郑佳宁', '两位领导（周明远、郑佳宁）'],
    ['周明远 郑佳宁', '两位领导（周明远、郑佳宁）'],
    ['周明远　郑佳宁', '两位领导（周明远、郑佳宁）'],
    ['周明远\n郑佳宁', '两位领导（周明远、郑佳宁）'],
    ['周明远（副县长）、郑佳宁（副县长）', '两位领导（周明远、郑佳宁）'],
    ['副县长 周明远、郑佳宁', '两位领导（周明远、郑佳宁）'],
    ['周明远、郑佳宁、李强', '三位领导（周明远、郑佳宁、李强）'],
  ])('refuses two leaders in one cell: %j', (cell, part) => {
    const result = splitLeaderCell(cell)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.message).toContain(`一个单元格里有${part}`)
    expect(result.message).toContain('每个项目只能有一名包联领导，请只保留一位')
  })

  it('tells how to write one name when two Han parts are separated by a space', () => {
    const result = splitLeaderCell('阿不都 热合曼')
    expect(result).toMatchObject({ ok: false })
    expect(!result.ok && result.message).toContain('如果是一个人的姓名，请去掉中间的空格')
  })

  it('keeps a name with 和 that is not two names', () => {
    expect(splitLeaderCell('王和平')).toEqual({ ok: true, name: '王和平', title: null })
    expect(splitLeaderCell('陈振和')).toEqual({ ok: true, name: '陈振和', title: null })
  })

  it('refuses an empty cell, a title without a name, a name too long, and bad characters', () => {
    expect(splitLeaderCell('')).toEqual({ ok: false, message: '为空' })
    expect(splitLeaderCell(' \u3000\u200b\n')).toEqual({ ok: false, message: '为空' })
    expect(splitLeaderCell('（副县长）')).toEqual({ ok: false, message: '只有职务（副县长），没有姓名' })
    const long = splitLeaderCell('阿'.repeat(PERSON_NAME_MAX + 1))
    expect(long).toEqual({ ok: false, message: `姓名过长（${PERSON_NAME_MAX + 1}个字），最多${PERSON_NAME_MAX}个字` })
    expect(splitLeaderCell('𠮷'.repeat(PERSON_NAME_MAX))).toEqual({
      ok: true,
      name: '𠮷'.repeat(PERSON_NAME_MAX),
      title: null,
    })
    expect(splitLeaderCell('周\u0000明远')).toEqual({ ok: false, message: '含有无法保存的控制字符（NUL）' })
    expect(splitLeaderCell('\ud842明远')).toEqual({
      ok: false,
      message: '含有残缺的字符（不成对的代理项），请重新输入',
    })
    expect(splitLeaderCell('县长'.repeat(20_000)).ok).toBe(false)
  })
})

describe('properties', () => {
  // Strings made of the characters that matter here, mixed with arbitrary code points (astral ones included).
  const tricky = fc.constantFrom(
    ...[' ', '\u3000', '\u00a0', '\t', '\n', '\r', '\u2028', '\u0085', '\u200b', '\u200d', '\ufeff', '\u2060'],
    ...['·', '•', '・', '．', '‧', '･', '.', '。', '、', '（', '）', '(', ')', '和'],
    ...['王', '伟', '阿', '不', '都', '𠮷', 'a', 'B', '1', '副', '县长', '书记'],
  )
  const text = fc.oneof(
    fc.array(tricky, { maxLength: 30 }).map((a) => a.join('')),
    fc.string({ unit: 'binary', maxLength: 30 }),
  )
  const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff\u180e]/

  it('normalising twice changes nothing', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(normalizeText(normalizeText(s))).toBe(normalizeText(s))
        expect(normalizePersonName(normalizePersonName(s))).toBe(normalizePersonName(s))
      }),
      { numRuns: 2000 },
    )
  })

  it('never lengthens, leaves no zero-width character, no edge space, no double space', () => {
    fc.assert(
      fc.property(text, (s) => {
        for (const out of [normalizeText(s), normalizePersonName(s)]) {
          expect(out.length).toBeLessThanOrEqual(s.length)
          expect(codePoints(out)).toBeLessThanOrEqual(codePoints(s))
          expect(out).not.toMatch(ZERO_WIDTH)
          expect(out).toBe(out.trim())
          expect(out).not.toMatch(/\s\s|[\n\r\t\u3000\u00a0]/)
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('keeps every character outside the BMP', () => {
    fc.assert(
      fc.property(text, (s) => {
        const astral = (t: string) => [...t].filter((c) => c.codePointAt(0)! > 0xffff)
        expect(astral(normalizePersonName(s))).toEqual(astral(s))
      }),
      { numRuns: 1000 },
    )
  })

  it('a leader cell gives a normalised name within the limit, or a message', () => {
    fc.assert(
      fc.property(text, (s) => {
        const result = splitLeaderCell(s)
        if (!result.ok) {
          expect(result.message).not.toBe('')
          return
        }
        expect(result.name).not.toBe('')
        expect(normalizePersonName(result.name)).toBe(result.name)
        expect(codePoints(result.name)).toBeLessThanOrEqual(PERSON_NAME_MAX)
        expect(result.name).not.toMatch(/[、，,；;/／]/)
      }),
      { numRuns: 2000 },
    )
  })
})
