import fs from 'node:fs'
import { LOCAL, type App } from '../../src/main/app'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { backupsToKeep, type BackupFile } from '../../src/main/backup/retention'
import {
  createBackup,
  ensureDailyBackup,
  listBackups,
  pruneBackups,
  readDatabaseId,
} from '../../src/main/backup/backups'
import { newApp, seedBasics, tempDir, sqliteOf } from '../helpers/app'
import { setBackupFolder } from '../../src/main/services/backups'

/** zhuanban.db, the usual name: its backups' names start as older versions made them (those are its own). */
const usualApp = () => newApp(path.join(tempDir(), 'zhuanban.db'))
/** The identity characters the open database's backup names carry. */
const tagOf = (app: App) => readDatabaseId(sqliteOf(app))!.slice(0, 8)
import { countyLedger, toBase64 } from '../helpers/ledgers'
import { runCli as cli } from '../helpers/cli'

describe('backup retention (7 daily, 4 weekly, 12 monthly)', () => {
  const auto = (at: string): BackupFile => ({ name: `auto-${at}`, at: `${at}T01:00:00Z`, automatic: true })

  it('keeps the newest of each of the last 7 days', () => {
    const files = Array.from({ length: 10 }, (_, i) => auto(`2026-11-${String(21 - i).padStart(2, '0')}`))
    const keep = backupsToKeep(files, { daily: 7, weekly: 0, monthly: 0 })
    expect([...keep].sort()).toEqual(
      files
        .slice(0, 7)
        .map((f) => f.name)
        .sort(),
    )
  })

  it('keeps one per week for 4 weeks and one per month for 12 months, and never drops manual ones', () => {
    const days: BackupFile[] = []
    for (
      let d = new Date('2025-06-01T00:00:00Z');
      d <= new Date('2026-11-21T00:00:00Z');
      d = new Date(d.getTime() + 86_400_000)
    )
      days.push(auto(d.toISOString().slice(0, 10)))
    const manual = { name: 'manual-old', at: '2024-01-01T00:00:00Z', automatic: false }
    const keep = backupsToKeep([...days, manual])
    expect(keep.has('manual-old')).toBe(true)
    const kept = days.filter((f) => keep.has(f.name)).map((f) => f.at.slice(0, 10))
    // 7 days + (4 weeks, overlapping the days) + 12 months (the newest in each: the month's last day, or today).
    expect(kept).toContain('2026-11-21')
    expect(kept).toContain('2026-11-15')
    expect(kept).toContain('2026-10-31')
    expect(kept).toContain('2025-12-31')
    expect(kept).not.toContain('2025-11-30') // the 13th month back
    expect(kept.length).toBeLessThanOrEqual(7 + 4 + 12)
  })
})

describe('backups', () => {
  it('makes a consistent copy through the backup API that opens with the same data', async () => {
    const app = await usualApp()
    await seedBasics(app)
    const dir = tempDir()
    const made = await createBackup(sqliteOf(app), dir, 'manual', new Date('2026-11-21T02:03:04Z'))
    expect(made).toMatchObject({
      name: `zhuanban-20261121-020304-manual-${tagOf(app)}.db`,
      reason: 'manual',
      at: '2026-11-21T02:03:04Z',
    })
    const copy = new BetterSqlite3(made.path, { readonly: true })
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(copy.prepare('SELECT count(*) AS n FROM leaders').get()).toEqual({ n: 2 })
    copy.close()
    // Same second again: a second file, not an overwrite.
    const again = await createBackup(sqliteOf(app), dir, 'manual', new Date('2026-11-21T02:03:04Z'))
    expect(again.name).not.toBe(made.name)
    expect(listBackups(dir)).toHaveLength(2)
  })

  it('backs up at start only when the newest backup is older than a day, pruning old automatic ones', async () => {
    const app = await usualApp()
    const dir = tempDir()
    expect(await ensureDailyBackup(sqliteOf(app), dir, new Date('2026-11-20T08:00:00Z'))).not.toBeNull()
    expect(await ensureDailyBackup(sqliteOf(app), dir, new Date('2026-11-21T07:00:00Z'))).toBeNull()
    expect(await ensureDailyBackup(sqliteOf(app), dir, new Date('2026-11-21T09:00:00Z'))).not.toBeNull()
    for (let i = 1; i <= 20; i++)
      fs.writeFileSync(path.join(dir, `zhuanban-202609${String(i).padStart(2, '0')}-080000-auto.db`), '')
    pruneBackups(sqliteOf(app), dir, new Date('2026-11-21T09:00:00Z'))
    const left = listBackups(dir)
      .filter((b) => b.reason === 'auto')
      .map((b) => b.at.slice(0, 10))
    // 7 newest days; the weeks of Sep 14, Sep 7 and Aug 31 keep Sep 13 and Sep 6 besides; September's newest is kept.
    expect(left).toEqual([
      '2026-11-21',
      '2026-11-20',
      '2026-09-20',
      '2026-09-19',
      '2026-09-18',
      '2026-09-17',
      '2026-09-16',
      '2026-09-13',
      '2026-09-06',
    ])
  })

  it('reports a backup folder that cannot be made, in Chinese', async () => {
    const app = await newApp()
    const file = path.join(tempDir(), 'not-a-folder')
    fs.writeFileSync(file, 'x')
    await expect(createBackup(sqliteOf(app), path.join(file, 'backups'), 'manual')).rejects.toMatchObject({
      code: 'DB_READONLY',
      message: expect.stringContaining('无法写入备份文件夹'),
    })
  })

  it('through the contract: a manual backup beside the database, listed newest first; one before every import', async () => {
    const app = await newApp()
    await seedBasics(app)
    const made = await app.call('backup.create', {})
    expect(path.dirname(made.path)).toBe(path.join(path.dirname(app.deps.databasePath), 'backups'))
    await app.call('excel.import', { fileName: '台账.xlsx', base64: await toBase64(await countyLedger()) })
    const list = await app.call('backup.list', {})
    expect(list.backups.map((b) => b.reason).sort()).toEqual(['manual', 'pre-import'])
  })

  it('from the command line', async () => {
    const { main } = await import('../../src/main/cli/index')
    const dir = tempDir()
    const db = path.join(dir, 'cli.db')
    await newApp(db)
    const out: string[] = []
    expect(await main(['backup', '--db', db, '--dir', path.join(dir, 'copies')], (s) => out.push(s))).toBe(0)
    expect(out.join()).toContain('已备份：')
    expect(listBackups(path.join(dir, 'copies'))).toHaveLength(1)
  })
})

describe('backups named in the future (a PC clock once set ahead, or now set behind)', () => {
  const at = (iso: string) => new Date(iso)
  const names = (dir: string) => listBackups(dir).map((b) => b.name)

  it('never stop the daily backup, in either direction of the skew', async () => {
    const app = await usualApp()
    const dir = tempDir()
    // Made while the clock ran a year ahead; the clock has been put right since.
    fs.writeFileSync(path.join(dir, 'zhuanban-20271121-080000-auto.db'), '')
    expect(await ensureDailyBackup(sqliteOf(app), dir, at('2026-11-21T09:00:00Z'))).not.toBeNull()
    expect(await ensureDailyBackup(sqliteOf(app), dir, at('2026-11-21T10:00:00Z'))).toBeNull() // today's is there
    expect(await ensureDailyBackup(sqliteOf(app), dir, at('2026-11-22T10:00:00Z'))).not.toBeNull()
    // Now the clock is two years behind every backup: backups go on, one a day by the clock as it is.
    expect(await ensureDailyBackup(sqliteOf(app), dir, at('2024-11-21T09:00:00Z'))).not.toBeNull()
    expect(await ensureDailyBackup(sqliteOf(app), dir, at('2024-11-21T11:00:00Z'))).toBeNull()
    const tag = tagOf(app)
    expect(names(dir)).toEqual([
      'zhuanban-20271121-080000-auto.db',
      `zhuanban-20261122-100000-auto-${tag}.db`,
      `zhuanban-20261121-090000-auto-${tag}.db`,
      `zhuanban-20241121-090000-auto-${tag}.db`,
    ])
  })

  it("never prune today's real backup because one named later today or on later days exists", async () => {
    const app = await usualApp()
    const dir = tempDir()
    // This morning the clock ran six hours ahead (a backup named 15:00), and last week ten days ahead.
    fs.writeFileSync(path.join(dir, 'zhuanban-20261121-150000-auto.db'), '')
    for (let d = 22; d <= 30; d++) fs.writeFileSync(path.join(dir, `zhuanban-202611${d}-080000-auto.db`), '')
    const now = at('2026-11-21T09:00:00Z')
    const today = await createBackup(sqliteOf(app), dir, 'auto', now)
    expect(pruneBackups(sqliteOf(app), dir, now)).toEqual([])
    expect(fs.existsSync(today.path)).toBe(true)
    // And the retention on its own: the future-named ones take no day, week or month.
    const files = listBackups(dir).map((b) => ({ name: b.name, at: b.at, automatic: true }))
    expect(backupsToKeep(files, { daily: 1, weekly: 0, monthly: 0 }, now).has(today.name)).toBe(true)
  })
})

describe('restore (command line, with 专班 closed)', () => {
  it('checks the backup, keeps the replaced database as a backup, and brings the old data back', async () => {
    const { main } = await import('../../src/main/cli/index')
    const dir = tempDir()
    const db = path.join(dir, 'office.db')
    const app = await newApp(db)
    await seedBasics(app)
    const saved = await app.call('backup.create', {})
    await app.call('leader.create', { name: '后来加的', title: '副区长', sortOrder: 99 })
    await app.close()
    const out: string[] = []
    expect(await main(['restore', '--db', db, saved.path], (s) => out.push(s))).toBe(0)
    expect(out.join('\n')).toContain('原数据库已另存为')
    const restored = await newApp(db)
    expect((await restored.call('leader.list', {})).map((l) => l.name)).not.toContain('后来加的')
    const kept = (await restored.call('backup.list', {})).backups.find((b) => b.reason === 'pre-restore')!
    const copy = new BetterSqlite3(kept.path, { readonly: true })
    expect((copy.prepare(`SELECT count(*) AS n FROM leaders WHERE name = '后来加的'`).get() as { n: number }).n).toBe(1)
    copy.close()
  })

  it('refuses a file that is not a 专班 backup, a damaged one, or one that is missing, changing nothing', async () => {
    const { main } = await import('../../src/main/cli/index')
    const dir = tempDir()
    const db = path.join(dir, 'office.db')
    const app = await newApp(db)
    await seedBasics(app)
    await app.close()
    const before = fs.readFileSync(db)
    const other = path.join(dir, 'other.db')
    const o = new BetterSqlite3(other)
    o.exec('CREATE TABLE t (a)')
    o.close()
    const text = path.join(dir, 'notes.db')
    fs.writeFileSync(text, '会议纪要'.repeat(500))
    const err: string[] = []
    for (const file of [other, text, path.join(dir, 'missing.db')])
      expect(
        await main(
          ['restore', '--db', db, file],
          () => {},
          (s) => err.push(s),
        ),
      ).toBe(1)
    expect(err.join('\n')).toContain('不是专班的数据库备份')
    expect(err.join('\n')).toContain('不是有效的数据库文件')
    expect(err.join('\n')).toContain('找不到备份文件')
    expect(fs.readFileSync(db).equals(before)).toBe(true)
  })
})

const names = (list: { name: string }[]) => list.map((b) => b.name).sort()

describe('databases whose backups share one folder: each sees only its own', () => {
  it('demo.db and zhuanban.db side by side: a daily backup each, each lists and prunes only its own', async () => {
    const dir = tempDir()
    const shared = path.join(dir, 'backups')
    const usual = await newApp(path.join(dir, 'zhuanban.db'))
    const demo = await newApp(path.join(dir, 'demo.db'))
    await seedBasics(usual)
    await seedBasics(demo)
    // zhuanban.db's automatic backups from September, named as older versions named them (no identity).
    fs.mkdirSync(shared)
    const september = Array.from(
      { length: 20 },
      (_, i) => `zhuanban-202609${String(i + 1).padStart(2, '0')}-080000-auto.db`,
    )
    for (const name of september) fs.writeFileSync(path.join(shared, name), '')

    // zhuanban.db's backup of today is not demo.db's: demo.db gets its own, and prunes none of zhuanban.db's.
    const mine = await ensureDailyBackup(sqliteOf(usual), path.join(dir, 'elsewhere'), new Date('2026-11-21T02:00:00Z'))
    fs.renameSync(mine!.path, path.join(shared, mine!.name))
    const theirs = await ensureDailyBackup(sqliteOf(demo), shared, new Date('2026-11-21T03:00:00Z'))
    expect(theirs).not.toBeNull()
    expect(theirs!.name).toMatch(/^zhuanban-demo-20261121-030000-auto-[0-9a-f]{8}\.db$/)
    const manual = await demo.call('backup.create', {})
    for (const name of september) expect(fs.existsSync(path.join(shared, name)), name).toBe(true)
    expect(names((await demo.call('backup.list', {})).backups)).toEqual(names([theirs!, manual]))
    const usualList = (await usual.call('backup.list', {})).backups.map((b) => b.name)
    expect(usualList).toContain(mine!.name)
    expect(usualList).not.toContain(manual.name)
    expect(usualList).not.toContain(theirs!.name)
    // zhuanban.db's own retention still works, on its own backups only (its old names are still its own).
    await usual.call('backup.create', {})
    expect(september.filter((name) => fs.existsSync(path.join(shared, name)))).toEqual(
      ['06', '13', '15', '16', '17', '18', '19', '20'].map((d) => `zhuanban-202609${d}-080000-auto.db`),
    )
    expect(fs.existsSync(theirs!.path)).toBe(true)
  })

  it("two offices' zhuanban.db with one chosen network folder: neither lists, counts or restores the other's", async () => {
    const network = path.join(tempDir(), '共享备份')
    const a = await newApp(path.join(tempDir(), 'zhuanban.db'))
    const b = await newApp(path.join(tempDir(), 'zhuanban.db'))
    await seedBasics(a)
    await seedBasics(b)
    await setBackupFolder(a.deps, network)
    await setBackupFolder(b.deps, network)
    const ofA = await a.call('backup.create', {})
    expect(await ensureDailyBackup(sqliteOf(b), network, new Date())).not.toBeNull()
    expect((await b.call('backup.list', {})).backups.map((x) => x.name)).not.toContain(ofA.name)
    expect((await a.call('backup.list', {})).backups.map((x) => x.name)).toEqual([ofA.name])
    // Restoring A's backup into B: not offered in the app, refused on the command line.
    await b.call('leader.create', { name: '乙办公室', title: '副区长', sortOrder: 3 })
    expect((await b.invoke('backup.restore', { name: ofA.name }, LOCAL)).ok).toBe(false)
    const bFile = b.deps.databasePath
    await b.close()
    const before = fs.readFileSync(bFile)
    const refused = await cli(['restore', '--db', bFile, ofA.path])
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('属于另一个数据库')
    expect(refused.err).toContain('未恢复')
    expect(fs.readFileSync(bFile).equals(before)).toBe(true)
    const reopened = await newApp(bFile)
    expect((await reopened.call('leader.list', {})).map((l) => l.name)).toContain('乙办公室')
  })

  it('a backup from before identities is restored only into the database its name belongs to, which keeps its identity', async () => {
    const dir = tempDir()
    const shared = path.join(dir, 'backups')
    fs.mkdirSync(shared)
    const usual = await newApp(path.join(dir, 'zhuanban.db'))
    await seedBasics(usual)
    // Made by an older version: no identity inside, the old name.
    const legacy = path.join(shared, 'zhuanban-20261120-080000-manual.db')
    await sqliteOf(usual).backup(legacy)
    await usual.call('leader.create', { name: '后来加的', title: '副区长', sortOrder: 9 })
    await usual.call('backup.create', {})
    const identity = readDatabaseId(sqliteOf(usual))
    expect(identity).toMatch(/^[0-9a-f]{32}$/)

    const demo = await newApp(path.join(dir, 'demo.db'))
    await demo.call('backup.create', {})
    expect((await demo.call('backup.list', {})).backups.map((b) => b.name)).not.toContain(path.basename(legacy))
    const demoFile = demo.deps.databasePath
    await demo.close()
    const wrong = await cli(['restore', '--db', demoFile, legacy])
    expect(wrong).toMatchObject({ code: 1, err: expect.stringContaining('无法确认') })

    const { restored } = await usual.call('backup.restore', { name: path.basename(legacy) })
    expect(restored.name).toBe(path.basename(legacy))
    expect((await usual.call('leader.list', {})).map((l) => l.name)).not.toContain('后来加的')
    expect(readDatabaseId(sqliteOf(usual))).toBe(identity)
    // Its backups are still its own: the 恢复前 one (the undo) is listed and restores.
    const kept = (await usual.call('backup.list', {})).backups.find((b) => b.reason === 'pre-restore')!
    await usual.call('backup.restore', { name: kept.name })
    expect((await usual.call('leader.list', {})).map((l) => l.name)).toContain('后来加的')
  })
})

describe('backup names that are no time (month 13, 30 February)', () => {
  const impossible = ['zhuanban-20261399-999999-auto.db', 'zhuanban-20260230-080000-auto.db']

  it('are ignored by the list, the daily backup and the retention: never deleted, never a reason to fail', async () => {
    const app = await usualApp()
    const dir = tempDir()
    for (const name of impossible) fs.writeFileSync(path.join(dir, name), '')
    for (let i = 1; i <= 20; i++)
      fs.writeFileSync(path.join(dir, `zhuanban-202609${String(i).padStart(2, '0')}-080000-auto.db`), '')
    expect(listBackups(dir).map((b) => b.at)).not.toContainEqual(expect.stringMatching(/NaN|-13-|02-30/))
    expect(listBackups(dir)).toHaveLength(20)
    expect(await ensureDailyBackup(sqliteOf(app), dir, new Date('2026-11-21T09:00:00Z'))).not.toBeNull()
    for (const name of impossible) expect(fs.existsSync(path.join(dir, name))).toBe(true)
    // The old automatic ones were pruned as usual.
    expect(fs.existsSync(path.join(dir, 'zhuanban-20260901-080000-auto.db'))).toBe(false)
    expect(backupsToKeep([{ name: 'x', at: '2026-13-99T99:99:99Z', automatic: true }]).has('x')).toBe(true)
  })

  it('do not break the command line backup, the contract list or browser mode', async () => {
    const dir = tempDir()
    const db = path.join(dir, 'zhuanban.db')
    const app = await newApp(db)
    fs.mkdirSync(path.join(dir, 'backups'))
    for (const name of impossible) fs.writeFileSync(path.join(dir, 'backups', name), '')
    const list = await app.call('backup.list', {})
    expect(list.backups).toEqual([])
    await app.close()
    const r = await cli(['backup', '--db', db])
    expect(r).toMatchObject({ code: 0, err: '' })
    expect(r.out).toContain('已备份：')
  })
})

/**
 * A few bytes of the leaders' table overwritten in a closed database, as a failing disk might: the file still
 * opens (a command opens it without checking), and the quick check finds the damage.
 */
function damageLeaders(file: string) {
  const probe = new BetterSqlite3(file)
  const { rootpage } = probe.prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'leaders'`).get() as {
    rootpage: number
  }
  probe.close()
  const fd = fs.openSync(file, 'r+')
  fs.writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, (rootpage - 1) * 4096 + 3000)
  fs.closeSync(fd)
}

describe('a damaged database is never backed up', () => {
  it('on the command line: refused in Chinese, pointing to the good backup and how to restore it', async () => {
    const dir = tempDir()
    const db = path.join(dir, 'x.db')
    expect((await cli(['demo', '--db', db, '--projects', '20'])).code).toBe(0)
    expect((await cli(['backup', '--db', db])).code).toBe(0)
    damageLeaders(db)
    const before = fs.readdirSync(path.join(dir, 'backups'))
    const r = await cli(['backup', '--db', db])
    expect(r.code).toBe(1)
    expect(r.out).not.toContain('已备份')
    expect(r.err).toContain('未备份')
    expect(r.err).toContain('已损坏')
    expect(r.err).toContain(`restore --db "${db}"`)
    expect(r.err).not.toMatch(/malformed|SQLITE|Error/)
    expect(fs.readdirSync(path.join(dir, 'backups'))).toEqual(before)
  })

  it('in the app: a manual, daily or pre-import backup of a damaged database is refused', async () => {
    const file = path.join(tempDir(), 'x.db')
    expect((await cli(['demo', '--db', file, '--projects', '20'])).code).toBe(0)
    damageLeaders(file)
    const app = await newApp(file) // opened without the check, as a command opens it
    const dir = path.join(path.dirname(file), 'backups')
    const made = await app.invoke('backup.create', {}, LOCAL)
    expect(made).toMatchObject({ ok: false, error: { code: 'DB_DAMAGED' } })
    if (!made.ok) expect(made.error.message).toMatch(/已损坏.*未备份/)
    await expect(ensureDailyBackup(sqliteOf(app), dir)).rejects.toMatchObject({ code: 'DB_DAMAGED' })
    const imported = await app.invoke(
      'excel.import',
      {
        fileName: '台账.xlsx',
        base64: await toBase64(await countyLedger()),
      },
      LOCAL,
    )
    expect(imported.ok).toBe(false) // found while reading for the import, or by the check before its backup
    expect(listBackups(dir)).toEqual([])
  })
})

describe('backup-folder and backup --dir on the command line', () => {
  it('refuse an empty folder, a second folder and a folder with --default, as usage errors', async () => {
    const db = path.join(tempDir(), 'a.db')
    await newApp(db)
    const empty = await cli(['backup-folder', '--db', db, ''])
    expect(empty).toMatchObject({ code: 2, err: expect.stringContaining('备份文件夹不能为空') })
    expect(empty.err).toContain('--default')
    const two = await cli(['backup-folder', '--db', db, path.join(tempDir(), 'y'), path.join(tempDir(), 'z')])
    expect(two).toMatchObject({ code: 2, err: expect.stringContaining('只能给出一个备份文件夹') })
    expect((await cli(['backup-folder', '--db', db, '--default', '/y'])).code).toBe(2)
    // Nothing was changed: still the default (a chosen folder would say so).
    const app = await newApp(db)
    expect((await app.call('backup.list', {})).isDefault).toBe(true)
  })

  it('gives an example of a full path of the system it runs on', async () => {
    const db = path.join(tempDir(), 'a.db')
    await newApp(db)
    const r = await cli(['backup-folder', '--db', db, 'relative'])
    expect(r.code).toBe(1)
    expect(r.err).toContain('完整路径')
    if (process.platform === 'win32') expect(r.err).toContain('D:\\专班备份')
    else expect(r.err).not.toContain('D:\\')
  })

  it('backup --dir: refuses an empty folder; a relative one is taken from the current folder and said in full', async () => {
    const dir = tempDir()
    const db = path.join(dir, 'a.db')
    await newApp(db)
    expect(await cli(['backup', '--db', db, '--dir', ''])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--dir 不能为空'),
    })
    const cwd = process.cwd()
    process.chdir(dir)
    try {
      const r = await cli(['backup', '--db', db, '--dir', 'copies'])
      expect(r.code).toBe(0)
      expect(r.out).toContain(`已备份：${path.join(dir, 'copies')}${path.sep}zhuanban-a-`)
      expect(r.out).toContain(`备份文件夹：${path.join(dir, 'copies')}`)
    } finally {
      process.chdir(cwd)
    }
    expect(listBackups(path.join(dir, 'copies'))).toHaveLength(1)
  })
})
