import { describe, expect, it } from 'vitest'
import { cleanFileName, downloadName, photoAge, placeText } from '../../src/shared/attachments'

describe('佐证材料 rules', () => {
  it('saves a file under its kind’s extension, whatever its name says', () => {
    expect(downloadName('复函.pdf', 'application/pdf')).toBe('复函.pdf')
    expect(downloadName('审批意见.exe', 'application/pdf')).toBe('审批意见.pdf')
    expect(downloadName('现场', 'image/jpeg')).toBe('现场.jpg')
    expect(downloadName('IMG_1.JPEG', 'image/jpeg')).toBe('IMG_1.JPEG')
    expect(downloadName(cleanFileName('\u202efdp.exe'), 'application/pdf')).toBe('fdp.pdf')
  })

  it('reads a photo’s age against the day it was attached (30 days and more: old)', () => {
    expect(photoAge('2026-11-20 09:15', '2026-11-21')).toEqual({
      text: '拍摄于2026年11月20日 09:15',
      old: false,
      unknown: false,
    })
    expect(photoAge('2026-10-22 08:00', '2026-11-21').old).toBe(true)
    expect(photoAge('2026-10-23 08:00', '2026-11-21').old).toBe(false)
    expect(photoAge('2026-11-25 08:00', '2026-11-21')).toMatchObject({ old: false, unknown: true })
    expect(photoAge(null, '2026-11-21')).toMatchObject({ unknown: true })
    expect(placeText(-33.8688, -70.6693)).toBe('南纬 33.8688° 西经 70.6693°')
    expect(placeText(null, 1)).toBeNull()
  })
})

describe('催报 rules', () => {
  it("says last month's report as due by the office's day, and late after it", async () => {
    const { reportDue, reportDueText } = await import('../../src/shared/reminders')
    expect(reportDue('2026-12-05', 5)).toEqual({ period: '2026-11', dueOn: '2026-12-05', overdue: false })
    expect(reportDue('2026-12-06', 5)).toEqual({ period: '2026-11', dueOn: '2026-12-05', overdue: true })
    expect(reportDue('2027-01-02', 10)).toEqual({ period: '2026-12', dueOn: '2027-01-10', overdue: false })
    expect(reportDueText(reportDue('2026-12-06', 5))).toBe('11月月报逾期未报（12月5日截止）')
    expect(reportDueText(reportDue('2026-12-01', 5))).toBe('11月月报未报（12月5日前报送）')
  })
})
