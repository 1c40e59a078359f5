/**
 * Floors that read the same rows as their figures: every statement a call runs is recorded (its SQL and
 * parameters, as Kysely compiled them for the store), and the floor runs those statements again in one read
 * transaction of the store, rows returned to JavaScript through the same driver — without the rules, the
 * grouping, the paging or the JSON. So the lights' floor includes the problems, the kanban's the reports and
 * plans, the ranking's every fact query, because the figure ran them (issue 19: floors read less than their
 * figures).
 */
import { DefaultQueryExecutor, type CompiledQuery, type QueryResult } from 'kysely'
import type { App } from '../../src/main/app'

/** The executor class all of Kysely's executors (a transaction's too) inherit `executeQuery` from. */
const base = Object.getPrototypeOf(DefaultQueryExecutor.prototype) as {
  executeQuery(query: CompiledQuery): Promise<QueryResult<unknown>>
}

/** Transaction control: the replay runs in a read transaction of its own. */
const CONTROL = /^\s*(begin|commit|rollback|start transaction|set transaction|savepoint|release)\b/i

/** What one call read: its statements, and how many rows they returned. */
export interface Recorded<T> {
  result: T
  queries: CompiledQuery[]
  rows: number
}

/**
 * Runs `fn` with every statement of this process recorded (the bench runs nothing else meanwhile). Only the
 * statements that return rows are kept (writes have no floor here).
 */
export async function recordQueries<T>(fn: () => Promise<T>): Promise<Recorded<T>> {
  const queries: CompiledQuery[] = []
  let rows = 0
  const original = base.executeQuery
  base.executeQuery = async function (this: unknown, query: CompiledQuery) {
    const result = await original.call(this, query)
    if (!CONTROL.test(query.sql)) {
      queries.push(query)
      rows += result.rows.length
    }
    return result
  }
  try {
    return { result: await fn(), queries, rows }
  } finally {
    base.executeQuery = original
  }
}

/** The floor: the recorded statements again, on one read snapshot of the store, rows handed to JavaScript. */
export function replay(app: App, queries: CompiledQuery[]): () => Promise<number> {
  return () =>
    app.deps.store.read(async (db) => {
      let rows = 0
      for (const q of queries) rows += (await db.executeQuery(q)).rows.length
      return rows
    })
}
