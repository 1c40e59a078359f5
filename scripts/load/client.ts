/**
 * One simulated browser: a cookie jar (zb_session, zb_csrf), the anti-forgery token fetched as the page fetches
 * it (`GET /api/csrf`), calls as POST /api/call/<name>, over keep-alive connections — at most 6 at once to the
 * server, as a browser holds per host — and answers compressed as a browser asks for them (the server's
 * compression is part of what it costs). The same approach as tests/helpers/browser-client.ts, which scripts do
 * not import.
 */
import http from 'node:http'
import zlib from 'node:zlib'

/** What one call came back with: the contract's answer, or the transport's failure as a code of its own. */
export type CallOutcome =
  | { ok: true; result: unknown; ms: number; status: number }
  | { ok: false; code: string; message: string; ms: number; status: number }

export interface LoadClient {
  call(name: string, input: unknown): Promise<CallOutcome>
  fetchCsrf(): Promise<void>
  /** Closes the connections it keeps open. */
  close(): void
}

/** A request that takes longer than this is abandoned and counted as an error (TIMEOUT): the run stays bounded. */
export const REQUEST_TIMEOUT_MS = 30_000

export function loadClient(base: string): LoadClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 6 })
  const cookies = new Map<string, string>()
  let csrf = ''

  /**
   * A request on a kept-alive connection that the server closed meanwhile fails before any answer: a browser
   * sends it again on a new connection, and so does this (once; Node's documented pattern, req.reusedSocket).
   */
  async function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    try {
      return await requestOnce(method, path, body, headers)
    } catch (error) {
      if (!(error as { reusedSocket?: boolean }).reusedSocket) throw error
      return requestOnce(method, path, body, headers)
    }
  }

  function requestOnce(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const url = new URL(path, base)
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = http.request(
        url,
        {
          method,
          agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            'accept-encoding': 'gzip',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
            ...(cookie ? { cookie } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () => {
            for (const line of res.headers['set-cookie'] ?? []) {
              const [pair] = line.split(';')
              const [name, ...value] = pair!.split('=')
              if (/Max-Age=0/i.test(line)) cookies.delete(name!.trim())
              else cookies.set(name!.trim(), value.join('='))
            }
            try {
              let raw = Buffer.concat(chunks)
              if (res.headers['content-encoding'] === 'gzip') raw = zlib.gunzipSync(raw)
              const text = raw.toString('utf8')
              let parsed: unknown = text
              try {
                parsed = JSON.parse(text)
              } catch {
                // not JSON (an HTML error page): the text as it is
              }
              resolve({ status: res.statusCode ?? 0, body: parsed })
            } catch (error) {
              reject(error as Error)
            }
          })
        },
      )
      req.on('timeout', () => req.destroy(Object.assign(new Error('请求超时'), { code: 'TIMEOUT' })))
      req.on('error', (error: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')
        reject(stale ? Object.assign(error, { reusedSocket: true }) : error)
      })
      req.end(payload)
    })
  }

  const client: LoadClient = {
    async fetchCsrf() {
      const answer = await request('GET', '/api/csrf')
      const token = (answer.body as { token?: unknown } | null)?.token
      if (typeof token !== 'string') throw new Error(`GET /api/csrf 没有给出令牌（HTTP ${answer.status}）`)
      csrf = token
    },
    async call(name, input) {
      const started = performance.now()
      try {
        if (!csrf) await client.fetchCsrf()
        const answer = await request('POST', `/api/call/${name}`, input, { 'x-csrf-token': csrf })
        const ms = performance.now() - started
        const body = answer.body as { ok?: boolean; result?: unknown; error?: { code?: string; message?: string } }
        if (body && typeof body === 'object' && body.ok === true)
          return { ok: true, result: body.result, ms, status: answer.status }
        return {
          ok: false,
          code: body?.error?.code ?? `HTTP_${answer.status}`,
          message: body?.error?.message ?? String(answer.body).slice(0, 200),
          ms,
          status: answer.status,
        }
      } catch (error) {
        const e = error as NodeJS.ErrnoException
        return { ok: false, code: e.code ?? 'NETWORK', message: e.message, ms: performance.now() - started, status: 0 }
      }
    },
    close() {
      agent.destroy()
    },
  }
  return client
}
