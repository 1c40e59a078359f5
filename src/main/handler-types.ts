import type { CallArgs, CallName, CallResult } from '../shared/contract'
import type { Caller } from '../shared/accounts'
import type { SessionSlot } from './auth/sessions'

/** What a handler knows about its call besides the input: who calls (already checked) and from where. */
export interface CallCtx {
  /** null only for public calls made before login. */
  caller: Caller | null
  /** The transport's session slot (auth.login and auth.logout set it); null for the command line. */
  slot: SessionSlot | null
  /** 桌面 / 浏览器 / 命令行 — for the security log. */
  source: string
}

export type Handler<K extends CallName> = (input: CallArgs<K>, ctx: CallCtx) => Promise<CallResult<K>>
/** One implementation per contract call; the registry's type makes a missing or extra one a compile error. */
export type Handlers = { [K in CallName]: Handler<K> }
export type HandlerMap = Partial<Handlers>
