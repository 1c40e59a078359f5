import type { CallArgs, CallName, CallResult } from '../shared/contract'

export type Handler<K extends CallName> = (input: CallArgs<K>) => Promise<CallResult<K>>
/** One implementation per contract call; the registry's type makes a missing or extra one a compile error. */
export type Handlers = { [K in CallName]: Handler<K> }
export type HandlerMap = Partial<Handlers>
