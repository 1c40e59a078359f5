import http from 'node:http'
import zlib from 'node:zlib'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BODY_LIMIT, TOKEN_HEADER, startHttpHost, type RunningHost } from '../../src/main/http/host'
import { dump, newApp, seedBasics, tempDir } from '../helpers/app'
import { CHANGED, PASSWORD } from '../helpers/accounts'

const hosts: RunningHost[] = []
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close()
})

/** The host of a database with an office account, logged in: `authed` then carries its session cookie. */
async function host(staticDir?: string) {
  const app = await newApp()
  await seedBasics(app)
  await app.call('user.create', {
    login: 'office',
    name: '王办事',
    unit: '区重点项目办',
    roles: ['office'],
    password: PASSWORD,
  })
  const h = await startHttpHost({ app, staticDir, token: 'test-token-123' })
  hosts.push(h)
  authed.cookie = await login(h.port, 'office', PASSWORD)
  const changed = await request(h.port, {
    path: '/api/call/auth.changePassword',
    headers: authed,
    body: JSON.stringify({ oldPassword: PASSWORD, password: CHANGED }),
  })
  expect(changed.status).toBe(200)
  return { app, h }
}

/** Logs in over HTTP; the session cookie to send back ("zb_session=…"). */
async function login(port: number, name: string, password: string): Promise<string> {
  const res = await request(port, {
    path: '/api/call/auth.login',
    headers: { ...json, [TOKEN_HEADER]: 'test-token-123' },
    body: JSON.stringify({ login: name, password }),
  })
  expect(res.status, res.body).toBe(200)
  const set = String(res.headers['set-cookie'])
  return set.split(';')[0]!
}

/** A raw request whose answer is kept as bytes, with its content encoding (compressed answers, files). */
function rawBytes(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
) {
  return new Promise<{ status: number; body: Buffer; encoding: string | undefined; headers: http.IncomingHttpHeaders }>(
    (resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path, headers: opts.headers },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks),
              encoding: res.headers['content-encoding'],
              headers: res.headers,
            }),
          )
        },
      )
      req.on('error', reject)
      if (opts.body !== undefined) req.write(opts.body)
      req.end()
    },
  )
}

/** A raw request, so that headers such as Host can be set as an attacker would; the answer as text. */
async function request(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
) {
  const res = await rawBytes(port, opts)
  return { status: res.status, body: res.body.toString('utf8'), headers: res.headers }
}

const json = { 'content-type': 'application/json' }
/** The launch token and (set by `host`) the logged-in session's cookie. */
const authed: Record<string, string> = { ...json, [TOKEN_HEADER]: 'test-token-123' }
const newLeader = JSON.stringify({ name: '外来', title: '副区长', sortOrder: 1 })

describe('browser mode HTTP host', () => {
  it('listens on 127.0.0.1 only, and prints a URL carrying the token in the fragment', async () => {
    const { h } = await host()
    expect(h.server.server.address()).toMatchObject({ address: '127.0.0.1' })
    expect(h.url).toBe(`http://127.0.0.1:${h.port}/#token=test-token-123`)
  })

  it('makes a fresh random token for each launch', async () => {
    const app = await newApp()
    const a = await startHttpHost({ app })
    const b = await startHttpHost({ app })
    hosts.push(a, b)
    expect(a.token).not.toBe(b.token)
    expect(a.token.length).toBeGreaterThanOrEqual(32)
  })

  it('keeps the session in an HttpOnly SameSite=Strict cookie; without it, or after logout, calls are refused', async () => {
    const { app, h } = await host()
    const res = await request(h.port, {
      path: '/api/call/auth.login',
      headers: { ...json, [TOKEN_HEADER]: 'test-token-123' },
      body: JSON.stringify({ login: 'office', password: CHANGED }),
    })
    expect(String(res.headers['set-cookie'])).toMatch(/^zb_session=[\w-]{40,}; Path=\/api; HttpOnly; SameSite=Strict$/)
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, result: { login: 'office', roles: ['office'] } })
    const before = await dump(app)
    // The token alone (another local program that read the address) is not a login.
    const anonymous = await request(h.port, {
      path: '/api/call/leader.create',
      headers: { ...json, [TOKEN_HEADER]: 'test-token-123' },
      body: newLeader,
    })
    expect(anonymous.status).toBe(401)
    expect(JSON.parse(anonymous.body).error).toMatchObject({ code: 'UNAUTHENTICATED', message: '请先登录专班' })
    // The cookie alone (another site's form) is not enough either: the token is still required.
    const noToken = await request(h.port, {
      path: '/api/call/leader.create',
      headers: { ...json, cookie: authed.cookie! },
      body: newLeader,
    })
    expect(noToken.status).toBe(401)
    expect(await dump(app)).toEqual(before)
    const out = await request(h.port, { path: '/api/call/auth.logout', headers: authed, body: '{}' })
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0')
    const after = await request(h.port, { path: '/api/call/leader.list', headers: authed, body: '{}' })
    expect(after.status).toBe(401)
  })

  it('answers a call with the token', async () => {
    const { h } = await host()
    const res = await request(h.port, { path: '/api/call/leader.list', headers: authed, body: '{}' })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, result: [{ name: '钱二和' }, { name: '赵一平' }] })
    expect(res.headers['cache-control']).toBe('no-store')
  })

  it.each([
    ['no token', json, 401],
    ['a wrong token', { ...json, [TOKEN_HEADER]: 'guess' }, 401],
    ['a token of the right length but wrong', { ...json, [TOKEN_HEADER]: 'test-token-124' }, 401],
  ])('refuses %s with a Chinese error and changes nothing', async (_label, headers, status) => {
    const { app, h } = await host()
    const before = await dump(app)
    const res = await request(h.port, { path: '/api/call/leader.create', headers, body: newLeader })
    expect(res.status).toBe(status)
    expect(JSON.parse(res.body)).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: expect.stringContaining('访问令牌') },
    })
    expect(await dump(app)).toEqual(before)
  })

  it('refuses a request addressed to another host name (DNS rebinding)', async () => {
    const { app, h } = await host()
    const before = await dump(app)
    const res = await request(h.port, {
      path: '/api/call/leader.create',
      headers: { ...authed, host: `evil.example:${h.port}` },
      body: newLeader,
    })
    expect(res.status).toBe(403)
    expect(JSON.parse(res.body).error.message).toContain('拒绝访问')
    expect(await dump(app)).toEqual(before)
  })

  it('refuses malformed JSON, a wrong content type and an oversized body, changing nothing', async () => {
    const { app, h } = await host()
    const before = await dump(app)
    const bad = await request(h.port, { path: '/api/call/leader.create', headers: authed, body: '{"name": "甲", ' })
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body).error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('不是有效的 JSON'),
    })
    const empty = await request(h.port, { path: '/api/call/leader.create', headers: authed, body: '' })
    expect(empty.status).toBe(400)
    expect(JSON.parse(empty.body).error.message).toContain('不是有效的 JSON')
    const text = await request(h.port, {
      path: '/api/call/leader.create',
      headers: { ...authed, 'content-type': 'text/plain' },
      body: newLeader,
    })
    expect(text.status).toBe(415)
    expect(JSON.parse(text.body).error.message).toContain('应为 JSON')
    const huge = JSON.stringify({ name: '甲', title: 'x'.repeat(BODY_LIMIT), sortOrder: 1 })
    const big = await request(h.port, { path: '/api/call/leader.create', headers: authed, body: huge })
    expect(big.status).toBe(413)
    expect(JSON.parse(big.body).error.message).toContain('请求内容过大')
    expect(await dump(app)).toEqual(before)
  })

  it('refuses an unknown call and invalid input with the contract’s Chinese errors', async () => {
    const { app, h } = await host()
    const before = await dump(app)
    const unknown = await request(h.port, { path: '/api/call/leader.drop', headers: authed, body: '{}' })
    expect(unknown.status).toBe(404)
    expect(JSON.parse(unknown.body).error.code).toBe('UNKNOWN_CALL')
    const invalid = await request(h.port, { path: '/api/call/leader.create', headers: authed, body: '{"name": ""}' })
    expect(invalid.status).toBe(400)
    expect(JSON.parse(invalid.body).error.message).toContain('「姓名」不能为空')
    const other = await request(h.port, { method: 'GET', path: '/api/whatever', headers: authed })
    expect(other.status).toBe(404)
    expect(await dump(app)).toEqual(before)
  })

  it('takes __proto__ and constructor keys as no fields at all: validated as usual, nothing polluted', async () => {
    const { app, h } = await host()
    const poisoned = (fields: string) =>
      `{${fields}, "__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}`
    const res = await request(h.port, {
      path: '/api/call/leader.create',
      headers: authed,
      body: poisoned('"name": "原型", "title": "副区长", "sortOrder": 3'),
    })
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, result: { name: '原型' } })
    expect((await app.call('leader.list', {})).map((l) => l.name)).toContain('原型')
    const invalid = await request(h.port, {
      path: '/api/call/leader.create',
      headers: authed,
      body: poisoned('"name": ""'),
    })
    expect(invalid.status).toBe(400)
    expect(JSON.parse(invalid.body).error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('「姓名」不能为空'),
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })

  it('maps refusals to HTTP statuses (stale version → 409)', async () => {
    const { h } = await host()
    const res = await request(h.port, {
      path: '/api/call/leader.update',
      headers: authed,
      body: JSON.stringify({ id: 1, version: 99, title: '区长' }),
    })
    expect(res.status).toBe(409)
    expect(JSON.parse(res.body).error.code).toBe('CONFLICT')
  })

  it('serves the built renderer without a token, with protective headers', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>专班</title>')
    const { h } = await host(dir)
    const page = await request(h.port, { method: 'GET', path: '/' })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>专班</title>')
    expect(page.headers['x-frame-options']).toBe('DENY')
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    const escape = await request(h.port, { method: 'GET', path: '/../../etc/passwd' })
    expect(escape.status).toBe(404)
    expect(escape.body).toContain('找不到该页面或文件')
    expect(escape.body).not.toContain('root:')
  })

  it("sends the build's precompressed files as they are, and the page at the bare address under any encoding", async () => {
    const dir = tempDir()
    const page = `<!doctype html><title>专班</title>${'<!-- 注释 -->'.repeat(200)}`
    const script = `console.log(${JSON.stringify('看板'.repeat(2000))})`
    fs.mkdirSync(path.join(dir, 'assets'))
    fs.writeFileSync(path.join(dir, 'index.html'), page)
    fs.writeFileSync(path.join(dir, 'index.html.br'), zlib.brotliCompressSync(page))
    fs.writeFileSync(path.join(dir, 'assets', 'app.js'), script)
    // A marker the server could not have produced by compressing app.js itself: the file beside it is sent.
    const made = zlib.brotliCompressSync(`${script}//build`)
    fs.writeFileSync(path.join(dir, 'assets', 'app.js.br'), made)
    const { h } = await host(dir)
    const get = (url: string, encoding: string) =>
      rawBytes(h.port, { method: 'GET', path: url, headers: { 'accept-encoding': encoding } })
    const js = await get('/assets/app.js', 'gzip, deflate, br')
    expect([js.status, js.encoding]).toEqual([200, 'br'])
    expect(js.body.equals(made)).toBe(true)
    const plainJs = await get('/assets/app.js', 'identity')
    expect([plainJs.status, plainJs.encoding, plainJs.body.toString()]).toEqual([200, undefined, script])
    for (const encoding of ['gzip, deflate, br', 'gzip', 'identity']) {
      const res = await get('/', encoding)
      expect(res.status, encoding).toBe(200)
      const text =
        res.encoding === 'br'
          ? zlib.brotliDecompressSync(res.body)
          : res.encoding === 'gzip'
            ? zlib.gunzipSync(res.body)
            : res.body
      expect(text.toString(), encoding).toBe(page)
    }
  })

  it.each([
    ['with the renderer built', true],
    ['without the renderer', false],
  ])(
    'answers a malformed or refused address in Chinese (%s): a 404 page, under /api/ the contract’s error',
    async (_label, built) => {
      const dir = tempDir()
      fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>专班</title>')
      const { app, h } = await host(built ? dir : undefined)
      const before = await dump(app)
      for (const page of [
        '/%E0%A4%A',
        '/assets/%E0%A4%A',
        '/%ZZ',
        '/%00',
        '/index.html%00.js',
        '/../../etc/passwd',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/assets/..%2f..%2fetc%2fpasswd',
      ]) {
        const res = await request(h.port, { method: 'GET', path: page })
        expect(res.status, page).toBe(404)
        expect(res.headers['content-type'], page).toBe('text/plain; charset=utf-8')
        expect(res.body, page).toContain('找不到该页面或文件')
        expect(res.headers['x-frame-options'], page).toBe('DENY')
        expect(res.headers['content-security-policy'], page).toContain("frame-ancestors 'none'")
      }
      for (const [method, api] of [
        ['GET', '/api/call/%'],
        ['POST', '/api/call/%'],
        ['POST', '/api/call/%E0%A4%A'],
        ['POST', '/api/%00'],
      ] as const) {
        const res = await request(h.port, {
          method,
          path: api,
          headers: authed,
          body: method === 'POST' ? '{}' : undefined,
        })
        expect(res.status, api).toBe(404)
        expect(JSON.parse(res.body), api).toMatchObject({
          ok: false,
          error: { code: 'UNKNOWN_CALL', message: '没有这个接口' },
        })
        expect(res.headers['cache-control'], api).toBe('no-store')
      }
      expect(await dump(app)).toEqual(before)
    },
  )

  it('says a far too long address in Chinese (431), not in English', async () => {
    const { h } = await host()
    const res = await request(h.port, { method: 'GET', path: `/${'a'.repeat(100_000)}` })
    expect(res.status).toBe(431)
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(res.body).toContain('地址或请求头过长')
    expect(res.body).not.toMatch(/Exceeded|Header/)
  })

  it.each([
    ['with the renderer built', true],
    ['without the renderer', false],
  ])(
    'answers a missing page or file with a short Chinese 404 (%s), and an unknown API path with the contract’s error',
    async (_label, built) => {
      const dir = tempDir()
      fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>专班</title>')
      const { h } = await host(built ? dir : undefined)
      for (const missing of ['/nope.js', '/assets/missing.css', '/projects/12']) {
        const res = await request(h.port, { method: 'GET', path: missing })
        expect(res.status).toBe(404)
        expect(res.headers['content-type']).toBe('text/plain; charset=utf-8')
        expect(res.body).toContain('找不到该页面或文件')
        expect(res.body).not.toMatch(/Not Found|not found/)
      }
      const api = await request(h.port, { method: 'GET', path: '/api/nope', headers: authed })
      expect(api.status).toBe(404)
      expect(JSON.parse(api.body)).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_CALL', message: '没有这个接口' },
      })
    },
  )

  it('says in Chinese when the renderer has not been built', async () => {
    const { h } = await host(path.join(tempDir(), 'missing'))
    const page = await request(h.port, { method: 'GET', path: '/' })
    expect(page.body).toContain('npm run build')
  })

  it('compresses answers over 1 KB for a client that accepts it, and never inflates a request body', async () => {
    const { app, h } = await host()
    const bytes = (headers: Record<string, string>, path = '/api/call/auth.roles', body: string | Buffer = '{}') =>
      rawBytes(h.port, { path, headers, body })
    const plain = await bytes(authed)
    expect(plain.encoding).toBeUndefined()
    expect(plain.body.length).toBeGreaterThan(1024) // the role matrix: every call of the contract
    const br = await bytes({ ...authed, 'accept-encoding': 'gzip, deflate, br' })
    expect(br.encoding).toBe('br')
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(plain.body.toString())
    expect(br.body.length).toBeLessThan(plain.body.length / 4)
    const gzip = await bytes({ ...authed, 'accept-encoding': 'gzip' })
    expect(gzip.encoding).toBe('gzip')
    expect(zlib.gunzipSync(gzip.body).toString()).toBe(plain.body.toString())
    // A small answer goes as it is.
    const small = await bytes({ ...authed, 'accept-encoding': 'br' }, '/api/call/auth.me')
    expect([small.status, small.encoding]).toEqual([200, undefined])
    // A compressed request is not inflated: it is not JSON, and nothing is created.
    const before = await dump(app)
    const packed = await bytes(
      { ...authed, 'content-encoding': 'gzip' },
      '/api/call/leader.create',
      zlib.gzipSync(newLeader),
    )
    expect(packed.status).toBe(415)
    expect(JSON.parse(packed.body.toString())).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('不支持压缩的请求内容') },
    })
    expect(await dump(app)).toEqual(before)
  })
})
