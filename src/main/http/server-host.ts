/**
 * The county server (`zhuanban server`): the same host as browser mode (host.ts) on the county's network, where
 * the login is the guard instead of a launch token. What it adds, each from the Fastify ecosystem:
 *
 * - CSRF protection on every call (@fastify/csrf-protection, the secret in an HttpOnly SameSite=Strict cookie,
 *   the token in a header the page sends: `GET /api/csrf` gives it), on top of the SameSite session cookie;
 * - a rate limit on logins per address and per account (@fastify/rate-limit, its counters in the database so
 *   that every server process counts the same), besides the account lockout of the security policy;
 * - TLS directly, or behind the county's reverse proxy (trusted by address: the client's address and https
 *   are then taken from X-Forwarded-For / X-Forwarded-Proto);
 * - structured request logs (Fastify's pino, JSON lines) naming the account of each call;
 * - `GET /healthz` for a load balancer or a monitor;
 * - a graceful stop: calls in flight finish, then the database is closed (by the caller).
 *
 * Nothing is kept in the process: sessions, rate-limit counters and data are in PostgreSQL, so any number of
 * server processes can stand behind one address.
 */
import crypto from 'node:crypto'
import fastifyCookie from '@fastify/cookie'
import fastifyCsrf from '@fastify/csrf-protection'
import fastifyRateLimit from '@fastify/rate-limit'
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { App } from '../app'
import { APP_VERSION } from '../version'
import { fail } from './answers'
import { createHost, type HostMode, type RunningHost } from './host'
import { databaseRateLimitStore } from './rate-limit-store'

/** How many logins are let through in a window, per client address and per account (either one refuses). */
export interface LoginLimit {
  perAddress: number
  perAccount: number
  windowSeconds: number
}

export const DEFAULT_LOGIN_LIMIT: LoginLimit = { perAddress: 30, perAccount: 10, windowSeconds: 60 }

export interface ServerHostOptions {
  app: App
  /** The address to listen on ('0.0.0.0': every interface of the server). */
  host: string
  /** 0 picks a free port (tests). */
  port: number
  staticDir?: string
  /** PEM certificate (with its chain) and key: HTTPS. Without, plain HTTP (loopback, or behind the proxy). */
  tls?: { cert: Buffer; key: Buffer }
  /** Addresses (or CIDR ranges) of the reverse proxies whose X-Forwarded-* headers are believed; [] none. */
  trustProxy: string[]
  loginLimit?: LoginLimit
  /** pino's level for the request log ('silent' in tests); the log goes to `logStream` (default stdout). */
  logLevel?: string
  logStream?: NodeJS.WritableStream
}

const isLoopback = (address: string) =>
  address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')

const SERVER_HINT = '请检查地址是否正确，或回到专班首页重新打开。'

/** The anti-forgery token's request header (the plugin reads this one among others). */
export const CSRF_HEADER = 'x-csrf-token'

export async function startServerHost(options: ServerHostOptions): Promise<RunningHost> {
  const limit = options.loginLimit ?? DEFAULT_LOGIN_LIMIT
  let port = options.port
  /**
   * The request came through a proxy the configuration does not name (X-Forwarded-For without trustProxy): every
   * user then seems to come from the proxy's address (127.0.0.1 for nginx on the same server). Said once in the
   * log; such a request is never "from the server itself".
   */
  let warnedProxy = false
  const untrustedProxy = (request: FastifyRequest): boolean => {
    const via = request.headers['x-forwarded-for'] !== undefined && options.trustProxy.length === 0
    if (via && !warnedProxy) {
      warnedProxy = true
      request.log.warn(
        { event: 'untrusted_proxy', ip: request.ip },
        '请求经过了反向代理，但配置中没有 trustProxy：所有用户都会显示为代理的地址，登录限制按代理计算。请在配置中把代理的地址写入 trustProxy',
      )
    }
    return via
  }

  let perAddress!: ReturnType<FastifyInstance['createRateLimit']>
  let perAccount!: ReturnType<FastifyInstance['createRateLimit']>

  const mode: HostMode = {
    fastify: {
      https: options.tls ? { cert: options.tls.cert, key: options.tls.key } : null,
      trustProxy: options.trustProxy.length ? options.trustProxy : false,
      logger: {
        level: options.logLevel ?? 'info',
        ...(options.logStream ? { stream: options.logStream } : {}),
      },
      // One line per request, written below with the account; not Fastify's two lines without it.
      logController: new LogController({ disableRequestLogging: true }),
      // A stopping server answers new requests 503 while those in flight finish.
      return503OnClosing: true,
    },
    guardCall: (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) =>
      request.server.csrfProtection(request, reply, done),
    async beforeCall(name, body, request) {
      untrustedProxy(request)
      // Whoever sets up the first account becomes the administrator: on a server every desk can reach, only
      // from the server itself (or through its own proxy, from the address the proxy names).
      if (name === 'auth.setup' && (!isLoopback(request.ip) || untrustedProxy(request)))
        return {
          status: 403,
          body: fail(
            'FORBIDDEN',
            '首次建立系统管理员只能在服务器本机进行：请在服务器上用浏览器打开 127.0.0.1 的地址，或先用 migrate-to-server 带入已有账号',
          ).error,
        }
      if (name !== 'auth.login') return null
      const login = (body as { login?: unknown } | null)?.login
      const checks = [perAddress(request), ...(typeof login === 'string' ? [perAccount(request)] : [])]
      for (const result of await Promise.all(checks))
        if (!result.isAllowed && result.isExceeded) {
          const seconds = Math.max(1, result.ttlInSeconds)
          request.log.warn({ event: 'login_rate_limited', key: result.key }, '登录过于频繁')
          return {
            status: 429,
            body: fail('RATE_LIMITED', `登录尝试过于频繁，请${seconds}秒后再试`).error,
            retryAfter: seconds,
          }
        }
      return null
    },
    async extend(instance) {
      await instance.register(fastifyCookie)
      await instance.register(fastifyCsrf, {
        cookieKey: 'zb_csrf',
        cookieOpts: { path: '/api', sameSite: 'strict', httpOnly: true, secure: 'auto' },
      })
      await instance.register(fastifyRateLimit, {
        global: false,
        store: databaseRateLimitStore(options.app.deps.store),
      })
      const windowMs = limit.windowSeconds * 1000
      perAddress = instance.createRateLimit({
        max: limit.perAddress,
        timeWindow: windowMs,
        keyGenerator: (request) => `login-address:${request.ip}`,
      })
      perAccount = instance.createRateLimit({
        max: limit.perAccount,
        timeWindow: windowMs,
        // Hashed: a login name of any length (refused by the contract afterwards) makes a key of one length.
        keyGenerator: (request) =>
          `login-account:${crypto
            .createHash('sha256')
            .update(
              String((request.body as { login?: unknown }).login)
                .trim()
                .toLowerCase(),
            )
            .digest('hex')}`,
      })
      // The page asks for its anti-forgery token before its first call, and again when one was refused.
      instance.get('/api/csrf', async (_request, reply) => ({ token: reply.generateCsrf() }))
      instance.get('/healthz', async (_request, reply) => {
        try {
          const schema = await options.app.deps.store.schemaVersion()
          return { ok: true, version: APP_VERSION, schema }
        } catch {
          return reply.code(503).send({ ok: false, message: '数据库无法连接' })
        }
      })
      instance.addHook('onResponse', async (request, reply) => {
        request.log.info(
          {
            method: request.method,
            path: request.url.split('?')[0],
            status: reply.statusCode,
            ms: Math.round(reply.elapsedTime),
            userId: request.userId,
            ip: request.ip,
          },
          'request',
        )
      })
    },
    secure: (request) => request.protocol === 'https',
    hint: SERVER_HINT,
    report: (error, request) => request.log.error(error),
  }
  const server = await createHost(options.app, mode, options.staticDir, () => port)
  await server.listen({ host: options.host, port })
  const address = server.server.address()
  port = typeof address === 'object' && address ? address.port : port
  const shown = options.host === '0.0.0.0' || options.host === '::' ? '本机地址' : options.host
  return {
    server,
    port,
    token: '',
    url: `${options.tls ? 'https' : 'http'}://${shown.includes(':') ? `[${shown}]` : shown}:${port}/`,
    close: () => server.close(),
  }
}
