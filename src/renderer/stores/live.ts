/**
 * Live updates (issue 20): the changes anyone commits, heard while someone is logged in (started and stopped by
 * App.vue), passed to the views that registered (composables/useLiveReload.ts). The transport says how they
 * come: server-sent events over HTTP, IPC in the desktop app.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { DataChange } from '../../shared/changes'
import { liveSource } from '../api'

export const useLiveStore = defineStore('live', () => {
  const listeners = new Set<(change: DataChange) => void>()
  /** Changes heard since the start (for a test or a status line). */
  const heard = ref(0)
  /** The way to the server is lost (App.vue says so; the stream tries again by itself). */
  const lost = ref(false)
  let stop: (() => void) | null = null

  function start() {
    const subscribe = liveSource()
    if (stop || !subscribe) return
    stop = subscribe(
      (change) => {
        heard.value++
        for (const listener of [...listeners]) listener(change)
      },
      (connected) => (lost.value = !connected),
    )
  }

  function end() {
    stop?.()
    stop = null
    lost.value = false
  }

  /** Calls `listener` with each change from now on; returns the way to stop. */
  function on(listener: (change: DataChange) => void): () => void {
    listeners.add(listener)
    return () => void listeners.delete(listener)
  }

  return { heard, lost, start, end, on }
})
