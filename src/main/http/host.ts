/**
 * The contract over HTTP, serving the built renderer too, in two modes that share everything but the guard:
 *
 * - **browser mode** (`startHttpHost`, `zhuanban serve`): on 127.0.0.1 only; every API request must carry the
 *   launch's random token (other local pages and programs cannot reach the data) and name this host (against
 *   DNS rebinding).
 * - **county server** (`startServerHost` in server-host.ts, `zhuanban server`): on the county's network, no
 *   token — the login is the guard — with CSRF protection, a login rate limit, TLS and request logs.
 *
 * Who calls is the account logged in on the tab's session cookie (HttpOnly, SameSite=Strict, Secure under TLS:
 * the page's scripts never see it, no other site sends it). The transport adds no logic: it hands each call
 * with its session to App.invoke, and writes the cookie when a login or logout changed it. Security headers
 * come from @fastify/helmet.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import type https from 'node:https'
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  type onRequestHookHandler,
} from 'fastify'
import fastifyStatic from '@fastify/static'
import fastifyCompress from '@fastify/compress'
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet'
import helmet, { type HelmetOptions } from 'helmet'
import type { App } from '../app'
import type { ApiErrorBody } from '../../shared/errors'
import { TOKEN_HEADER } from '../../shared/bridge'
import { CSP_DIRECTIVES } from '../../shared/csp'
import { readDataVersion } from '../store/data-version'
import { readSecurityPolicy } from '../auth/policy-settings'
import { BODY_LIMIT, STATUS, clientError, errorAnswer, fail, isApi, notFound } from './answers'

export { TOKEN_HEADER, BODY_LIMIT }

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
  /** Browser mode's launch token ('' on the county server, which has none). */
  token: string
  /** The address to open (browser mode: token included). */
  url: string
  /** Stops taking requests, lets those in flight finish, then resolves (the App is the caller's to close). */
  close(): Promise<void>
}

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && crypto.timingSafeEqual(a, b)
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

function sessionCookie(token: string | null, secure: boolean): string {
  const base = `${SESSION_COOKIE}=${token ?? ''}; Path=/api; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`
  return token ? base : `${base}; Max-Age=0`
}

/**
 * The security headers of every answer (helmet's, as @fastify/helmet sets them), the interface's policy
 * included. HSTS only where the answer came over TLS (a browser ignores it otherwise): set in the onSend hook.
 */
const HEADERS: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: Object.fromEntries(Object.entries(CSP_DIRECTIVES).map(([k, v]) => [k, [...v]])),
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: false,
}
/**
 * The same headers for an answer given before the hooks run (a malformed address). (The plugin's options are
 * helmet's own; its types name helmet's CommonJS declarations, ours the ES module's.)
 */
const headersNow = helmet(HEADERS as HelmetOptions)

/** What differs between browser mode and the county server (server-host.ts). */
export interface HostMode {
  /** Fastify's own options of the mode (TLS, trusted proxy, logger). */
  fastify: FastifyServerOptions & { https?: https.ServerOptions | null }
  /** A request the mode refuses before anything else (browser mode: one not addressed to 127.0.0.1:port). */
  refuseHost?(host: string, port: number): string | null
  /** Runs before each call is parsed: the launch token, or the CSRF check. */
  guardCall: onRequestHookHandler
  /** Runs before the stream of changes opens (a GET, changing nothing: the launch token, or nothing). */
  guardEvents?: onRequestHookHandler
  /** Runs before a call is handed to the App (the login rate limit); an error body refuses it. */
  beforeCall?(
    name: string,
    body: unknown,
    request: FastifyRequest,
  ): Promise<{ status: number; body: ApiErrorBody; retryAfter?: number } | null>
  /** Registers the mode's own plugins and routes (before the calls' route). */
  extend?(server: FastifyInstance): Promise<void>
  /** Whether the request came over TLS (directly or through the trusted proxy): the cookie is then Secure. */
  secure(request: FastifyRequest): boolean
  /** The Chinese hint after a refusal: how to open the program again. */
  hint: string
  /** Reports an unexpected error (of `request`). */
  report(error: unknown, request: FastifyRequest): void
}

/** Builds the host of `mode` (routes, hooks, plugins); the caller listens. */
export async function createHost(
  app: App,
  mode: HostMode,
  staticDir: string | undefined,
  portOf: () => number,
): Promise<FastifyInstance> {
  const notFoundPage = `找不到该页面或文件。${mode.hint}`
  // (An HTTPS server is served the same way: Fastify's types name it apart, its routes and hooks do not differ.)
  const server = Fastify({
    bodyLimit: BODY_LIMIT,
    logger: false,
    ...mode.fastify,
    // An address that is not even valid (a broken %-escape such as /%E0%A4%A): no such page or call. (Answered
    // before the hooks, so the headers are set here.)
    frameworkErrors: (_error, request, reply) => {
      headersNow(request.raw, reply.raw, () => {})
      if (isApi(request) || request.url === '/healthz') reply.header('Cache-Control', 'no-store')
      return notFound(request, reply, notFoundPage)
    },
    clientErrorHandler: (error, socket) => clientError(error, socket, mode.hint),
    // "__proto__" and "constructor" keys are not fields of any call: dropped while parsing (nothing can reach a
    // prototype), so the body is validated like any other instead of refused as "not valid JSON".
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
  } as FastifyServerOptions)
  // Calls are JSON only: a form post or plain text from some other page is refused before it is parsed.
  server.removeContentTypeParser('text/plain')
  server.decorateRequest('userId', null)
  await server.register(fastifyHelmet, HEADERS)
  // Answers over 1 KB compressed (brotli at quality 4, else gzip), the interface's files too (registered before
  // the file server, as the plugin asks): a 200-row ranking page is ~150 KB of JSON and ~15 KB on the wire.
  // Request bodies are never decompressed: nothing sends them compressed, and a small body that inflates to
  // gigabytes is then not a way in. No answer holds a secret a page could guess at byte by byte (BREACH): the
  // session is a cookie and the token is never echoed.
  await server.register(fastifyCompress, { encodings: ['br', 'gzip'], globalDecompression: false })

  server.addHook('onRequest', async (request, reply) => {
    const refused = mode.refuseHost?.(request.headers.host ?? '', portOf())
    if (refused) return reply.code(403).send(fail('UNAUTHORIZED', refused))
    // Request bodies are never inflated (see the compression above): a compressed one is refused as such.
    const encoding = request.headers['content-encoding']
    if (encoding && encoding.trim().toLowerCase() !== 'identity')
      return reply.code(415).send(fail('INVALID_INPUT', '不支持压缩的请求内容，操作未执行。请直接发送 JSON'))
  })

  server.addHook('onSend', async (request, reply) => {
    if (isApi(request) || request.url === '/healthz') reply.header('Cache-Control', 'no-store')
    if (mode.secure(request)) reply.header('Strict-Transport-Security', 'max-age=31536000') // one year; no subdomains: the county's own names
  })

  server.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) =>
    errorAnswer(error, request, reply, notFoundPage, mode.report),
  )

  await mode.extend?.(server)

  server.post<{ Params: { name: string } }>(
    '/api/call/:name',
    { onRequest: mode.guardCall },
    async (request, reply) => {
      const refused = await mode.beforeCall?.(request.params.name, request.body, request)
      if (refused) {
        if (refused.retryAfter) reply.header('Retry-After', String(refused.retryAfter))
        return reply.code(refused.status).send({ ok: false, error: refused.body })
      }
      const before = sessionFromCookie(request.headers.cookie)
      const slot: { token: string | null; userId?: number | null } = { token: before }
      const outcome = await app.invoke(request.params.name, request.body ?? {}, {
        kind: 'session',
        slot,
        source: '浏览器',
      })
      // A login or a first setup names the account it opened (the slot's was resolved before it).
      const opened = outcome.ok && slot.token !== before && slot.token ? (outcome.result as { id?: unknown }).id : null
      request.userId = typeof opened === 'number' ? opened : (slot.userId ?? null)
      if (slot.token !== before) reply.header('Set-Cookie', sessionCookie(slot.token, mode.secure(request)))
      return reply.code(outcome.ok ? 200 : (STATUS[outcome.error.code] ?? 500)).send(outcome)
    },
  )

  serveChanges(server, app, mode)

  server.all('/api/*', async (_request, reply) => reply.code(404).send(fail('UNKNOWN_CALL', '没有这个接口')))

  // Anything else not found (a missing file of the interface, a mistyped address): a short Chinese answer
  // instead of Fastify's English one; under /api/ the contract's error shape.
  server.setNotFoundHandler(async (request, reply) => notFound(request, reply, notFoundPage))

  if (staticDir && fs.existsSync(staticDir)) {
    // The build's .br / .gz forms (vite.config.ts) are sent as they are, never compressed again per request.
    // With them, the plugin answers the bare address (its index) with 404 to a browser that accepts brotli:
    // the page itself is sent by a route of its own.
    await server.register(fastifyStatic, { root: staticDir, index: false, preCompressed: true })
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
  return server
}

/** How often an open stream of changes is kept alive (and its session checked): under proxies' idle timeouts. */
export const EVENTS_HEARTBEAT_MS = 20_000

/**
 * Live updates: `GET /api/events`, a stream of server-sent events for a logged-in page — first `hello` with the
 * data version, then each committed change (store/changes.ts) as it comes. The page reloads what it shows; a
 * page that reconnects compares the version and reloads if it missed any. The stream carries no data, only
 * versions and project ids; it ends when its session does (checked at each heartbeat, without counting as a
 * use, so an open page still times out when idle) and when the host stops.
 */
function serveChanges(server: FastifyInstance, app: App, mode: HostMode): void {
  const open = new Set<() => void>()
  server.addHook('preClose', async () => {
    for (const end of [...open]) end()
  })
  server.get('/api/events', { onRequest: mode.guardEvents }, async (request, reply) => {
    const from = {
      kind: 'session' as const,
      slot: { token: sessionFromCookie(request.headers.cookie) },
      source: '浏览器',
    }
    const me = await app.invoke('auth.me', {}, from)
    if (!me.ok || !me.result) return reply.code(401).send(fail('UNAUTHENTICATED', '请先登录'))
    request.userId = (me.result as { id: number }).id
    const version = await readDataVersion(app.deps.db)
    reply.hijack()
    const raw = reply.raw
    raw.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Accel-Buffering': 'no', // nginx: pass each event on at once
    })
    const send = (text: string) => {
      if (!raw.writableEnded) raw.write(text)
    }
    send(`retry: 3000\nevent: hello\ndata: ${JSON.stringify({ version })}\n\n`)
    const unsubscribe = app.deps.store.changes.subscribe((change) => send(`data: ${JSON.stringify(change)}\n\n`))
    const beat = setInterval(() => {
      void (async () => {
        const { policy } = await readSecurityPolicy(app.deps.db)
        if (await app.deps.sessions.alive(from.slot.token, app.deps.clock(), policy.idleMinutes)) send(': 心跳\n\n')
        else end()
      })().catch(() => end())
    }, EVENTS_HEARTBEAT_MS)
    const end = () => {
      clearInterval(beat)
      unsubscribe()
      open.delete(end)
      if (!raw.writableEnded) raw.end()
    }
    open.add(end)
    raw.on('close', end) // the page went away (the response's close: the request's fires once its body is read)
  })
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The account that made the call (the request log names it); null before login. */
    userId: number | null
  }
}

const LOCAL_HINT = '请用启动专班时显示的完整地址（含 token）重新打开专班。'

/** Browser mode: the contract and the renderer on 127.0.0.1, each API request carrying the launch's token. */
export async function startHttpHost(options: HostOptions): Promise<RunningHost> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url')
  let port = options.port ?? 0
  const tokenGuard = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!sameToken(request.headers[TOKEN_HEADER], token))
      return reply
        .code(401)
        .send(fail('UNAUTHORIZED', '访问令牌缺失或不正确。请用启动时显示的完整地址（含 token）重新打开专班'))
  }
  const mode: HostMode = {
    fastify: {},
    // Only requests addressed to this host by name: a page on another site that rebinds its DNS name to
    // 127.0.0.1 still sends its own name.
    refuseHost: (host, at) =>
      host === `127.0.0.1:${at}` || host === `localhost:${at}` ? null : '拒绝访问：请使用本机地址 127.0.0.1 打开专班',
    guardCall: tokenGuard,
    guardEvents: tokenGuard,
    secure: () => false,
    hint: LOCAL_HINT,
    report: (error) => console.error(error),
  }
  const server = await createHost(options.app, mode, options.staticDir, () => port)
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
