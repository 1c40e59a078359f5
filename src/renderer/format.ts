/** How numbers, dates and states read on screen: 万元 with two decimals, 2026年11月21日, Chinese labels. */
import { formatDateChinese, formatLocalDateTime, formatPeriodChinese } from '../shared/dates'
import { formatMoney } from '../shared/money'
import { formatScore } from '../shared/rules/ranking'
import type { Light } from '../shared/rules/types'

export const money = (v: number | null | undefined) => (v === null || v === undefined ? '—' : formatMoney(v))
export const wan = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${formatMoney(v)} 万元`)
export const date = (v: string | null | undefined) => (v ? formatDateChinese(v) : '—')
/** A moment as the local clock reads it: 2026-11-21 09:05. */
export const dateTime = (iso: string) => formatLocalDateTime(iso)
export const period = (v: string) => formatPeriodChinese(v)
export const percent = (hundredths: number | null | undefined) =>
  hundredths === null || hundredths === undefined ? '—' : `${formatScore(hundredths)}%`
export const score = (hundredths: number | null | undefined) => formatScore(hundredths ?? null)

export const LIGHT_TEXT: Record<Light, string> = { red: '红灯', yellow: '黄灯', green: '绿灯' }
export const LIGHT_COLOR: Record<Light, string> = { red: '#c62828', yellow: '#e0a100', green: '#2e7d32' }
