/**
 * A phone form whose typing is kept on the phone (localStorage) as it is typed, per account and record: a dropped
 * connection, a reload or a closed tab on a site loses nothing — the form comes back as it was left, and is
 * cleared only after the main side has saved it. (The desktop's forms keep a draft beside a reloaded record:
 * useDraft.ts; here the threat is the network, not a colleague.)
 */
import { reactive, watch } from 'vue'
import { useSessionStore } from '../stores/session'

const PREFIX = 'zhuanban:kept:'

export function useKeptForm<T extends Record<string, unknown>>(key: string, initial: () => T) {
  const session = useSessionStore()
  const storageKey = `${PREFIX}${session.user?.id ?? 0}:${key}`
  const fresh = initial()
  let kept: Partial<T> = {}
  try {
    kept = JSON.parse(localStorage.getItem(storageKey) ?? '{}') as Partial<T>
  } catch {
    kept = {}
  }
  // Only fields the form has, of the same type (a kept value from an older version of the form is dropped).
  const restored = Object.fromEntries(
    Object.entries(fresh).map(([k, v]) => [k, k in kept && typeof kept[k] === typeof v ? kept[k] : v]),
  ) as T
  const form = reactive(restored) as T
  /** Whether something was kept from before (the form says so). */
  const wasKept = Object.keys(kept).length > 0 && JSON.stringify(restored) !== JSON.stringify(fresh)
  watch(
    () => JSON.stringify(form),
    (text) => {
      if (text === JSON.stringify(initial())) localStorage.removeItem(storageKey)
      else localStorage.setItem(storageKey, text)
    },
  )
  function clear() {
    localStorage.removeItem(storageKey)
    Object.assign(form, initial())
  }
  return { form, wasKept, clear }
}
