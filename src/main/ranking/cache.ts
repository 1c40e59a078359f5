/**
 * A month's ranking computed once per state of the data. Every write transaction advances the data version
 * (store/data-version.ts); a ranking is kept under the version its computation read, so a second user, a
 * second screen, the 通报's four tables and 总览's best and worst five reuse it until something changes.
 * Callers that ask for the same month at the same version while it is being computed share that computation.
 *
 * Per process: on PostgreSQL each app server keeps its own, keyed by the version all of them read.
 */
import type { Period } from '../../shared/dates'
import type { GroupBy, GroupRankRow, ProjectRankRow, RankingMeta } from '../../shared/rules/types'

/** A month's ranking as the screens show it: all four groupings, with their rank changes. */
export interface MonthRanking {
  meta: RankingMeta
  projects: ProjectRankRow[]
  groups: Record<GroupBy, GroupRankRow[]>
}

/** Months kept: this month, last month and a couple looked back at (10,000 projects ≈ 15 MB a month). */
const KEPT_MONTHS = 4

export class RankingCache {
  private readonly entries = new Map<Period, { version: number; ranking: Promise<MonthRanking> }>()
  /** How many computations ran (for tests and the benchmark: "computed once"). */
  computations = 0

  /**
   * The ranking of `period` at data version `version`: the one kept, else `compute()` (run once for all who
   * ask meanwhile). A failed computation is not kept. The least recently used month goes first.
   */
  get(period: Period, version: number, compute: () => Promise<MonthRanking>): Promise<MonthRanking> {
    const kept = this.entries.get(period)
    this.entries.delete(period)
    if (kept && kept.version === version) {
      this.entries.set(period, kept)
      return kept.ranking
    }
    this.computations++
    const ranking = compute()
    const entry = { version, ranking }
    this.entries.set(period, entry)
    ranking.catch(() => {
      if (this.entries.get(period) === entry) this.entries.delete(period)
    })
    while (this.entries.size > KEPT_MONTHS) this.entries.delete(this.entries.keys().next().value!)
    return ranking
  }
}
