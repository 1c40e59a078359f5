/**
 * A view reloads what it shows when someone commits a change that may touch it (live updates, stores/live.ts):
 * after a short pause that gathers a burst of changes into one reload, never two reloads at once. A view of one
 * project (`projectId`) reloads only for changes that name it, or that name no project in particular.
 * `onChange` hears each such change first (the project page tells its user of others' changes).
 */
import { onBeforeUnmount } from 'vue'
import type { DataChange } from '../../shared/changes'
import { useLiveStore } from '../stores/live'

/** Milliseconds a view waits for more changes before it reloads (a change is on screen within a second). */
export const LIVE_PAUSE = 300

/** Whether a change may touch the project `id` (a change naming no project may touch any). */
export function touches(change: DataChange, id: number): boolean {
  return change.projectIds === null || change.projectIds.length === 0 || change.projectIds.includes(id)
}

export function useLiveReload(
  reload: () => unknown,
  options: {
    projectId?: () => number | null
    /** Only changes this accepts (the office's lists: changes that name no project). */
    when?: (change: DataChange) => boolean
    onChange?: (change: DataChange) => void
  } = {},
): void {
  const live = useLiveStore()
  let timer: ReturnType<typeof setTimeout> | undefined
  let running = false
  let again = false

  async function run() {
    if (running) {
      again = true
      return
    }
    running = true
    try {
      await reload()
    } finally {
      running = false
      if (again) {
        again = false
        void run()
      }
    }
  }

  const off = live.on((change) => {
    const id = options.projectId?.()
    if (id != null && !touches(change, id)) return
    if (options.when && !options.when(change)) return
    options.onChange?.(change)
    clearTimeout(timer)
    timer = setTimeout(() => void run(), LIVE_PAUSE)
  })
  onBeforeUnmount(() => {
    off()
    clearTimeout(timer)
  })
}
