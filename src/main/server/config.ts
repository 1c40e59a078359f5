/**
 * The county server's configuration: a JSON file (`--config`, default /etc/zhuanban/server.json when it
 * exists) and environment variables, which win over the file (systemd's EnvironmentFile keeps the database
 * password out of the file every administrator can read). Checked whole before anything starts; every problem
 * is said in Chinese with the setting's name, and nothing is guessed.
 *
 * | file key        | environment               | meaning                                              |
 * | --------------- | ------------------------- | ---------------------------------------------------- |
 * | listen          | ZHUANBAN_LISTEN           | address to listen on (default 0.0.0.0)               |
 * | port            | ZHUANBAN_PORT             | port (default 8443 with TLS, else 8080)              |
 * | database        | ZHUANBAN_DATABASE_URL     | postgres://user:password@host:port/database          |
 * | tls.cert / key  | ZHUANBAN_TLS_CERT / _KEY  | PEM files: HTTPS directly                            |
 * | trustProxy      | ZHUANBAN_TRUST_PROXY      | the reverse proxies' addresses (comma-separated)     |
 * | sessionHours    | ZHUANBAN_SESSION_HOURS    | longest login, idle or not (default 12)              |
 * | loginLimit      | —                         | { perAddress, perAccount, windowSeconds }            |
 * | logLevel        | ZHUANBAN_LOG_LEVEL        | info (default), warn, error, debug                   |
 */
import fs from 'node:fs'
import net from 'node:net'
import nodeTls from 'node:tls'
import { z } from 'zod'
import { isServerUrl } from '../store/open'
import { DEFAULT_SESSION_HOURS } from '../auth/sessions'
import { DEFAULT_LOGIN_LIMIT, type LoginLimit } from '../http/server-host'

export const DEFAULT_CONFIG_FILE = '/etc/zhuanban/server.json'

export interface ServerConfig {
  listen: string
  port: number
  database: string
  tls: { cert: Buffer; key: Buffer; certFile: string } | null
  trustProxy: string[]
  sessionHours: number
  loginLimit: LoginLimit
  logLevel: 'debug' | 'info' | 'warn' | 'error'
}

export class ConfigError extends Error {}

const whole = (label: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${label}应为数字` })
    .int(`${label}应为整数`)
    .min(min, `${label}不能小于${min}`)
    .max(max, `${label}不能大于${max}`)

/** An address or a CIDR range (10.1.0.0/16) of a trusted proxy. */
const proxyAddress = z
  .string()
  .trim()
  .refine((text) => {
    const [address, bits, more] = text.split('/')
    if (more !== undefined || !net.isIP(address ?? '')) return false
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (net.isIPv4(address!) ? 32 : 128))
  }, 'trustProxy 中应为 IP 地址或网段（如 127.0.0.1 或 10.1.0.0/16）')

const schema = z
  .object({
    listen: z
      .string()
      .trim()
      .refine((text) => net.isIP(text) !== 0, 'listen 应为本机的 IP 地址，如 0.0.0.0（所有网卡）或 10.1.2.3')
      .default('0.0.0.0'),
    port: whole('port（端口）', 1, 65535).optional(),
    database: z
      .string({ error: '缺少 database：请写明服务器数据库的地址，如 postgres://zhuanban:密码@127.0.0.1:5432/zhuanban' })
      .trim()
      .refine(
        isServerUrl,
        'database 应为 PostgreSQL 地址（postgres://…）：县服务器的多个进程共用一个 PostgreSQL 数据库；单机使用请用 zhuanban serve',
      ),
    tls: z
      .object({
        cert: z.string({ error: 'tls 中缺少 cert（证书文件的路径）' }).trim().min(1, 'tls.cert 不能为空'),
        key: z.string({ error: 'tls 中缺少 key（私钥文件的路径）' }).trim().min(1, 'tls.key 不能为空'),
      })
      .strict()
      .optional(),
    trustProxy: z.array(proxyAddress).default([]),
    sessionHours: whole('sessionHours（登录有效小时数）', 1, 168).default(DEFAULT_SESSION_HOURS),
    loginLimit: z
      .object({
        perAddress: whole('loginLimit.perAddress', 1, 100_000).default(DEFAULT_LOGIN_LIMIT.perAddress),
        perAccount: whole('loginLimit.perAccount', 1, 100_000).default(DEFAULT_LOGIN_LIMIT.perAccount),
        windowSeconds: whole('loginLimit.windowSeconds', 1, 86_400).default(DEFAULT_LOGIN_LIMIT.windowSeconds),
      })
      .strict()
      .default(DEFAULT_LOGIN_LIMIT),
    logLevel: z
      .enum(['debug', 'info', 'warn', 'error'], { error: 'logLevel 应为 debug、info、warn 或 error' })
      .default('info'),
  })
  .strict()

/** The environment's settings as the file's keys (only those set). */
function fromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const value = (name: string) => {
    const text = env[name]
    return text !== undefined && text.trim() !== '' ? text.trim() : undefined
  }
  if (value('ZHUANBAN_LISTEN')) out.listen = value('ZHUANBAN_LISTEN')
  if (value('ZHUANBAN_PORT')) out.port = value('ZHUANBAN_PORT')
  if (value('ZHUANBAN_DATABASE_URL')) out.database = value('ZHUANBAN_DATABASE_URL')
  if (value('ZHUANBAN_TLS_CERT') || value('ZHUANBAN_TLS_KEY'))
    out.tls = { cert: value('ZHUANBAN_TLS_CERT') ?? '', key: value('ZHUANBAN_TLS_KEY') ?? '' }
  if (value('ZHUANBAN_TRUST_PROXY'))
    out.trustProxy = value('ZHUANBAN_TRUST_PROXY')!
      .split(/[,，\s]+/)
      .filter(Boolean)
  if (value('ZHUANBAN_SESSION_HOURS')) out.sessionHours = value('ZHUANBAN_SESSION_HOURS')
  if (value('ZHUANBAN_LOG_LEVEL')) out.logLevel = value('ZHUANBAN_LOG_LEVEL')
  return out
}

function readPem(file: string, what: string): Buffer {
  let text: Buffer
  try {
    text = fs.readFileSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new ConfigError(
      code === 'ENOENT'
        ? `找不到${what}文件：${file}`
        : code === 'EACCES'
          ? `没有权限读取${what}文件：${file}（请让运行专班的账号可以读取它）`
          : `无法读取${what}文件：${file}`,
    )
  }
  if (!text.includes('-----BEGIN ')) throw new ConfigError(`${what}文件不是 PEM 格式：${file}`)
  return text
}

const isLoopback = (address: string) => address === '::1' || address.startsWith('127.')

/**
 * Reads the configuration: `file` (when given it must exist; else the default file when it exists) with the
 * environment over it. Throws ConfigError with every problem in Chinese, one per line.
 */
export function readServerConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  let fromFile: Record<string, unknown> = {}
  const path = file ?? (fs.existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined)
  if (path) {
    let text: string
    try {
      text = fs.readFileSync(path, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new ConfigError(
        code === 'ENOENT' ? `找不到配置文件：${path}` : `无法读取配置文件：${path}（${code ?? '未知原因'}）`,
      )
    }
    try {
      const parsed: unknown = JSON.parse(text.replace(/^\uFEFF/, ''))
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
      fromFile = parsed as Record<string, unknown>
    } catch {
      throw new ConfigError(`配置文件不是有效的 JSON 对象：${path}。请对照运维手册中的示例检查括号、引号和逗号`)
    }
  }
  const checked = schema.safeParse({ ...fromFile, ...fromEnvironment(env) })
  if (!checked.success) {
    const lines = checked.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `配置中有不认识的设置：${issue.keys.join('、')}（请检查拼写）`
        : issue.message,
    )
    throw new ConfigError(lines.join('\n'))
  }
  const config = checked.data
  const tls = config.tls
    ? { cert: readPem(config.tls.cert, '证书'), key: readPem(config.tls.key, '私钥'), certFile: config.tls.cert }
    : null
  if (tls)
    try {
      // The pair as the server will load it: a damaged file, a key of another certificate, the two swapped.
      nodeTls.createSecureContext({ cert: tls.cert, key: tls.key })
    } catch {
      throw new ConfigError(
        `证书和私钥无法一起使用（${config.tls!.cert}、${config.tls!.key}）：请检查二者是否是同一张证书的、是否写反、文件是否完整`,
      )
    }
  if (config.trustProxy.some((proxy) => /^(0\.0\.0\.0|::)\/0$/.test(proxy)))
    throw new ConfigError('trustProxy 不能信任所有地址（0.0.0.0/0）：只写反向代理本身的地址')
  // Passwords never cross the network in clear: without TLS only on this machine, or behind the proxy.
  // (A proxy on this machine only, listening on the network: desks would bypass it, in clear.)
  const proxiesElsewhere = config.trustProxy.some((proxy) => !isLoopback(proxy.split('/')[0]!))
  if (!tls && !isLoopback(config.listen) && !proxiesElsewhere)
    throw new ConfigError(
      `在 ${config.listen} 上以明文 HTTP 提供服务，密码会在网络中明文传输。请配置 tls（证书和私钥），` +
        '或把专班放在 nginx 等反向代理之后（同一台服务器上的代理：listen 设为 127.0.0.1；另一台机器上的代理：trustProxy 写它的地址）',
    )
  return {
    listen: config.listen,
    port: config.port ?? (tls ? 8443 : 8080),
    database: config.database,
    tls,
    trustProxy: config.trustProxy,
    sessionHours: config.sessionHours,
    loginLimit: config.loginLimit,
    logLevel: config.logLevel,
  }
}
