/**
 * A phone form whose typing is kept on the phone (localStorage) as it is typed, per account and record: a dropped
 * connection, a reload or a closed tab on a site loses nothing — the form comes back as it was left, and is
 * cleared only after the main side has saved it. (The desktop's forms keep a draft beside a reloaded record:
 * useDraft.ts; here the threat is the network, not a colleague.)
 */
import { reactive, watch } from 'vue'
import { ApiError } from '../api'
import { useSessionStore } from '../stores/session'

const PREFIX = 'zhuanban:kept:'

/** How many forms this account has kept on this device (asked before logging out). */
export function keptCount(userId: number): number {
  let n = 0
  for (let i = 0; i < localStorage.length; i++) if (localStorage.key(i)?.startsWith(`${PREFIX}${userId}:`)) n++
  return n
}

/** Forgets everything this account kept on this device (it logs out of a shared phone). */
export function forgetKept(userId: number): void {
  const keys: string[] = []
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i)
    if (key?.startsWith(`${PREFIX}${userId}:`)) keys.push(key)
  }
  for (const key of keys) localStorage.removeItem(key)
}

/**
 * What a phone form says when a save did not go through: only a lost connection keeps the typing for later;
 * a refusal by the main side (its reason shown by runAction) needs the typing changed.
 */
export function notSavedText(error: unknown, retry: string): string {
  return error instanceof ApiError && error.code === 'UNREACHABLE'
    ? `未保存：网络不通，填写的内容已留在本机，网络恢复后请再点“${retry}”`
    : '未保存：请按提示修改后再提交（填写的内容仍保留在本机）'
}

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
  // Only fields the form has, of the same type (a kept value from an older version of the form is dropped);
  // a field that starts empty (null: an amount not typed yet) takes what was typed into it.
  const fits = (k: string, v: unknown) =>
    k in kept && (typeof kept[k] === typeof v || (v === null && ['number', 'string'].includes(typeof kept[k])))
  const restored = Object.fromEntries(Object.entries(fresh).map(([k, v]) => [k, fits(k, v) ? kept[k] : v])) as T
  const form = reactive(restored) as T
  /** Whether something was kept from before (the form says so). */
  const wasKept = Object.keys(kept).length > 0 && JSON.stringify(restored) !== JSON.stringify(fresh)
  watch(
    () => JSON.stringify(form),
    (text) => {
      if (text === JSON.stringify(initial())) localStorage.removeItem(storageKey)
      else localStorage.setItem(storageKey, text)
    },
    // Stored at each keystroke, before anything else runs (a save sent next, the page closed).
    { flush: 'sync' },
  )
  function clear() {
    localStorage.removeItem(storageKey)
    Object.assign(form, initial())
  }
  return { form, wasKept, clear }
}
