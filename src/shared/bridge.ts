/** What the preload puts on `window.zhuanban`: the raw transport, answering with an Outcome, never throwing. */
import type { ApiErrorBody } from './errors'

export type Outcome<T> = { ok: true; result: T } | { ok: false; error: ApiErrorBody }

export interface Bridge {
  invoke(name: string, input: unknown): Promise<Outcome<unknown>>
}
