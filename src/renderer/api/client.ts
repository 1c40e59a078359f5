/** The typed client: `api.call('project.list', {...})` with types from the contract, errors as ApiError. */
import { toRaw } from 'vue'
import type { CallInput, CallName, CallResult } from '../../shared/contract'
import type { ApiErrorBody, ErrorCode, FieldIssue } from '../../shared/errors'
import type { Bridge } from '../../shared/bridge'

export class ApiError extends Error {
  readonly code: ErrorCode
  readonly issues?: FieldIssue[]

  constructor(body: ApiErrorBody) {
    super(body.message)
    this.name = 'ApiError'
    this.code = body.code
    this.issues = body.issues
  }
}

/** Reactive proxies cannot cross IPC (structured clone) and carry Vue internals: send plain data. */
export function toPlain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(toRaw(value))) as T)
}

export interface Client {
  call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallResult<K>>
}

export function createClient(bridge: Bridge): Client {
  return {
    async call(name, input) {
      const outcome = await bridge.invoke(name, toPlain(input))
      if (outcome.ok) return outcome.result as never
      throw new ApiError(outcome.error)
    },
  }
}
