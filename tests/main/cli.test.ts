import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import ExcelJS from 'exceljs'
import { describe, expect, it, vi } from 'vitest'
import { APPLICATION_ID } from '../../src/main/db/open'
import { migrate } from '../../src/main/db/migrate'
import { MIGRATIONS } from '../../src/main/db/migrations'
import { tempDir } from '../helpers/app'
import { damageMiddle as damage, damageTable, fingerprint, withPendingWal } from '../helpers/db-files'
import { countyLedger } from '../helpers/ledgers'
import { runCli as run } from '../helpers/cli'

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

/** The file and its -wal byte for byte (the -shm is SQLite's index of the -wal, made again at will). */
const data = (file: string) => {
  const { db, '-wal': wal } = fingerprint(file)
  return { db, wal }
}

/** No English from Node or SQLite, no stack trace. */
const NOT_ENGLISH = /Error|ENOENT|EISDIR|EACCES|SQLITE|Unknown option|argument missing|\bat \S+:\d+/

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

  it('exports the 专班通讯录 (export --what contacts), named in the help', async () => {
    expect((await run(['help'])).out).toContain('--what ledger|ranking|problems|contacts')
    expect((await run(['help'])).out).toContain('contacts 专班通讯录')
    const dir = tempDir()
    const db = path.join(dir, 'demo.db')
    expect((await run(['demo', '--db', db, '--projects', '3'])).code).toBe(0)
    const out = path.join(dir, '通讯录.xlsx')
    expect(await run(['export', '--db', db, '--what', 'contacts', '--out', out])).toMatchObject({
      code: 0,
      out: `已导出：${out}`,
    })
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(fs.readFileSync(out) as unknown as ArrayBuffer)
    const ws = wb.worksheets[0]!
    expect(ws.name).toBe('专班通讯录')
    expect(String(ws.getCell('A1').value)).toContain('重点项目专班通讯录')
    expect(ws.getCell('I2').value).toBe('电话')
    expect(ws.rowCount).toBeGreaterThan(2)
    const wrong = await run(['export', '--db', db, '--what', 'people', '--out', out])
    expect(wrong).toMatchObject({
      code: 2,
      err: expect.stringContaining('只能是 ledger、ranking、problems 或 contacts'),
    })
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

  describe('never writes over the database it works on', () => {
    it('export --out the database itself, its -wal or -shm, a link or a hard link to it: refused, nothing written', async () => {
      const dir = tempDir()
      const db = path.join(dir, 'a.db')
      expect((await run(['demo', '--db', db, '--projects', '3'])).code).toBe(0)
      // Changes still in the -wal, as while the desktop app has the database open.
      const open = new BetterSqlite3(db)
      open.pragma('wal_autocheckpoint = 0')
      open.prepare(`INSERT INTO settings (key, value) VALUES ('open', '1')`).run()
      const symlink = path.join(dir, 'link.db')
      fs.symlinkSync(db, symlink)
      const hardlink = path.join(dir, 'hard.xlsx')
      fs.linkSync(db, hardlink)
      fs.mkdirSync(path.join(dir, 'sub'))
      const before = fingerprint(db)
      const names = fs.readdirSync(dir).sort()
      for (const out of [
        db,
        `${db}-wal`,
        `${db}-shm`,
        path.join(dir, 'sub', '..', 'a.db'),
        path.relative(process.cwd(), db),
        symlink,
        hardlink,
      ]) {
        const r = await run(['export', '--db', db, '--what', 'ledger', '--out', out])
        expect(r, out).toMatchObject({ code: 2, err: expect.stringContaining('参数 --out 不能是数据库文件本身') })
      }
      // Named through the link the same holds.
      const viaLink = await run(['export', '--db', symlink, '--what', 'ledger', '--out', db])
      expect(viaLink).toMatchObject({ code: 2, err: expect.stringContaining('不能是数据库文件本身') })
      expect(fingerprint(db)).toEqual(before)
      expect(fs.readdirSync(dir).sort()).toEqual(names)
      open.close()
    })

    it('export --out another database, a folder, a missing folder or a place that cannot be written: said in Chinese', async () => {
      const dir = tempDir()
      const db = path.join(dir, 'a.db')
      expect((await run(['demo', '--db', db, '--projects', '3'])).code).toBe(0)
      const other = path.join(dir, 'other.db')
      fs.copyFileSync(db, other)
      const otherBytes = fingerprint(other)
      const exportTo = (out: string) => run(['export', '--db', db, '--what', 'ledger', '--out', out])
      const cases: [string, number, string][] = [
        [other, 2, '指向一个数据库文件'],
        [dir, 2, '给出的是一个文件夹'],
        [path.join(dir, 'no', 'such', 'x.xlsx'), 2, '所在的文件夹不存在'],
        [path.join(db, 'x.xlsx'), 2, '所在的文件夹不存在'],
      ]
      if (fs.existsSync('/proc/self')) cases.push(['/proc/x.xlsx', 1, '未能导出：找不到 /proc/x.xlsx'])
      for (const [out, code, message] of cases) {
        const r = await exportTo(out)
        expect(r, out).toMatchObject({ code, err: expect.stringContaining(message) })
        expect(r.err, out).not.toMatch(NOT_ENGLISH)
      }
      expect(fingerprint(other)).toEqual(otherBytes)
      // And a good one still works.
      const good = await exportTo(path.join(dir, '台账.xlsx'))
      expect(good).toMatchObject({ code: 0, out: expect.stringContaining('已导出') })
    })

    it('restore from the database itself is refused before anything is touched', async () => {
      const dir = tempDir()
      const db = path.join(dir, 'a.db')
      expect((await run(['demo', '--db', db, '--projects', '3'])).code).toBe(0)
      const before = fingerprint(db)
      const r = await run(['restore', '--db', db, db])
      expect(r).toMatchObject({ code: 2, err: expect.stringContaining('就是数据库文件本身') })
      expect(fingerprint(db)).toEqual(before)
      expect(fs.readdirSync(dir)).toEqual(['a.db'])
    })
  })

  describe('says what went wrong in Chinese: no English, no stack trace', () => {
    it('a ledger that is a folder', async () => {
      const dir = tempDir()
      const folder = path.join(dir, 'some-dir.xlsx')
      fs.mkdirSync(folder)
      const r = await run(['import', '--db', path.join(dir, 'new.db'), folder, '--dry-run'])
      expect(r).toMatchObject({ code: 2, err: expect.stringContaining('是一个文件夹，不是台账文件') })
      expect(r.err).not.toMatch(NOT_ENGLISH)
      expect(fs.readdirSync(dir)).toEqual(['some-dir.xlsx'])
    })

    it.each([
      [['info', '--db', 'x.db', '--bogus'], '未知选项「--bogus」'],
      [['info', '-x'], '未知选项「-x」'],
      [['info', '--db'], '选项 --db 缺少值'],
      [['info', '--db', '--json'], '选项 --db 缺少值'],
      [['rank', '--db', 'x.db', '--json=yes'], '选项 --json 后面不带值'],
    ])('%j: the first line in Chinese, then the help, exit code 2', async (args, message) => {
      const r = await run(args)
      expect(r.code).toBe(2)
      expect(r.err.split('\n')[0]).toContain(message)
      expect(r.err).toContain('用法：zhuanban <命令>')
      expect(r.err).not.toMatch(NOT_ENGLISH)
      expect(fs.existsSync('x.db')).toBe(false)
    })
  })

  describe("another program's database, or a damaged one, is not changed", () => {
    it("another program's WAL database with changes in its -wal: every command refuses, file and -wal byte for byte", async () => {
      const dir = tempDir()
      const file = path.join(dir, 'other.db')
      withPendingWal(file, (db) =>
        db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoices VALUES (1, 9.5)'),
      )
      const ledger = path.join(dir, '台账.xlsx')
      await (await countyLedger()).xlsx.writeFile(ledger)
      const before = data(file)
      for (const args of [
        ['check'],
        ['info'],
        ['rank', '--period', '2026-10'],
        ['export', '--what', 'ledger', '--out', path.join(dir, 'out.xlsx')],
        ['backup'],
        ['import', '--dry-run', ledger],
        ['import', ledger],
        ['demo'],
      ]) {
        const r = await run([...args, '--db', file])
        expect(r, args[0]).toMatchObject({ code: 1, err: expect.stringContaining('不是专班的数据库') })
        expect(data(file), args.join(' ')).toEqual(before)
      }
      expect(fs.readdirSync(dir).filter((f) => !f.startsWith('other.db'))).toEqual(['台账.xlsx'])
    })

    it('check on a damaged database with changes in its -wal: the -wal is kept, the file unchanged', async () => {
      const dir = tempDir()
      const start = path.join(dir, 'start.db')
      expect((await run(['demo', '--db', start, '--projects', '40'])).code).toBe(0)
      damage(start)
      const db = path.join(dir, 'county.db')
      withPendingWal(db, (live) => live.prepare(`INSERT INTO settings (key, value) VALUES ('late', '1')`).run(), start)
      fs.rmSync(start)
      const before = data(db)
      const r = await run(['check', '--db', db])
      expect(r.code).toBe(1)
      expect(r.err).toContain(`数据库文件（${db}）已损坏`)
      expect(r.err).toContain('不要删除该文件')
      expect(data(db)).toEqual(before)
    })

    it('info, rank and export on a damaged database: the damaged message with the newest good backup, exit code 1', async () => {
      const dir = tempDir()
      const db = path.join(dir, 'county.db')
      expect((await run(['demo', '--db', db, '--projects', '40'])).code).toBe(0)
      expect((await run(['backup', '--db', db])).code).toBe(0)
      const [good] = fs.readdirSync(path.join(dir, 'backups'))
      damage(db)
      const before = fingerprint(db)
      for (const args of [
        ['info'],
        ['rank', '--period', '2026-10'],
        ['rank', '--period', '2026-10', '--by', 'leader', '--json'],
        ['export', '--what', 'ledger', '--out', path.join(dir, 'out.xlsx')],
      ]) {
        const r = await run([...args, '--db', db])
        expect(r.code, args.join(' ')).toBe(1)
        expect(r.err).toContain(`数据库文件（${db}）已损坏`)
        expect(r.err).toContain(`最近的完好备份：${good}`)
        expect(r.err).toContain(`restore --db "${db}"`)
        expect(r.err).toContain(`check --db "${db}"`)
        expect(r.err).not.toMatch(/SQLITE|malformed|不是有效的专班数据库/)
      }
      expect(fingerprint(db)).toEqual(before)
      expect(fs.existsSync(path.join(dir, 'out.xlsx'))).toBe(false)
    })
  })

  it('damage that only shows while a command reads (past the check at opening) is said the same way', async () => {
    const dir = tempDir()
    const db = path.join(dir, 'county.db')
    expect((await run(['demo', '--db', db, '--projects', '40'])).code).toBe(0)
    expect((await run(['backup', '--db', db])).code).toBe(0)
    const [good] = fs.readdirSync(path.join(dir, 'backups'))
    damageTable(db, 'projects')
    // The check at opening sees nothing wrong, as with damage it does not look at.
    const pragma = BetterSqlite3.prototype.pragma
    const blind = vi.spyOn(BetterSqlite3.prototype, 'pragma').mockImplementation(function (
      this: BetterSqlite3.Database,
      source: string,
      options?: BetterSqlite3.PragmaOptions,
    ) {
      return source === 'quick_check' ? [{ quick_check: 'ok' }] : pragma.call(this, source, options)
    })
    try {
      const r = await run(['export', '--db', db, '--what', 'ledger', '--out', path.join(dir, 'out.xlsx')])
      expect(r.code).toBe(1)
      expect(r.err).toContain(`数据库文件（${db}）已损坏`)
      expect(r.err).toContain(`最近的完好备份：${good}`)
      expect(r.err).toContain(`restore --db "${db}"`)
    } finally {
      blind.mockRestore()
    }
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

describe('reset-password', () => {
  it('gives a forgotten account (the only administrator) a new initial password that logs in and must be changed', async () => {
    const { openApp } = await import('../../src/main/app')
    const db = path.join(tempDir(), 'county.db')
    const app = openApp(db)
    await app.call('auth.setup', { login: 'admin', name: '王测试', unit: '区重点项目办', password: 'Zb#20261121' })
    await app.close()
    const r = await run(['reset-password', '--db', db, '--login', 'ADMIN'])
    expect(r.code).toBe(0)
    const password = /新的初始密码：(\S+)/.exec(r.out)![1]!
    const again = openApp(db)
    try {
      const session = { kind: 'session' as const, slot: { token: null }, source: '测试' }
      expect(await again.call('auth.login', { login: 'admin', password }, session)).toMatchObject({
        mustChangePassword: 'first',
      })
      expect((await again.call('security.log', { event: 'password_reset' }))[0]).toMatchObject({ source: '命令行' })
    } finally {
      await again.close()
    }
    const unknown = await run(['reset-password', '--db', db, '--login', 'nobody'])
    expect(unknown.code).toBe(1)
    expect(unknown.err).toMatch(/没有登录名为「nobody」的账号。现有账号：\S*admin/)
    expect(unknown.err).not.toContain('用法')
  })
})
