import fs from 'node:fs'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { BrowserWindow, MockWebContents, dialog, electronMock, ipcMain } from '../mocks/electron'
import { registerPrintHandlers } from '../../electron/print'
import { Senders } from '../../electron/ipc'
import { IPC } from '../../src/shared/bridge'
import { tempDir } from '../helpers/app'

const trusted = { sender: { id: 1 }, senderFrame: { url: 'app://zhuanban/index.html' } }
const foreign = { sender: { id: 2 }, senderFrame: { url: 'https://evil.example/' } }

function setup() {
  const parent = new BrowserWindow({})
  BrowserWindow.instances = []
  const senders = new Senders()
  senders.trust({ id: 1, once: () => {} } as never, 'window')
  registerPrintHandlers(ipcMain as never, '/app/preload.cjs', senders, () => parent as never)
  return {
    print: (event: unknown, route: unknown) => ipcMain.handlers.get(IPC.print)!(event, route),
    pdf: (event: unknown, route: unknown, name: unknown) => ipcMain.handlers.get(IPC.exportPdf)!(event, route, name),
  }
}

beforeEach(() => electronMock.reset())

describe('desktop printing', () => {
  it('prints a print view through a hidden, locked-down window that waits for the document and is destroyed', async () => {
    const { print } = setup()
    expect(await print(trusted, '#/print/ranking/2026-10')).toEqual({ ok: true, result: null })
    const [win] = BrowserWindow.instances
    expect(win!.options.show).toBe(false)
    expect(win!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: '/app/preload.cjs',
    })
    expect(win!.loadedUrl).toBe('app://zhuanban/index.html#/print/ranking/2026-10')
    expect(win!.webContents.executeJavaScript).toHaveBeenCalledWith(expect.stringContaining('printReady'))
    expect(win!.webContents.print).toHaveBeenCalledWith(
      expect.objectContaining({ silent: false }),
      expect.any(Function),
    )
    expect(win!.destroyed).toBe(true)
  })

  it('treats a cancelled print dialog as no error, and a printer failure as a Chinese one; the window goes either way', async () => {
    const { print } = setup()
    MockWebContents.printOutcome = [false, 'cancelled']
    expect(await print(trusted, '#/print/ledger')).toEqual({ ok: true, result: null })
    MockWebContents.printOutcome = [false, 'Printer is out of paper']
    const failed = (await print(trusted, '#/print/ledger')) as { ok: false; error: { message: string } }
    expect(failed.ok).toBe(false)
    expect(failed.error.message).toContain('打印失败')
    expect(BrowserWindow.instances.every((w) => w.destroyed)).toBe(true)
  })

  it('gives up on a document that never becomes ready, and on a page that fails to load, cleaning up', async () => {
    const { print, pdf } = setup()
    MockWebContents.scriptResult = { timeout: true }
    expect(((await print(trusted, '#/print/ledger')) as { error: { message: string } }).error.message).toContain('超时')
    // A view that could not load its data says why, and nothing goes to the printer.
    MockWebContents.scriptResult = { error: '项目（编号 9）不存在，可能已被删除' }
    const printed = BrowserWindow.instances.length
    const out = (await print(trusted, '#/print/project/9')) as { error: { message: string } }
    expect(out.error.message).toBe('无法打印：项目（编号 9）不存在，可能已被删除')
    expect(BrowserWindow.instances.at(-1)!.webContents.print).not.toHaveBeenCalled()
    expect(BrowserWindow.instances.length).toBe(printed + 1)
    MockWebContents.scriptResult = { ready: true }
    BrowserWindow.loadError = new Error('ERR_FAILED')
    dialog.saveResult = { canceled: false, filePath: path.join(tempDir(), 'x.pdf') }
    expect(((await pdf(trusted, '#/print/ledger', '一览表.pdf')) as { ok: boolean }).ok).toBe(false)
    expect(BrowserWindow.instances).toHaveLength(3)
    expect(BrowserWindow.instances.every((w) => w.destroyed)).toBe(true)
  })

  it('writes a PDF where the user chooses, and nothing when the save dialog is cancelled', async () => {
    const { pdf } = setup()
    const file = path.join(tempDir(), '通报.pdf')
    dialog.saveResult = { canceled: false, filePath: file }
    expect(await pdf(trusted, '#/print/ranking/2026-10', '2026年10月通报.pdf')).toEqual({ ok: true, result: file })
    expect(fs.readFileSync(file, 'utf8')).toContain('%PDF')
    expect(dialog.showSaveDialog).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ defaultPath: '2026年10月通报.pdf' }),
    )
    const [win] = BrowserWindow.instances
    expect(win!.webContents.printToPDF).toHaveBeenCalledWith(
      expect.objectContaining({ preferCSSPageSize: true, printBackground: true }),
    )
    expect(win!.destroyed).toBe(true)
    dialog.saveResult = { canceled: true }
    expect(await pdf(trusted, '#/print/ledger', 'a.pdf')).toEqual({ ok: true, result: null })
    expect(BrowserWindow.instances).toHaveLength(1) // no window opened for a cancelled save
  })

  it('reports a PDF that cannot be written and removes the hidden window', async () => {
    const { pdf } = setup()
    MockWebContents.pdfError = new Error('disk full')
    dialog.saveResult = { canceled: false, filePath: path.join(tempDir(), 'y.pdf') }
    const out = (await pdf(trusted, '#/print/ledger', 'y.pdf')) as { ok: false; error: { message: string } }
    expect(out.error.message).toContain('导出PDF失败')
    expect(BrowserWindow.instances[0]!.destroyed).toBe(true)
  })

  it('says in Chinese why a PDF could not be written', async () => {
    const { pdf } = setup()
    const dir = tempDir()
    for (const [target, expected] of [
      [path.join(dir, 'missing', 'a.pdf'), '所选文件夹不存在'],
      [dir, '所选位置是一个文件夹'],
    ] as const) {
      dialog.saveResult = { canceled: false, filePath: target }
      const out = (await pdf(trusted, '#/print/ledger', 'a.pdf')) as { ok: false; error: { message: string } }
      expect(out.error.message).toBe(
        `导出PDF失败：${expected}${expected === '所选文件夹不存在' ? '，请重新选择保存位置' : '，请输入文件名'}`,
      )
    }
  })

  it('refuses foreign senders, routes that are not print views, and unsafe file names', async () => {
    const { print, pdf } = setup()
    expect(await print(foreign, '#/print/ledger')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    for (const route of [
      '#/settings',
      'https://evil.example/#/print/ledger',
      '#/print/../../etc',
      '#/print/nope', // not a print view: would land on 总览 and never become ready
      '#/print/ranking/2026',
      42,
    ])
      expect(await print(trusted, route)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    dialog.saveResult = { canceled: true }
    for (const name of ['../../evil.exe', '一览\n表.pdf']) {
      await pdf(trusted, '#/print/ledger', name)
      expect(dialog.showSaveDialog).toHaveBeenLastCalledWith(
        expect.anything(),
        expect.objectContaining({ defaultPath: '专班.pdf' }),
      )
    }
    expect(BrowserWindow.instances).toHaveLength(0)
  })
})
