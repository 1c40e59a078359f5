/**
 * The renderer's one way to the data: `api.call(name, input)`. Installed once at start with the transport's
 * client (tests install a fake). Stores and views call this, never a transport.
 */
import type { CallInput, CallName, CallResult } from '../../shared/contract'
import type { Client } from './client'

let client: Client | null = null

export function installClient(c: Client): void {
  client = c
}

export const api = {
  call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallResult<K>> {
    if (!client) throw new Error('API client not installed')
    return client.call(name, input)
  },
}

export { ApiError } from './client'
