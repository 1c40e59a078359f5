import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { TOKEN_HEADER } from '../../src/shared/bridge'
import { tempDir } from '../helpers/app'
import { openSqlite } from '../../src/main/db/open'
import { fingerprint, withPendingWal } from '../helpers/db-files'
import { runCli } from '../helpers/cli'

/** The file and its -wal byte for byte (absent: '-'). */
const data = (file: string) => fingerprint(file, ['', '-wal'])

const serve = (db: string) => runCli(['serve', '--db', db, '--port', '0'])

describe('npm run cli -- serve', () => {
  it(
    'serves on 127.0.0.1, refuses a request without the token, and exits cleanly on SIGTERM',
    { timeout: 30_000 },
    async () => {
      const db = path.join(tempDir(), 'serve.db')
      const child = spawn(
        process.execPath,
        ['node_modules/tsx/dist/cli.mjs', 'src/main/cli/index.ts', 'serve', '--db', db, '--port', '0'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let out = ''
      child.stdout.on('data', (c: Buffer) => (out += c.toString()))
      child.stderr.on('data', (c: Buffer) => (out += c.toString()))
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000)
        child.stdout.on('data', () => {
          const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out)
          if (m) {
            clearTimeout(timer)
            resolve(m[1]!)
          }
        })
      })
      expect(out).toContain('专班浏览器模式已启动')
      const { origin, hash } = new URL(url)
      const token = hash.replace('#token=', '')
      const call = (headers: Record<string, string>) =>
        fetch(`${origin}/api/call/system.info`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: '{}',
        })
      const refused = await call({})
      expect(refused.status).toBe(401)
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('访问令牌')
      // With the token, before anyone has logged in: refused too, and a new database asks for its administrator.
      expect((await call({ [TOKEN_HEADER]: token })).status).toBe(401)
      const setup = await fetch(`${origin}/api/call/auth.setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify({ login: 'admin', name: '王测试', unit: '区重点项目办', password: 'Zb#20261121' }),
      })
      expect(setup.status).toBe(200)
      const cookie = setup.headers.get('set-cookie')!.split(';')[0]!
      const allowed = await call({ [TOKEN_HEADER]: token, cookie })
      expect(allowed.status).toBe(200)
      expect(((await allowed.json()) as { result: { databasePath: string } }).result.databasePath).toBe(db)
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', resolve)
        child.kill('SIGTERM')
      })
      expect(code).toBe(0)
      expect(out).toContain('专班已退出')
      // The day's backup ran after the address was printed, and was finished before the database closed.
      expect(out.indexOf('已自动备份')).toBeGreaterThan(out.indexOf('请用浏览器打开'))
      const backup = /已自动备份：(\S+\.db)/.exec(out)![1]!
      expect(fs.statSync(backup).size).toBeGreaterThan(0)
    },
  )

  it(
    'stopping with the disk full still ends with a Chinese line saying the WAL is kept, and exits',
    { timeout: 30_000 },
    async () => {
      const dir = tempDir()
      const db = path.join(dir, 'serve.db')
      // The final checkpoint fails as on a full disk (better-sqlite3 patched in the serving process only).
      const preload = path.join(dir, 'disk-full.mjs')
      fs.writeFileSync(
        preload,
        `import { createRequire } from 'node:module'
const Database = createRequire(${JSON.stringify(path.resolve('package.json'))})('better-sqlite3')
const pragma = Database.prototype.pragma
Database.prototype.pragma = function (source, options) {
  if (source.startsWith('wal_checkpoint')) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
  return pragma.call(this, source, options)
}
`,
      )
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--import', preload, 'src/main/cli/index.ts', 'serve', '--db', db, '--port', '0'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let out = ''
      child.stdout.on('data', (c: Buffer) => (out += c.toString()))
      child.stderr.on('data', (c: Buffer) => (out += c.toString()))
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000)
        child.stdout.on('data', () => {
          const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out)
          if (m && out.includes('已自动备份')) {
            clearTimeout(timer)
            resolve(m[1]!)
          }
        })
      })
      const { origin, hash } = new URL(url)
      let cookie = ''
      const call = (name: string, body: unknown) =>
        fetch(`${origin}/api/call/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [TOKEN_HEADER]: hash.replace('#token=', ''), cookie },
          body: JSON.stringify(body),
        })
      const setup = await call('auth.setup', {
        login: 'admin',
        name: '王测试',
        unit: '区重点项目办',
        password: 'Zb#20261121',
      })
      expect(setup.status).toBe(200)
      cookie = setup.headers.get('set-cookie')!.split(';')[0]!
      expect((await call('leader.create', { name: '磁盘满前', title: '副区长', sortOrder: 1 })).status).toBe(200)
      // Another reader keeps SQLite's own closing from folding the WAL in, as the full disk does.
      const reader = new BetterSqlite3(db)
      reader.prepare('SELECT count(*) FROM leaders').get()
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', resolve)
        child.kill('SIGTERM')
      })
      expect(out).toContain('专班已退出')
      expect(out).toContain(`${db}-wal`)
      expect(out).toContain('下次启动专班时会自动并入')
      expect(out).not.toMatch(/SQLITE_FULL|at .*\.ts:\d+/)
      expect(code).toBe(1)
      reader.close()
      const check = new BetterSqlite3(db, { readonly: true })
      expect(check.prepare(`SELECT count(*) AS n FROM leaders WHERE name = '磁盘满前'`).get()).toEqual({ n: 1 })
      check.close()
    },
  )

  it("refuses another program's WAL database with changes in its -wal, leaving the file and the -wal as they were", async () => {
    const dir = tempDir()
    const file = path.join(dir, 'other.db')
    withPendingWal(file, (db) =>
      db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoices VALUES (1, 9.5)'),
    )
    const before = data(file)
    const r = await serve(file)
    expect(r).toMatchObject({ code: 1, err: expect.stringContaining('不是专班的数据库') })
    expect(r.out).not.toContain('已启动')
    expect(data(file)).toEqual(before)
    expect(fs.readdirSync(dir).filter((f) => f !== 'other.db-shm')).toEqual(['other.db', 'other.db-wal'])
  })

  it('refuses a damaged database with changes in its -wal: the restore command printed, file and -wal unchanged', async () => {
    const dir = tempDir()
    const start = path.join(dir, 'start.db')
    const db = openSqlite(start)
    db.exec(`CREATE TABLE filler (a TEXT); CREATE INDEX filler_a ON filler (a);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
      INSERT INTO filler SELECT printf('%0400d', i) FROM n`)
    db.close()
    const noise = Buffer.alloc(3000, 0x5a)
    const fd = fs.openSync(start, 'r+')
    fs.writeSync(fd, noise, 0, noise.length, Math.floor(fs.statSync(start).size / 2))
    fs.closeSync(fd)
    const file = path.join(dir, 'county.db')
    withPendingWal(file, (live) => live.prepare(`INSERT INTO settings (key, value) VALUES ('late', '1')`).run(), start)
    fs.rmSync(start)
    const before = data(file)
    const r = await serve(file)
    expect(r.code).toBe(1)
    expect(r.err).toContain(`数据库文件（${file}）已损坏`)
    expect(data(file)).toEqual(before)
  })

  it('says that the port is taken, not that a file could not be read', async () => {
    const busy = net.createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    const port = (busy.address() as net.AddressInfo).port
    try {
      const r = await runCli(['serve', '--db', path.join(tempDir(), 'p.db'), '--port', String(port)])
      expect(r.code).not.toBe(0)
      expect(r.err).toContain(`端口 ${port} 已被其他程序占用`)
      expect(r.err).not.toContain('无法读写')
    } finally {
      busy.close()
    }
  })

  it('refuses a bad port', async () => {
    const { main } = await import('../../src/main/cli/index')
    const err: string[] = []
    expect(
      await main(
        ['serve', '--port', '70000'],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(2)
    expect(err.join()).toContain('--port')
  })
})
