import { describe, expect, it } from 'vitest'
import {
  addDays,
  addMonths,
  daysBetween,
  formatDateChinese,
  formatPeriodChinese,
  isIsoDate,
  isPeriod,
  lastDayOfPeriod,
  localToday,
  monthsElapsed,
  scheduleProgress,
} from '../../src/shared/dates'

describe('dates and periods', () => {
  it('validates civil dates, leap years included', () => {
    expect(isIsoDate('2026-11-21')).toBe(true)
    expect(isIsoDate('2028-02-29')).toBe(true)
    expect(isIsoDate('2026-02-29')).toBe(false)
    expect(isIsoDate('2026-13-01')).toBe(false)
    expect(isIsoDate('2026-1-01')).toBe(false)
    expect(isIsoDate('2026-11-21T00:00')).toBe(false)
  })

  it('validates periods', () => {
    expect(isPeriod('2026-10')).toBe(true)
    expect(isPeriod('2026-00')).toBe(false)
    expect(isPeriod('2026-10-01')).toBe(false)
  })

  it('finds the last day of a month', () => {
    expect(lastDayOfPeriod('2026-02')).toBe('2026-02-28')
    expect(lastDayOfPeriod('2028-02')).toBe('2028-02-29')
    expect(lastDayOfPeriod('2026-10')).toBe('2026-10-31')
    expect(lastDayOfPeriod('2026-11')).toBe('2026-11-30')
  })

  it('counts whole months elapsed as docs/rules.md §1 defines 序时进度', () => {
    expect(monthsElapsed('2026-11-21')).toBe(10)
    expect(scheduleProgress('2026-11-21')).toBeCloseTo(10 / 12)
    expect(monthsElapsed('2026-11-30')).toBe(11) // the last day counts its month
    expect(monthsElapsed('2026-12-31')).toBe(12)
    expect(monthsElapsed('2026-01-05')).toBe(0)
    expect(monthsElapsed('2026-01-31')).toBe(1)
    expect(monthsElapsed('2028-02-29')).toBe(2)
    expect(monthsElapsed('2028-02-28')).toBe(1)
  })

  it('adds months and days across year ends', () => {
    expect(addMonths('2026-11', 2)).toBe('2027-01')
    expect(addMonths('2026-01', -1)).toBe('2025-12')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(daysBetween('2026-10-22', '2026-11-21')).toBe(30)
    expect(daysBetween('2026-11-21', '2026-10-22')).toBe(-30)
  })

  it('writes dates the way Chinese offices do', () => {
    expect(formatDateChinese('2026-11-21')).toBe('2026年11月21日')
    expect(formatDateChinese('2026-01-05')).toBe('2026年1月5日')
    expect(formatPeriodChinese('2026-10')).toBe('2026年10月')
  })

  it('takes today from the local calendar', () => {
    expect(localToday(new Date(2026, 10, 21, 23, 59))).toBe('2026-11-21')
  })
})
