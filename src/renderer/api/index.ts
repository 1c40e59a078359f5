/**
 * The renderer's one way to the data: `api.call(name, input)`. Installed once at start with the transport's
 * client (tests install a fake). Stores and views call this, never a transport.
 *
 * When the session has ended under an open page (idle too long), a call is answered UNAUTHENTICATED: the
 * installed `onSessionEnded` shows the lock screen, and once the same account has entered its password the
 * call is made again — the page and what the user was doing stay as they were.
 */
import type { CallInput, CallName, CallResult } from '../../shared/contract'
import { ApiError, type Client } from './client'
import type { Bridge } from '../../shared/bridge'

let client: Client | null = null
let subscribe: Bridge['subscribe'] | null = null
let onSessionEnded: ((message: string) => Promise<boolean>) | null = null

export function installClient(c: Client): void {
  client = c
}

/** The transport's live updates (Bridge.subscribe), installed at start beside the client; null: none. */
export function installLive(source: Bridge['subscribe'] | null): void {
  subscribe = source
}

export function liveSource(): Bridge['subscribe'] | null {
  return subscribe
}

/**
 * `handler` gets the main side's message (why the session ended) and resolves true once the user has logged in
 * again (the call is then retried), false to give up.
 */
export function installSessionEnded(handler: ((message: string) => Promise<boolean>) | null): void {
  onSessionEnded = handler
}

export const api = {
  async call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallResult<K>> {
    if (!client) throw new Error('API client not installed')
    try {
      return await client.call(name, input)
    } catch (error) {
      // Login and logout calls answer for themselves; any other call meets an ended session only by surprise.
      if (!(error instanceof ApiError) || error.code !== 'UNAUTHENTICATED' || name.startsWith('auth.')) throw error
      if (!onSessionEnded || !(await onSessionEnded(error.message))) throw error
      return client.call(name, input)
    }
  },
}

export { ApiError } from './client'
