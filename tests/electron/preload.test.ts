import { describe, expect, it, vi } from 'vitest'
import { IPC, type DesktopBridge } from '../../src/shared/bridge'

type Mock = typeof import('../mocks/electron')
let electron: Mock

/** Loads the preload afresh (it runs on import) against a fresh mock, on a page of `protocol`. */
async function loadPreload(protocol: string) {
  vi.resetModules()
  electron = (await import('electron')) as unknown as Mock
  electron.electronMock.reset()
  vi.stubGlobal('location', { protocol })
  try {
    await import('../../electron/preload')
  } finally {
    vi.unstubAllGlobals()
  }
}

/** The preload on the app's own page (app://), returning what it exposed. */
async function loadBridge(): Promise<DesktopBridge> {
  await loadPreload('app:')
  const calls = vi.mocked(electron.contextBridge.exposeInMainWorld).mock.calls
  expect(calls).toHaveLength(1)
  expect(calls[0]![0]).toBe('zhuanban')
  return calls[0]![1] as DesktopBridge
}

describe('the preload bridge', () => {
  it('exposes nothing to a page that is not the app’s own (a 县服务器 page in the window)', async () => {
    await loadPreload('https:')
    expect(electron.contextBridge.exposeInMainWorld).not.toHaveBeenCalled()
  })

  it('exposes exactly invoke, subscribe, onCommand, print, exportPdf, chooseBackupFolder, connection and notify on window.zhuanban, nothing of Node or Electron', async () => {
    const bridge = await loadBridge()
    expect(Object.keys(bridge).sort()).toEqual([
      'chooseBackupFolder',
      'connection',
      'exportPdf',
      'invoke',
      'notify',
      'onCommand',
      'print',
      'subscribe',
    ])
    const { connection, ...functions } = bridge
    expect(Object.values(functions).every((v) => typeof v === 'function')).toBe(true)
    expect(Object.keys(connection).sort()).toEqual(['get', 'retry', 'save', 'test'])
  })

  it('print and exportPdf go to their own channels', async () => {
    const bridge = await loadBridge()
    await bridge.print('#/print/ledger')
    await bridge.exportPdf('#/print/ledger', '一览表.pdf')
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(IPC.print, '#/print/ledger')
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(IPC.exportPdf, '#/print/ledger', '一览表.pdf')
  })

  it('invoke goes to the one contract channel with name and input', async () => {
    const bridge = await loadBridge()
    await bridge.invoke('project.list', { stage: 'signed' })
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(IPC.invoke, 'project.list', { stage: 'signed' })
  })

  it('passes on known menu commands only, and unsubscribes', async () => {
    const bridge = await loadBridge()
    const heard: string[] = []
    const off = bridge.onCommand((c) => heard.push(c))
    electron.ipcRenderer.emitFromMain(IPC.command, 'about')
    electron.ipcRenderer.emitFromMain(IPC.command, 'format-disk')
    expect(heard).toEqual(['about'])
    off()
    expect(electron.ipcRenderer.listenerCount(IPC.command)).toBe(0)
  })

  it('passes on changes of the data only when they are changes, and unsubscribes', async () => {
    const bridge = await loadBridge()
    const heard: unknown[] = []
    const off = bridge.subscribe!((c) => heard.push(c))
    electron.ipcRenderer.emitFromMain(IPC.changes, { version: 7, projectIds: [3], by: 2 })
    electron.ipcRenderer.emitFromMain(IPC.changes, { version: 'x', projectIds: [3], by: 2 })
    electron.ipcRenderer.emitFromMain(IPC.changes, '<script>')
    expect(heard).toEqual([{ version: 7, projectIds: [3], by: 2 }])
    off()
    expect(electron.ipcRenderer.listenerCount(IPC.changes)).toBe(0)
  })
})
