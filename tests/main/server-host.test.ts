/**
 * The county server's host (http/server-host.ts) over real sockets: two hosts on one database stand for two
 * `zhuanban server` processes (on PostgreSQL two Apps with pools of their own; on SQLite the desktop's one App),
 * and share logins and the login rate limit; CSRF refuses what it should and changes nothing; cookies are Secure
 * under TLS and behind a trusted proxy; the request log names the account; a stop lets a call in flight finish.
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { execFileSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import type { App } from '../../src/main/app'
import type { RunningHost } from '../../src/main/http/host'
import { startServerHost, type ServerHostOptions } from '../../src/main/http/server-host'
import { newApps, rawNumber, tempDir } from '../helpers/app'
import { browserClient } from '../helpers/browser-client'

const hosts: RunningHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close()
})

async function serve(app: App, options: Partial<ServerHostOptions> = {}): Promise<RunningHost> {
  const host = await startServerHost({
    app,
    host: '127.0.0.1',
    port: 0,
    trustProxy: [],
    logLevel: 'silent',
    ...options,
  })
  hosts.push(host)
  return host
}

const ADMIN = { login: 'admin', password: 'Admin#2026x' }

/** Two servers on one database with an administrator. */
async function twoServers(options: Partial<ServerHostOptions> = {}) {
  const [a, b] = await newApps(2)
  await a!.call('auth.setup', { ...ADMIN, name: '管理员', unit: '县重点项目办' })
  const [one, two] = [await serve(a!, options), await serve(b!, options)]
  return { apps: [a!, b!], one, two }
}

/** One App with an administrator. */
async function adminApp(): Promise<App> {
  const [a] = await newApps(1)
  await a!.call('auth.setup', { ...ADMIN, name: '管理员', unit: '县重点项目办' })
  return a!
}

/** An open `GET /api/events` stream of `browser`: its server-sent events as they come. */
async function openEvents(base: string, browser: ReturnType<typeof browserClient>) {
  const events: { event: string; data: string }[] = []
  let wake = () => {}
  let ended!: Promise<void>
  await new Promise<void>((resolve, reject) => {
    const req = http.get(
      `${base}/api/events`,
      { headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } },
      (res) => {
        expect(res.statusCode).toBe(200)
        expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8')
        let buffer = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          buffer += chunk
          let cut
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut)
            buffer = buffer.slice(cut + 2)
            const lines = block.split('\n')
            const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6))
            if (data.length)
              events.push({
                event: lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message',
                data: data.join('\n'),
              })
            wake()
          }
        })
        ended = new Promise((done) => res.on('end', done))
        resolve()
      },
    )
    req.on('error', reject)
  })
  return {
    ended,
    /** The first event (not yet taken) that matches; waits up to 5 s. */
    async next(match: (e: { event: string; data: string }) => boolean) {
      const deadline = Date.now() + 5000
      for (;;) {
        const at = events.findIndex(match)
        if (at >= 0) return events.splice(at, 1)[0]!
        if (Date.now() > deadline) throw new Error(`no such event; had ${JSON.stringify(events)}`)
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, 100)
        })
      }
    },
  }
}

const body = (answer: { body: unknown }) =>
  answer.body as { ok: boolean; result?: unknown; error?: { code: string; message: string } }

describe('the county server host', () => {
  it('shares a login between two server processes: log in through one, work through the other', async () => {
    const { apps, one, two } = await twoServers()
    const browser = browserClient(`http://127.0.0.1:${one.port}`)
    const login = await browser.call('auth.login', ADMIN)
    expect(login.status).toBe(200)
    expect(browser.setCookies.find((c) => c.startsWith('zb_session='))).toMatch(/HttpOnly; SameSite=Strict$/)
    const other = browser.at(`http://127.0.0.1:${two.port}`)
    const created = await other.call('dict.create', { kind: 'unit', name: '县数据局' })
    expect(body(created)).toMatchObject({ ok: true, result: { name: '县数据局' } })
    expect(await rawNumber(apps[0]!, `SELECT count(*) AS n FROM dict_items WHERE name = '县数据局'`)).toBe(1)
    await other.call('auth.logout')
    const after = await browser.call('dict.list', { kind: 'unit' })
    expect(body(after)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })

  it('streams each change to the pages open on every server, within a second, and ends the stream at a stop', async () => {
    const { apps, one, two } = await twoServers()
    const leader = browserClient(`http://127.0.0.1:${one.port}`)
    await leader.call('auth.login', ADMIN)
    const denied = await browserClient(`http://127.0.0.1:${one.port}`).request('GET', '/api/events')
    expect(denied.status).toBe(401)
    const stream = await openEvents(`http://127.0.0.1:${one.port}`, leader)
    await stream.next((e) => e.event === 'hello')
    // A write through the other server (here by the same account: a new unit).
    const member = leader.at(`http://127.0.0.1:${two.port}`)
    const started = Date.now()
    await member.call('dict.create', { kind: 'unit', name: '县数据局' })
    const change = await stream.next((e) => e.event === 'message')
    expect(Date.now() - started).toBeLessThan(1000)
    const userId = (await apps[0]!.call('user.list', {})).find((u) => u.login === 'admin')!.id
    expect(JSON.parse(change.data)).toEqual({ version: expect.any(Number), projectIds: null, by: userId })
    // A stop ends the open stream (the host does not wait on it forever).
    await one.close()
    hosts.splice(hosts.indexOf(one), 1)
    await stream.ended
  })

  it('refuses a call without the anti-forgery token, or with another browser’s, and changes nothing', async () => {
    const { apps, one } = await twoServers()
    const browser = browserClient(`http://127.0.0.1:${one.port}`)
    await browser.call('auth.login', ADMIN)
    const before = await rawNumber(apps[0]!, 'SELECT count(*) AS n FROM dict_items')
    // A page of another site that got the cookie sent along (it cannot read the token).
    const bare = await browser.request('POST', '/api/call/dict.create', { kind: 'unit', name: '伪造单位' })
    expect(bare.status).toBe(403)
    expect(body(bare)).toEqual({
      ok: false,
      error: { code: 'CSRF', message: '页面的安全校验已过期，操作未执行。请刷新页面后重试' },
    })
    const stranger = browserClient(`http://127.0.0.1:${one.port}`)
    const foreign = await browser.call(
      'dict.create',
      { kind: 'unit', name: '伪造单位' },
      {
        'x-csrf-token': await stranger.fetchCsrf(),
      },
    )
    expect(foreign.status).toBe(403)
    expect(await rawNumber(apps[0]!, 'SELECT count(*) AS n FROM dict_items')).toBe(before)
    // The login itself is guarded too (a page cannot log a browser in as someone else).
    const anonymous = browserClient(`http://127.0.0.1:${one.port}`)
    expect((await anonymous.request('POST', '/api/call/auth.login', ADMIN)).status).toBe(403)
    expect(anonymous.cookies.has('zb_session')).toBe(false)
  })

  it('limits logins per account and per address, counted together by both servers', async () => {
    const limit = { perAddress: 6, perAccount: 3, windowSeconds: 60 }
    const { one, two } = await twoServers({ loginLimit: limit })
    const [x, y] = [browserClient(`http://127.0.0.1:${one.port}`), browserClient(`http://127.0.0.1:${two.port}`)]
    const tries: number[] = []
    for (const browser of [x, y, x])
      tries.push((await browser.call('auth.login', { ...ADMIN, password: 'Wrong#2026x' })).status)
    expect(tries).toEqual([401, 401, 401])
    const fourth = await y.call('auth.login', ADMIN)
    expect(fourth.status).toBe(429)
    expect(body(fourth).error).toMatchObject({ code: 'RATE_LIMITED' })
    expect(body(fourth).error!.message).toMatch(/^登录尝试过于频繁，请\d+秒后再试$/)
    expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0)
    expect(y.cookies.has('zb_session')).toBe(false)
    // Other accounts from the same address: two more, then the address is refused whatever the account.
    for (const login of ['nobody1', 'nobody2'])
      expect((await x.call('auth.login', { login, password: 'Wrong#2026x' })).status).toBe(401)
    expect((await x.call('auth.login', { login: 'nobody3', password: 'Wrong#2026x' })).status).toBe(429)
    // A login name of any length is counted under a key of one length, and refused as input, never a 500.
    const long = await browserClient(`http://127.0.0.1:${two.port}`).call(
      'auth.login',
      { login: 'x'.repeat(300_000), password: 'Wrong#2026x' },
      { 'x-forwarded-for': '10.1.0.77' },
    )
    expect(long.status).toBeLessThan(500)
  })

  it('sets Secure cookies and HSTS under TLS, with the certificate trusted as given', async () => {
    const dir = tempDir()
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    const [cert, key] = [fs.readFileSync(path.join(dir, 'cert.pem')), fs.readFileSync(path.join(dir, 'key.pem'))]
    const host = await serve(await adminApp(), { tls: { cert, key } })
    expect(host.url).toBe(`https://127.0.0.1:${host.port}/`)
    const browser = browserClient(host.url, { ca: cert })
    const login = await browser.call('auth.login', ADMIN)
    expect(login.status).toBe(200)
    expect(login.headers['strict-transport-security']).toBe('max-age=31536000')
    expect(browser.setCookies.find((c) => c.startsWith('zb_session='))).toMatch(/; Secure$/)
    expect(browser.setCookies.find((c) => c.startsWith('zb_csrf='))).toMatch(/Secure/)
    // Without the certificate given, the connection is refused (no check is skipped).
    await expect(browserClient(host.url).request('GET', '/healthz')).rejects.toThrow(/self.signed|certificate/i)
  })

  it('believes X-Forwarded-* only from the trusted proxy', async () => {
    const a = await adminApp()
    const proxied = await serve(a, {
      trustProxy: ['127.0.0.1'],
      loginLimit: { perAddress: 1, perAccount: 100, windowSeconds: 60 },
    })
    const viaProxy = browserClient(`http://127.0.0.1:${proxied.port}`)
    const forwarded = (ip: string) => ({ 'x-forwarded-for': ip, 'x-forwarded-proto': 'https' })
    const first = await viaProxy.call('auth.login', ADMIN, forwarded('10.1.0.5'))
    expect(first.status).toBe(200)
    expect(viaProxy.setCookies.find((c) => c.startsWith('zb_session='))).toMatch(/; Secure$/)
    // Another client behind the proxy is another address; the same one again is limited.
    expect((await viaProxy.call('auth.login', ADMIN, forwarded('10.1.0.6'))).status).toBe(200)
    expect((await viaProxy.call('auth.login', ADMIN, forwarded('10.1.0.5'))).status).toBe(429)

    const direct = await serve(a, { loginLimit: { perAddress: 1, perAccount: 100, windowSeconds: 60 } })
    const spoofer = browserClient(`http://127.0.0.1:${direct.port}`)
    expect((await spoofer.call('auth.login', ADMIN, forwarded('10.9.9.1'))).status).toBe(200)
    expect(spoofer.setCookies.find((c) => c.startsWith('zb_session='))).not.toMatch(/Secure/)
    // Its made-up addresses do not get it more tries: it is 127.0.0.1, whatever it claims.
    expect((await spoofer.call('auth.login', ADMIN, forwarded('10.9.9.2'))).status).toBe(429)
  })

  it('lets the first administrator be set up only from the server itself', async () => {
    const [a] = await newApps(1)
    const host = await serve(a!, { trustProxy: ['127.0.0.1'] })
    const desk = browserClient(`http://127.0.0.1:${host.port}`)
    const setup = { ...ADMIN, name: '管理员', unit: '县重点项目办' }
    const remote = await desk.call('auth.setup', setup, { 'x-forwarded-for': '10.1.0.5' })
    expect(remote.status).toBe(403)
    expect(body(remote).error!.message).toContain('首次建立系统管理员只能在服务器本机进行')
    expect(await rawNumber(a!, 'SELECT count(*) AS n FROM users')).toBe(0)
    // Through a proxy the configuration does not name, every request looks local: not taken as the server's own.
    const unnamed = await serve(a!)
    const viaProxy = browserClient(`http://127.0.0.1:${unnamed.port}`)
    expect((await viaProxy.call('auth.setup', setup, { 'x-forwarded-for': '10.1.0.5' })).status).toBe(403)
    const local = await desk.call('auth.setup', setup)
    expect(local.status).toBe(200)
    expect(await rawNumber(a!, 'SELECT count(*) AS n FROM users')).toBe(1)
  })

  it('answers the health check, and logs each request as one JSON line with its account', async () => {
    const a = await adminApp()
    const lines: string[] = []
    const stream = new PassThrough()
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)))
    const host = await serve(a, { logLevel: 'info', logStream: stream })
    const browser = browserClient(`http://127.0.0.1:${host.port}`)
    const health = await browser.request('GET', '/healthz')
    expect(health).toMatchObject({ status: 200, body: { ok: true, schema: expect.any(Number) } })
    await browser.call('auth.login', ADMIN)
    await browser.call('auth.me')
    const userId = (await a.call('user.list', {})).find((u) => u.login === 'admin')!.id
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request')
    expect(logged.find((l) => l.path === '/api/call/auth.me')).toMatchObject({
      method: 'POST',
      status: 200,
      userId,
      ip: '127.0.0.1',
    })
    expect(logged.find((l) => l.path === '/healthz')).toMatchObject({ status: 200, userId: null })
    // The login itself names the account it opened.
    expect(logged.find((l) => l.path === '/api/call/auth.login')).toMatchObject({ status: 200, userId })
    expect(health.headers['cache-control']).toBe('no-store')
    // The log never carries a password or a session token.
    expect(lines.join('\n')).not.toContain(ADMIN.password)
    expect(lines.join('\n')).not.toContain(browser.cookies.get('zb_session'))
  })

  it('stops gracefully: a call in flight finishes and is answered, new requests are not taken', async () => {
    const a = await adminApp()
    // The App as the host sees it, holding 'dict.create' until the test lets it go: in flight for certain.
    let arrived!: () => void
    const inFlight = new Promise<void>((resolve) => (arrived = resolve))
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const slow: App = {
      ...a,
      invoke: async (name, input, from) => {
        if (name === 'dict.create') {
          arrived()
          await held
        }
        return a.invoke(name, input, from)
      },
    }
    const host = await serve(slow)
    const browser = browserClient(`http://127.0.0.1:${host.port}`)
    await browser.call('auth.login', ADMIN)
    const writing = browser.call('dict.create', { kind: 'unit', name: '停机前的单位' })
    await inFlight
    let closed = false
    const closing = host.close().then(() => (closed = true))
    hosts.splice(hosts.indexOf(host), 1)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(closed).toBe(false) // the stop waits for the call
    release()
    const answer = await writing
    expect(answer.status).toBe(200)
    expect(body(answer)).toMatchObject({ ok: true, result: { name: '停机前的单位' } })
    await closing
    // Not taken: no connection (or the kept-alive one closed).
    await expect(browser.request('GET', '/healthz')).rejects.toThrow(/ECONNREFUSED|socket hang up|ECONNRESET/)
    expect(await rawNumber(a, `SELECT count(*) AS n FROM dict_items WHERE name = '停机前的单位'`)).toBe(1)
  })
})
