/**
 * A browser as the county server sees it, without Chromium: a cookie jar, the anti-forgery token fetched as the
 * page fetches it (`GET /api/csrf`), and calls as POST /api/call/<name>. Over HTTP or HTTPS (a self-signed
 * certificate is trusted by giving it as `ca`, never by turning checks off).
 */
import http from 'node:http'
import https from 'node:https'

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: unknown
}

export interface BrowserClient {
  /** The cookies the browser holds, by name (value only). */
  cookies: Map<string, string>
  /** Every Set-Cookie header received, as sent (for the attributes). */
  setCookies: string[]
  csrf: string
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>
  /** Fetches the anti-forgery token (as the page does before its first call). */
  fetchCsrf(): Promise<string>
  /** A contract call with the browser's cookies and token; the whole answer. */
  call(name: string, input?: unknown, headers?: Record<string, string>): Promise<Answer>
  /** Sends this browser's cookies to another server (a second process behind the same address). */
  at(base: string): BrowserClient
}

export function browserClient(base: string, options: { ca?: Buffer } = {}, shared?: BrowserClient): BrowserClient {
  const cookies = shared?.cookies ?? new Map<string, string>()
  const setCookies = shared?.setCookies ?? []
  const client: BrowserClient = {
    cookies,
    setCookies,
    csrf: shared?.csrf ?? '',
    request(method, path, body, headers = {}) {
      const url = new URL(path, base)
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
      const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
      const send = url.protocol === 'https:' ? https.request : http.request
      return new Promise<Answer>((resolve, reject) => {
        const req = send(
          url,
          {
            method,
            ca: options.ca,
            headers: {
              ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
              ...(cookie ? { cookie } : {}),
              ...headers,
            },
          },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => {
              for (const line of res.headers['set-cookie'] ?? []) {
                setCookies.push(line)
                const [pair] = line.split(';')
                const [name, ...value] = pair!.split('=')
                if (/Max-Age=0/i.test(line)) cookies.delete(name!.trim())
                else cookies.set(name!.trim(), value.join('='))
              }
              const text = Buffer.concat(chunks).toString('utf8')
              let parsed: unknown = text
              try {
                parsed = JSON.parse(text)
              } catch {
                // not JSON: the text as it is
              }
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed })
            })
          },
        )
        req.on('error', reject)
        req.end(payload)
      })
    },
    async fetchCsrf() {
      const answer = await client.request('GET', '/api/csrf')
      client.csrf = (answer.body as { token: string }).token
      return client.csrf
    },
    async call(name, input = {}, headers = {}) {
      if (!client.csrf) await client.fetchCsrf()
      return client.request('POST', `/api/call/${name}`, input, { 'x-csrf-token': client.csrf, ...headers })
    },
    at(other) {
      return browserClient(other, options, client)
    },
  }
  return client
}
