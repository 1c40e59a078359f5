/**
 * What a stage move (五个一批, docs/rules.md §1) does to a project's actual dates: reaching 开工建设 from an earlier
 * stage sets the actual start (if none), reaching 竣工投产 sets the actual end (if none); moving back before a
 * stage clears the date that stage set.
 */
import type { IsoDate } from '../dates'
import { STAGES, type Stage } from '../domain'

export interface ActualDates {
  actualStart: IsoDate | null
  actualEnd: IsoDate | null
}

/** The actual start and end after moving from `from` to `to` on `movedOn` (ISO date). */
export function datesAfterMove(from: Stage, to: Stage, movedOn: IsoDate, before: ActualDates): ActualDates {
  if (from === to) return { ...before }
  const fromIndex = STAGES.indexOf(from)
  const toIndex = STAGES.indexOf(to)
  const construction = STAGES.indexOf('construction')
  const production = STAGES.indexOf('production')
  let { actualStart, actualEnd } = before
  if (toIndex >= construction && fromIndex < construction && !actualStart) actualStart = movedOn
  if (toIndex < construction) actualStart = null
  if (toIndex === production && !actualEnd) actualEnd = movedOn
  if (toIndex < production) actualEnd = null
  return { actualStart, actualEnd }
}
