/**
 * The county server's configuration (server/config.ts): a JSON file with the environment over it, checked whole
 * before anything starts, every problem said in Chinese; passwords never on the network in clear.
 */
import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { ConfigError, readServerConfig } from '../../src/main/server/config'
import { tempDir } from '../helpers/app'

const DB = 'postgres://zhuanban:secret@10.1.2.3:5432/zhuanban'

function file(content: unknown): string {
  const at = path.join(tempDir(), 'server.json')
  fs.writeFileSync(at, typeof content === 'string' ? content : JSON.stringify(content))
  return at
}

function problems(configFile: string | undefined, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    readServerConfig(configFile, env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message.split('\n')
  }
  throw new Error('accepted')
}

function pem(): { cert: string; key: string } {
  const dir = tempDir()
  const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')]
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=zb'].concat([
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  )
  return { cert, key }
}

describe('the county server configuration', () => {
  it('reads the file, with the environment over it, and fills the defaults', () => {
    const tls = pem()
    const config = readServerConfig(file({ database: 'postgres://wrong/db', tls, trustProxy: ['10.1.0.0/16'] }), {
      ZHUANBAN_DATABASE_URL: DB,
      ZHUANBAN_SESSION_HOURS: '8',
    })
    expect(config).toMatchObject({
      listen: '0.0.0.0',
      port: 8443,
      database: DB,
      trustProxy: ['10.1.0.0/16'],
      sessionHours: 8,
      loginLimit: { perAddress: 30, perAccount: 10, windowSeconds: 60 },
      logLevel: 'info',
    })
    expect(config.tls!.cert.toString()).toContain('-----BEGIN CERTIFICATE-----')
    // Behind a proxy on the same machine, plain HTTP on loopback: port 8080 by default.
    const proxied = readServerConfig(undefined, {
      ZHUANBAN_DATABASE_URL: DB,
      ZHUANBAN_LISTEN: '127.0.0.1',
      ZHUANBAN_TRUST_PROXY: '127.0.0.1, ::1',
    })
    expect(proxied).toMatchObject({ listen: '127.0.0.1', port: 8080, tls: null, trustProxy: ['127.0.0.1', '::1'] })
    // A file saved by Notepad starts with a BOM.
    expect(readServerConfig(file(`\uFEFF${JSON.stringify({ database: DB, listen: '127.0.0.1' })}`), {}).database).toBe(
      DB,
    )
  })

  it('refuses plain HTTP on the network: passwords would cross it in clear', () => {
    expect(problems(undefined, { ZHUANBAN_DATABASE_URL: DB })).toEqual([
      expect.stringContaining('在 0.0.0.0 上以明文 HTTP 提供服务，密码会在网络中明文传输'),
    ])
    expect(problems(file({ database: DB, listen: '10.1.2.3' }))[0]).toContain('请配置 tls')
    // A proxy on this machine only while listening on the network: desks would go round it, in clear.
    expect(problems(file({ database: DB, listen: '0.0.0.0', trustProxy: ['127.0.0.1'] }))[0]).toContain('明文')
    expect(readServerConfig(file({ database: DB, listen: '0.0.0.0', trustProxy: ['10.1.0.9'] }), {}).listen).toBe(
      '0.0.0.0',
    )
    expect(problems(file({ database: DB, listen: '127.0.0.1', trustProxy: ['0.0.0.0/0'] }))).toEqual([
      'trustProxy 不能信任所有地址（0.0.0.0/0）：只写反向代理本身的地址',
    ])
  })

  it('says every problem at once, in Chinese, with the setting’s name', () => {
    const found = problems(
      file({
        listen: 'server.local',
        port: 'abc',
        sessionHours: 0,
        database: './专班.db',
        trustProxy: ['nginx'],
        extra: 1,
      }),
    )
    expect(found).toEqual(
      expect.arrayContaining([
        'listen 应为本机的 IP 地址，如 0.0.0.0（所有网卡）或 10.1.2.3',
        'port（端口）应为数字',
        'sessionHours（登录有效小时数）不能小于1',
        expect.stringContaining('database 应为 PostgreSQL 地址（postgres://…）'),
        'trustProxy 中应为 IP 地址或网段（如 127.0.0.1 或 10.1.0.0/16）',
        '配置中有不认识的设置：extra（请检查拼写）',
      ]),
    )
    expect(problems(file({ listen: '127.0.0.1' }))).toEqual([expect.stringContaining('缺少 database')])
    expect(problems(file({ database: DB, listen: '127.0.0.1', port: 70000 }))).toEqual(['port（端口）不能大于65535'])
    expect(problems(file({ database: DB, listen: '127.0.0.1', logLevel: 'verbose' }))).toEqual([
      'logLevel 应为 debug、info、warn 或 error',
    ])
  })

  it('refuses a file that is not a JSON object, or missing, and certificate files it cannot use', () => {
    expect(problems(file('{"port": 8443,'))[0]).toContain('配置文件不是有效的 JSON 对象')
    expect(problems(file('[1, 2]'))[0]).toContain('配置文件不是有效的 JSON 对象')
    expect(problems(path.join(tempDir(), 'none.json'))[0]).toContain('找不到配置文件')
    const missing = path.join(tempDir(), 'no-cert.pem')
    expect(problems(file({ database: DB, tls: { cert: missing, key: missing } }))).toEqual([
      `找不到证书文件：${missing}`,
    ])
    const notPem = path.join(tempDir(), 'cert.txt')
    fs.writeFileSync(notPem, 'hello')
    expect(problems(file({ database: DB, tls: { cert: notPem, key: notPem } }))).toEqual([
      `证书文件不是 PEM 格式：${notPem}`,
    ])
    expect(problems(undefined, { ZHUANBAN_DATABASE_URL: DB, ZHUANBAN_TLS_CERT: pem().cert })[0]).toContain(
      'tls.key 不能为空',
    )
    // A key of another certificate, or the two swapped: said before the server tries to load them.
    const [one, two] = [pem(), pem()]
    expect(problems(file({ database: DB, tls: { cert: one.cert, key: two.key } }))[0]).toContain(
      '证书和私钥无法一起使用',
    )
    expect(problems(file({ database: DB, tls: { cert: one.key, key: one.cert } }))[0]).toContain(
      '证书和私钥无法一起使用',
    )
  })
})
