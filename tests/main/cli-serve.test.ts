import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { TOKEN_HEADER } from '../../src/shared/bridge'
import { tempDir } from '../helpers/app'

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
      const allowed = await call({ [TOKEN_HEADER]: token })
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
