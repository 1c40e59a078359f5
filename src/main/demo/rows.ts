/**
 * How the demo generator's rows reach the store, inside the caller's write transaction. Each row gets its id
 * here: the table's largest id before the load plus one per row, as SQLite's rowid would be (the demo's fixed
 * content names ids), the same on both stores; afterwards each identity is moved past the ids given
 * (`Dialect.advanceIds`).
 * - PostgreSQL: the rows are kept in a buffer per table and go in with multi-row INSERTs (Kysely), tables in the
 *   order they were declared (parents before children, for the foreign keys), each statement under the
 *   bound-parameter limit of both stores.
 * - A SQLite file: each row goes in at once, through a one-row INSERT that Kysely compiles and better-sqlite3
 *   prepares once per table, on the file's handle (the connection the write transaction is open on; rows come
 *   parents first, so the foreign keys hold row by row) — as the generator did before it served both stores.
 *   Buffering and multi-row queries made a 2,000-project load there a third to a half slower (measured), with
 *   no round trips to save in-process.
 */
import { sql, type Insertable, type Kysely } from 'kysely'
import type { Database } from '../db/schema'
import type { Store } from '../store/port'

/**
 * Bound parameters one statement may carry on both stores: SQLite's limit (SQLITE_MAX_VARIABLE_NUMBER,
 * 32,766 since SQLite 3.32, which better-sqlite3 builds); PostgreSQL's is 65,535.
 */
export const MAX_PARAMETERS = 32_766

/** Rows kept across all tables before they are written: a province-scale load stays flat in memory. */
const FLUSH_AT = 50_000

type Table = keyof Database & string

/** A row as the generator gives it: every column but the id (which the writer assigns). */
export type DemoRow<T extends Table> = Omit<Insertable<Database[T]>, 'id'>

interface Buffer {
  table: Table
  /** The columns written, `id` first when the table has one. */
  columns: string[]
  withId: boolean
  /** The next id to give (withId only). */
  next: number
  /** The buffered rows' values one after another (`columns.length` a row): one array, not one per row. */
  values: unknown[]
  written: number
}

export class DemoWriter {
  private readonly buffers: Buffer[] = []
  private buffered = 0

  /** A writer on the write transaction `db` of `store`. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: Store,
  ) {}

  /**
   * Declares a table to fill (in the order to write: parents before children) and returns its inserter: it
   * buffers the row (on SQLite: inserts it) and returns the row's id (0 for a table without an id column).
   * Reads the table's largest id first.
   */
  async table<T extends Table>(
    table: T,
    columns: readonly (keyof DemoRow<T> & string)[],
    options: { id: boolean } = { id: true },
  ): Promise<(row: DemoRow<T>) => number> {
    let next = 1
    if (options.id) {
      const found = await sql<{ m: number | null }>`SELECT max(id) AS m FROM ${sql.table(table)}`.execute(this.db)
      next = Number(found.rows[0]?.m ?? 0) + 1
    }
    const buffer: Buffer = {
      table,
      columns: options.id ? ['id', ...columns] : [...columns],
      withId: options.id,
      next,
      values: [],
      written: 0,
    }
    this.buffers.push(buffer)
    const handle = this.store.file?.handle
    if (handle) {
      const insert = handle.prepare(this.query(buffer, Array<null>(buffer.columns.length).fill(null)).compile().sql)
      return (row) => {
        const values: unknown[] = options.id ? [buffer.next] : []
        for (const c of columns) values.push((row as Record<string, unknown>)[c] ?? null)
        insert.run(values)
        buffer.written++
        return options.id ? buffer.next++ : 0
      }
    }
    return (row) => {
      if (options.id) buffer.values.push(buffer.next)
      for (const c of columns) buffer.values.push((row as Record<string, unknown>)[c] ?? null)
      this.buffered++
      return options.id ? buffer.next++ : 0
    }
  }

  /** Whether enough is buffered to write it now (`flush` between rows, e.g. after each project). */
  get full(): boolean {
    return this.buffered >= FLUSH_AT
  }

  /** Writes every buffered row, tables in the declared order. */
  async flush(): Promise<void> {
    for (const buffer of this.buffers) {
      const width = buffer.columns.length
      const perStatement = Math.floor(MAX_PARAMETERS / width) * width
      for (let i = 0; i < buffer.values.length; i += perStatement)
        await this.insert(buffer, buffer.values.slice(i, i + perStatement))
      buffer.written += buffer.values.length / width
      buffer.values = []
    }
    this.buffered = 0
  }

  /** Writes the rest and moves each filled table's identity past the ids given (inside the transaction). */
  async finish(): Promise<void> {
    await this.flush()
    for (const buffer of this.buffers)
      if (buffer.withId && buffer.written > 0) await this.store.dialect.advanceIds(this.db, buffer.table)
  }

  /** Inserts the rows whose values (one after another) are `values`. */
  private async insert(buffer: Buffer, values: unknown[]): Promise<void> {
    await this.query(buffer, values).execute()
  }

  /** The multi-row INSERT of the rows in `values` (Kysely). */
  private query(buffer: Buffer, values: unknown[]) {
    const width = buffer.columns.length
    const objects = Array.from({ length: values.length / width }, (_, r) =>
      Object.fromEntries(buffer.columns.map((c, k) => [c, values[r * width + k]])),
    )
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table is generic here; its columns were checked in table()
    return (this.db.insertInto(buffer.table) as any).values(objects) as {
      execute(): Promise<unknown>
      compile(): { sql: string }
    }
  }
}
