/**
 * Which automatic backups to keep: the newest of each of the last 7 days, 4 weeks and 12 months that have one
 * (grandfather-father-son). Backups made by hand or before a migration, import or restore are always kept.
 *
 * A backup's time is the computer's clock when it was made, and office PCs' clocks are sometimes wrong (a dead
 * CMOS battery, set by hand). A backup named later than now is therefore not "the newest": it is kept, but
 * takes no day, week or month, so it can neither crowd out today's real backup nor stop the daily one.
 */

export interface BackupFile {
  name: string
  /** When it was made (UTC ISO). */
  at: string
  automatic: boolean
}

/** How far ahead of the clock a backup's name may be and still count as made now (same-second renames, NTP). */
export const CLOCK_TOLERANCE_MS = 10 * 60_000

/** Whether a backup's name says it was made later than `now` (the clock was ahead then, or is behind now). */
export function namedInFuture(at: string, now: Date): boolean {
  return new Date(at).getTime() - now.getTime() > CLOCK_TOLERANCE_MS
}

const day = (iso: string) => iso.slice(0, 10)
const month = (iso: string) => iso.slice(0, 7)
/** The Monday of the week (UTC) as the week's key. */
function week(iso: string): string {
  const d = new Date(`${day(iso)}T00:00:00Z`)
  const offset = (d.getUTCDay() + 6) % 7
  return new Date(d.getTime() - offset * 86_400_000).toISOString().slice(0, 10)
}

/** Whether `at` is a real time (a name with month 13 or 30 February is no date at all). */
function isRealTime(at: string): boolean {
  const time = new Date(at)
  return !Number.isNaN(time.getTime()) && time.toISOString().slice(0, 19) === at.slice(0, 19)
}

export function backupsToKeep(
  files: BackupFile[],
  keep = { daily: 7, weekly: 4, monthly: 12 },
  now: Date = new Date(),
): Set<string> {
  // A file whose time cannot be read is kept: nothing says it is old.
  const kept = new Set(
    files.filter((f) => !f.automatic || !isRealTime(f.at) || namedInFuture(f.at, now)).map((f) => f.name),
  )
  const automatic = files.filter((f) => !kept.has(f.name)).sort((a, b) => b.at.localeCompare(a.at))
  for (const [period, limit] of [
    [day, keep.daily],
    [week, keep.weekly],
    [month, keep.monthly],
  ] as const) {
    const seen = new Set<string>()
    for (const f of automatic) {
      const key = period(f.at)
      if (seen.has(key)) continue
      if (seen.size >= limit) break
      seen.add(key)
      kept.add(f.name)
    }
  }
  return kept
}
