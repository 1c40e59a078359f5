/**
 * The caller of the call being run, carried from App.invoke (where it was resolved and checked) to the write
 * transaction that records it in the audit log. Carried, not passed through every service function, so that
 * no service can forget it or name someone else: the one place that checks access is the one that sets it.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Caller } from '../../shared/accounts'

const store = new AsyncLocalStorage<Caller | null>()

export function runAs<T>(caller: Caller | null, fn: () => Promise<T>): Promise<T> {
  return store.run(caller, fn)
}

/** The caller of the running call; null before login (auth.login, auth.setup) or outside any call. */
export function currentCaller(): Caller | null {
  return store.getStore() ?? null
}
