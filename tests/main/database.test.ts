import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it, vi } from 'vitest'
import { LOCAL, openApp } from '../../src/main/app'
import { AppError } from '../../src/shared/errors'
import { APPLICATION_ID, openSqlite, openToLook, readHeader, withStatementCache } from '../../src/main/db/open'
import { migrate } from '../../src/main/db/migrate'
import { summarizeIntegrity } from '../../src/main/db/integrity'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/main/db/migrations'
import { dump, fixedClock, newApp, projectInput, refused, seedBasics, tempDir, sqliteOf } from '../helpers/app'
import { damageMiddle as damage, fingerprint, withPendingWal } from '../helpers/db-files'

function openError(fn: () => unknown): AppError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
  throw new Error('expected the open to fail')
}

describe('opening the database', () => {
  it('uses WAL, foreign keys, full sync and marks the file as ours', async () => {
    const app = await newApp()
    const db = sqliteOf(app)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
  })

  it('replays every migration from empty, in order, recorded, and only once', () => {
    const file = path.join(tempDir(), 'm.db')
    const first = openSqlite(file)
    const applied = first.prepare('SELECT id, name FROM migrations ORDER BY id').all()
    expect(applied).toEqual(MIGRATIONS.map((m) => ({ id: m.id, name: m.name })))
    expect(first.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION)
    const schema = first.prepare(`SELECT type, name, sql FROM sqlite_master ORDER BY name`).all()
    first.close()
    const again = openSqlite(file)
    expect(again.prepare('SELECT count(*) AS n FROM migrations').get()).toEqual({ n: MIGRATIONS.length })
    expect(again.prepare(`SELECT type, name, sql FROM sqlite_master ORDER BY name`).all()).toEqual(schema)
    expect(migrate(again)).toEqual([])
    again.close()
  })

  it('creates every table the services use', async () => {
    const tables = (
      sqliteOf(await newApp())
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
        .all() as {
        name: string
      }[]
    ).map((t) => t.name)
    for (const t of [
      'projects',
      'leaders',
      'leader_assignments',
      'task_forces',
      'task_force_members',
      'people',
      'plans',
      'milestones',
      'monthly_reports',
      'problems',
      'audit_log',
      'settings',
      'dict_items',
      'frozen_periods',
      'annual_plans',
      'stage_moves',
    ])
      expect(tables).toContain(t)
  })

  it('rolls back a failing migration and leaves the database usable', () => {
    const file = path.join(tempDir(), 'fail.db')
    openSqlite(file).close()
    const db = new BetterSqlite3(file)
    const broken = [
      ...MIGRATIONS,
      { id: 99, name: 'broken', sql: 'CREATE TABLE half_done (a); INSERT INTO no_such_table VALUES (1);' },
    ]
    expect(() => migrate(db, { migrations: broken })).toThrow()
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'`).get()).toEqual({ n: 0 })
    expect(db.prepare('SELECT max(id) AS v FROM migrations').get()).toEqual({ v: LATEST_SCHEMA_VERSION })
    db.close()
    const app = openApp(file, { clock: fixedClock })
    expect(sqliteOf(app).prepare('SELECT count(*) AS n FROM dict_items').get()).toMatchObject({
      n: expect.any(Number),
    })
    void app.close()
  })

  it('refuses a database made by a newer version of the app', () => {
    const file = path.join(tempDir(), 'new.db')
    const db = openSqlite(file)
    db.prepare(`INSERT INTO migrations (id, name, applied_at) VALUES (?, 'from-the-future', '2030-01-01')`).run(
      LATEST_SCHEMA_VERSION + 1,
    )
    db.close()
    const before = fs.readFileSync(file)
    const error = openError(() => openSqlite(file))
    expect(error.code).toBe('DB_TOO_NEW')
    expect(error.message).toContain('请升级专班')
    expect(fs.readFileSync(file).equals(before)).toBe(true)
  })

  it('refuses a file that is not a database', () => {
    const file = path.join(tempDir(), 'notes.db')
    fs.writeFileSync(file, '这是一份会议纪要，不是数据库。'.repeat(200))
    const error = openError(() => openSqlite(file))
    expect(error.code).toBe('DB_NOT_DATABASE')
    expect(error.message).toContain('不是有效的专班数据库')
    expect(fs.readFileSync(file, 'utf8').startsWith('这是一份会议纪要')).toBe(true)
  })

  it("refuses another program's SQLite database without touching it", () => {
    const file = path.join(tempDir(), 'other.db')
    const other = new BetterSqlite3(file)
    other.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoices VALUES (1, 9.5);')
    other.close()
    const error = openError(() => openSqlite(file))
    expect(error.code).toBe('DB_NOT_DATABASE')
    expect(error.message).toContain('不是专班的数据库')
    const check = new BetterSqlite3(file)
    expect(check.prepare(`SELECT name FROM sqlite_master`).all()).toEqual([{ name: 'invoices' }])
    check.close()
  })

  it('says plainly when the folder does not exist or the path is a folder', () => {
    const missing = openError(() => openSqlite(path.join(tempDir(), 'no', 'such', 'x.db')))
    expect(missing.code).toBe('DB_UNREADABLE')
    expect(missing.message).toContain('文件夹不存在')
    const folder = openError(() => openSqlite(tempDir()))
    expect(folder.code).toBe('DB_UNREADABLE')
    expect(folder.message).toContain('是一个文件夹')
  })

  it('reports a database locked by another program and changes nothing', async () => {
    const file = path.join(tempDir(), 'locked.db')
    const app = openApp(file, { clock: fixedClock, busyTimeoutMs: 50 })
    try {
      await seedBasics(app)
      const other = new BetterSqlite3(file)
      other.exec('BEGIN IMMEDIATE')
      const before = await dump(app)
      const error = await refused(app, 'leader.create', { name: '孙三', title: '副区长', sortOrder: 1 }, 'DB_LOCKED')
      expect(error.message).toContain('正被另一个程序使用')
      other.exec('ROLLBACK')
      other.close()
      expect(await dump(app)).toEqual(before)
      // And once the lock is gone, the same write goes through.
      expect((await app.invoke('leader.create', { name: '孙三', title: '副区长', sortOrder: 1 }, LOCAL)).ok).toBe(true)
    } finally {
      await app.close()
    }
  })

  it('checkpoints the WAL on close so the .db file is complete on its own', async () => {
    const file = path.join(tempDir(), 'wal.db')
    const app = openApp(file, { clock: fixedClock })
    await seedBasics(app)
    await app.close()
    expect(fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0).toBe(0)
    const copy = path.join(tempDir(), 'copy.db')
    fs.copyFileSync(file, copy)
    const reopened = new BetterSqlite3(copy, { readonly: true })
    expect(reopened.prepare('SELECT count(*) AS n FROM leaders').get()).toEqual({ n: 2 })
    reopened.close()
  })
})

describe('an existing file is not changed before it is known to be ours and whole', () => {
  const invoices = (db: BetterSqlite3.Database) =>
    db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoices VALUES (1, 9.5)')

  it.each([
    ['a plain open', {}],
    ['the start-up open (integrity checked)', { checkIntegrity: true }],
    ['a dry run (copy in memory)', { inMemoryCopy: true }],
  ])(
    "another program's WAL database with changes in its -wal: refused by %s, file and -wal byte for byte",
    (_label, options) => {
      const dir = tempDir()
      const file = path.join(dir, 'other.db')
      withPendingWal(file, invoices)
      const before = fingerprint(file)
      expect(before['-wal']).not.toBe('-')
      const error = openError(() => openSqlite(file, options))
      expect(error.code).toBe('DB_NOT_DATABASE')
      expect(error.message).toContain('不是专班的数据库')
      const after = fingerprint(file)
      expect(after.db).toBe(before.db)
      expect(after['-wal']).toBe(before['-wal'])
      // The other program's data is still where it left it: in the -wal.
      const other = new BetterSqlite3(file, { readonly: true })
      expect(other.prepare('SELECT amount FROM invoices').all()).toEqual([{ amount: 9.5 }])
      other.close()
    },
  )

  it("another program's database with an application id of its own is refused from its header: no -wal or -shm made", () => {
    const dir = tempDir()
    const file = path.join(dir, 'other.db')
    const other = new BetterSqlite3(file)
    other.pragma('journal_mode = WAL')
    other.pragma('application_id = 42')
    invoices(other)
    other.close()
    const before = fingerprint(file)
    expect(openError(() => openSqlite(file, { checkIntegrity: true })).message).toContain('不是专班的数据库')
    expect(fingerprint(file)).toEqual(before)
    expect(fs.readdirSync(dir)).toEqual(['other.db'])
  })

  it("another program's WAL database with nothing pending: looked at, refused, nothing left beside it", () => {
    const dir = tempDir()
    const file = path.join(dir, 'other.db')
    const other = new BetterSqlite3(file)
    other.pragma('journal_mode = WAL')
    invoices(other)
    other.close()
    const before = fingerprint(file)
    expect(openError(() => openSqlite(file, { checkIntegrity: true })).code).toBe('DB_NOT_DATABASE')
    expect(fingerprint(file)).toEqual(before)
    expect(fs.readdirSync(dir)).toEqual(['other.db'])
  })

  it('a damaged 专班 database with changes in its -wal: DB_DAMAGED at the start-up open, file and -wal unchanged', () => {
    const dir = tempDir()
    const start = path.join(dir, 'start.db')
    const db = openSqlite(start)
    db.exec(`CREATE TABLE filler (a TEXT); CREATE INDEX filler_a ON filler (a);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
      INSERT INTO filler SELECT printf('%0400d', i) FROM n`)
    db.close()
    damage(start)
    const file = path.join(dir, 'county.db')
    withPendingWal(file, (live) => live.prepare(`INSERT INTO settings (key, value) VALUES ('late', '1')`).run(), start)
    const before = fingerprint(file)
    expect(readHeader(file).ours).toBe(true)
    const error = openError(() => openSqlite(file, { checkIntegrity: true }))
    expect(error.code).toBe('DB_DAMAGED')
    const after = fingerprint(file)
    expect(after.db).toBe(before.db)
    expect(after['-wal']).toBe(before['-wal'])
  })

  it('a 专班 database whose first page is still in the -wal (id 0 in the file itself) is looked at and opened', () => {
    const dir = tempDir()
    const file = path.join(dir, 'county.db')
    withPendingWal(file, (db) => {
      migrate(db)
      db.pragma(`application_id = ${APPLICATION_ID}`)
    })
    expect(readHeader(file).ours).toBe(false)
    const db = openSqlite(file, { checkIntegrity: true })
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
    expect(db.prepare('SELECT count(*) AS n FROM migrations').get()).toEqual({ n: MIGRATIONS.length })
    db.close()
  })

  it('openToLook reads a database with changes in its -wal and leaves file and -wal as they were', () => {
    const dir = tempDir()
    const file = path.join(dir, 'county.db')
    withPendingWal(file, (db) => {
      migrate(db)
      db.pragma(`application_id = ${APPLICATION_ID}`)
      db.prepare(`INSERT INTO settings (key, value) VALUES ('look', '"yes"')`).run()
    })
    const before = fingerprint(file)
    const look = openToLook(file)
    expect(look.prepare(`SELECT value FROM settings WHERE key = 'look'`).get()).toEqual({ value: '"yes"' })
    look.close()
    const after = fingerprint(file)
    expect(after.db).toBe(before.db)
    expect(after['-wal']).toBe(before['-wal'])
  })
})

describe('a new database and an existing file', () => {
  it.each([
    ['0 bytes', (file: string) => fs.writeFileSync(file, '')],
    [
      'an empty SQLite file',
      (file: string) => {
        const db = new BetterSqlite3(file)
        db.exec('CREATE TABLE t (a); DROP TABLE t')
        db.close()
      },
    ],
  ])('an existing file of %s is damaged, never taken as new: nothing is written into it', (_label, make) => {
    const dir = tempDir()
    const file = path.join(dir, 'county.db')
    make(file)
    const before = fs.readFileSync(file)
    const error = openError(() => openSqlite(file))
    expect(error.code).toBe('DB_DAMAGED')
    expect(error.message).toContain('不是完整的专班数据库')
    expect(fs.readFileSync(file).equals(before)).toBe(true)
    expect(fs.readdirSync(dir)).toEqual(['county.db'])
  })

  it('creates a database at a path that does not exist completely or not at all', () => {
    const dir = tempDir()
    const file = path.join(dir, 'new.db')
    // The disk fills up in the middle of the first migration.
    const exec = BetterSqlite3.prototype.exec
    const full = vi.spyOn(BetterSqlite3.prototype, 'exec').mockImplementation(function (
      this: BetterSqlite3.Database,
      source: string,
    ) {
      if (source.includes('CREATE TABLE projects'))
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
      return exec.call(this, source)
    })
    try {
      expect(() => openSqlite(file)).toThrow(AppError)
    } finally {
      full.mockRestore()
    }
    // Nothing half-made at the path, so the next start is a new database again, not a "damaged" one.
    expect(fs.readdirSync(dir)).toEqual([])
    const db = openSqlite(file)
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
    expect(db.prepare('SELECT count(*) AS n FROM migrations').get()).toEqual({ n: MIGRATIONS.length })
    db.close()
    expect(fs.readdirSync(dir)).toEqual(['new.db'])
  })
})

describe('the integrity check in Chinese', () => {
  it("sums SQLite's English lines up by kind and table, without repeating them", () => {
    const lines = [
      '*** in database main ***',
      'Tree 9 page 9 cell 8: Rowid 5374248273442940325 out of order',
      'Multiple uses for byte 3155 of page 9',
      'row 12 missing from index projects_code',
      'NULL value in projects.name',
      'database disk image is malformed',
    ]
    const summary = summarizeIntegrity(lines, ['包联领导', '项目'])
    expect(summary).toBe(
      '完整性检查发现4处问题（数据页损坏2处、索引与数据不一致1处、数据不符合约束1处），涉及包联领导、项目',
    )
    expect(summarizeIntegrity(['database disk image is malformed'])).toBe('数据页结构受损，完整性检查无法进行到底')
  })
})

describe('closing', () => {
  it('always finishes: with a full disk the WAL is kept beside the file, said in Chinese, and folded in at the next open', async () => {
    const file = path.join(tempDir(), 'full.db')
    const app = openApp(file, { clock: fixedClock })
    await seedBasics(app)
    // Another reader keeps SQLite's own closing from folding the WAL in, as a full disk does.
    const reader = new BetterSqlite3(file)
    reader.prepare('SELECT count(*) FROM leaders').get()
    const pragma = BetterSqlite3.prototype.pragma
    const full = vi.spyOn(BetterSqlite3.prototype, 'pragma').mockImplementation(function (
      this: BetterSqlite3.Database,
      source: string,
      options?: BetterSqlite3.PragmaOptions,
    ) {
      if (source.startsWith('wal_checkpoint'))
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
      return pragma.call(this, source, options)
    })
    let closed: Awaited<ReturnType<typeof app.close>>
    try {
      closed = await app.close()
    } finally {
      full.mockRestore()
    }
    expect(sqliteOf(app).open).toBe(false)
    expect(closed).toMatchObject({ walKept: true })
    expect(closed.message).toContain(`${file}-wal`)
    expect(closed.message).toContain('磁盘空间已满')
    expect(closed.message).toContain('下次启动专班时会自动并入')
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0)
    reader.close()
    const reopened = openApp(file, { clock: fixedClock })
    expect(sqliteOf(reopened).prepare('SELECT count(*) AS n FROM leaders').get()).toEqual({ n: 2 })
    expect(await reopened.close()).toEqual({ walKept: false })
  })
})

describe('the statement cache under Kysely', () => {
  function counted() {
    const sqlite = new BetterSqlite3(':memory:')
    sqlite.exec("CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, '一'), (2, '二')")
    let prepared = 0
    const prepare = sqlite.prepare.bind(sqlite)
    sqlite.prepare = ((source: string) => {
      prepared++
      return prepare(source)
    }) as typeof sqlite.prepare
    return { sqlite, prepared: () => prepared }
  }

  it('prepares a query text once and reuses it with new parameters', () => {
    const { sqlite, prepared } = counted()
    const cache = withStatementCache(sqlite)
    expect(cache.prepare('SELECT b FROM t WHERE a = ?').all([1])).toEqual([{ b: '一' }])
    expect(cache.prepare('SELECT b FROM t WHERE a = ?').all([2])).toEqual([{ b: '二' }])
    expect(prepared()).toBe(1)
    cache.prepare('SELECT a FROM t')
    expect(prepared()).toBe(2)
  })

  it('keeps only the most recently used statements', () => {
    const { sqlite, prepared } = counted()
    const cache = withStatementCache(sqlite, 2)
    cache.prepare('SELECT 1')
    cache.prepare('SELECT 2')
    cache.prepare('SELECT 1') // used again: now SELECT 2 is the oldest
    cache.prepare('SELECT 3') // evicts SELECT 2
    expect(prepared()).toBe(3)
    cache.prepare('SELECT 1')
    expect(prepared()).toBe(3)
    cache.prepare('SELECT 2')
    expect(prepared()).toBe(4)
  })

  it('a kept statement still works after the schema changed under it', () => {
    const { sqlite } = counted()
    const cache = withStatementCache(sqlite)
    expect(cache.prepare('SELECT a, b FROM t ORDER BY a').all([])).toHaveLength(2)
    sqlite.exec('CREATE INDEX t_b ON t (b); ALTER TABLE t ADD COLUMN c TEXT')
    sqlite.exec("INSERT INTO t VALUES (3, '三', 'x')")
    expect(cache.prepare('SELECT a, b FROM t ORDER BY a').all([])).toEqual([
      { a: 1, b: '一' },
      { a: 2, b: '二' },
      { a: 3, b: '三' },
    ])
    cache.close()
    expect(sqlite.open).toBe(false)
  })

  it('serves the app: reads after a write see the write through the kept statements', async () => {
    const app = await newApp()
    const basics = await seedBasics(app)
    for (let i = 0; i < 3; i++) expect(await app.call('project.list', {})).toHaveLength(0)
    const { project } = await app.call('project.create', projectInput(basics, { name: '缓存之后新建的项目' }))
    expect(await app.call('project.list', {})).toHaveLength(1)
    expect((await app.call('project.get', { id: project.id })).project.name).toBe('缓存之后新建的项目')
  })
})

describe('concurrent calls on one app', () => {
  it('serialises writes and keeps every read on one snapshot', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { project, plan } = await app.call('project.create', projectInput(b))
    // Fire many writes and reads at once, as the HTTP transport may.
    const writes = Array.from({ length: 20 }, (_, i) =>
      app.invoke('milestone.create', { planId: plan.id, name: `节点${i}`, plannedDate: '2026-05-01' }, LOCAL),
    )
    const reads = Array.from({ length: 20 }, () => app.invoke('project.get', { id: project.id }, LOCAL))
    const demo = app.invoke('demo.load', { projects: 1 }, LOCAL)
    const results = await Promise.all([...writes, ...reads])
    expect(results.every((r) => r.ok)).toBe(true)
    expect((await demo).ok).toBe(false) // the database already has a project
    for (const r of results.slice(20)) {
      const detail = (r as { result: { plan: { milestones: { position: number }[] } } }).result
      const positions = detail.plan.milestones.map((m) => m.position)
      expect(new Set(positions).size).toBe(positions.length)
    }
    expect((await app.call('project.get', { id: project.id })).plan.milestones).toHaveLength(20)
  })

  it('reports a database held exclusively by another program when opening it', () => {
    const file = path.join(tempDir(), 'held.db')
    openSqlite(file).close()
    const other = new BetterSqlite3(file)
    other.pragma('locking_mode = EXCLUSIVE')
    other.exec('BEGIN EXCLUSIVE; CREATE TABLE held (a); COMMIT;')
    try {
      const error = openError(() => openSqlite(file, { busyTimeoutMs: 50 }))
      expect(error.code).toBe('DB_LOCKED')
      expect(error.message).toContain('另一个程序')
    } finally {
      other.close()
    }
  })
})
