/**
 * 迁移到服务器 (store/postgres/move.ts, `zhuanban migrate-to-server`): a desktop's SQLite file into an empty
 * PostgreSQL database — every row of every table the same, the rankings the same, accounts that still log
 * in — and the refusals: a target that is not empty, a file that is not ours, a row the server cannot hold
 * (the target left empty). Runs in the postgres project only (it needs the server).
 */
import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { LOCAL, openApp, openAppAt, type App } from '../../src/main/app'
import { setBackupFolder } from '../../src/main/services/backups'
import { moveToServer } from '../../src/main/store/postgres/move'
import { LATEST_SCHEMA_VERSION } from '../../src/main/db/migrations'
import { AppError } from '../../src/shared/errors'
import { dump, fixedClock, raw, someProjectIds, tempDir } from '../helpers/app'
import { newPgDatabase, withDatabase } from '../helpers/store'
import { newSession } from '../helpers/accounts'
import { runCli as cli } from '../helpers/cli'
import { b64, photo } from '../helpers/images'

const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'schema', 'v7.db')
const opened: App[] = []
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close()
})

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')

/** A copy of the v7 fixture (20 demo projects, a frozen month, an account of each role, a 批示). */
function desktopFile(source = FIXTURE): string {
  const file = path.join(tempDir(), '专班.db')
  fs.copyFileSync(source, file)
  return file
}

/** Each table's rows as sorted JSON (row order differs between the stores; contents must not). */
function normalised(tables: Record<string, unknown[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(tables)
      .filter(([name]) => name !== 'migrations')
      .map(([name, rows]) => [name, rows.map((r) => JSON.stringify(r)).sort()]),
  )
}

async function tableCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema()`,
    )
    return rows[0]!.n
  } finally {
    await client.end()
  }
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  if (!(error instanceof AppError)) throw new Error(`应被拒绝（AppError），实际为：${String(error)}`)
  return error
}

describe('迁移到服务器', () => {
  it('carries the 佐证材料 byte for byte, more files than fit one statement', async () => {
    const file = desktopFile()
    const desktop = openApp(file, { clock: fixedClock })
    const [projectId] = await someProjectIds(desktop)
    // 24 photos of about 2 MB as kept (noise does not compress) pass the 32 MB one statement carries.
    // Each a different photo (the same file twice on one record is kept once); noise differs at each call.
    const noisy = async (i: number) =>
      b64(await photo({ width: 2048, height: 1536, noise: true, colour: { r: i * 9, g: 80, b: 40 } }))
    const reports = (await desktop.call('report.list', { projectId: projectId! })).filter((r) => !r.frozen)
    expect(reports.length).toBeGreaterThanOrEqual(2)
    for (const report of reports.slice(0, 2)) {
      for (let i = 0; i < 12; i++)
        await desktop.call('attachment.addToReport', {
          reportId: report.id,
          name: `照片${i}.jpg`,
          base64: await noisy(i),
        })
    }
    const before = (await raw(desktop, 'SELECT attachment_id, content, thumb FROM attachment_files ORDER BY 1')) as {
      attachment_id: number
      content: Buffer
      thumb: Buffer | null
    }[]
    await desktop.close()
    const url = await newPgDatabase()
    await moveToServer(file, url, { today: '2026-11-21' })
    const server = await openAppAt(url)
    opened.push(server)
    const after = (await raw(server, 'SELECT attachment_id, content, thumb FROM attachment_files ORDER BY 1')) as {
      attachment_id: number
      content: Buffer
      thumb: Buffer | null
    }[]
    expect(after.length).toBe(24)
    expect(before.reduce((n, r) => n + r.content.length, 0)).toBeGreaterThan(32 * 1024 * 1024)
    expect(after.map((r) => r.attachment_id)).toEqual(before.map((r) => r.attachment_id))
    for (const [i, row] of after.entries()) {
      expect(Buffer.compare(row.content, before[i]!.content)).toBe(0)
      expect(Buffer.compare(row.thumb!, before[i]!.thumb!)).toBe(0)
    }
    expect((await server.call('attachment.list', { projectId: projectId! })).map((a) => a.name)).toContain('照片0.jpg')
  })

  it('copies every row of every table, leaves the file as it was, and the server ranks and logs in the same', async () => {
    const file = desktopFile()
    const before = sha(file)
    const url = await newPgDatabase()
    const progress: string[] = []
    const report = await moveToServer(file, url, { today: '2026-11-21', onProgress: (p) => progress.push(p.table) })
    expect(sha(file)).toBe(before)
    expect(report.frozenMonths).toHaveLength(1)
    expect(report.liveMonths).toEqual(['2026-10', '2026-11'].filter((p) => !report.frozenMonths.includes(p)))
    expect(progress).toContain('audit_log')

    const desktop = new BetterSqlite3(file, { readonly: true })
    const server = await openAppAt(url)
    opened.push(server)
    try {
      const local: Record<string, unknown[]> = {}
      const names = desktop.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
        name: string
      }[]
      for (const { name } of names) local[name] = desktop.prepare(`SELECT * FROM "${name}"`).all()
      // The v7 file has no data version; its migrated copy has the table, and no row until the first write; nor
      // the server's own tables (sessions, login counters, jobs), empty on a moved database.
      expect(local.data_version).toBeUndefined()
      // Tables added after version 7 (佐证材料, 催报 …) are there, empty, as in the file's migrated copy.
      const onServer = await dump(server)
      const empty = Object.fromEntries(Object.keys(onServer).map((table) => [table, []]))
      // Columns added after version 7 (problems.request_id …) are there, empty, as in the file's migrated copy.
      for (const [table, rows] of Object.entries(local)) {
        const columns = Object.keys((onServer[table]?.[0] as object | undefined) ?? {})
        for (const row of rows as Record<string, unknown>[])
          for (const column of columns) if (!(column in row)) row[column] = null
      }
      expect(normalised(onServer)).toEqual(
        normalised({ ...empty, ...local, data_version: [], sessions: [], rate_limits: [], jobs: [] }),
      )
      expect(report.tables.find((t) => t.table === 'users')!.rows).toBe(4)
    } finally {
      desktop.close()
    }
    // The accounts moved with their passwords: the administrator logs in on the server.
    const from = newSession()
    const me = await server.invoke('auth.login', { login: 'WANGBS', password: 'Fixture#2026' }, from)
    expect(me.ok).toBe(true)
    // New rows continue after the copied ids (the identities were moved past them).
    const leader = await server.call('leader.create', { name: '迁移后新领导', title: '副区长', sortOrder: 999 })
    const maxId = Math.max(...(await server.call('leader.list', {})).map((l) => l.id))
    expect(leader.id).toBe(maxId)
  })

  it('refuses a target that is not empty and changes nothing there', async () => {
    const url = await newPgDatabase()
    const app = await openAppAt(url) // a server database already in use: it has the schema and its rows
    opened.push(app)
    await app.call('leader.create', { name: '服务器上已有的领导', title: '副区长', sortOrder: 1 })
    const before = await dump(app)
    const error = await refusal(moveToServer(desktopFile(), url))
    expect(error.code).toBe('RULE')
    expect(error.message).toContain('不是空的')
    expect(await dump(app)).toEqual(before)
  })

  it('refuses a file that is missing or not a 专班 database, touching no server table', async () => {
    const url = await newPgDatabase()
    const missing = await refusal(moveToServer(path.join(tempDir(), '没有这个文件.db'), url))
    expect(missing.code).toBe('NOT_FOUND')
    const foreign = path.join(tempDir(), 'other.db')
    const other = new BetterSqlite3(foreign)
    other.exec('CREATE TABLE t (a); INSERT INTO t VALUES (1)')
    other.close()
    expect((await refusal(moveToServer(foreign, url))).code).toBe('DB_NOT_DATABASE')
    expect(await tableCount(url)).toBe(0)
  })

  it('refuses a file a running 专班 has open (its -wal beside it), and moves it once that is closed', async () => {
    const file = desktopFile()
    const url = await newPgDatabase()
    const desktop = openApp(file)
    await desktop.call('leader.create', { name: '迁移时新增的领导', title: '副区长', sortOrder: 1 })
    const error = await refusal(moveToServer(file, url, { today: '2026-11-21' }))
    expect(error.code).toBe('DB_LOCKED')
    expect(error.message).toContain('请先关闭所有打开它的专班窗口和浏览器模式')
    expect(await tableCount(url)).toBe(0)
    // Through a link to the file too (SQLite keeps the -wal beside the file the link points to).
    const link = path.join(tempDir(), '链接.db')
    fs.symlinkSync(file, link)
    expect((await refusal(moveToServer(link, url, { today: '2026-11-21' }))).code).toBe('DB_LOCKED')
    await desktop.close()
    await moveToServer(file, url, { today: '2026-11-21' })
    const server = await openAppAt(url)
    opened.push(server)
    expect((await server.call('leader.list', {}, LOCAL)).map((l) => l.name)).toContain('迁移时新增的领导')
  })

  it("leaves the desktop's backup folder behind (a place on that PC) and says so; the file keeps it", async () => {
    const file = desktopFile()
    const folder = path.join(tempDir(), '专班备份')
    const desktop = openApp(file)
    await setBackupFolder(desktop.deps, folder)
    await desktop.close()
    const hash = sha(file)
    const url = await newPgDatabase()
    const report = await moveToServer(file, url, { today: '2026-11-21' })
    expect(report.backupFolderLeft).toBe(folder)
    const server = await openAppAt(url)
    opened.push(server)
    expect(await raw(server, `SELECT key FROM settings WHERE key = 'backup_dir'`)).toEqual([])
    expect(sha(file)).toBe(hash)
    const moved = await cli(['migrate-to-server', '--from', file, '--to', await newPgDatabase()])
    expect(moved.out).toContain(`本机设置的备份位置（${folder}）是这台电脑上的文件夹，未迁移`)
  })

  it('brings an older file up to this version in memory on the way, the file itself unchanged', async () => {
    const file = desktopFile(path.join(import.meta.dirname, '..', 'fixtures', 'schema', 'v5.db'))
    const before = sha(file)
    const url = await newPgDatabase()
    const report = await moveToServer(file, url, { today: '2026-11-21' })
    expect(sha(file)).toBe(before)
    expect(report.tables.find((t) => t.table === 'projects')!.rows).toBeGreaterThan(0)
    const server = await openAppAt(url)
    opened.push(server)
    expect((await server.call('system.info', {})).schemaVersion).toBe(LATEST_SCHEMA_VERSION)
  })

  it('rolls the target back to empty when a row cannot be copied (a NUL in a name, which SQLite keeps)', async () => {
    const file = desktopFile()
    const db = new BetterSqlite3(file)
    db.prepare(`UPDATE leaders SET name = ? WHERE id = (SELECT min(id) FROM leaders)`).run('坏\u0000名')
    db.close()
    const url = await newPgDatabase()
    const error = await refusal(moveToServer(file, url))
    expect(error.code).toBe('DB_MIGRATION')
    expect(error.message).toContain('leaders')
    expect(error.message).toContain('目标数据库已恢复为空')
    expect(await tableCount(url)).toBe(0)
  })

  it('is the command zhuanban migrate-to-server: progress and checks in Chinese, exit 0; a wrong --to is a usage error', async () => {
    const url = await newPgDatabase()
    const ok = await cli(['migrate-to-server', '--from', desktopFile(), '--to', url])
    expect(ok.err).toBe('')
    expect(ok.code).toBe(0)
    expect(ok.out).toContain('projects：20 行')
    expect(ok.out).toMatch(/已核对：\d+ 张数据表共 \d+ 行，两边行数一致/)
    expect(ok.out).toContain('迁移完成')
    const again = await cli(['migrate-to-server', '--from', desktopFile(), '--to', url])
    expect(again.code).toBe(1)
    expect(again.err).toContain('不是空的')
    const wrong = await cli(['migrate-to-server', '--from', desktopFile(), '--to', 'mysql://server/db'])
    expect(wrong.code).toBe(2)
    expect(wrong.err).toContain('参数 --to 应为 PostgreSQL 数据库地址')
  })

  it('ranks exactly alike on both stores: every grouping, breakdowns, lights and the kanban, live and frozen', async () => {
    const file = desktopFile()
    const url = await newPgDatabase()
    await moveToServer(file, url, { today: '2026-11-21' })
    const sqlite = openApp(file, { clock: fixedClock })
    const server = await openAppAt(url, { clock: fixedClock })
    opened.push(sqlite, server)
    const both = async <T>(fn: (app: App) => Promise<T>) => {
      const [a, b] = [await fn(sqlite), await fn(server)]
      expect(b).toEqual(a)
      return a
    }
    const frozen = await both((app) => app.call('ranking.frozenMonths', {}))
    expect(frozen.length).toBeGreaterThan(0)
    for (const period of [...frozen.map((m) => m.period), '2026-10', '2026-11']) {
      const ranking = await both((app) => app.call('ranking.projects', { period }))
      expect(ranking.rows.length).toBeGreaterThan(0)
      for (const by of ['leader', 'township', 'unit'] as const)
        await both((app) => app.call('ranking.groups', { period, by }))
      for (const row of ranking.rows.slice(0, 5))
        await both((app) => app.call('ranking.breakdown', { projectId: row.projectId, period }))
    }
    await both(async (app) => app.call('lights.get', { date: '2026-11-21', projectIds: await someProjectIds(app) }))
    await both((app) => app.call('kanban.cards', {}))
    await both((app) => app.call('overview.get', {}))
  })

  it('refuses a server database that is not UTF8, and one holding tables the account cannot see', async () => {
    const base = inject('pgUrl')
    const admin = new pg.Client({ connectionString: base })
    await admin.connect()
    const latin = `zb_latin1_${process.pid}`
    try {
      await admin.query(`CREATE DATABASE ${latin} ENCODING 'LATIN1' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'`)
      const error = await refusal(openAppAt(withDatabase(base, latin)))
      expect(error.code).toBe('DB_NOT_DATABASE')
      expect(error.message).toContain('UTF8')
      const moved = await refusal(moveToServer(desktopFile(), withDatabase(base, latin)))
      expect(moved.message).toContain('专班需要 UTF8')
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${latin} WITH (FORCE)`)
      await admin.end()
    }
    // A table the app's account has no rights on still makes the database not empty (pg_class, not
    // information_schema). The test role owns the database; a table of its own with rights revoked stands in.
    const url = await newPgDatabase()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query('CREATE TABLE other_program (a int)')
      await client.query('REVOKE ALL ON other_program FROM PUBLIC')
    } finally {
      await client.end()
    }
    expect((await refusal(moveToServer(desktopFile(), url))).message).toContain('other_program')
    expect((await refusal(openAppAt(url))).code).toBe('DB_NOT_DATABASE')
  })

  it('says what the administrator runs when the account may not create tables there (PostgreSQL 15: public)', async () => {
    // A database whose public schema does not let the app's account create tables, as one owned by another role.
    const url = await newPgDatabase()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query('REVOKE CREATE ON SCHEMA public FROM pg_database_owner, PUBLIC')
    } finally {
      await client.end()
    }
    const error = await refusal(openAppAt(url))
    expect(error.code).toBe('DB_READONLY')
    expect(error.message).toMatch(/没有在数据库「zb_t_[^」]+」中建表的权限/)
    expect(error.message).toContain('ALTER SCHEMA public OWNER TO')
    expect(await tableCount(url)).toBe(0)
    expect((await refusal(moveToServer(desktopFile(), url))).code).toBe('DB_READONLY')
    expect(await tableCount(url)).toBe(0)
  })
})
