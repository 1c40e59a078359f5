/**
 * What the HTTP host answers besides a call's own outcome, in the contract's shape and in Chinese: the HTTP
 * status of each error code, a missing page, a request Node's parser refuses, and Fastify's own errors.
 */
import http from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ApiErrorBody, ErrorCode } from '../../shared/errors'

/** The largest request body accepted: forms are small; an imported ledger (base64) is the big one. */
export const BODY_LIMIT = 48 * 1024 * 1024

export const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  UNKNOWN_CALL: 404,
  UNAUTHORIZED: 401,
  UNAUTHENTICATED: 401,
  PASSWORD_CHANGE: 403,
  FORBIDDEN: 403,
  CSRF: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  DUPLICATE: 409,
  RULE: 409,
  FROZEN: 409,
  RATE_LIMITED: 429,
  DB_LOCKED: 503,
  DB_UNREADABLE: 503,
  DB_NOT_DATABASE: 503,
  DB_TOO_NEW: 503,
  DB_READONLY: 503,
  DB_FULL: 507,
  INTERNAL: 500,
}

export function fail(code: ErrorCode, message: string): { ok: false; error: ApiErrorBody } {
  return { ok: false, error: { code, message } }
}

export const isApi = (request: FastifyRequest) => request.url.startsWith('/api/')

/** No such page or file: a short Chinese answer instead of Fastify's English one; under /api/ the contract's. */
export function notFound(request: FastifyRequest, reply: FastifyReply, page: string) {
  if (isApi(request)) return reply.code(404).send(fail('UNKNOWN_CALL', '没有这个接口'))
  return reply.code(404).type('text/plain; charset=utf-8').send(page)
}

/**
 * A request Node's parser refuses before Fastify sees it (headers or address too long, a malformed request):
 * answered in Chinese in place of Fastify's English JSON, then the connection is closed.
 */
export function clientError(error: NodeJS.ErrnoException, socket: Duplex, hint: string): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [status, text] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, `请求的地址或请求头过长，无法处理。${hint}`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, '请求超时，未处理。请重试。']
        : [400, `请求格式不正确，无法处理。${hint}`]
  const body = Buffer.from(text)
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `X-Content-Type-Options: nosniff\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${text}`,
    )
  socket.destroy(error)
}

/** Fastify's and its plugins' errors as the contract's (under /api/) or a short Chinese page. */
export function errorAnswer(
  error: { statusCode?: number; code?: string },
  request: FastifyRequest,
  reply: FastifyReply,
  page: string,
  report: (error: unknown, request: FastifyRequest) => void,
) {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return reply.code(413).send(fail('INVALID_INPUT', `请求内容过大（超过${BODY_LIMIT / 1024 / 1024}MB），操作未执行`))
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return reply.code(415).send(fail('INVALID_INPUT', '请求格式不对：应为 JSON，操作未执行'))
  // Only a body that does not parse as JSON is "not valid JSON".
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return reply.code(400).send(fail('INVALID_INPUT', '请求内容不是有效的 JSON，操作未执行'))
  // The page's anti-forgery token (server mode) is missing, stale or of another browser: the page fetches a
  // fresh one and sends the call once more (src/renderer/api/transport.ts).
  if (error.code?.startsWith('FST_CSRF_'))
    return reply.code(403).send(fail('CSRF', '页面的安全校验已过期，操作未执行。请刷新页面后重试'))
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    if (isApi(request))
      return reply.code(status).send(fail('INVALID_INPUT', `请求被拒绝（HTTP ${status}），操作未执行`))
    // A path the file server refuses (a NUL byte, "..", a malformed name) names no file of the interface.
    if (status === 400 || status === 403) return notFound(request, reply, page)
    return reply.code(status).type('text/plain; charset=utf-8').send(`请求无法完成（HTTP ${status}）。${page}`)
  }
  // The page went away while a compressed answer was being sent (a print closed, a reload): no one to answer.
  if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') return
  report(error, request)
  return reply.code(500).send(fail('INTERNAL', '程序内部错误，操作未完成。请重试；如果反复出现，请联系技术人员'))
}
