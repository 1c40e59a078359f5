/** The contract over IPC: one handler, the sender checked, the input validated by App.invoke. */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { IPC, type Outcome } from '../src/shared/bridge'
import { isCallName, type CallName } from '../src/shared/contract'
import type { CallFrom } from '../src/main/app'
import type { SessionSlot } from '../src/main/auth/sessions'
import { isAppUrl } from './security'

export type Invoke = (name: string, input: unknown, from: CallFrom) => Promise<Outcome<unknown>>

/**
 * Who may call: the app's window ('window': everything) and, while it prints, a hidden print window ('print':
 * the reads of PRINT_VIEW_CALLS). Any other webContents, or a frame not showing the app's own page, is refused.
 */
export type SenderRole = 'window' | 'print'

/**
 * Each trusted webContents has a session slot: the account logged in in that window. A print window shares the
 * slot of the window that asked to print (it prints as that account; it is read-only anyway).
 */
export class Senders {
  private readonly entries = new Map<number, { role: SenderRole; slot: SessionSlot }>()

  /** Trusts `contents` in `role` until it is destroyed (or `forget` is called); a new slot unless given one. */
  trust(contents: Pick<WebContents, 'id' | 'once'>, role: SenderRole, slot: SessionSlot = { token: null }): void {
    this.entries.set(contents.id, { role, slot })
    contents.once('destroyed', () => this.forget(contents.id))
  }

  forget(id: number): void {
    this.entries.delete(id)
  }

  /** The role of the event's sender, or null when it is not one of ours showing our page. */
  roleOf(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>): SenderRole | null {
    const entry = this.entries.get(event.sender.id)
    return entry && isAppUrl(event.senderFrame?.url ?? '') ? entry.role : null
  }

  /** The session slot of a trusted sender (null when it is not trusted). */
  slotOf(event: Pick<IpcMainInvokeEvent, 'sender'>): SessionSlot | null {
    return this.entries.get(event.sender.id)?.slot ?? null
  }

  /** How a call from this sender reaches App.invoke (only after `roleOf` accepted it). */
  fromOf(event: Pick<IpcMainInvokeEvent, 'sender'>): CallFrom {
    return { kind: 'session', slot: this.slotOf(event) ?? { token: null }, source: '桌面' }
  }
}

/**
 * What a print view reads (src/renderer/views/print and the stores every page loads): a hidden print window
 * may call these and nothing else — not even calls that change no data but do something (backup.create
 * writes a copy, excel.cancelImport stops an import). A print view that needs another call adds it here;
 * the desktop tests print every view.
 */
export const PRINT_VIEW_CALLS: ReadonlySet<CallName> = new Set<CallName>([
  'system.info',
  'settings.get',
  'dict.list',
  'leader.list',
  'leader.options',
  'project.page',
  'problem.page',
  'template.list',
  'project.list',
  'project.get',
  'kanban.cards',
  'lights.get',
  'report.list',
  'report.figures',
  'problem.list',
  'ranking.projects',
  'ranking.groups',
  'settings.report',
  'auth.status',
  'auth.me',
  'instruction.list',
  // The 一项目一档's newest photos.
  'attachment.list',
  'attachment.get',
])

const REFUSED = { ok: false, error: { code: 'UNAUTHORIZED', message: '拒绝来自未知页面的请求' } } as const

export function registerContractHandlers(ipcMain: IpcMain, invoke: Invoke, senders: Senders): void {
  ipcMain.handle(IPC.invoke, async (event, name: unknown, input: unknown): Promise<Outcome<unknown>> => {
    const role = senders.roleOf(event)
    if (!role) return REFUSED
    if (typeof name !== 'string') return { ok: false, error: { code: 'UNKNOWN_CALL', message: '请求中缺少操作名称' } }
    if (role === 'print' && !(isCallName(name) && PRINT_VIEW_CALLS.has(name))) return REFUSED
    return invoke(name, input, senders.fromOf(event))
  })
}

/** For handlers only the app's window may use (printing, choosing files): true when the sender is it. */
export function fromWindow(senders: Senders, event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>): boolean {
  return senders.roleOf(event) === 'window'
}
