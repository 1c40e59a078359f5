import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { APPLICATION_ID } from '../../src/main/db/open'
import { migrate } from '../../src/main/db/migrate'
import { MIGRATIONS } from '../../src/main/db/migrations'
import { main } from '../../src/main/cli/index'
import { tempDir } from '../helpers/app'
import { countyLedger } from '../helpers/ledgers'

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

  it('sets the backup folder (the one way besides the desktop folder dialog), and back to the default', async () => {
    const db = path.join(tempDir(), 'county.db')
    await run(['demo', '--db', db, '--projects', '3'])
    const folder = path.join(tempDir(), '专班备份')
    expect(await run(['backup-folder', '--db', db, folder])).toMatchObject({ code: 0, out: `备份位置：${folder}` })
    const backup = await run(['backup', '--db', db])
    expect(backup.out).toContain(folder)
    expect((await run(['backup-folder', '--db', db, 'relative'])).err).toContain('完整路径')
    expect((await run(['backup-folder', '--db', db])).err).toContain('--default')
    const reset = await run(['backup-folder', '--db', db, '--default'])
    expect(reset).toMatchObject({ code: 0, out: `备份位置：${path.join(path.dirname(db), 'backups')}（默认）` })
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

  it.each([
    ['0 bytes', ''],
    ['random text', 'meeting notes 会议纪要\n'.repeat(300)],
  ])('check refuses an existing file of %s as damaged, and writes nothing into it', async (_label, content) => {
    const dir = tempDir()
    const file = path.join(dir, 'x.db')
    fs.writeFileSync(file, content)
    const r = await run(['check', '--db', file])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/是空的|不是有效的专班数据库/)
    expect(r.err).toContain(file)
    expect(fs.readFileSync(file, 'utf8')).toBe(content)
    expect(fs.readdirSync(dir)).toEqual(['x.db'])
  })

  it('commands that only read do not create a database where there is none', async () => {
    const dir = tempDir()
    const missing = path.join(dir, 'typo.db')
    for (const args of [['check'], ['info'], ['rank', '--period', '2026-10'], ['backup']]) {
      const r = await run([...args, '--db', missing])
      expect(r).toMatchObject({ code: 1, err: expect.stringContaining(`找不到数据库文件：${missing}`) })
    }
    expect(fs.readdirSync(dir)).toEqual([])
  })

  it('check on a file damaged in the middle: a Chinese message naming the file and the newest good backup', async () => {
    const dir = tempDir()
    const db = path.join(dir, 'county.db')
    expect((await run(['demo', '--db', db, '--projects', '40'])).code).toBe(0)
    expect((await run(['backup', '--db', db])).code).toBe(0)
    const [good] = fs.readdirSync(path.join(dir, 'backups'))
    // Bytes a failing disk might leave, the same in every run.
    const noise = Buffer.alloc(3000)
    for (let i = 0, x = 7; i < noise.length; i++) noise[i] = x = (x * 1103515245 + 12345) >>> 16
    const fd = fs.openSync(db, 'r+')
    fs.writeSync(fd, noise, 0, noise.length, Math.floor(fs.statSync(db).size / 2))
    fs.closeSync(fd)
    const r = await run(['check', '--db', db])
    expect(r.code).toBe(1)
    const [message, details] = r.err.split('技术细节')
    expect(message).toContain(`数据库文件（${db}）已损坏`)
    expect(message).toContain(`最近的完好备份：${good}`)
    expect(message).toContain(`restore --db "${db}"`)
    expect(message).not.toMatch(/SQLITE|malformed|Tree|page/)
    expect(details).toBeDefined()
  })

  describe('import --dry-run creates nothing', () => {
    async function files(dir: string) {
      const good = path.join(dir, '台账.xlsx')
      await (await countyLedger()).xlsx.writeFile(good)
      const bad = path.join(dir, 'wrong-file.xlsx')
      await (await countyLedger({ tweak: (ws) => void (ws.getCell('D5').value = '一千万') })).xlsx.writeFile(bad)
      const text = path.join(dir, 'notes.xlsx')
      fs.writeFileSync(text, '这不是 Excel 文件')
      return { good, bad, text }
    }

    it('at a new path: no database file, no -wal/-shm, no backups folder, whatever the ledger', async () => {
      const dir = tempDir()
      const { good, bad, text } = await files(dir)
      const db = path.join(dir, 'new.db')
      const before = fs.readdirSync(dir).sort()
      expect((await run(['import', '--dry-run', '--db', db, good])).code).toBe(0)
      expect((await run(['import', '--dry-run', '--db', db, bad])).code).toBe(1)
      expect((await run(['import', '--dry-run', '--db', db, text])).code).toBe(1)
      // Nor does an import that finds problems and so writes nothing.
      expect((await run(['import', '--db', db, bad])).code).toBe(1)
      expect(fs.readdirSync(dir).sort()).toEqual(before)
      // A real import still creates the database.
      expect(await run(['import', '--db', db, good])).toMatchObject({
        code: 0,
        out: expect.stringContaining('导入完成'),
      })
      expect(fs.existsSync(db)).toBe(true)
    })

    it('on an older database: not upgraded, no backup made, the file unchanged', async () => {
      const dir = tempDir()
      const { good } = await files(dir)
      const db = path.join(dir, 'old.db')
      const old = new BetterSqlite3(db)
      old.pragma('journal_mode = WAL')
      migrate(old, { migrations: MIGRATIONS.slice(0, 2) })
      old.pragma(`application_id = ${APPLICATION_ID}`)
      old.close()
      const bytes = fs.readFileSync(db)
      const before = fs.readdirSync(dir).sort()
      expect(await run(['import', '--dry-run', '--db', db, good])).toMatchObject({
        code: 0,
        out: expect.stringContaining('检查通过（--dry-run：未写入数据库）'),
      })
      expect(fs.readdirSync(dir).sort()).toEqual(before)
      expect(fs.readFileSync(db).equals(bytes)).toBe(true)
    })
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
