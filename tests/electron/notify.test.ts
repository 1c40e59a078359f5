import { beforeEach, describe, expect, it } from 'vitest'
import { BrowserWindow, Notification, electronMock, ipcMain } from '../mocks/electron'
import { registerNotifyHandler } from '../../electron/notify'
import { Senders } from '../../electron/ipc'
import { IPC } from '../../src/shared/bridge'

const trusted = { sender: { id: 1 }, senderFrame: { url: 'app://zhuanban/index.html' } }
const foreign = { sender: { id: 2 }, senderFrame: { url: 'https://evil.example/' } }

function setup() {
  const win = new BrowserWindow({})
  const senders = new Senders()
  senders.trust({ id: 1, once: () => {} } as never, 'window')
  registerNotifyHandler(ipcMain as never, senders, () => win as never)
  return { win, notify: (event: unknown, ...args: unknown[]) => ipcMain.handlers.get(IPC.notify)!(event, ...args) }
}

beforeEach(() => electronMock.reset())

describe('the daily 待办 notification', () => {
  it('is shown for the app window; a click brings the window forward on 待办', async () => {
    const { win, notify } = setup()
    expect(await notify(trusted, '专班待办', '您有3项待办')).toEqual({ ok: true, result: true })
    const [shown] = Notification.shown
    expect(shown!.options).toEqual({ title: '专班待办', body: '您有3项待办' })
    shown!.emit('click')
    expect(win.webContents.sent).toEqual([[IPC.command, 'todos']])
    expect(win.shown).toBe(true)
  })

  it('is refused to another page and to what is not short text; says false where the system has none', async () => {
    const { notify } = setup()
    expect(await notify(foreign, '专班待办', 'x')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    expect(await notify(trusted, { title: 1 }, 'x')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(await notify(trusted, '专班待办', 'x'.repeat(301))).toMatchObject({ ok: false })
    expect(Notification.shown).toEqual([])
    Notification.supported = false
    expect(await notify(trusted, '专班待办', 'x')).toEqual({ ok: true, result: false })
    expect(Notification.shown).toEqual([])
  })
})
