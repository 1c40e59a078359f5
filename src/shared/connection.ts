/**
 * 连接方式 of the desktop app (issue 20): 本机数据 — the single office PC's SQLite file, as before — or 县服务器,
 * an address on the county's network where `zhuanban server` runs; the app then shows that server's pages and
 * keeps no data of its own. Shared by the shell (electron/connection.ts) and its screen (ConnectionScreen.vue).
 */

export type Connection = { mode: 'local' } | { mode: 'server'; url: string; fingerprint: string | null }

/** What the shell found at a server address (测试连接). */
export interface ServerProbe {
  /** The address as it will be kept (scheme, host and port only). */
  url: string
  /** It answered as a 专班 server (its health check). */
  reachable: boolean
  /** Its version and data structure, when it answered. */
  version?: string
  schema?: number
  /**
   * How its certificate stands: trusted by this computer ('system'), the one the administrator pinned
   * ('pinned'), or not trusted ('untrusted': shown so that it can be compared and pinned). Absent for http on
   * this computer itself.
   */
  trust?: 'system' | 'pinned' | 'untrusted'
  certificate?: { subject: string; issuer: string; validFrom: string; validTo: string; fingerprint: string }
  /** What went wrong, in Chinese (empty when reachable). */
  message: string
}

/** What the 连接方式 screen may ask of the shell (the preload's `connection`, only on the app's own page). */
export interface ConnectionBridge {
  get(): Promise<{ connection: Connection; offline: string | null }>
  test(address: string, fingerprint: string | null): Promise<ServerProbe>
  /** Keeps the choice and starts the app again on it. */
  save(connection: Connection): Promise<{ ok: boolean; message: string }>
  /** (Offline) tries the server again; true when it answered (the window then shows it). */
  retry(): Promise<boolean>
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * A server address as typed (zhuanban.county.gov.cn, https://10.1.2.3:8443/…) → its origin, or the reason it
 * cannot be used. HTTPS only: the password crosses the network. Plain http only to this computer itself (a
 * test, or a server behind a proxy on the same PC).
 */
export function parseServerAddress(text: string): { url: string } | { error: string } {
  const typed = text.trim()
  if (!typed) return { error: '请填写县服务器的地址，如 https://zhuanban.county.gov.cn' }
  let url: URL
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(typed) ? typed : `https://${typed}`)
  } catch {
    return { error: `「${typed}」不是有效的地址，应写成 https://服务器名或IP地址[:端口]` }
  }
  if (url.username || url.password) return { error: '地址中不能含账号或密码：登录在连接后进行' }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname))
    return { error: '县服务器必须用 https:// 地址（密码要加密传输）。请向服务器管理员要 https 地址' }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { error: `不支持「${url.protocol}」地址，应以 https:// 开头` }
  return { url: url.origin }
}

/** A SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` prints it (AB:CD:…), from raw bytes. */
export function fingerprintOf(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')
}

/** Whether a text is a SHA-256 fingerprint in that form (32 bytes). */
export const isFingerprint = (text: unknown): text is string =>
  typeof text === 'string' && /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(text)

/** Whether `value` is a Connection as kept (checked before it is believed: a file, an IPC message). */
export function isConnection(value: unknown): value is Connection {
  if (typeof value !== 'object' || value === null) return false
  const c = value as Record<string, unknown>
  if (c.mode === 'local') return true
  if (c.mode !== 'server' || typeof c.url !== 'string') return false
  const parsed = parseServerAddress(c.url)
  return 'url' in parsed && parsed.url === c.url && (c.fingerprint === null || isFingerprint(c.fingerprint))
}
