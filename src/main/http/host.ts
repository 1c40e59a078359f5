/**
 * Browser mode: the same contract over HTTP on 127.0.0.1, serving the built renderer too. Every API request
 * must carry the launch's random token (other local pages and programs cannot reach the data), and must name
 * this host (against DNS rebinding). Who calls is the account logged in on the tab's session cookie (HttpOnly,
 * SameSite=Strict: the page's scripts never see it, no other site sends it). The transport adds no logic: it
 * hands each call with its session to App.invoke, and writes the cookie when a login or logout changed it.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { Duplex } from 'node:stream'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import fastifyStatic from '@fastify/static'
import fastifyCompress from '@fastify/compress'
import type { App } from '../app'
import type { ApiErrorBody, ErrorCode } from '../../shared/errors'
import { TOKEN_HEADER } from '../../shared/bridge'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp'

export { TOKEN_HEADER }

/** The largest request body accepted: forms are small; an imported ledger (base64) is the big one. */
export const BODY_LIMIT = 48 * 1024 * 1024

const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  UNKNOWN_CALL: 404,
  UNAUTHENTICATED: 401,
  PASSWORD_CHANGE: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  DUPLICATE: 409,
  RULE: 409,
  FROZEN: 409,
  DB_LOCKED: 503,
  DB_UNREADABLE: 503,
  DB_NOT_DATABASE: 503,
  DB_TOO_NEW: 503,
  DB_READONLY: 503,
  DB_FULL: 507,
  INTERNAL: 500,
}

export interface HostOptions {
  app: App
  /** 0 picks a free port. */
  port?: number
  /** The built renderer (dist/renderer); omitted, only the API is served. */
  staticDir?: string
  /** Fixed in tests; a fresh random one per launch otherwise. */
  token?: string
}

export interface RunningHost {
  server: FastifyInstance
  port: number
  token: string
  /** The address to open, token included. */
  url: string
  close(): Promise<void>
}

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

function fail(code: ErrorCode, message: string): { ok: false; error: ApiErrorBody } {
  return { ok: false, error: { code, message } }
}

/** The session cookie's name; its value is the token auth/sessions.ts issued at login. */
export const SESSION_COOKIE = 'zb_session'

function sessionFromCookie(header: string | undefined): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key === SESSION_COOKIE && value.length) return value.join('=') || null
  }
  return null
}

function sessionCookie(token: string | null): string {
  const base = `${SESSION_COOKIE}=${token ?? ''}; Path=/api; HttpOnly; SameSite=Strict`
  return token ? base : `${base}; Max-Age=0`
}

const NOT_FOUND_PAGE = '找不到该页面或文件。请用启动专班时显示的完整地址（含 token）重新打开专班。'

const isApi = (request: FastifyRequest) => request.url.startsWith('/api/')

/** The headers every answer carries. */
function protect(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('X-Content-Type-Options', 'nosniff')
  reply.header('X-Frame-Options', 'DENY')
  reply.header('Referrer-Policy', 'no-referrer')
  if (isApi(request)) reply.header('Cache-Control', 'no-store')
  else reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
}

/** No such page or file: a short Chinese answer instead of Fastify's English one; under /api/ the contract's. */
function notFound(request: FastifyRequest, reply: FastifyReply) {
  if (isApi(request)) return reply.code(404).send(fail('UNKNOWN_CALL', '没有这个接口'))
  return reply.code(404).type('text/plain; charset=utf-8').send(NOT_FOUND_PAGE)
}

/**
 * A request Node's parser refuses before Fastify sees it (headers or address too long, a malformed request):
 * answered in Chinese in place of Fastify's English JSON, then the connection is closed.
 */
function clientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [status, text] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, '请求的地址或请求头过长，无法处理。请用启动专班时显示的完整地址（含 token）重新打开专班。']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, '请求超时，未处理。请重试。']
        : [400, '请求格式不正确，无法处理。请用启动专班时显示的完整地址（含 token）重新打开专班。']
  const body = Buffer.from(text)
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `X-Content-Type-Options: nosniff\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${text}`,
    )
  socket.destroy(error)
}

export async function startHttpHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url')
  const server = Fastify({
    bodyLimit: BODY_LIMIT,
    logger: false,
    // An address that is not even valid (a broken %-escape such as /%E0%A4%A): no such page or call. (Answered
    // before the hooks, so the headers are set here.)
    frameworkErrors: (_error, request, reply) => {
      protect(request, reply)
      return notFound(request, reply)
    },
    clientErrorHandler: clientError,
    // "__proto__" and "constructor" keys are not fields of any call: dropped while parsing (nothing can reach a
    // prototype), so the body is validated like any other instead of refused as "not valid JSON".
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
  })
  // Calls are JSON only: a form post or plain text from some other page is refused before it is parsed.
  server.removeContentTypeParser('text/plain')
  // Answers over 1 KB compressed (brotli at quality 4, else gzip), the interface's files too (registered before
  // the file server, as the plugin asks): a 200-row ranking page is ~150 KB of JSON and ~15 KB on the wire.
  // Request bodies are never decompressed: nothing sends them compressed, and a small body that inflates to
  // gigabytes is then not a way in. No answer holds a secret a page could guess at byte by byte (BREACH): the
  // session is a cookie and the token is never echoed.
  await server.register(fastifyCompress, { encodings: ['br', 'gzip'], globalDecompression: false })
  let port = options.port ?? 0

  // Only requests addressed to this host by name: a page on another site that rebinds its DNS name to
  // 127.0.0.1 still sends its own name.
  server.addHook('onRequest', async (request, reply) => {
    const host = request.headers.host ?? ''
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
      return reply.code(403).send(fail('UNAUTHORIZED', '拒绝访问：请使用本机地址 127.0.0.1 打开专班'))
    // Request bodies are never inflated (see the compression above): a compressed one is refused as such.
    const encoding = request.headers['content-encoding']
    if (encoding && encoding.trim().toLowerCase() !== 'identity')
      return reply.code(415).send(fail('INVALID_INPUT', '不支持压缩的请求内容，操作未执行。请直接发送 JSON'))
  })

  server.addHook('onSend', async (request, reply) => protect(request, reply))

  server.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply
        .code(413)
        .send(fail('INVALID_INPUT', `请求内容过大（超过${BODY_LIMIT / 1024 / 1024}MB），操作未执行`))
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply.code(415).send(fail('INVALID_INPUT', '请求格式不对：应为 JSON，操作未执行'))
    // Only a body that does not parse as JSON is "not valid JSON".
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
      return reply.code(400).send(fail('INVALID_INPUT', '请求内容不是有效的 JSON，操作未执行'))
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      if (isApi(request))
        return reply.code(status).send(fail('INVALID_INPUT', `请求被拒绝（HTTP ${status}），操作未执行`))
      // A path the file server refuses (a NUL byte, "..", a malformed name) names no file of the interface.
      if (status === 400 || status === 403) return notFound(request, reply)
      return reply
        .code(status)
        .type('text/plain; charset=utf-8')
        .send(`请求无法完成（HTTP ${status}）。请用启动专班时显示的完整地址（含 token）重新打开专班。`)
    }
    // The page went away while a compressed answer was being sent (a print closed, a reload): no one to answer.
    if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') return
    console.error(error)
    return reply.code(500).send(fail('INTERNAL', '程序内部错误，操作未完成。请重试；如果反复出现，请联系技术人员'))
  })

  server.post<{ Params: { name: string } }>('/api/call/:name', async (request, reply) => {
    if (!sameToken(request.headers[TOKEN_HEADER], token))
      return reply
        .code(401)
        .send(fail('UNAUTHORIZED', '访问令牌缺失或不正确。请用启动时显示的完整地址（含 token）重新打开专班'))
    const before = sessionFromCookie(request.headers.cookie)
    const slot = { token: before }
    const outcome = await options.app.invoke(request.params.name, request.body ?? {}, {
      kind: 'session',
      slot,
      source: '浏览器',
    })
    if (slot.token !== before) reply.header('Set-Cookie', sessionCookie(slot.token))
    return reply.code(outcome.ok ? 200 : (STATUS[outcome.error.code] ?? 500)).send(outcome)
  })

  server.all('/api/*', async (_request, reply) => reply.code(404).send(fail('UNKNOWN_CALL', '没有这个接口')))

  // Anything else not found (a missing file of the interface, a mistyped address): a short Chinese answer
  // instead of Fastify's English one; under /api/ the contract's error shape.
  server.setNotFoundHandler(async (request, reply) => notFound(request, reply))

  if (options.staticDir && fs.existsSync(options.staticDir)) {
    // The build's .br / .gz forms (vite.config.ts) are sent as they are, never compressed again per request.
    // With them, the plugin answers the bare address (its index) with 404 to a browser that accepts brotli:
    // the page itself is sent by a route of its own.
    await server.register(fastifyStatic, { root: options.staticDir, index: false, preCompressed: true })
    server.get('/', async (_request, reply) => reply.sendFile('index.html'))
  } else {
    server.get('/', async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><meta charset="utf-8"><p>界面尚未构建：请先运行 <code>npm run build</code>，再启动浏览器模式。</p>',
        ),
    )
  }

  await server.listen({ host: '127.0.0.1', port })
  const address = server.server.address()
  port = typeof address === 'object' && address ? address.port : port
  return {
    server,
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    close: () => server.close(),
  }
}
