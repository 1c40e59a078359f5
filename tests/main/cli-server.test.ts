/**
 * The command line on a county server's database: --db postgres://… for info, rank, export, import, check,
 * backup and reset-password (the way back in for a forgotten administrator password, on the server too), and a
 * clear refusal where a server database is handled elsewhere (restore: the 数据备份 screen). Runs in the
 * postgres project only (vitest.config.ts).
 */
import fs from 'node:fs'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { openAppAt } from '../../src/main/app'
import { moveToServer } from '../../src/main/store/postgres/move'
import { tempDir } from '../helpers/app'
import { runCli as cli } from '../helpers/cli'
import { countyLedger } from '../helpers/ledgers'
import { newPgDatabase, withDatabase } from '../helpers/store'
import { newSession } from '../helpers/accounts'

const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'schema', 'v7.db')

/** A server database holding the v7 fixture (20 demo projects, a frozen month, an account of each role). */
async function serverDatabase(): Promise<string> {
  const file = path.join(tempDir(), '专班.db')
  fs.copyFileSync(FIXTURE, file)
  const url = await newPgDatabase()
  await moveToServer(file, url, { today: '2026-11-21' })
  return url
}

describe('the command line on a server database (--db postgres://…)', () => {
  it('reports, ranks, checks and exports it', async () => {
    const url = await serverDatabase()
    const info = await cli(['info', '--db', url])
    expect(info.err).toBe('')
    expect(info.out).toMatch(/项目 20 个，数据库 /)
    expect(info.out).not.toContain('密码')
    const rank = await cli(['rank', '--db', url, '--period', '2026-10', '--json'])
    expect(rank.code).toBe(0)
    expect((JSON.parse(rank.out) as { rows: unknown[] }).rows).toHaveLength(20)
    expect(await cli(['check', '--db', url])).toMatchObject({ code: 0, out: '数据库完整性检查通过' })
    const out = path.join(tempDir(), '排名.xlsx')
    const exported = await cli(['export', '--db', url, '--what', 'ranking', '--period', '2026-10', '--out', out])
    expect(exported.code).toBe(0)
    expect(fs.readFileSync(out).subarray(0, 2).toString()).toBe('PK')
  })

  it('resets a forgotten password there, and the new one logs in', async () => {
    const url = await serverDatabase()
    const reset = await cli(['reset-password', '--db', url, '--login', 'wangbs'])
    expect(reset.err).toBe('')
    const password = /新的初始密码：(\S+)/.exec(reset.out)![1]!
    const app = await openAppAt(url)
    try {
      const login = await app.invoke('auth.login', { login: 'wangbs', password }, newSession())
      expect(login.ok).toBe(true)
    } finally {
      await app.close()
    }
    const unknown = await cli(['reset-password', '--db', url, '--login', 'nobody'])
    expect(unknown.code).toBe(1)
    expect(unknown.err).toContain('没有登录名为「nobody」的账号。现有账号：wangbs、leader、member、liaison')
  })

  it('creates nothing in an empty server database when only reading it, so that it can still be migrated to', async () => {
    const url = await newPgDatabase()
    const file = path.join(tempDir(), '台账.xlsx')
    await (await countyLedger({ rows: 3 })).xlsx.writeFile(file)
    for (const args of [
      ['info', '--db', url],
      ['check', '--db', url],
      ['rank', '--db', url, '--period', '2026-10'],
      ['import', '--db', url, file, '--dry-run'],
      ['reset-password', '--db', url, '--login', 'wangbs'],
    ]) {
      const run = await cli(args)
      expect(run.code, args[0]).toBe(1)
      expect(run.err, args[0]).toContain('这个数据库还是空的（专班尚未在其中建表），未做任何改动')
    }
    const desktop = path.join(tempDir(), '专班.db')
    fs.copyFileSync(FIXTURE, desktop)
    expect((await cli(['migrate-to-server', '--from', desktop, '--to', url])).code).toBe(0)
  })

  it('refuses an address it cannot read without echoing it, and a server address as the file to migrate', async () => {
    const oneSlash = await cli(['info', '--db', 'postgres:/zhuanban:S3cret@localhost/zb'])
    expect(oneSlash.code).toBe(2)
    expect(oneSlash.err).toContain('参数 --db 像是数据库服务器的地址，但写得不对')
    const bracket = await cli(['info', '--db', 'postgres://u:S3cret@[::1/zb'])
    expect(bracket.code).toBe(2)
    expect(bracket.err).toContain('无法解析')
    const swapped = await cli([
      'migrate-to-server',
      '--from',
      'postgres://u:S3cret@localhost/a',
      '--to',
      await newPgDatabase(),
    ])
    expect(swapped.code).toBe(2)
    expect(swapped.err).toContain('参数 --from 应为本机的数据库文件')
    for (const run of [oneSlash, bracket, swapped]) expect(run.err + run.out).not.toContain('S3cret')
  })

  it('imports a ledger there, a dry run writing nothing', async () => {
    const url = await newPgDatabase()
    const file = path.join(tempDir(), '台账.xlsx')
    await (await countyLedger({ rows: 30 })).xlsx.writeFile(file)
    const real = await cli(['import', '--db', url, file])
    expect(real.err).toBe('')
    expect(real.out).toContain('导入完成：新增30个项目')
    const auditRows = async () => {
      const app = await openAppAt(url)
      try {
        return (await app.call('audit.list', {})).length
      } finally {
        await app.close()
      }
    }
    const before = await auditRows()
    const dry = await cli(['import', '--db', url, file, '--dry-run'])
    expect(dry.code).toBe(0)
    expect(dry.out).toContain('更新30个')
    expect(dry.out).toContain('检查通过（--dry-run：未写入数据库）')
    expect(await auditRows()).toBe(before)
  })

  it('takes the database from ZHUANBAN_DATABASE_URL, and makes the day’s backup once with --daily (readable by its owner only)', async () => {
    const url = await serverDatabase()
    const before = process.env.ZHUANBAN_DATABASE_URL
    process.env.ZHUANBAN_DATABASE_URL = url
    try {
      const info = await cli(['info'])
      expect(info.out).toMatch(/项目 20 个/)
      const first = await cli(['backup', '--daily'])
      expect(first.err).toBe('')
      const made = /已备份：(\S+\.dump)/.exec(first.out)![1]!
      expect(fs.statSync(made).mode & 0o777).toBe(0o600)
      expect(made).toMatch(/auto/)
      expect(await cli(['backup', '--daily'])).toMatchObject({ code: 0, out: '今天已有自动备份，未重复备份' })
    } finally {
      if (before === undefined) delete process.env.ZHUANBAN_DATABASE_URL
      else process.env.ZHUANBAN_DATABASE_URL = before
    }
  })

  it('backs it up with pg_dump, and sends a restore to the 数据备份 screen', async () => {
    const url = await serverDatabase()
    const backup = await cli(['backup', '--db', url])
    expect(backup.err).toBe('')
    const made = /已备份：(\S+\.dump)/.exec(backup.out)![1]!
    expect(fs.statSync(made).size).toBeGreaterThan(0)
    const dir = await cli(['backup', '--db', url, '--dir', tempDir()])
    expect(dir.code).toBe(2)
    expect(dir.err).toContain('不能用 --dir')
    const restore = await cli(['restore', '--db', url, made])
    expect(restore.code).toBe(2)
    expect(restore.err).toContain('「数据备份」中恢复')
  })

  it(
    'runs `zhuanban server` from its configuration, answers its health check, and stops on SIGTERM',
    { timeout: 60_000 },
    async () => {
      const url = await serverDatabase()
      const child = spawn(
        process.execPath,
        ['node_modules/tsx/dist/cli.mjs', 'src/main/cli/index.ts', 'server', '--port', '0'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, ZHUANBAN_DATABASE_URL: url, ZHUANBAN_LISTEN: '127.0.0.1', ZHUANBAN_LOG_LEVEL: 'warn' },
        },
      )
      let out = ''
      child.stdout.on('data', (c: Buffer) => (out += c.toString()))
      child.stderr.on('data', (c: Buffer) => (out += c.toString()))
      const origin = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000)
        child.stdout.on('data', () => {
          const m = /专班县服务器已启动：(http:\/\/127\.0\.0\.1:\d+)\//.exec(out)
          if (m) {
            clearTimeout(timer)
            resolve(m[1]!)
          }
        })
      })
      const health = await fetch(`${origin}/healthz`)
      expect(health.status).toBe(200)
      expect(await health.json()).toMatchObject({ ok: true })
      // No launch token on the server: a call is refused for want of a login (and of the page's CSRF token).
      const call = await fetch(`${origin}/api/call/system.info`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      expect(call.status).toBe(403)
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', resolve)
        child.kill('SIGTERM')
      })
      expect(code).toBe(0)
      expect(out).toContain('专班县服务器已停止。')
      expect(out).not.toContain(url) // the password-bearing address is never printed
    },
  )

  it('refuses to start on a configuration it cannot use, saying why', async () => {
    const file = path.join(tempDir(), 'server.json')
    fs.writeFileSync(file, JSON.stringify({ database: 'postgres://zhuanban@127.0.0.1/zb', listen: '0.0.0.0' }))
    const refused = await cli(['server', '--config', file])
    expect(refused.code).toBe(78) // EX_CONFIG: the systemd unit does not restart on it
    expect(refused.err).toContain('县服务器的配置有误，未启动：')
    expect(refused.err).toContain('密码会在网络中明文传输')
    // A database the server cannot use is not mended by starting again either: the same exit code.
    fs.writeFileSync(
      file,
      JSON.stringify({ database: withDatabase(inject('pgUrl'), 'zb_no_such_database'), listen: '127.0.0.1' }),
    )
    const missing = await cli(['server', '--config', file, '--port', '0'])
    expect(missing.code).toBe(78)
    expect(missing.err).toContain('数据库服务器上没有这个数据库')
  })
})
