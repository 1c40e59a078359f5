/**
 * @fastify/rate-limit's counters in the database (migration 9, table rate_limits) instead of one process's
 * memory: several county server processes behind one address count the same logins. One upsert per hit — a
 * window's first hit (or the first after it ended) starts a new window — written as a login's bookkeeping (it
 * keeps the data version, store/port.ts). Windows long over are deleted as new hits come.
 */
import { sql } from 'kysely'
import type { Store } from '../store/port'

interface Hit {
  current: number
  ttl: number
}

/** Counts one hit of `key` in a window of `windowMs`; how many hits the window has had, and ms left in it. */
export async function hit(store: Store, key: string, windowMs: number, now = Date.now()): Promise<Hit> {
  const row = await store.write(
    async (db) => {
      await db
        .deleteFrom('rate_limits')
        .where('reset_at', '<', now - windowMs)
        .execute()
      return db
        .insertInto('rate_limits')
        .values({ key, hits: 1, reset_at: now + windowMs })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            hits: sql`CASE WHEN rate_limits.reset_at <= ${now} THEN 1 ELSE rate_limits.hits + 1 END`,
            reset_at: sql`CASE WHEN rate_limits.reset_at <= ${now} THEN ${now + windowMs} ELSE rate_limits.reset_at END`,
          }),
        )
        .returning(['hits', 'reset_at'])
        .executeTakeFirstOrThrow()
    },
    { keepDataVersion: true },
  )
  return { current: Number(row.hits), ttl: Math.max(0, Number(row.reset_at) - now) }
}

/** The store class the plugin takes (`store` option): it constructs it with its options and asks `child` per limiter. */
export function databaseRateLimitStore(store: Store) {
  return class DatabaseRateLimitStore {
    constructor(readonly options: object = {}) {}
    incr(key: string, done: (error: Error | null, hit?: Hit) => void, timeWindow: number): void {
      hit(store, key, timeWindow).then(
        (result) => done(null, result),
        (error: Error) => done(error),
      )
    }
    child(routeOptions: object) {
      return new DatabaseRateLimitStore({ ...this.options, ...routeOptions })
    }
  }
}
