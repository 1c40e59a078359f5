/**
 * The data version: one number that every write transaction advances (inside the transaction, as its last
 * statement; only a login's bookkeeping keeps it, store/port.ts WriteOptions), so that what was computed from the data — a month's ranking — can be kept under the version it
 * was read at and reused until the next write. Read in the same transaction as the data it keys, a version
 * always names exactly one state of the data; on PostgreSQL every app server reads the same row.
 *
 * Why a row and not a sequence: a sequence advances outside the transaction, so a reader could see the new
 * number with the old rows. The price on PostgreSQL is that concurrent writers meet on this row (SERIALIZABLE:
 * one of them runs again, store/postgres/store.ts); it is updated last, so the row is held only for the commit.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema'

/** The current version (0 before the first write of a new database). */
export async function readDataVersion(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('data_version').select('version').where('id', '=', 1).executeTakeFirst()
  return row ? Number(row.version) : 0
}

/**
 * Advances the version by one, or past `atLeast` when given (a restore: the restored data must not take a
 * version the replaced data already had, or a computation of the replaced data would be reused). Run inside
 * the write transaction.
 */
export async function advanceDataVersion(db: Kysely<Database>, atLeast = 0): Promise<number> {
  const next = Math.max(await readDataVersion(db), atLeast) + 1
  await db
    .insertInto('data_version')
    .values({ id: 1, version: next })
    .onConflict((oc) => oc.column('id').doUpdateSet({ version: next }))
    .execute()
  return next
}
