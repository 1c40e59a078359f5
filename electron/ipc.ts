/** The contract over IPC: one handler, the sender checked, the input validated by App.invoke. */
import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { IPC, type Outcome } from '../src/shared/bridge'
import { isAppUrl } from './security'

export type Invoke = (name: string, input: unknown) => Promise<Outcome<unknown>>

/** Only the app's own window, showing the app's own page, may call. */
export function makeSenderCheck(getWindowContentsId: () => number | undefined) {
  return (event: IpcMainInvokeEvent): boolean =>
    event.sender.id === getWindowContentsId() && isAppUrl(event.senderFrame?.url ?? '')
}

export function registerContractHandlers(
  ipcMain: IpcMain,
  invoke: Invoke,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
): void {
  ipcMain.handle(IPC.invoke, async (event, name: unknown, input: unknown): Promise<Outcome<unknown>> => {
    if (!isTrusted(event)) return { ok: false, error: { code: 'UNAUTHORIZED', message: '拒绝来自未知页面的请求' } }
    if (typeof name !== 'string') return { ok: false, error: { code: 'UNKNOWN_CALL', message: '请求中缺少操作名称' } }
    return invoke(name, input)
  })
}
