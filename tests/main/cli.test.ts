import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/main/cli/index'
import { tempDir } from '../helpers/app'

async function run(args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(
    args,
    (s) => out.push(s),
    (s) => err.push(s),
  )
  return { code, out: out.join('\n'), err: err.join('\n') }
}

/**
 * The CLI as its own process (as `npm run cli` runs it), stdout into a pipe or a file. The pipe is read whole,
 * or closed after the first `stopAfter` bytes, as `| head` does.
 */
async function runProcess(args: string[], stdout: 'pipe' | number = 'pipe', stopAfter = Infinity) {
  const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/main/cli/index.ts', ...args], {
    stdio: ['ignore', stdout, 'pipe'],
  })
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout?.on('data', (c: Buffer) => {
    out.push(c)
    if (Buffer.concat(out).length >= stopAfter) child.stdout?.destroy()
  })
  child.stderr?.on('data', (c: Buffer) => err.push(c))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return { code, out: Buffer.concat(out), err: Buffer.concat(err).toString() }
}

describe('command line', () => {
  it('prints Chinese help', async () => {
    const r = await run(['help'])
    expect(r.code).toBe(0)
    expect(r.out).toContain('用法：zhuanban <命令>')
    expect((await run([])).code).toBe(1)
  })

  it('loads the demo, checks it and reports on it', async () => {
    const db = path.join(tempDir(), 'demo.db')
    const demo = await run(['demo', '--db', db, '--projects', '20'])
    expect(demo.code).toBe(0)
    expect(demo.out).toContain('已生成演示数据：20个项目')
    const check = await run(['check', '--db', db])
    expect(check).toMatchObject({ code: 0, out: '数据库完整性检查通过' })
    expect((await run(['info', '--db', db])).out).toContain('项目 20 个')
  })

  it('refuses wrong arguments with a message and a non-zero exit', async () => {
    expect(await run(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringContaining('未知命令「frobnicate」') })
    expect(await run(['demo'])).toMatchObject({ code: 2, err: expect.stringContaining('缺少参数 --db') })
    expect(await run(['demo', '--db', 'x.db', '--projects', 'many'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('应为正整数'),
    })
    expect(fs.existsSync('x.db')).toBe(false)
    expect((await run(['demo', '--db', 'x.db', '--colour'])).code).toBe(2)
  })

  it('says plainly when the file is not a database', async () => {
    const file = path.join(tempDir(), 'notes.txt')
    fs.writeFileSync(file, '不是数据库'.repeat(500))
    const r = await run(['check', '--db', file])
    expect(r.code).toBe(1)
    expect(r.err).toContain('不是有效的专班数据库')
  })

  it('writes all of a long output into a pipe before it exits', { timeout: 60_000 }, async () => {
    const dir = tempDir()
    const db = path.join(dir, 'demo.db')
    expect((await run(['demo', '--db', db, '--projects', '400'])).code).toBe(0)
    const args = ['rank', '--db', db, '--period', '2026-10', '--json']
    const file = path.join(dir, 'rank.json')
    const fd = fs.openSync(file, 'w')
    const [piped, written] = await Promise.all([runProcess(args), runProcess(args, fd)])
    fs.closeSync(fd)
    expect(written).toMatchObject({ code: 0, err: '' })
    expect(piped).toMatchObject({ code: 0, err: '' })
    // A pipe holds 64 KB: an exit before stdout drained cut the output there.
    const whole = fs.readFileSync(file)
    expect(whole.length).toBeGreaterThan(4 * 65536)
    expect(piped.out.length).toBe(whole.length)
    expect((JSON.parse(piped.out.toString()) as { rows: unknown[] }).rows).toHaveLength(400)
    // A reader that stops early drops the rest of the output quietly, without an EPIPE error.
    const head = await runProcess(args, 'pipe', 100)
    expect(head).toMatchObject({ code: 0, err: '' })
    expect(head.out.length).toBeLessThan(whole.length)
  })
})
