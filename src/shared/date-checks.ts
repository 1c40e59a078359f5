/**
 * Dates that contradict each other, defined once for the contract's schemas, the services and the forms.
 *
 * - **Impossible** combinations are refused: a project's years and planned dates by the contract's schemas
 *   (INVALID_INPUT) and again by the service on the merged record; the rest by the services (RULE), which know
 *   today and the stored record (a completion date in the future, a problem closed before it was raised). The
 *   refusal is a Chinese message with the field's path in `issues` (forms show it under the field); nothing
 *   is changed.
 * - **Unusual** combinations (a planned start outside the project's 建设年限, a milestone planned years before
 *   the project, a date far beyond its end) are accepted by the contract — an office may have good reasons,
 *   and the import and the command line must take them — but a form says so under the field and does not save
 *   until the user has confirmed each one (「确认无误」). The server never needs a confirmation flag: what it
 *   accepts is possible, what is impossible it refuses whoever asks.
 *
 * Every function returns a list of `DateIssue` (empty: nothing to say), the path being the input's field.
 * Dates are ISO civil dates ("2026-11-21"), compared as strings; years are whole numbers.
 */
import type { IsoDate } from './dates'
import { AppError, type FieldIssue } from './errors'

/** A date is impossible outside the years a project can be built in (the same range as 建设年份). */
export const FIRST_YEAR = 1990
export const LAST_YEAR = 2100
/** A date before this year is unusual (typed 2019 for 2029, a copied old ledger). */
export const UNUSUAL_BEFORE_YEAR = 2000
/** A date more than this many years after the project's 建设结束年份 is unusual. */
export const FAR_AFTER_END_YEARS = 5
/** A milestone or problem dated more than this many years before the project's 建设起始年份 is unusual. */
export const EARLY_BEFORE_START_YEARS = 1

export type DateIssue = FieldIssue

/** The project's 建设年限 (start_year–end_year), what the unusual checks compare with. */
export interface ProjectYears {
  startYear: number
  endYear: number
}

const yearOf = (date: IsoDate) => Number(date.slice(0, 4))
const q = (label: string) => `「${label}」`

/** Whether a date lies in the years the product takes at all (1990–2100). */
export function inYearRange(date: IsoDate): boolean {
  const y = yearOf(date)
  return y >= FIRST_YEAR && y <= LAST_YEAR
}

/** The refusal of a date outside 1990–2100 (fields.ts `date`), e.g. 「计划完成日期」应在1990年至2100年之间. */
export function outOfRangeMessage(label: string): string {
  return `${q(label)}应在${FIRST_YEAR}年至${LAST_YEAR}年之间，请核对年份`
}

// ---- impossible

/**
 * A project's years and planned dates: 建设结束年份 before 建设起始年份, 计划竣工日期 before 计划开工日期. Fields
 * that are absent or null are not checked (an update sends only what changed: the service checks the merged
 * record with the same function).
 */
export function projectDateErrors(v: {
  startYear?: number
  endYear?: number
  plannedStart?: IsoDate | null
  plannedEnd?: IsoDate | null
}): DateIssue[] {
  const issues: DateIssue[] = []
  if (v.startYear !== undefined && v.endYear !== undefined && v.endYear < v.startYear)
    issues.push({ path: 'endYear', message: '「建设结束年份」不能早于「建设起始年份」' })
  if (v.plannedStart && v.plannedEnd && v.plannedEnd < v.plannedStart)
    issues.push({ path: 'plannedEnd', message: '「计划竣工日期」不能早于「计划开工日期」' })
  return issues
}

/**
 * A project's actual dates, set by moving it on the kanban: reaching 竣工投产 on a date before its actual start
 * (签约 → 开工) is impossible.
 */
export function actualDateErrors(v: { actualStart: IsoDate | null; actualEnd: IsoDate | null }): DateIssue[] {
  return v.actualStart && v.actualEnd && v.actualEnd < v.actualStart
    ? [
        {
          path: 'date',
          message: `「竣工投产日期」${v.actualEnd}不能早于项目的实际开工日期${v.actualStart}`,
        },
      ]
    : []
}

/** A date that says something was done (completed, closed, raised, moved) cannot be later than today. */
export function notAfterToday(path: string, label: string, date: IsoDate | null | undefined, today: IsoDate) {
  return date && date > today ? [{ path, message: `${q(label)}不能晚于今天（${today}）` }] : []
}

/**
 * A problem's dates: raised after today, a deadline before it was raised, closed before it was raised or after
 * today. `today` omitted (the schemas, which do not know the server's day) checks only the order.
 */
export function problemDateErrors(
  v: { raisedOn?: IsoDate; deadline?: IsoDate; closedOn?: IsoDate | null },
  today?: IsoDate,
): DateIssue[] {
  const issues: DateIssue[] = []
  if (today) issues.push(...notAfterToday('raisedOn', '提出日期', v.raisedOn, today))
  if (v.raisedOn && v.deadline && v.deadline < v.raisedOn)
    issues.push({ path: 'deadline', message: `「办结时限」不能早于「提出日期」（${v.raisedOn}）` })
  if (v.raisedOn && v.closedOn && v.closedOn < v.raisedOn)
    issues.push({ path: 'closedOn', message: `「销号日期」不能早于「提出日期」（${v.raisedOn}）` })
  if (today) issues.push(...notAfterToday('closedOn', '销号日期', v.closedOn, today))
  return issues
}

/** A milestone's actual completion date cannot be in the future. */
export function completionDateErrors(actualDate: IsoDate, today: IsoDate): DateIssue[] {
  return notAfterToday('actualDate', '实际完成日期', actualDate, today)
}

/** Throws RULE with the issues (each under its field in a form) when there are any. */
export function refuseImpossible(issues: DateIssue[]): void {
  if (issues.length) throw new AppError('RULE', issues.map((i) => i.message).join('；'), issues)
}

// ---- unusual

function outsideYears(path: string, label: string, date: IsoDate | null | undefined, years: ProjectYears) {
  if (!date || !inYearRange(date)) return [] // out of 1990–2100: refused, not merely unusual
  const y = yearOf(date)
  const span = `建设年限（${years.startYear}—${years.endYear}年）`
  if (y < years.startYear) return [{ path, message: `${q(label)}${date}早于项目的${span}` }]
  if (y > years.endYear) return [{ path, message: `${q(label)}${date}晚于项目的${span}` }]
  return []
}

/**
 * A date of work on the project (a milestone's plan, a problem's dates): before 2000, more than a year before
 * the year the project starts, or more than five years after the year it ends.
 */
function farFromProject(path: string, label: string, date: IsoDate | null | undefined, years: ProjectYears) {
  if (!date || !inYearRange(date)) return [] // out of 1990–2100: refused, not merely unusual
  const y = yearOf(date)
  if (y < UNUSUAL_BEFORE_YEAR) return [{ path, message: `${q(label)}${date}早于${UNUSUAL_BEFORE_YEAR}年` }]
  if (y < years.startYear - EARLY_BEFORE_START_YEARS)
    return [{ path, message: `${q(label)}${date}比项目建设起始年份（${years.startYear}年）早一年以上` }]
  if (y > years.endYear + FAR_AFTER_END_YEARS)
    return [
      {
        path,
        message: `${q(label)}${date}比项目建设结束年份（${years.endYear}年）晚${FAR_AFTER_END_YEARS}年以上`,
      },
    ]
  return []
}

/** A project's planned start or completion outside its own 建设年限 (a 2025 start for a project built 2026–2027). */
export function projectDateWarnings(v: {
  startYear: number
  endYear: number
  plannedStart: IsoDate | null
  plannedEnd: IsoDate | null
}): DateIssue[] {
  if (v.endYear < v.startYear) return [] // impossible, refused on its own
  return [
    ...outsideYears('plannedStart', '计划开工日期', v.plannedStart, v),
    ...outsideYears('plannedEnd', '计划竣工日期', v.plannedEnd, v),
  ]
}

/** A milestone planned before 2000, more than a year before the project starts, or long after it ends. */
export function milestoneDateWarnings(plannedDate: IsoDate | null | undefined, years: ProjectYears): DateIssue[] {
  return farFromProject('plannedDate', '计划完成日期', plannedDate, years)
}

/** A problem raised long before the project, or given a deadline long after it ends. */
export function problemDateWarnings(
  v: { raisedOn?: IsoDate | null; deadline?: IsoDate | null },
  years: ProjectYears,
): DateIssue[] {
  return [
    ...farFromProject('raisedOn', '提出日期', v.raisedOn, years),
    ...farFromProject('deadline', '办结时限', v.deadline, years),
  ]
}
