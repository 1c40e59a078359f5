import { describe, expect, it } from 'vitest'
import { parseAmount } from '../../src/shared/amounts'
import { MAX_MONEY } from '../../src/shared/money'

// The one amount parser of forms and the command line, the same reading as the import (parseTextAmount).
describe('amounts typed by a person (万元 unless a unit follows)', () => {
  it.each([
    ['1234.56', 123456],
    ['1,234.5', 123450],
    ['1,230.50', 123050],
    ['０．０１', 1],
    ['１２.３', 1230],
    ['１２３４', 123400],
    ['  12万元 ', 1200],
    ['12.3万', 1230],
    ['1.2亿', 1200000],
    ['12300元', 123],
    ['0', 0],
    ['9999999999.99', MAX_MONEY],
  ])('reads %j as %d hundredths of 万元', (text, expected) => {
    expect(parseAmount(text, '总投资')).toEqual({ ok: true, amount: expected })
  })

  it('reads an empty field as no amount', () => {
    expect(parseAmount('  ', '总投资')).toEqual({ ok: true, amount: null })
  })

  it.each([
    ['12,3万', '逗号不是千位分隔'],
    ['12,3', '逗号不是千位分隔'],
    ['1,2,3.4.5', '两个小数点'],
    ['12.3.4', '两个小数点'],
    ['1亿2000万', '单位写在数字中间'],
    ['abc', '不是金额'],
    ['无', '不是金额'],
    ['1.234', '超过两位小数'],
    ['12345元', '超过两位小数'],
    ['-3', '不能为负数'],
    ['10000000000', '过大'],
  ])('refuses %j (could mean two things, or cannot be stored) and says how to write it', (text, reason) => {
    const read = parseAmount(text, '总投资')
    expect(read.ok).toBe(false)
    if (!read.ok) {
      expect(read.message).toContain('「总投资」')
      expect(read.message).toContain(reason)
    }
  })
})
