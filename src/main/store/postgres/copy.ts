/**
 * Copies every row of a SQLite database into a PostgreSQL database of the same schema version, ids kept:
 * tables in the order their foreign keys need, rows in batches, each identity moved past the largest id
 * copied (so the next row the server makes does not collide). Used for a new server database's starting rows
 * (those of a freshly migrated SQLite database: one source for both stores) and for moving a desktop's data
 * to the server. Runs on the caller's client, inside the caller's transaction.
 */
import type pg from 'pg'
import type { SqliteDb } from '../../db/open'
import { advanceIdentityQuery } from '../dialects'

/** Tables of the SQLite database, parents before children (by PRAGMA foreign_key_list). */
/**
 * Tables that are not the office's data and are not copied: each store's own upgrade steps, and the logins,
 * rate-limit counters and running jobs of the place the data was (everyone logs in again on the server).
 */
export const NOT_COPIED: ReadonlySet<string> = new Set(['migrations', 'sessions', 'rate_limits', 'jobs'])

/** The data tables to copy, parents before children. */
export const tablesToCopy = (sqlite: SqliteDb): string[] =>
  tablesInForeignKeyOrder(sqlite).filter((t) => !NOT_COPIED.has(t))

export function tablesInForeignKeyOrder(sqlite: SqliteDb): string[] {
  const names = (
    sqlite
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .all() as { name: string }[]
  ).map((r) => r.name)
  const parents = new Map(
    names.map((name) => [
      name,
      (sqlite.prepare(`SELECT "table" AS t FROM pragma_foreign_key_list(?)`).all(name) as { t: string }[])
        .map((r) => r.t)
        .filter((t) => t !== name),
    ]),
  )
  const ordered: string[] = []
  const visit = (name: string, path: Set<string>) => {
    if (ordered.includes(name)) return
    if (path.has(name)) throw new Error(`foreign keys form a cycle at ${name}`)
    path.add(name)
    for (const parent of parents.get(name) ?? []) visit(parent, path)
    path.delete(name)
    ordered.push(name)
  }
  for (const name of names) visit(name, new Set())
  return ordered
}

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table (20 columns). */
const BATCH = 1000
/** Bytes per INSERT, for tables of files (佐证材料: up to 20 MB a row): one statement never holds hundreds of MB. */
const BATCH_BYTES = 32 * 1024 * 1024

export interface CopyCounts {
  [table: string]: number
}

/**
 * Inserts every row of `tables` (default: all but `migrations`) from `sqlite` into the database `client` is
 * connected to. `onProgress` is told after each batch. Returns the rows copied per table.
 */
export async function copyRows(
  sqlite: SqliteDb,
  client: pg.ClientBase,
  options: {
    tables?: string[]
    /** Told when a table starts (so a failure can name it) and after each batch. */
    onTable?: (table: string) => void
    onProgress?: (table: string, rows: number) => void
  } = {},
): Promise<CopyCounts> {
  const counts: CopyCounts = {}
  const tables = options.tables ?? tablesToCopy(sqlite)
  for (const table of tables) {
    options.onTable?.(table)
    const columns = (
      sqlite.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).all(table) as {
        name: string
      }[]
    ).map((c) => c.name)
    const list = columns.map((c) => `"${c}"`).join(', ')
    let batch: unknown[][] = []
    let batchBytes = 0
    let copied = 0
    const flush = async () => {
      if (!batch.length) return
      const values = batch
        .map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
        .join(', ')
      await client.query(`INSERT INTO "${table}" (${list}) OVERRIDING SYSTEM VALUE VALUES ${values}`, batch.flat())
      copied += batch.length
      options.onProgress?.(table, copied)
      batch = []
      batchBytes = 0
    }
    for (const row of sqlite.prepare(`SELECT ${list} FROM "${table}" ORDER BY rowid`).raw().iterate() as Iterable<
      unknown[]
    >) {
      batch.push(row)
      for (const value of row) if (Buffer.isBuffer(value)) batchBytes += value.length
      if (batch.length >= BATCH || batchBytes >= BATCH_BYTES) await flush()
    }
    await flush()
    counts[table] = copied
    if (columns.includes('id') && copied > 0) {
      const query = advanceIdentityQuery(table)
      await client.query(query.text, query.values)
    }
  }
  return counts
}
