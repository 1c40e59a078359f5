/**
 * Rows split for multi-row statements: each batch binds at most PARAMETERS values, under the limits of both
 * stores (SQLite 32,766 bound parameters since 3.32, PostgreSQL 65,535), so one statement carries hundreds of
 * rows — on PostgreSQL each statement is a round trip, which is what makes a row-at-a-time import slow.
 */
const PARAMETERS = 20_000

/** `rows` in order, in batches of at most PARAMETERS / `columns` rows (at least one row each). */
export function batches<T>(rows: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(PARAMETERS / Math.max(1, columns)))
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}
