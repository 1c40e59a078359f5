/**
 * Live updates: every committed write transaction that advances the data version is announced as a DataChange
 * (the new version, and the projects its audit rows name), to every process serving the database. On SQLite
 * the one process announces to itself after the commit; on PostgreSQL the transaction ends with a NOTIFY,
 * which the server delivers at commit (never for a rolled-back one) to every app server LISTENing — this one
 * included — so that two `zhuanban server` processes see each other's writes within a second.
 */
import { MOST_IDS, isDataChange, type DataChange } from '../../shared/changes'

export type { DataChange }

/** The PostgreSQL channel the changes are announced on. */
export const CHANGES_CHANNEL = 'zhuanban_changes'

// More projects than MOST_IDS in one write (an import, the demo district) are announced as "anything may have
// changed" (projectIds null): a NOTIFY payload is limited to 8000 bytes, and a page reloads what it shows either way.
export { MOST_IDS }

type Listener = (change: DataChange) => void

/** How many recent changes a feed remembers for `touchedBetween` (older spans are "anything may have changed"). */
export const REMEMBERED_CHANGES = 2000

/**
 * The changes of one store, for whoever listens in this process (the HTTP host's streams, the desktop's windows),
 * and a memory of the recent ones: which projects each version touched, so that what is computed from the whole
 * data can be brought up to date for those projects only (versioned-cache.ts).
 */
export class ChangeFeed {
  private readonly listeners = new Set<Listener>()
  /** version → the projects it touched (null: any may have changed); insertion order is arrival order. */
  private readonly recent = new Map<number, number[] | null>()
  /** Called once when the first listener comes (PostgreSQL starts LISTENing then, not for a command-line run). */
  constructor(private readonly onFirst: () => void = () => {}) {}

  subscribe(listener: Listener): () => void {
    if (this.listeners.size === 0) this.onFirst()
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  get listening(): number {
    return this.listeners.size
  }

  /**
   * Remembers a committed change without telling the listeners: a PostgreSQL write's own process learns of it at
   * once (its NOTIFY reaches the listeners, when any, a moment later). Remembering one twice is harmless.
   */
  record(change: DataChange): void {
    this.recent.set(change.version, change.projectIds)
    if (this.recent.size > REMEMBERED_CHANGES) this.recent.delete(this.recent.keys().next().value!)
  }

  /**
   * The projects the versions after `from` up to `to` touched, or null when that is not known for certain: a
   * version in between was not heard (another process's write while nobody listened, a dropped connection), or
   * one of them may have changed anything (no project named, more than MOST_IDS, a restore). Null asks the
   * caller to compute from the whole data again — never wrong, only slower.
   */
  touchedBetween(from: number, to: number): Set<number> | null {
    if (!(to > from) || to - from > REMEMBERED_CHANGES) return null
    const ids = new Set<number>()
    for (let v = from + 1; v <= to; v++) {
      const touched = this.recent.get(v)
      if (!touched || touched.length === 0) return null // unknown (undefined), anything (null) or nothing named ([])
      for (const id of touched) ids.add(id)
    }
    return ids
  }

  emit(change: DataChange): void {
    this.record(change)
    for (const listener of [...this.listeners])
      try {
        listener(change)
      } catch (error) {
        console.error(error)
      }
  }
}

/** What a write says of itself for its announcement (WriteOptions.announce): the projects it touched, and by whom. */
export interface WriteNote {
  /** null: the write changed something not of one project (a dictionary, the rules, an account). */
  projectIds: number[] | null
  by: number | null
}

/** The change of a write that advanced the version to `version` (`note` undefined: a write that said nothing). */
export function changeOf(version: number, note: WriteNote | undefined): DataChange {
  const ids = note?.projectIds
  return {
    version,
    projectIds: ids == null || ids.length > MOST_IDS ? null : [...new Set(ids)].sort((a, b) => a - b),
    by: note?.by ?? null,
  }
}

/** A NOTIFY payload as a change; null when it is not one (never trusted blindly: any client may NOTIFY). */
export function parseChange(payload: string | undefined): DataChange | null {
  try {
    const value: unknown = JSON.parse(payload ?? '')
    return isDataChange(value) ? { version: value.version, projectIds: value.projectIds, by: value.by } : null
  } catch {
    return null
  }
}
