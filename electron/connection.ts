/**
 * 连接方式 in the shell: kept in connection.json beside the app's data; 本机数据 opens the office PC's SQLite file as
 * before, 县服务器 shows the server's own pages in the window (its login is the guard; no data is kept here).
 *
 * Certificates: a server whose certificate this computer trusts is simply used. One signed by the county's own
 * CA or self-signed is used only when the administrator has pinned its SHA-256 fingerprint on the 连接方式 screen
 * (shown beside the certificate's subject and dates, to be compared with `openssl x509 -fingerprint -sha256` on
 * the server); no check is ever skipped, and a certificate that changes is refused until pinned again.
 */
import fs from 'node:fs'
import https from 'node:https'
import http from 'node:http'
import tls from 'node:tls'
import type { BrowserWindow, Certificate, Event, IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import {
  fingerprintOf,
  isConnection,
  isFingerprint,
  parseServerAddress,
  type Connection,
  type ServerProbe,
} from '../src/shared/connection'
import { IPC } from '../src/shared/bridge'
import { isAppUrl } from './security'

export const CONNECTION_FILE_NAME = 'connection.json'

/** The kept choice; 本机数据 when there is none or it cannot be read (the office PC works as before). */
export function readConnection(file: string): Connection {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'))
    return isConnection(value) ? value : { mode: 'local' }
  } catch {
    return { mode: 'local' }
  }
}

/** Keeps the choice (written whole, then renamed: a crash leaves the old one or the new one). */
export function writeConnection(file: string, connection: Connection): void {
  const partial = `${file}.partial`
  fs.writeFileSync(partial, JSON.stringify(connection, null, 2))
  fs.renameSync(partial, file)
}

/** Electron's form of a fingerprint ("sha256/BASE64") as the screen shows and keeps it (AB:CD:…). */
export function electronFingerprint(certificate: Pick<Certificate, 'fingerprint'>): string | null {
  const m = /^sha256\/(.+)$/.exec(certificate.fingerprint)
  return m ? fingerprintOf(Buffer.from(m[1]!, 'base64')) : null
}

/**
 * Chromium's certificate-error, answered: accepted only for the configured server's origin, and only when the
 * certificate is the pinned one. Everything else stays refused (Chromium's own decision).
 */
export function certificateDecision(
  connection: Connection,
  url: string,
  certificate: Pick<Certificate, 'fingerprint'>,
): boolean {
  if (connection.mode !== 'server' || !connection.fingerprint) return false
  let origin: string
  try {
    origin = new URL(url).origin
  } catch {
    return false
  }
  return origin === connection.url && electronFingerprint(certificate) === connection.fingerprint
}

const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

function reachError(error: NodeJS.ErrnoException, url: string): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `服务器 ${url} 拒绝连接：专班县服务器可能没有运行，或端口不对。请联系服务器管理员`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `找不到服务器 ${new URL(url).hostname}：请检查地址是否写对，以及本机网络和 DNS`
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'TIMEOUT':
      return `连接 ${url} 超时：请检查网络，或服务器是否可以从本机访问（防火墙）`
    default:
      return `无法连接 ${url}（${error.code ?? error.message}）`
  }
}

const PROBE_MS = 5000

/** GET /healthz of `url`, trusting as told; the answer and the certificate the server presented. */
function health(
  url: string,
  trust: 'system' | { fingerprint: string },
): Promise<{ status: number; body: string; fingerprint: string | null }> {
  return new Promise((resolve, reject) => {
    const target = new URL('/healthz', url)
    const send = target.protocol === 'https:' ? https.request : http.request
    const req = send(
      target,
      // Pinned: the system's trust is set aside only to compare the presented certificate with the pin, below,
      // before anything of the answer is believed.
      { timeout: PROBE_MS, ...(target.protocol === 'https:' ? { rejectUnauthorized: trust === 'system' } : {}) },
      (res) => {
        const socket = res.socket as tls.TLSSocket
        const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null
        const fingerprint = peer?.fingerprint256 ?? null
        if (trust !== 'system' && fingerprint !== trust.fingerprint) {
          res.destroy()
          return reject(Object.assign(new Error('fingerprint'), { code: 'PIN_MISMATCH', fingerprint }))
        }
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk.slice(0, 10_000)))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, fingerprint }))
      },
    )
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })))
    req.on('error', reject)
    req.end()
  })
}

/** The certificate a TLS server presents (read only to be shown and compared: nothing is sent over it). */
function presented(url: string): Promise<tls.PeerCertificate> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: hostname,
      port: Number(port || 443),
      servername: hostname,
      rejectUnauthorized: false,
      timeout: PROBE_MS,
    })
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate()
      socket.end()
      resolve(certificate)
    })
    socket.once('timeout', () => socket.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })))
    socket.once('error', reject)
  })
}

const nameOf = (part: tls.Certificate | undefined): string => {
  const name = part ? (part.CN ?? part.O ?? '') : ''
  return Array.isArray(name) ? name.join('、') : name
}

/**
 * 测试连接: whether `address` answers as a 专班 server, and how its certificate stands. A certificate this
 * computer does not trust is described (subject, issuer, dates, SHA-256 fingerprint) for the administrator to
 * compare; with `fingerprint` pinned and matching, the server is reached through it.
 */
export async function probeServer(address: string, fingerprint: string | null): Promise<ServerProbe> {
  const parsed = parseServerAddress(address)
  if ('error' in parsed) return { url: '', reachable: false, message: parsed.error }
  const { url } = parsed
  const answered = (
    answer: { status: number; body: string },
    trust: ServerProbe['trust'],
    cert?: ServerProbe['certificate'],
  ): ServerProbe => {
    try {
      const body = JSON.parse(answer.body) as { ok?: boolean; version?: string; schema?: number }
      if (answer.status === 200 && body.ok)
        return {
          url,
          reachable: true,
          version: body.version,
          schema: body.schema,
          trust,
          certificate: cert,
          message: '',
        }
    } catch {
      // not a 专班 server's answer
    }
    return {
      url,
      reachable: false,
      trust,
      certificate: cert,
      message:
        answer.status === 503
          ? '县服务器已运行，但它连不上自己的数据库。请联系服务器管理员'
          : `${url} 上不是专班县服务器（HTTP ${answer.status}）。请检查地址和端口`,
    }
  }
  try {
    return answered(await health(url, 'system'), url.startsWith('https:') ? 'system' : undefined)
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    if (!CERTIFICATE_ERRORS.has(e.code ?? '')) return { url, reachable: false, message: reachError(e, url) }
  }
  // The certificate is not trusted here: describe it, and use it only when it is the pinned one.
  let peer: tls.PeerCertificate
  try {
    peer = await presented(url)
  } catch (error) {
    return { url, reachable: false, message: reachError(error as NodeJS.ErrnoException, url) }
  }
  const certificate = {
    subject: nameOf(peer.subject),
    issuer: nameOf(peer.issuer),
    validFrom: new Date(peer.valid_from).toISOString().slice(0, 10),
    validTo: new Date(peer.valid_to).toISOString().slice(0, 10),
    fingerprint: peer.fingerprint256,
  }
  if (!fingerprint || fingerprint !== certificate.fingerprint)
    return {
      url,
      reachable: false,
      trust: 'untrusted',
      certificate,
      message: fingerprint
        ? '服务器的证书与之前信任的不同（指纹不符）：证书可能已更换，也可能有人冒充服务器。请与服务器管理员核对新证书的指纹后再信任'
        : '本机不信任服务器的证书（自签名或县内部 CA 签发）。请与服务器管理员核对下面的指纹，一致后勾选“信任此证书”',
    }
  try {
    return answered(await health(url, { fingerprint }), 'pinned', certificate)
  } catch (error) {
    return {
      url,
      reachable: false,
      trust: 'untrusted',
      certificate,
      message: reachError(error as NodeJS.ErrnoException, url),
    }
  }
}

export interface ConnectionShell {
  file: string
  current(): Connection
  /** Why the server could not be reached (the window shows the 连接方式 page offline), or null. */
  offline(): string | null
  window(): BrowserWindow | undefined
  /** Starts the app again on the kept choice. */
  relaunch(): void
}

const refused = { ok: false, message: '拒绝来自未知页面的请求' }

/** Only the app's own page (the 连接方式 screen) may ask; the server's pages never can. */
function fromAppPage(event: IpcMainInvokeEvent): boolean {
  return isAppUrl(event.senderFrame?.url ?? '')
}

export function registerConnectionHandlers(ipcMain: IpcMain, shell: ConnectionShell): void {
  ipcMain.handle(IPC.connectionGet, async (event) =>
    fromAppPage(event) ? { connection: shell.current(), offline: shell.offline() } : null,
  )
  ipcMain.handle(IPC.connectionTest, async (event, address: unknown, fingerprint: unknown) => {
    if (!fromAppPage(event) || typeof address !== 'string' || address.length > 500) return null
    return probeServer(address, isFingerprint(fingerprint) ? fingerprint : null)
  })
  ipcMain.handle(IPC.connectionSave, async (event, connection: unknown) => {
    if (!fromAppPage(event)) return refused
    if (!isConnection(connection)) return { ok: false, message: '连接方式不完整或地址无效，未保存' }
    try {
      writeConnection(shell.file, connection)
    } catch (error) {
      return { ok: false, message: `无法保存连接方式（${(error as Error).message}）` }
    }
    shell.relaunch()
    return { ok: true, message: '' }
  })
  ipcMain.handle(IPC.connectionRetry, async (event) => {
    const connection = shell.current()
    if (!fromAppPage(event) || connection.mode !== 'server') return false
    const probe = await probeServer(connection.url, connection.fingerprint)
    if (probe.reachable) void shell.window()?.loadURL(`${connection.url}/`)
    return probe.reachable
  })
}

/** The window's page, when it is the server's: the server's origin; the app's own pages stay allowed too. */
export function allowedIn(connection: Connection): (url: string) => boolean {
  return (url) => {
    if (isAppUrl(url)) return true
    if (connection.mode !== 'server') return false
    try {
      return new URL(url).origin === connection.url
    } catch {
      return false
    }
  }
}

/** The server's page did not load (unreachable, refused certificate): the 连接方式 page says so and retries. */
export function offlinePage(): string {
  return 'app://zhuanban/index.html#/connection?offline=1'
}

export type CertificateErrorListener = (
  event: Event,
  webContents: WebContents,
  url: string,
  error: string,
  certificate: Certificate,
  callback: (trusted: boolean) => void,
) => void

/** The app's certificate-error listener for `connection` (see certificateDecision). */
export function certificateListener(connection: Connection): CertificateErrorListener {
  return (event, _contents, url, _error, certificate, callback) => {
    if (certificateDecision(connection, url, certificate)) {
      event.preventDefault()
      callback(true)
    } else callback(false)
  }
}
