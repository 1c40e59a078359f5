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

/** The changes of one store, for whoever listens in this process (the HTTP host's streams, the desktop's windows). */
export class ChangeFeed {
  private readonly listeners = new Set<Listener>()
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

  emit(change: DataChange): void {
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
  projectIds: number[]
  by: number | null
}

/** The change of a write that advanced the version to `version` (`note` undefined: a write that said nothing). */
export function changeOf(version: number, note: WriteNote | undefined): DataChange {
  const ids = note?.projectIds
  return {
    version,
    projectIds: ids === undefined || ids.length > MOST_IDS ? null : [...new Set(ids)].sort((a, b) => a - b),
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
