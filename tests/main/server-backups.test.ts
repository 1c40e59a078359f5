/**
 * 数据备份 on the county server's database (PostgreSQL): pg_dump files in the app server's backup folder,
 * named, owned and kept like the SQLite file's backups, and a restore that proves the backup in a fresh
 * database before it replaces the live one. Runs in the postgres project only (vitest.config.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LOCAL, type App } from '../../src/main/app'
import { nameHint } from '../../src/main/backup/backups'
import { ensureDailyStoreBackup } from '../../src/main/backup/any-store'
import { createServerBackup, dumpTableRows, findPgTool } from '../../src/main/backup/server'
import { createStoreBackup, restoreNamedBackup, setBackupFolder } from '../../src/main/services/backups'
import { dump, newApp, newApps, projectInput, raw, rawNumber, refused, seedBasics, tempDir } from '../helpers/app'

/** The database an App has open (its name on the server). */
const databaseOf = (app: App) => app.deps.store.server!.database
/** The identity characters its backups carry. */
const tagOf = async (app: App) =>
  (
    JSON.parse(
      (await raw<{ value: string }>(app, `SELECT value FROM settings WHERE key = 'database_id'`))[0]!.value,
    ) as string
  ).slice(0, 8)
/** Every database on the server whose name begins with `prefix`. */
const databasesLike = async (app: App, prefix: string) =>
  (await raw<{ name: string }>(app, 'SELECT datname AS name FROM pg_database'))
    .map((r) => r.name)
    .filter((name) => name.startsWith(prefix))
/** Everything but the audit log, which a restore adds to, and the data version, which it moves on. */
const withoutAudit = (d: Record<string, unknown[]>) =>
  Object.fromEntries(Object.entries(d).filter(([t]) => t !== 'audit_log' && t !== 'data_version'))

// The default backup folder lies under the app's data folder (src/main/paths.ts): a temporary one here.
let savedConfig: string | undefined
let savedBin: string | undefined
beforeEach(() => {
  savedConfig = process.env.XDG_CONFIG_HOME
  savedBin = process.env.ZHUANBAN_PG_BIN
  process.env.XDG_CONFIG_HOME = tempDir()
})
afterEach(() => {
  for (const [key, value] of [
    ['XDG_CONFIG_HOME', savedConfig],
    ['ZHUANBAN_PG_BIN', savedBin],
  ] as const)
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
})

describe('backups of a server database', () => {
  it('backup.create: a pg_dump in <data folder>/server-backups/<database>, named like a SQLite backup, with the data', async () => {
    const app = await newApp()
    await seedBasics(app)
    const empty = await app.call('backup.list', {})
    const folder = path.join(process.env.XDG_CONFIG_HOME!, 'zhuanban', 'server-backups', databaseOf(app))
    expect(empty).toEqual({ folder, isDefault: true, backups: [], server: true })

    const made = await app.call('backup.create', {})
    const hint = nameHint(databaseOf(app))
    expect(hint).not.toBe('')
    expect(made).toMatchObject({
      name: `zhuanban-${hint}-20261121-040000-manual-${await tagOf(app)}.dump`,
      path: path.join(folder, made.name),
      reason: 'manual',
      at: '2026-11-21T04:00:00Z',
    })
    expect(made.bytes).toBe(fs.statSync(made.path).size)
    expect(fs.readFileSync(made.path).subarray(0, 5).toString()).toBe('PGDMP') // pg_dump's custom format
    expect(await dumpTableRows(made.path, 'leaders')).toHaveLength(2)
    // Written under a temporary name and renamed: nothing else is left in the folder.
    expect(fs.readdirSync(folder)).toEqual([made.name])
    // The same second again: a second file, not an overwrite; listed newest first.
    const again = await app.call('backup.create', {})
    expect(again.name).not.toBe(made.name)
    expect((await app.call('backup.list', {})).backups.map((b) => b.name)).toEqual([again.name, made.name])
  })

  it("lists only its own: not another server database's dumps nor a SQLite file's backups in the same folder", async () => {
    const shared = tempDir()
    const [a, b] = [await newApp(), await newApp()]
    const file = await newApp(path.join(tempDir(), 'zhuanban.db'))
    for (const app of [a, b, file]) {
      await setBackupFolder(app.deps, shared)
      await app.call('backup.create', {})
    }
    expect(fs.readdirSync(shared).filter((n) => n.startsWith('zhuanban-'))).toHaveLength(3)
    for (const app of [a, b, file]) {
      const listing = await app.call('backup.list', {})
      expect(listing).toMatchObject({ folder: shared, isDefault: false })
      expect(listing.backups).toHaveLength(1)
      expect(listing.backups[0]!.name.endsWith(app === file ? '.db' : '.dump')).toBe(true)
      expect(listing.backups[0]!.name).toContain(app === file ? '' : nameHint(databaseOf(app)))
    }
    // Back to the default, audited (as on SQLite).
    const reset = await a.call('backup.resetFolder', {})
    expect(reset).toMatchObject({ isDefault: true, backups: [] })
    expect(
      await rawNumber(a, `SELECT count(*) FROM audit_log WHERE entity = 'setting' AND action = 'backup_dir'`),
    ).toBe(2)
  })

  it('keeps automatic dumps by the same retention as SQLite (7 daily, 4 weekly, 12 monthly), never others', async () => {
    const app = await newApp()
    const day = (d: number) => new Date(Date.UTC(2026, 10, d, 1, 0, 0))
    const manual = await createStoreBackup(app.deps.store, 'manual', new Date('2026-10-01T00:00:00Z'))
    const other = await newApp()
    await setBackupFolder(other.deps, (await app.call('backup.list', {})).folder)
    const othersOld = await ensureDailyStoreBackup(other.deps.store, day(2))
    for (let d = 1; d <= 12; d++) {
      expect(await ensureDailyStoreBackup(app.deps.store, day(d))).toMatchObject({ reason: 'auto' })
      // Once a day: again the same day makes none.
      expect(await ensureDailyStoreBackup(app.deps.store, new Date(day(d).getTime() + 3_600_000))).toBeNull()
    }
    const kept = (await app.call('backup.list', {})).backups
    // Days 6–12, the newest of the week before (day 1, a Sunday), and the manual one; days 2–5 pruned.
    expect(kept.filter((b) => b.reason === 'auto').map((b) => b.at.slice(8, 10))).toEqual([
      '12',
      '11',
      '10',
      '09',
      '08',
      '07',
      '06',
      '01',
    ])
    expect(kept.map((b) => b.name)).toContain(manual.name)
    // Another database's dump in the same folder is neither counted nor pruned.
    expect(fs.existsSync(othersOld!.path)).toBe(true)
  })

  it('is refused in Chinese when pg_dump cannot be found, leaving nothing behind', async () => {
    const app = await newApp()
    const folder = (await app.call('backup.list', {})).folder
    process.env.ZHUANBAN_PG_BIN = tempDir()
    const error = await refused(app, 'backup.create', {}, 'RULE')
    expect(error.message).toMatch(/^服务器备份需要 PostgreSQL 客户端工具 pg_dump/)
    expect(error.message).toContain('ZHUANBAN_PG_BIN')
    expect(fs.existsSync(folder) ? fs.readdirSync(folder) : []).toEqual([])
    // Nor anywhere else: no Debian folder, nothing on the PATH.
    expect(() => findPgTool('pg_dump', { PATH: tempDir() }, path.join(tempDir(), 'none'))).toThrow(
      /服务器备份需要 PostgreSQL 客户端工具 pg_dump.*本机没有找到/,
    )
    // Found on the PATH when it is there.
    delete process.env.ZHUANBAN_PG_BIN
    const real = findPgTool('pg_dump')
    expect(findPgTool('pg_dump', { PATH: path.dirname(real) }, path.join(tempDir(), 'none'))).toBe(real)
  })

  it('a damaged database is not backed up', async () => {
    const app = await newApp()
    await raw(app, `ALTER TABLE projects ADD CONSTRAINT broken CHECK (id > 0) NOT VALID`)
    const error = await refused(app, 'backup.create', {}, 'DB_DAMAGED')
    expect(error.message).toContain('未备份')
    expect((await app.call('backup.list', {})).backups).toEqual([])
  })
})

describe('restoring a server backup', () => {
  /** An App with a project, its backup, and then changes made after the backup. */
  async function changedSinceBackup() {
    const [app, other] = await newApps(2)
    const basics = await seedBasics(app!)
    await app!.call('project.create', projectInput(basics))
    const backup = await app!.call('backup.create', {})
    const atBackup = await dump(app!)
    await app!.call('project.create', projectInput(basics, { code: 'XM-002', name: '备份之后的项目' }))
    await app!.call('leader.create', { name: '孙三立', title: '副区长', sortOrder: 20 })
    return { app: app!, other: other!, basics, backup, atBackup }
  }

  it('brings the data back as it was, audited; the old database gone; the App and a second App on it carry on', async () => {
    const { app, other, basics, backup, atBackup } = await changedSinceBackup()
    const changed = await dump(app)
    const live = databaseOf(app)
    const { restored, kept } = await restoreNamedBackup(app.deps, backup.name)
    expect(restored.name).toBe(backup.name)
    expect(kept).toMatchObject({ reason: 'pre-restore' })
    expect(kept.name.endsWith('.dump')).toBe(true)

    const after = await dump(app)
    expect(withoutAudit(after)).toEqual(withoutAudit(atBackup))
    expect(after.audit_log).toHaveLength(atBackup.audit_log!.length + 1)
    // (Called here below the contract, so with no caller: the contract's own test below checks the operator.)
    expect(await raw(app, `SELECT note FROM audit_log WHERE entity = 'database' AND action = 'restore'`)).toEqual([
      { note: `从备份「${backup.name}」恢复；恢复前的数据已备份为「${kept.name}」` },
    ])
    // The pre-restore backup holds what was replaced, and is listed as this database's own.
    expect(await dumpTableRows(kept.path, 'projects')).toHaveLength(changed.projects!.length)
    expect((await app.call('backup.list', {})).backups.map((b) => b.name)).toEqual(
      expect.arrayContaining([backup.name, kept.name]),
    )
    // No side database is left on the server: the fresh copy became the live one, the old one was dropped.
    expect(await databasesLike(app, `${live}_`)).toEqual([])
    // The App works on the restored database: reads, and writes with new ids after the restored ones.
    const next = await app.call('project.create', projectInput(basics, { code: 'XM-003', name: '恢复之后的项目' }))
    expect(next.project.id).toBeGreaterThan(Math.max(...(atBackup.projects as { id: number }[]).map((p) => p.id)))
    expect((await app.call('project.list', {})).map((p) => p.code).sort()).toEqual(['XM-001', 'XM-003'])
    // A second App on the same database (another app server): its connections were ended by the restore; it
    // reconnects by itself on its next call and sees the restored data (its first call may be refused as
    // "连接中断" if it raced the restore; here it was idle).
    expect((await other.call('project.list', {})).map((p) => p.code).sort()).toEqual(['XM-001', 'XM-003'])
    expect((await other.call('leader.list', {})).map((l) => l.name)).not.toContain('孙三立')
  })

  it('keeps in the pre-restore dump every write another app server had acknowledged while the restore ran', async () => {
    const { app, other, basics, backup } = await changedSinceBackup()
    // The other app server keeps adding leaders for as long as the restore runs; each answered "ok" is a write
    // the office was told is saved: it must be in the undo (the pre-restore dump), if not in the restored data.
    let running = true
    const acknowledged: string[] = []
    const writer = (async () => {
      for (let i = 0; running && i < 500; i++) {
        const name = `并发写入${i}`
        const outcome = await other.invoke('leader.create', { name, title: '副区长', sortOrder: 100 + i }, LOCAL)
        if (outcome.ok) acknowledged.push(name)
      }
    })()
    const { kept } = await restoreNamedBackup(app.deps, backup.name)
    running = false
    await writer
    expect(acknowledged.length).toBeGreaterThan(0)
    const inUndo = (await dumpTableRows(kept.path, 'leaders')).join('\n')
    const restored = (await app.call('leader.list', {})).map((l) => l.name)
    for (const name of acknowledged) expect(inUndo.includes(name) || restored.includes(name), name).toBe(true)
    void basics
  })

  it('through the contract (backup.restore with a .dump name from backup.list)', async () => {
    const { app, backup, atBackup } = await changedSinceBackup()
    const result = await app.call('backup.restore', { name: backup.name })
    expect(result.restored.name).toBe(backup.name)
    expect(withoutAudit(await dump(app))).toEqual(withoutAudit(atBackup))
    expect(
      await raw(app, `SELECT operator, note FROM audit_log WHERE entity = 'database' AND action = 'restore'`),
    ).toEqual([
      { operator: '王测试', note: `从备份「${backup.name}」恢复；恢复前的数据已备份为「${result.kept.name}」` },
    ])
  })

  /** The backup is refused with `code`: nothing on the server or in the folder changed. */
  async function refusedRestore(app: App, name: string, code: string): Promise<string> {
    const before = await dump(app)
    const listed = (await app.call('backup.list', {})).backups.map((b) => b.name)
    const error = await restoreNamedBackup(app.deps, name).then(
      () => {
        throw new Error('应被拒绝')
      },
      (e: { code: string; message: string }) => e,
    )
    expect(error.code).toBe(code)
    expect(error.message).toMatch(/数据库未被修改/)
    expect(await dump(app)).toEqual(before)
    expect((await app.call('backup.list', {})).backups.map((b) => b.name)).toEqual(listed)
    expect(await databasesLike(app, `${databaseOf(app)}_`)).toEqual([])
    return error.message
  }

  it('refuses a damaged dump, changing nothing', async () => {
    const { app, backup } = await changedSinceBackup()
    // Cut short (a copy that did not finish): the archive's table of contents is whole, the data is not.
    const bytes = fs.readFileSync(backup.path)
    fs.writeFileSync(backup.path, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
    await refusedRestore(app, backup.name, 'DB_NOT_DATABASE')
    // Not a dump at all.
    fs.writeFileSync(backup.path, 'not a dump')
    expect(await refusedRestore(app, backup.name, 'DB_NOT_DATABASE')).toContain('不是 pg_dump 的备份文件')
  })

  it("refuses another database's dump put under this database's name, changing nothing", async () => {
    const { app, backup } = await changedSinceBackup()
    const stranger = await newApp()
    await seedBasics(stranger)
    const theirs = await createServerBackup(stranger.deps.store, 'manual', new Date('2026-11-22T00:00:00Z'))
    fs.copyFileSync(theirs.path, backup.path)
    expect(await refusedRestore(app, backup.name, 'RULE')).toContain('属于另一个数据库')
  })

  it('refuses a dump made by a newer version, changing nothing', async () => {
    const { app } = await changedSinceBackup()
    await raw(app, `INSERT INTO migrations (id, name, applied_at) VALUES (999, 'future', '2027-01-01')`)
    const newer = await createStoreBackup(app.deps.store, 'manual', new Date('2026-11-22T00:00:00Z'))
    await raw(app, 'DELETE FROM migrations WHERE id = 999')
    expect(await refusedRestore(app, newer.name, 'DB_TOO_NEW')).toContain('更新版本的专班')
  })

  it("a session it may not end (another role: an administrator's psql) blocks the swap: refused, nothing changed", async () => {
    const { app, backup } = await changedSinceBackup()
    // The test server's superuser (the throwaway cluster of scripts/pg/cluster.sh trusts local connections).
    const url = new URL(app.deps.store.server!.url)
    url.username = 'postgres'
    const admin = new pg.Client({ connectionString: url.toString() })
    await admin.connect()
    try {
      expect(await refusedRestore(app, backup.name, 'DB_LOCKED')).toContain('其他程序')
      expect((await app.call('project.list', {})).map((p) => p.code).sort()).toEqual(['XM-001', 'XM-002'])
      expect((await admin.query('SELECT count(*)::int AS n FROM projects')).rows[0]).toEqual({ n: 2 })
    } finally {
      await admin.end()
    }
  })

  it('refuses when pg_restore cannot be found, changing nothing', async () => {
    const { app, backup } = await changedSinceBackup()
    process.env.ZHUANBAN_PG_BIN = tempDir()
    const error = await restoreNamedBackup(app.deps, backup.name).catch((e: Error) => e)
    expect((error as Error).message).toMatch(/^服务器备份需要 PostgreSQL 客户端工具 pg_restore/)
    expect(await rawNumber(app, 'SELECT count(*) FROM projects')).toBe(2)
  })
})
