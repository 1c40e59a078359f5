/**
 * Issue 8's faults and recoveries on real files: restore inside the app, the backup folder, integrity at
 * start (damaged file → newest good backup), a backup before each migration, a full disk, a read-only
 * folder, a network drive.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { LOCAL, openApp, type App } from '../../src/main/app'
import {
  backupPointerFile,
  createBackup,
  ensureDailyBackup,
  listBackups,
  readDatabaseId,
} from '../../src/main/backup/backups'
import { openAtStart, restoreAtStart } from '../../src/main/backup/startup'
import { restoreBackup } from '../../src/main/backup/restore'
import { migrate } from '../../src/main/db/migrate'
import { openSqlite } from '../../src/main/db/open'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/main/db/migrations'
import { isNetworkLocation, locationWarnings } from '../../src/main/db/location'
import { AppError } from '../../src/shared/errors'
import { dump, fixedClock, newApp, refused, seedBasics, tempDir, sqliteOf } from '../helpers/app'
import { setBackupFolder } from '../../src/main/services/backups'
import { countyLedger, toBase64 } from '../helpers/ledgers'

const leaderNames = async (app: App) => (await app.call('leader.list', {})).map((l) => l.name)

/** Overwrites the middle of a closed database file with garbage, as a failing disk or a torn copy would. */
function damage(file: string): void {
  const size = fs.statSync(file).size
  const fd = fs.openSync(file, 'r+')
  const pageSize = 4096
  for (let page = 2; page * pageSize < size; page += 3)
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, page * pageSize)
  fs.closeSync(fd)
}

/** The first 100 bytes (SQLite's header) zeroed: the file is no longer recognisable at all. */
function damageHeader(file: string): void {
  const fd = fs.openSync(file, 'r+')
  fs.writeSync(fd, Buffer.alloc(100, 0), 0, 100, 0)
  fs.closeSync(fd)
}

async function demoDatabase(file: string) {
  const app = openApp(file, { clock: fixedClock })
  await seedBasics(app)
  await app.call('demo.load', { projects: 20 })
  return app
}

/** A district database with one good backup, then damaged while closed. */
async function damagedWithBackup() {
  const file = path.join(tempDir(), 'county.db')
  const app = await demoDatabase(file)
  const good = await app.call('backup.create', {})
  await app.close()
  damage(file)
  return { file, good }
}

describe('restore inside the app (设置 → 数据备份)', () => {
  it('brings back the old data, keeps the replaced database as a backup, logs it, and can be undone', async () => {
    const app = await newApp()
    await seedBasics(app)
    const saved = await app.call('backup.create', {})
    await app.call('leader.create', { name: '恢复后应消失', title: '副区长', sortOrder: 9 })
    const { restored, kept } = await app.call('backup.restore', { name: saved.name })
    expect(restored.name).toBe(saved.name)
    expect(kept.reason).toBe('pre-restore')
    expect(await leaderNames(app)).not.toContain('恢复后应消失')
    const log = await app.call('audit.list', {})
    expect(log[0]).toMatchObject({ entity: 'database', action: 'restore' })
    expect(log[0]!.note).toContain(saved.name)
    // The kept backup is the undo: restoring it brings the later change back.
    await app.call('backup.restore', { name: kept.name })
    expect(await leaderNames(app)).toContain('恢复后应消失')
    expect(sqliteOf(app).pragma('journal_mode', { simple: true })).toBe('wal')
  })

  it('refuses an unknown name, a path, or a damaged backup, and changes nothing', async () => {
    const app = await newApp()
    await seedBasics(app)
    const saved = await app.call('backup.create', {})
    const before = await dump(app)
    await refused(app, 'backup.restore', { name: 'zhuanban-20200101-000000-manual.db' }, 'NOT_FOUND')
    await refused(app, 'backup.restore', { name: '../../etc/passwd' }, 'INVALID_INPUT')
    fs.writeFileSync(saved.path, Buffer.alloc(8192, 1))
    const error = await refused(app, 'backup.restore', { name: saved.name }, 'DB_NOT_DATABASE')
    expect(error.message).toContain('不能用来恢复')
    expect(await dump(app)).toEqual(before)
    expect(listBackups(path.dirname(saved.path)).map((b) => b.reason)).toEqual(['manual']) // no pre-restore made
  })

  it('lets calls already running finish and holds new ones until the database is back', async () => {
    const app = await newApp()
    await seedBasics(app)
    const saved = await app.call('backup.create', {})
    await app.call('leader.create', { name: '后加', title: '副区长', sortOrder: 9 })
    const results = await Promise.all([
      app.call('leader.list', {}),
      app.call('backup.restore', { name: saved.name }),
      app.call('leader.list', {}),
      app.call('leader.create', { name: '恢复之后', title: '副区长', sortOrder: 10 }),
    ])
    expect(results[0].map((l) => l.name)).toContain('后加')
    expect(results[2].map((l) => l.name)).not.toContain('后加')
    expect(await leaderNames(app)).toEqual(expect.arrayContaining(['恢复之后']))
  })

  it('puts the replaced database back when the restored copy cannot be opened', async () => {
    const app = await newApp()
    await seedBasics(app)
    const saved = await app.call('backup.create', {})
    // A backup from a future version passes nothing: refused before anything is replaced.
    const future = new BetterSqlite3(saved.path)
    future.prepare(`INSERT INTO migrations VALUES (?, 'future', '2030-01-01')`).run(LATEST_SCHEMA_VERSION + 1)
    future.close()
    const before = await dump(app)
    await refused(app, 'backup.restore', { name: saved.name }, 'DB_TOO_NEW')
    expect(await dump(app)).toEqual(before)
  })
})

describe('the backup folder', () => {
  it('can be chosen, is used by every backup, is audited, and can be reset to the default', async () => {
    const app = await newApp()
    await seedBasics(app)
    const chosen = path.join(tempDir(), '专班备份')
    const listing = await setBackupFolder(app.deps, chosen)
    expect(listing).toMatchObject({ folder: chosen, isDefault: false, backups: [] })
    const made = await app.call('backup.create', {})
    expect(path.dirname(made.path)).toBe(chosen)
    await app.call('excel.import', { fileName: '台账.xlsx', base64: await toBase64(await countyLedger()) })
    expect((await app.call('backup.list', {})).backups.map((b) => b.reason).sort()).toEqual(['manual', 'pre-import'])
    const log = await app.call('audit.list', {})
    expect(log.some((e) => e.action === 'backup_dir' && e.newValue === chosen)).toBe(true)
    const reset = await app.call('backup.resetFolder', {})
    expect(reset).toMatchObject({ isDefault: true, folder: path.join(path.dirname(app.deps.databasePath), 'backups') })
  })

  it('cannot be pointed anywhere through the contract (a page would make the host write copies into /etc)', async () => {
    const app = await newApp()
    const before = await app.call('backup.list', {})
    const target = path.join(tempDir(), 'elsewhere')
    expect((await app.invoke('backup.setFolder', { folder: target }, LOCAL)).ok).toBe(false)
    await refused(app, 'backup.resetFolder', { folder: target }, 'INVALID_INPUT')
    expect(fs.existsSync(target)).toBe(false)
    expect(await app.call('backup.list', {})).toEqual(before)
  })

  it('refuses a relative path or a folder it cannot write, and keeps the old one', async () => {
    const app = await newApp()
    const before = await app.call('backup.list', {})
    await expect(setBackupFolder(app.deps, 'backups')).rejects.toThrow('完整路径')
    const file = path.join(tempDir(), 'a-file')
    fs.writeFileSync(file, 'x')
    await expect(setBackupFolder(app.deps, path.join(file, 'sub'))).rejects.toThrow('备份位置未修改')
    expect(await app.call('backup.list', {})).toEqual(before)
  })
})

describe('integrity at start', () => {
  it('does not open a damaged database and offers the newest good backup, skipping a damaged one', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'county.db')
    const app = await demoDatabase(file)
    const good = await createBackup(
      sqliteOf(app),
      path.join(dir, 'backups'),
      'manual',
      new Date('2026-11-20T08:00:00Z'),
    )
    const bad = await createBackup(sqliteOf(app), path.join(dir, 'backups'), 'auto', new Date('2026-11-21T08:00:00Z'))
    const projects = sqliteOf(app).prepare('SELECT count(*) AS n FROM projects').get()
    await app.close()
    damage(bad.path)
    damage(file)

    const start = openAtStart(file, { clock: fixedClock })
    expect(start.ok).toBe(false)
    if (start.ok) return
    expect(start.damaged).toBe(true)
    expect(start.error.code).toBe('DB_DAMAGED')
    expect(start.error.message).toContain('已损坏')
    expect(start.backup?.name).toBe(good.name)

    const restored = await restoreAtStart(file, start.backup!, { clock: fixedClock })
    expect(sqliteOf(restored).prepare('SELECT count(*) AS n FROM projects').get()).toEqual(projects)
    expect(sqliteOf(restored).pragma('quick_check', { simple: true })).toBe('ok')
    await restored.close()
    // The damaged file is kept (moved into the backup folder), never deleted.
    expect(fs.readdirSync(path.join(dir, 'backups')).some((n) => n.startsWith('damaged-'))).toBe(true)
  })

  it('checks the backups without leaving -wal/-shm files beside them, and restores from one the same way', async () => {
    const { file, good } = await damagedWithBackup()
    const dir = path.dirname(good.path)
    const sideFiles = () => fs.readdirSync(dir).filter((n) => n.startsWith('zhuanban-') && /-(wal|shm)$/.test(n))
    const start = openAtStart(file, { clock: fixedClock })
    expect(start).toMatchObject({ ok: false, damaged: true, backup: { name: good.name } })
    expect(sideFiles()).toEqual([])
    if (start.ok) return
    await (await restoreAtStart(file, start.backup!, { clock: fixedClock })).close()
    expect(sideFiles()).toEqual([])
  })

  it("says in Chinese what the integrity check found, without SQLite's English lines", async () => {
    const file = path.join(tempDir(), 'county.db')
    const app = await demoDatabase(file)
    const { rootpage } = sqliteOf(app).prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'leaders'`).get() as {
      rootpage: number
    }
    await app.close()
    // The leaders' table's root page overwritten after its page type (its cell pointers, or an interior page's
    // children, point nowhere): the file opens, the check finds the damage — whatever the rows' layout.
    const fd = fs.openSync(file, 'r+')
    fs.writeSync(fd, Buffer.alloc(4088, 0xa5), 0, 4088, (rootpage - 1) * 4096 + 8)
    fs.closeSync(fd)
    const start = openAtStart(file, { clock: fixedClock })
    expect(start).toMatchObject({ ok: false, damaged: true, error: { code: 'DB_DAMAGED' } })
    if (start.ok) return
    expect(start.error.message).toMatch(/已损坏：(完整性检查发现\d+处问题|数据页结构受损)/)
    expect(start.error.message).not.toMatch(/Tree|page|cell|malformed|\*\*\*/)
  })

  it('offers a backup made today before one whose name lies in the future (a clock that was ahead)', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'county.db')
    const app = await demoDatabase(file)
    const today = await createBackup(sqliteOf(app), path.join(dir, 'backups'), 'manual', fixedClock())
    // Made last week while the clock ran a year ahead: older data under a newer name.
    const ahead = await createBackup(sqliteOf(app), path.join(dir, 'backups'), 'auto', new Date('2027-11-14T08:00:00Z'))
    await app.close()
    damage(file)
    const start = openAtStart(file, { clock: fixedClock })
    expect(start).toMatchObject({ ok: false, damaged: true, backup: { name: today.name } })
    expect(fs.existsSync(ahead.path)).toBe(true)
  })

  it('treats a file whose header was wiped as damaged, and has nothing to offer without backups', async () => {
    const file = path.join(tempDir(), 'wiped.db')
    await (await demoDatabase(file)).close()
    const fd = fs.openSync(file, 'r+')
    fs.writeSync(fd, Buffer.alloc(100, 0), 0, 100, 0)
    fs.closeSync(fd)
    const start = openAtStart(file)
    expect(start).toMatchObject({ ok: false, damaged: true, backup: null })
  })

  it("never offers to restore over another program's database", async () => {
    const dir = tempDir()
    const file = path.join(dir, 'other.db')
    const ours = await newApp(path.join(dir, 'ours.db'))
    await ours.call('backup.create', {})
    const other = new BetterSqlite3(file)
    other.exec('CREATE TABLE t (a)')
    other.close()
    expect(openAtStart(file)).toMatchObject({ ok: false, damaged: false, backup: null })
  })

  it('browser mode (serve) refuses to serve a damaged database and prints how to restore', async () => {
    const { main } = await import('../../src/main/cli/index')
    const { file, good } = await damagedWithBackup()
    const errs: string[] = []
    expect(
      await main(
        ['serve', '--db', file],
        () => {},
        (s) => errs.push(s),
      ),
    ).toBe(1)
    expect(errs.join('\n')).toContain('已损坏')
    expect(errs.join('\n')).toContain(`restore --db "${file}" "${good.path}"`)
  })

  it('the command-line restore replaces a damaged database too', async () => {
    const { file, good } = await damagedWithBackup()
    expect(await restoreBackup(file, good.path)).toBeNull() // nothing readable to keep: moved aside instead
    const reopened = openApp(file)
    expect(sqliteOf(reopened).pragma('quick_check', { simple: true })).toBe('ok')
    await reopened.close()
  })
})

describe('a file at the path that is not a whole 专班 database', () => {
  it.each([
    ['0 bytes', (file: string) => fs.writeFileSync(file, '')],
    ['random text', (file: string) => fs.writeFileSync(file, '会议纪要 meeting notes\n'.repeat(300))],
    [
      'an empty SQLite file',
      (file: string) => {
        const db = new BetterSqlite3(file)
        db.exec('CREATE TABLE t (a); DROP TABLE t')
        db.close()
      },
    ],
  ])('(%s) is damaged, never a new database: the good backup beside it is offered', async (_label, make) => {
    const dir = tempDir()
    const file = path.join(dir, 'county.db')
    const app = await demoDatabase(file)
    const good = await app.call('backup.create', {})
    await app.close()
    fs.rmSync(file)
    make(file)
    const before = fs.readFileSync(file)

    const start = openAtStart(file, { clock: fixedClock })
    if (start.ok) await start.app.close()
    expect(start).toMatchObject({ ok: false, damaged: true, backup: { name: good.name } })
    expect(fs.readFileSync(file).equals(before)).toBe(true)
    if (start.ok) return

    const { main } = await import('../../src/main/cli/index')
    const errs: string[] = []
    expect(
      await main(
        ['serve', '--db', file],
        () => {},
        (s) => errs.push(s),
      ),
    ).toBe(1)
    expect(errs.join('\n')).toContain(`restore --db "${file}" "${good.path}"`)
    expect(fs.readFileSync(file).equals(before)).toBe(true)

    const restored = await restoreAtStart(file, start.backup!, { clock: fixedClock })
    expect(sqliteOf(restored).prepare('SELECT count(*) AS n FROM projects').get()).toEqual({ n: 20 })
    await restored.close()
  })
})

describe('upgrades make a backup first', () => {
  function databaseAt(version: number): string {
    const file = path.join(tempDir(), `v${version}.db`)
    const db = new BetterSqlite3(file)
    db.pragma('journal_mode = WAL')
    migrate(db, { migrations: MIGRATIONS.slice(0, version) })
    db.pragma('application_id = 0x5a42414e')
    db.close()
    return file
  }

  it('copies the old database (at its old version) before migrating it; a new database needs none', () => {
    const file = databaseAt(1)
    openSqlite(file).close()
    const made = listBackups(path.join(path.dirname(file), 'backups'))
    expect(made.map((b) => b.reason)).toEqual(['pre-migration'])
    const copy = new BetterSqlite3(made[0]!.path, { readonly: true })
    expect(copy.prepare('SELECT max(id) AS v FROM migrations').get()).toEqual({ v: 1 })
    copy.close()
    const fresh = path.join(tempDir(), 'fresh.db')
    openSqlite(fresh).close()
    expect(listBackups(path.join(path.dirname(fresh), 'backups'))).toEqual([])
  })

  it('a failing migration says so in Chinese, rolls back, and the old version keeps working', () => {
    const file = databaseAt(LATEST_SCHEMA_VERSION)
    const db = new BetterSqlite3(file)
    const broken = [...MIGRATIONS, { id: 99, name: 'broken', sql: 'CREATE TABLE half (a); SELECT * FROM nowhere;' }]
    let error: unknown
    try {
      migrate(db, { migrations: broken })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: 'DB_MIGRATION', message: expect.stringContaining('数据未受影响') })
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'`).get()).toEqual({ n: 0 })
    db.close()
    openSqlite(file).close()
  })

  it('does not migrate when the backup before it cannot be written', () => {
    const file = databaseAt(2)
    fs.writeFileSync(path.join(path.dirname(file), 'backups'), 'a file where the folder should be')
    expect(() => openSqlite(file)).toThrow(/备份未能完成，数据库未升级/)
    const db = new BetterSqlite3(file, { readonly: true })
    expect(db.prepare('SELECT max(id) AS v FROM migrations').get()).toEqual({ v: 2 })
    db.close()
  })
})

describe('a full disk (SQLite max_page_count)', () => {
  it('refuses a large write with a Chinese message and leaves every row as it was', async () => {
    const app = await newApp()
    await seedBasics(app)
    const before = await dump(app)
    const pages = sqliteOf(app).pragma('page_count', { simple: true }) as number
    sqliteOf(app).pragma(`max_page_count = ${pages + 2}`)
    const error = await refused(app, 'demo.load', { projects: 200 }, 'DB_FULL')
    expect(error.message).toContain('磁盘空间已满')
    expect(await dump(app)).toEqual(before)
    const small = await app.invoke('leader.create', { name: '小写入', title: '副区长', sortOrder: 3 }, LOCAL)
    // A small write may still fit in the two spare pages; either way nothing half-written remains.
    if (!small.ok) expect(small.error.code).toBe('DB_FULL')
    expect(sqliteOf(app).pragma('quick_check', { simple: true })).toBe('ok')
  })

  it('an Excel import that does not fit changes nothing', async () => {
    const app = await newApp()
    await seedBasics(app)
    const before = await dump(app)
    const pages = sqliteOf(app).pragma('page_count', { simple: true }) as number
    sqliteOf(app).pragma(`max_page_count = ${pages + 1}`)
    await refused(
      app,
      'excel.import',
      { fileName: '台账.xlsx', base64: await toBase64(await countyLedger({ rows: 300 })) },
      'DB_FULL',
    )
    expect(await dump(app)).toEqual(before)
  })
})

describe('a read-only folder', () => {
  it('is refused at open with a message that says what to do', () => {
    const dir = tempDir()
    const file = path.join(dir, 'ro.db')
    openSqlite(file).close()
    if (process.getuid?.() === 0) {
      // root writes anywhere: open it as an unprivileged user, in a child process, as the office would.
      fs.chmodSync(dir, 0o555)
      fs.chmodSync(file, 0o444)
      const script = `import('${path.resolve('src/main/db/open.ts')}').then(({ openSqlite }) => {
        try { openSqlite(${JSON.stringify(file)}); console.log('OPENED') } catch (e) { console.log(e.code + ' ' + e.message) }
      })`
      const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
        cwd: process.cwd(),
      })
      fs.chmodSync(dir, 0o755)
      expect(child.stdout + child.stderr).toContain('DB_READONLY')
      expect(child.stdout).toContain('是只读的')
    } else {
      fs.chmodSync(dir, 0o555)
      try {
        expect(() => openSqlite(file)).toThrow(/是只读的/)
      } finally {
        fs.chmodSync(dir, 0o755)
      }
    }
  })
})

describe('a database on a network drive', () => {
  const probe = (platform: NodeJS.Platform, type: number | null) => ({ platform, fsType: () => type })

  it('is recognised by UNC path on Windows and by file-system type on Linux', () => {
    expect(isNetworkLocation('\\\\fileserver\\xmb\\zhuanban.db', probe('win32', null))).toBe(true)
    expect(isNetworkLocation('D:\\专班\\zhuanban.db', probe('win32', null))).toBe(false)
    expect(isNetworkLocation('/mnt/share/zhuanban.db', probe('linux', 0xff534d42))).toBe(true) // CIFS
    expect(isNetworkLocation('/mnt/nfs/zhuanban.db', probe('linux', 0x6969))).toBe(true)
    expect(isNetworkLocation('/home/xmb/zhuanban.db', probe('linux', 0xef53))).toBe(false) // ext4
  })

  it('is shown as a warning in system.info (and none for a local disk)', async () => {
    expect(locationWarnings('\\\\server\\share\\a.db', probe('win32', null))[0]).toContain('网络共享文件夹')
    expect((await (await newApp()).call('system.info', {})).warnings).toEqual([])
  })
})

describe('a damaged database finds only its own backups', () => {
  it('never offers the backup of another database in the same folder (demo.db beside zhuanban.db)', async () => {
    const dir = tempDir()
    const demo = path.join(dir, 'demo.db')
    const usual = path.join(dir, 'zhuanban.db')
    const demoApp = await demoDatabase(demo)
    const own = await demoApp.call('backup.create', {})
    await demoApp.close()
    // zhuanban.db's backup is newer, in the same backups folder.
    const other = await newApp(usual)
    await seedBasics(other)
    const newer = await createBackup(
      sqliteOf(other),
      path.join(dir, 'backups'),
      'manual',
      new Date('2026-11-21T04:05:00Z'),
    )
    await other.close()
    damage(demo)

    const start = openAtStart(demo, { clock: fixedClock })
    expect(start).toMatchObject({ ok: false, damaged: true, backup: { name: own.name } })
    const { main } = await import('../../src/main/cli/index')
    const errs: string[] = []
    expect(
      await main(
        ['check', '--db', demo],
        () => {},
        (s) => errs.push(s),
      ),
    ).toBe(1)
    expect(errs.join('\n')).toContain(own.name)
    expect(errs.join('\n')).not.toContain(newer.name)
    // Only zhuanban.db's backup there: nothing is offered, rather than the wrong data.
    fs.rmSync(own.path)
    expect(openAtStart(demo, { clock: fixedClock })).toMatchObject({ ok: false, damaged: true, backup: null })
    expect(fs.existsSync(newer.path)).toBe(true)
  })

  it('a restore of another database into a damaged one is refused, and the damaged file is left where it was', async () => {
    const dir = tempDir()
    const demo = path.join(dir, 'demo.db')
    await (await demoDatabase(demo)).close()
    const other = await newApp(path.join(dir, 'zhuanban.db'))
    await seedBasics(other)
    const foreign = await other.call('backup.create', {})
    await other.close()
    damage(demo)
    const before = fs.readFileSync(demo)
    await expect(restoreBackup(demo, foreign.path)).rejects.toMatchObject({
      code: 'RULE',
      message: expect.stringContaining('无法确认是「demo.db」的备份'),
    })
    expect(fs.readFileSync(demo).equals(before)).toBe(true)
  })
})

describe('a chosen backup folder is found even when the database cannot be read', () => {
  it.each([
    ['0 bytes', (file: string) => fs.writeFileSync(file, '')],
    ['header wiped', (file: string) => damageHeader(file)],
  ])('(%s): the pointer beside it names the folder, and the restored database keeps its identity', async (_l, make) => {
    const dir = tempDir()
    const file = path.join(dir, 'zhuanban.db')
    const chosen = path.join(tempDir(), '专班备份')
    const app = await demoDatabase(file)
    await setBackupFolder(app.deps, chosen)
    const good = await app.call('backup.create', {})
    expect(path.dirname(good.path)).toBe(chosen)
    const identity = readDatabaseId(sqliteOf(app))
    await app.close()
    // A file anyone can read says where the backups are.
    const pointer = fs.readFileSync(backupPointerFile(file), 'utf8')
    expect(pointer.split(/\r?\n/)[0]).toBe(chosen)
    expect(pointer).toContain('备份文件夹')
    make(file)

    const start = openAtStart(file, { clock: fixedClock })
    expect(start).toMatchObject({ ok: false, damaged: true, backup: { name: good.name, path: good.path } })
    if (start.ok) return
    const restored = await restoreAtStart(file, start.backup!, { clock: fixedClock })
    expect(sqliteOf(restored).prepare('SELECT count(*) AS n FROM projects').get()).toEqual({ n: 20 })
    expect(readDatabaseId(sqliteOf(restored))).toBe(identity)
    expect((await restored.call('backup.list', {})).backups.map((b) => b.name)).toContain(good.name)
    await restored.close()
  })

  it('the pointer follows the folder and goes with 恢复默认; a folder chosen before pointers gets one at the next start', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'county.db')
    const app = await newApp(file)
    const first = path.join(tempDir(), 'a')
    const second = path.join(tempDir(), 'b')
    await setBackupFolder(app.deps, first)
    await setBackupFolder(app.deps, second)
    expect(fs.readFileSync(backupPointerFile(file), 'utf8').split(/\r?\n/)[0]).toBe(second)
    await app.call('backup.resetFolder', {})
    expect(fs.existsSync(backupPointerFile(file))).toBe(false)
    // Chosen by an older version (only in the database): the day's backup writes the pointer.
    sqliteOf(app).prepare(`INSERT INTO settings (key, value) VALUES ('backup_dir', ?)`).run(JSON.stringify(first))
    await ensureDailyBackup(sqliteOf(app), first)
    expect(fs.readFileSync(backupPointerFile(file), 'utf8').split(/\r?\n/)[0]).toBe(first)
  })
  it('offers nothing when the identity is lost and backups of two databases of that name share the folder', async () => {
    const network = path.join(tempDir(), '共享备份')
    const files = [path.join(tempDir(), 'zhuanban.db'), path.join(tempDir(), 'zhuanban.db')]
    const own: string[] = []
    for (const file of files) {
      const app = await demoDatabase(file)
      await setBackupFolder(app.deps, network)
      own.push((await app.call('backup.create', {})).name)
      await app.close()
    }
    expect(listBackups(network)).toHaveLength(2)
    // The file is emptied: the identity in the pointer beside it finds its own backup.
    fs.writeFileSync(files[0]!, '')
    expect(openAtStart(files[0]!, { clock: fixedClock })).toMatchObject({ backup: { name: own[0] } })
    // Without it, which of the two is its own cannot be told: none is offered rather than the wrong one.
    const pointer = backupPointerFile(files[0]!)
    fs.writeFileSync(pointer, fs.readFileSync(pointer, 'utf8').replace(/数据库标识：.*/, ''))
    expect(openAtStart(files[0]!, { clock: fixedClock })).toMatchObject({ ok: false, damaged: true, backup: null })
  })
})

describe('restoring over a database that opens but is damaged (command line)', () => {
  it('moves the damaged file aside instead of keeping a damaged copy as a backup', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'county.db')
    const app = await demoDatabase(file)
    const good = await app.call('backup.create', {})
    const { rootpage } = sqliteOf(app).prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'leaders'`).get() as {
      rootpage: number
    }
    await app.close()
    const fd = fs.openSync(file, 'r+')
    fs.writeSync(fd, Buffer.alloc(4088, 0xa5), 0, 4088, (rootpage - 1) * 4096 + 8)
    fs.closeSync(fd)
    expect(await restoreBackup(file, good.path)).toBeNull()
    expect(listBackups(path.dirname(good.path)).map((b) => b.reason)).toEqual(['manual'])
    expect(fs.readdirSync(path.dirname(good.path)).some((n) => n.startsWith('damaged-'))).toBe(true)
    const reopened = openApp(file)
    expect(sqliteOf(reopened).pragma('quick_check', { simple: true })).toBe('ok')
    await reopened.close()
  })
})
