/**
 * What is computed from the whole data — a month's ranking, today's kanban cards, 总览's counts — computed once
 * per state of the data. Every write transaction advances the data version (store/data-version.ts); a result is
 * kept under the version its computation read, so a second user, a second screen, the 通报's four tables and
 * 总览's best and worst five reuse it until something changes. Callers that ask for the same key at the same
 * version while it is being computed share that computation.
 *
 * After a write the kept result is brought up to date rather than computed again, when the store's change feed
 * knows every version in between and which projects each touched (store/changes.ts `touchedBetween`): `patch`
 * recomputes those projects only. With 200 users on a county server a few writes a second would otherwise have
 * every kanban, ranking and 总览 computed from the whole data again and again (docs/load.md). Not known for
 * certain — a write of another process nobody heard, a dictionary or the rules changed — means computing it all.
 *
 * The rules that keep this right: a kept computation never reads the accounts (`users`, `user_roles`) or the
 * security log — a login's bookkeeping writes those without advancing the version (context.ts loginTx); and a
 * write names, in its audit rows, every project whose kept facts it changes (audit.ts; a row naming no project
 * counts as "anything").
 *
 * Per process: on PostgreSQL each app server keeps its own, keyed by the version all of them read.
 */

/** The projects changed between two versions, or null when not known for certain (ChangeFeed.touchedBetween). */
export type TouchedBetween = (from: number, to: number) => Set<number> | null

interface Entry<V> {
  version: number
  value: Promise<V>
}

/** Versions kept per key: the newest, and the one before for a reader whose snapshot began just before a write. */
const VERSIONS_PER_KEY = 2

export class VersionedCache<V> {
  private readonly entries = new Map<string, Entry<V>[]>()
  /** How many computations from the whole data ran (for tests and the benchmark: "computed once"). */
  computations = 0
  /** How many results were brought up to date for the projects a write touched. */
  patches = 0

  /**
   * `kept`: how many keys are kept (least recently used first out); `touched`: what the writes in between
   * changed (none given: every new version is computed whole).
   */
  constructor(
    private readonly kept: number,
    private readonly touched: TouchedBetween = () => null,
  ) {}

  /**
   * The value of `key` at data version `version`: the one kept, else a kept older one brought up to date by
   * `patch(value, projects)` when the projects changed since are known, else `compute()` — run once for all who
   * ask meanwhile. Both run on the caller's read transaction (its snapshot is at `version`). A failed
   * computation is not kept; a failed older one is computed whole instead of patched.
   */
  get(
    key: string,
    version: number,
    compute: () => Promise<V>,
    patch?: (value: V, projects: Set<number>) => Promise<V>,
  ): Promise<V> {
    const list = this.entries.get(key) ?? []
    this.entries.delete(key)
    this.entries.set(key, list) // most recently used last
    const kept = list.find((e) => e.version === version)
    if (kept) return kept.value
    let value: Promise<V> | null = null
    if (patch)
      for (const base of list) {
        if (base.version > version) continue
        const projects = this.touched(base.version, version)
        if (!projects) continue
        this.patches++
        value = base.value.then(
          (v) => patch(v, projects),
          () => this.computeWhole(compute),
        )
        break
      }
    value ??= this.computeWhole(compute)
    const entry = { version, value }
    list.push(entry)
    list.sort((a, b) => b.version - a.version) // newest first; an older reader's result is used once, not kept
    list.splice(VERSIONS_PER_KEY)
    value.catch(() => {
      const i = list.indexOf(entry)
      if (i >= 0) list.splice(i, 1)
    })
    while (this.entries.size > this.kept) this.entries.delete(this.entries.keys().next().value!)
    return value
  }

  private computeWhole(compute: () => Promise<V>): Promise<V> {
    this.computations++
    return compute()
  }
}
