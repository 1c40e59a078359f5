/**
 * What is computed from the whole data — a month's ranking, today's kanban cards — computed once per state of
 * the data. Every write transaction advances the data version (store/data-version.ts); a result is kept under
 * the version its computation read, so a second user, a second screen, the 通报's four tables and 总览's best
 * and worst five reuse it until something changes. Callers that ask for the same key at the same version while
 * it is being computed share that computation.
 *
 * The rule that keeps this right: a kept computation never reads the accounts (`users`, `user_roles`) or the
 * security log — a login's bookkeeping writes those without advancing the version (context.ts loginTx).
 *
 * Per process: on PostgreSQL each app server keeps its own, keyed by the version all of them read.
 */

export class VersionedCache<V> {
  private readonly entries = new Map<string, { version: number; value: Promise<V> }>()
  /** How many computations ran (for tests and the benchmark: "computed once"). */
  computations = 0

  /** `kept`: how many keys are kept (least recently used first out). */
  constructor(private readonly kept: number) {}

  /**
   * The value of `key` at data version `version`: the one kept, else `compute()` (run once for all who ask
   * meanwhile). A failed computation is not kept.
   */
  get(key: string, version: number, compute: () => Promise<V>): Promise<V> {
    const kept = this.entries.get(key)
    this.entries.delete(key)
    if (kept && kept.version === version) {
      this.entries.set(key, kept)
      return kept.value
    }
    this.computations++
    const value = compute()
    const entry = { version, value }
    this.entries.set(key, entry)
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key)
    })
    while (this.entries.size > this.kept) this.entries.delete(this.entries.keys().next().value!)
    return value
  }
}
