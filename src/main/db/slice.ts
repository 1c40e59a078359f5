/**
 * A bounded list call's rows (issue 19: no answer outgrows a screen): `offset` to `offset + limit` of the
 * query's own order. Main-side readers (the Excel export) pass no limit and get every row.
 */
import type { SelectQueryBuilder } from 'kysely'

export interface Slice {
  offset?: number
  limit?: number
}

/** For `q.$call(sliced(slice))`: the query limited to the slice; unchanged without a limit. */
export const sliced =
  (s: Slice) =>
  <DB, TB extends keyof DB, O>(q: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> =>
    s.limit === undefined ? q : q.limit(s.limit).offset(s.offset ?? 0)
