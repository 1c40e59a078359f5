import { describe, expect, it } from 'vitest'
import { MAX_MONEY, formatMoney, isMoney, sumMoney } from '../../src/shared/money'
import { parseAmount } from '../../src/shared/amounts'

describe('money (万元, two decimals, as integers)', () => {
  it('formats with grouping and two decimals', () => {
    expect(formatMoney(123456)).toBe('1,234.56')
    expect(formatMoney(5)).toBe('0.05')
    expect(formatMoney(-150)).toBe('-1.50')
    expect(formatMoney(100000000, { grouping: false })).toBe('1000000.00')
  })

  it('groups thousands at every length as the en-US locale does (without paying for Intl)', () => {
    for (let digits = 1; digits <= 13; digits++) {
      const whole = Number('9876543210123456'.slice(0, digits))
      const intl = whole.toLocaleString('en-US')
      expect(formatMoney(whole * 100 + 7)).toBe(`${intl}.07`)
      expect(formatMoney(-(whole * 100 + 7))).toBe(`-${intl}.07`)
    }
  })

  it('sums without the drift a float sum shows', () => {
    const tenths = Array.from({ length: 1000 }, () => 10) // 0.10 万元 each
    expect(sumMoney(tenths)).toBe(10000)
    expect(formatMoney(sumMoney(tenths))).toBe('100.00')
    // The same sum in floats is not exact: the reason money is never stored as a float.
    expect(Array.from({ length: 1000 }, () => 0.1).reduce((a, b) => a + b, 0)).not.toBe(100)
  })

  it('round-trips every formatted amount through the amount parser', () => {
    for (const amount of [0, 1, 99, 100, 123456, 987654321, MAX_MONEY]) {
      expect(parseAmount(formatMoney(amount))).toEqual({ ok: true, amount })
      expect(parseAmount(formatMoney(amount, { grouping: false }))).toEqual({ ok: true, amount })
    }
  })

  it('knows a stored amount', () => {
    expect(isMoney(100)).toBe(true)
    expect(isMoney(1.5)).toBe(false)
    expect(isMoney(MAX_MONEY + 1)).toBe(false)
    expect(isMoney('100')).toBe(false)
  })
})
