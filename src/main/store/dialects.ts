/**
 * The two dialects' differences as the services meet them (store/port.ts Dialect), each written once.
 * `dialectOf(db)` finds the one of a Kysely instance (or transaction) from its adapter, so that a query
 * function that only has `db` can name a difference without the store being passed down to it.
 */
import { CompiledQuery, PostgresAdapter, sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema'
import type { Dialect } from './port'

export const SQLITE_DIALECT: Dialect = {
  likeIgnoringCase: (column, pattern) => sql<boolean>`${sql.ref(column)} LIKE ${pattern} ESCAPE '\\'`,
  // The column is declared COLLATE NOCASE (users.login): a plain = folds ASCII case and uses its index.
  equalsIgnoringCase: (column, value) => sql<boolean>`${sql.ref(column)} = ${value}`,
  // SQLite's unary + makes the key an expression: the planner does not walk the key's own index for the
  // grouping and takes the covering index of the WHERE instead (monthly_reports: this year's rows only).
  groupKey: (column) => sql`+${sql.ref(column)}`,
  advanceIds: async () => {}, // the next rowid is max(rowid) + 1
  async withTriggersOff(db, triggers, fn) {
    const kept = await db
      .selectFrom(sql<{ type: string; name: string; sql: string }>`sqlite_master`.as('m'))
      .select(['m.name', 'm.sql'])
      .where('m.type', '=', 'trigger')
      .where('m.name', 'in', [...triggers])
      .execute()
    if (kept.length !== triggers.length)
      throw new Error(`withTriggersOff: not every trigger of ${triggers.join(', ')} exists`)
    for (const t of kept) await sql`DROP TRIGGER ${sql.id(t.name)}`.execute(db)
    const result = await fn()
    for (const t of kept) await sql.raw(t.sql).execute(db)
    return result
  },
}

/**
 * PostgreSQL: the statement that moves `table`'s identity past its largest id (nothing for a table without rows
 * or without an identity id), as text and parameters — for Kysely (advanceIds) and for a bare pg client
 * (postgres/copy.ts, which copies rows with their ids).
 */
export function advanceIdentityQuery(table: string): { text: string; values: [string] } {
  const ident = `"${table.replace(/"/g, '""')}"`
  return {
    text: `SELECT setval(s, (SELECT max(id) FROM ${ident})) FROM pg_get_serial_sequence($1, 'id') AS s
      WHERE s IS NOT NULL AND EXISTS (SELECT 1 FROM ${ident})`,
    values: [ident],
  }
}

export const POSTGRES_DIALECT: Dialect = {
  likeIgnoringCase: (column, pattern) => sql<boolean>`${sql.ref(column)} ILIKE ${pattern} ESCAPE '\\'`,
  equalsIgnoringCase: (column, value) => sql<boolean>`lower(${sql.ref(column)}) = lower(${value})`,
  groupKey: (column) => sql`${sql.ref(column)}`,
  async advanceIds(db, table) {
    const query = advanceIdentityQuery(table)
    await db.executeQuery(CompiledQuery.raw(query.text, query.values))
  },
  async withTriggersOff(db, triggers, fn) {
    const found = await sql<{ name: string; table: string }>`
      SELECT t.tgname AS name, c.relname AS table FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND t.tgname = ANY(${[...triggers]}::text[])`.execute(db)
    if (found.rows.length !== triggers.length)
      throw new Error(`withTriggersOff: not every trigger of ${triggers.join(', ')} exists`)
    for (const t of found.rows)
      await sql`ALTER TABLE ${sql.table(t.table)} DISABLE TRIGGER ${sql.id(t.name)}`.execute(db)
    const result = await fn()
    for (const t of found.rows)
      await sql`ALTER TABLE ${sql.table(t.table)} ENABLE TRIGGER ${sql.id(t.name)}`.execute(db)
    return result
  },
}

/** The dialect of the store `db` belongs to. */
export function dialectOf(db: Kysely<Database>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? POSTGRES_DIALECT : SQLITE_DIALECT
}
