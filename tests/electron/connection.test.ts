/**
 * 连接方式 of the desktop app (electron/connection.ts): the choice kept and read back; a server address refused
 * unless it is https (or this computer); a certificate the system does not trust used only when it is the
 * pinned one, for that server only; 测试连接 against real local servers (a self-signed HTTPS one whose
 * fingerprint is compared with openssl's); and the app in 县服务器 mode: no database, the server's page, nowhere
 * else to go, the 连接方式 page when the server cannot be reached.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { app, BrowserWindow, electronMock, ipcMain } from '../mocks/electron'
import { runDesktop, type Desktop } from '../../electron/desktop'
import {
  certificateDecision,
  electronFingerprint,
  probeServer,
  readConnection,
  writeConnection,
} from '../../electron/connection'
import { parseServerAddress, type Connection } from '../../src/shared/connection'
import { IPC } from '../../src/shared/bridge'
import { tempDir } from '../helpers/app'

const mockApp = app as unknown as typeof import('../mocks/electron').app
const Window = BrowserWindow as unknown as typeof import('../mocks/electron').BrowserWindow
const mockIpc = ipcMain as unknown as typeof import('../mocks/electron').ipcMain

const servers: (http.Server | https.Server)[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve))
})

/** A self-signed certificate for 127.0.0.1, and its SHA-256 fingerprint as openssl prints it. */
function selfSigned() {
  const dir = tempDir()
  const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')]
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=zhuanban.test'].concat([
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  )
  const printed = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256'], {
    encoding: 'utf8',
  })
  return { cert: fs.readFileSync(cert), key: fs.readFileSync(key), fingerprint: printed.trim().split('=')[1]! }
}

/** A stand-in for `zhuanban server`'s health check. */
async function listen(server: http.Server | https.Server): Promise<number> {
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as { port: number }).port
}
const healthz = (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.setHeader('content-type', 'application/json')
  res.end(JSON.stringify({ ok: true, version: '0.1.0', schema: 9 }))
}

describe('the kept choice and the address', () => {
  it('reads back what was kept; a missing or damaged file is 本机数据', () => {
    const file = path.join(tempDir(), 'connection.json')
    expect(readConnection(file)).toEqual({ mode: 'local' })
    const server: Connection = { mode: 'server', url: 'https://zhuanban.county.gov.cn', fingerprint: null }
    writeConnection(file, server)
    expect(readConnection(file)).toEqual(server)
    fs.writeFileSync(file, '{"mode":"server","url":"http://10.1.2.3"}')
    expect(readConnection(file)).toEqual({ mode: 'local' })
    fs.writeFileSync(file, '{not json')
    expect(readConnection(file)).toEqual({ mode: 'local' })
  })

  it('takes an https address (or this computer’s), as its origin; refuses others, saying why', () => {
    expect(parseServerAddress('zhuanban.county.gov.cn')).toEqual({ url: 'https://zhuanban.county.gov.cn' })
    expect(parseServerAddress(' https://10.1.2.3:8443/#/kanban ')).toEqual({ url: 'https://10.1.2.3:8443' })
    expect(parseServerAddress('http://127.0.0.1:8080')).toEqual({ url: 'http://127.0.0.1:8080' })
    expect(parseServerAddress('http://10.1.2.3:8080')).toEqual({
      error: '县服务器必须用 https:// 地址（密码要加密传输）。请向服务器管理员要 https 地址',
    })
    expect(parseServerAddress('https://admin:pw@10.1.2.3')).toEqual({
      error: '地址中不能含账号或密码：登录在连接后进行',
    })
    expect(parseServerAddress('ftp://10.1.2.3')).toEqual({ error: '不支持「ftp:」地址，应以 https:// 开头' })
    expect(parseServerAddress('')).toMatchObject({ error: expect.stringContaining('请填写县服务器的地址') })
    expect(parseServerAddress('https://[bad')).toMatchObject({ error: expect.stringContaining('不是有效的地址') })
  })

  it('accepts a certificate the system does not trust only when it is the one pinned, for that server', () => {
    const bytes = Buffer.alloc(32, 0xab)
    const certificate = { fingerprint: `sha256/${bytes.toString('base64')}` }
    const pin = electronFingerprint(certificate)!
    expect(pin).toBe(Array(32).fill('AB').join(':'))
    const server: Connection = { mode: 'server', url: 'https://10.1.2.3:8443', fingerprint: pin }
    expect(certificateDecision(server, 'https://10.1.2.3:8443/api/call/auth.me', certificate)).toBe(true)
    expect(certificateDecision(server, 'https://10.1.2.4:8443/', certificate)).toBe(false)
    expect(
      certificateDecision(server, 'https://10.1.2.3:8443/', {
        fingerprint: `sha256/${Buffer.alloc(32).toString('base64')}`,
      }),
    ).toBe(false)
    expect(certificateDecision({ ...server, fingerprint: null }, 'https://10.1.2.3:8443/', certificate)).toBe(false)
    expect(certificateDecision({ mode: 'local' }, 'https://10.1.2.3:8443/', certificate)).toBe(false)
  })
})

describe('测试连接 against real servers on this computer', () => {
  it('describes a self-signed certificate with openssl’s fingerprint, and reaches the server once it is pinned', async () => {
    const tls = selfSigned()
    const port = await listen(https.createServer({ cert: tls.cert, key: tls.key }, healthz))
    const url = `https://127.0.0.1:${port}`
    const first = await probeServer(url, null)
    expect(first).toMatchObject({
      url,
      reachable: false,
      trust: 'untrusted',
      certificate: { subject: 'zhuanban.test', issuer: 'zhuanban.test', fingerprint: tls.fingerprint },
    })
    expect(first.message).toContain('本机不信任服务器的证书')
    expect(await probeServer(url, tls.fingerprint)).toMatchObject({
      reachable: true,
      trust: 'pinned',
      version: '0.1.0',
      schema: 9,
    })
    const other = await probeServer(url, Array(32).fill('00').join(':'))
    expect(other).toMatchObject({ reachable: false, trust: 'untrusted' })
    expect(other.message).toContain('指纹不符')
  })

  it('reaches a plain server on this computer; says when nothing listens, or when it is not a 专班 server', async () => {
    const port = await listen(http.createServer(healthz))
    expect(await probeServer(`http://127.0.0.1:${port}`, null)).toMatchObject({ reachable: true, message: '' })
    const closed = await listen(http.createServer())
    await new Promise((resolve) => servers.pop()!.close(resolve))
    expect((await probeServer(`http://127.0.0.1:${closed}`, null)).message).toContain('拒绝连接')
    const notOurs = await listen(http.createServer((_req, res) => res.writeHead(404).end('nginx')))
    expect((await probeServer(`http://127.0.0.1:${notOurs}`, null)).message).toContain('不是专班县服务器（HTTP 404）')
    expect((await probeServer('http://10.1.2.3', null)).message).toContain('必须用 https://')
  })
})

describe('the app in 县服务器 mode', () => {
  let desktop: Desktop | undefined
  beforeEach(() => electronMock.reset())
  afterEach(() => {
    desktop = undefined
  })

  async function startedOn(connection: Connection) {
    const appData = tempDir()
    mockApp.paths.appData = appData
    fs.mkdirSync(path.join(appData, 'zhuanban'), { recursive: true })
    writeConnection(path.join(appData, 'zhuanban', 'connection.json'), connection)
    desktop = runDesktop(['electron', '.'], {})
    mockApp.ready()
    await new Promise((r) => setTimeout(r, 0))
    return { desktop, window: Window.instances[0]!, appData }
  }

  it('opens no database, shows the server’s page, and goes nowhere else', async () => {
    const { desktop, window, appData } = await startedOn({
      mode: 'server',
      url: 'https://10.1.2.3:8443',
      fingerprint: null,
    })
    expect(desktop.main).toBeUndefined()
    expect(fs.existsSync(path.join(appData, 'zhuanban', 'zhuanban.db'))).toBe(false)
    expect(window.loadedUrl).toBe('https://10.1.2.3:8443/')
    expect(mockIpc.handlers.has(IPC.invoke)).toBe(false)
    expect(window.webContents.fire('will-navigate', 'https://10.1.2.3:8443/#/kanban').defaultPrevented).toBe(false)
    expect(window.webContents.fire('will-navigate', 'https://10.1.2.4:8443/').defaultPrevented).toBe(true)
    expect(window.webContents.fire('will-navigate', 'http://10.1.2.3:8443/').defaultPrevented).toBe(true)
    expect(window.webContents.fire('will-navigate', 'app://zhuanban/index.html#/connection').defaultPrevented).toBe(
      false,
    )
  })

  it('takes the pinned certificate for the server only, and says so when the server cannot be reached', async () => {
    const pin = Array(32).fill('AB').join(':')
    const { window } = await startedOn({ mode: 'server', url: 'https://10.1.2.3:8443', fingerprint: pin })
    const decide = (url: string, fingerprint: string) => {
      let trusted: boolean | undefined
      const event = {
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true
        },
      }
      mockApp.emit(
        'certificate-error',
        event,
        window.webContents,
        url,
        'net::ERR_CERT_AUTHORITY_INVALID',
        { fingerprint },
        (t: boolean) => (trusted = t),
      )
      return { trusted, prevented: event.defaultPrevented }
    }
    const ours = `sha256/${Buffer.alloc(32, 0xab).toString('base64')}`
    expect(decide('https://10.1.2.3:8443/', ours)).toEqual({ trusted: true, prevented: true })
    expect(decide('https://evil.example/', ours)).toEqual({ trusted: false, prevented: false })
    expect(decide('https://10.1.2.3:8443/', `sha256/${Buffer.alloc(32, 1).toString('base64')}`)).toEqual({
      trusted: false,
      prevented: false,
    })

    window.webContents.emit('did-fail-load', {}, -102, 'ERR_CONNECTION_REFUSED', 'https://10.1.2.3:8443/', true)
    expect(window.loadedUrl).toBe('app://zhuanban/index.html#/connection?offline=1')
    const fromPage = {
      sender: window.webContents,
      senderFrame: { url: 'app://zhuanban/index.html#/connection?offline=1' },
    }
    const state = await mockIpc.handlers.get(IPC.connectionGet)!(fromPage)
    expect(state).toEqual({
      connection: { mode: 'server', url: 'https://10.1.2.3:8443', fingerprint: pin },
      offline: '无法打开县服务器 https://10.1.2.3:8443（ERR_CONNECTION_REFUSED）',
    })
    // The server's own page asks for nothing of the shell.
    expect(
      await mockIpc.handlers.get(IPC.connectionGet)!({
        sender: window.webContents,
        senderFrame: { url: 'https://10.1.2.3:8443/' },
      }),
    ).toBeNull()
  })

  it('keeps a new choice from the 连接方式 page and starts again on it; refuses a bad one', async () => {
    const { window, appData } = await startedOn({ mode: 'server', url: 'https://10.1.2.3:8443', fingerprint: null })
    const fromPage = { sender: window.webContents, senderFrame: { url: 'app://zhuanban/index.html#/connection' } }
    const save = mockIpc.handlers.get(IPC.connectionSave)!
    expect(await save(fromPage, { mode: 'server', url: 'http://10.1.2.3', fingerprint: null })).toEqual({
      ok: false,
      message: '连接方式不完整或地址无效，未保存',
    })
    expect(mockApp.relaunch).not.toHaveBeenCalled()
    expect(
      await save({ ...fromPage, senderFrame: { url: 'https://10.1.2.3:8443/' } }, { mode: 'local' }),
    ).toMatchObject({ ok: false })
    expect(await save(fromPage, { mode: 'local' })).toEqual({ ok: true, message: '' })
    expect(readConnection(path.join(appData, 'zhuanban', 'connection.json'))).toEqual({ mode: 'local' })
    expect(mockApp.relaunch).toHaveBeenCalledTimes(1)
  })
})
