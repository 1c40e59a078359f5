/**
 * The first day of a new project's first 包联领导 (the assignment made with the project): one rule for the
 * form (新建项目 → 包联起始日期), the contract (project.create) and the ledger import, so that the months before a
 * project was typed in are not leaderless in the rankings when the leader was already in charge then.
 */
import type { IsoDate } from './dates'

/**
 * The start date when none is chosen — the ledger import's rule (a ledger has no such column): 1 January of
 * the year construction starts, or of this year if it starts later, never after today. `startYear` is the
 * project's 建设起始年份, `today` an ISO date; returns an ISO date.
 */
export function defaultLeaderStart(startYear: number, today: IsoDate): IsoDate {
  const fromYear = Math.min(startYear, Number(today.slice(0, 4)))
  const first = `${fromYear}-01-01`
  return first > today ? today : first
}

/**
 * The assignment's start date: the date chosen (the form's 包联起始日期, default today), else
 * defaultLeaderStart. Returns the ISO date, or the Chinese refusal for a date chosen after today.
 */
export function leaderStart(
  chosen: IsoDate | undefined | null,
  startYear: number,
  today: IsoDate,
): { date: IsoDate } | { error: string } {
  if (!chosen) return { date: defaultLeaderStart(startYear, today) }
  if (chosen > today) return { error: `「包联起始日期」不能晚于今天（${today}），请重新选择` }
  return { date: chosen }
}
