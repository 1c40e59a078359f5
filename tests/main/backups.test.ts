import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { backupsToKeep, type BackupFile } from '../../src/main/backup/retention'
import { createBackup, ensureDailyBackup, listBackups, pruneBackups } from '../../src/main/backup/backups'
import { newApp, seedBasics, tempDir } from '../helpers/app'
import { countyLedger, toBase64 } from '../helpers/ledgers'

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
    const app = newApp()
    await seedBasics(app)
    const dir = tempDir()
    const made = await createBackup(app.deps.sqlite, dir, 'manual', new Date('2026-11-21T02:03:04Z'))
    expect(made).toMatchObject({
      name: 'zhuanban-20261121-020304-manual.db',
      reason: 'manual',
      at: '2026-11-21T02:03:04Z',
    })
    const copy = new BetterSqlite3(made.path, { readonly: true })
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(copy.prepare('SELECT count(*) AS n FROM leaders').get()).toEqual({ n: 2 })
    copy.close()
    // Same second again: a second file, not an overwrite.
    const again = await createBackup(app.deps.sqlite, dir, 'manual', new Date('2026-11-21T02:03:04Z'))
    expect(again.name).not.toBe(made.name)
    expect(listBackups(dir)).toHaveLength(2)
  })

  it('backs up at start only when the newest backup is older than a day, pruning old automatic ones', async () => {
    const app = newApp()
    const dir = tempDir()
    expect(await ensureDailyBackup(app.deps.sqlite, dir, new Date('2026-11-20T08:00:00Z'))).not.toBeNull()
    expect(await ensureDailyBackup(app.deps.sqlite, dir, new Date('2026-11-21T07:00:00Z'))).toBeNull()
    expect(await ensureDailyBackup(app.deps.sqlite, dir, new Date('2026-11-21T09:00:00Z'))).not.toBeNull()
    for (let i = 1; i <= 20; i++)
      fs.writeFileSync(path.join(dir, `zhuanban-202609${String(i).padStart(2, '0')}-080000-auto.db`), '')
    pruneBackups(dir, new Date('2026-11-21T09:00:00Z'))
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
    const app = newApp()
    const file = path.join(tempDir(), 'not-a-folder')
    fs.writeFileSync(file, 'x')
    await expect(createBackup(app.deps.sqlite, path.join(file, 'backups'), 'manual')).rejects.toMatchObject({
      code: 'DB_READONLY',
      message: expect.stringContaining('无法写入备份文件夹'),
    })
  })

  it('through the contract: a manual backup beside the database, listed newest first; one before every import', async () => {
    const app = newApp()
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
    newApp(db)
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
    const app = newApp()
    const dir = tempDir()
    // Made while the clock ran a year ahead; the clock has been put right since.
    fs.writeFileSync(path.join(dir, 'zhuanban-20271121-080000-auto.db'), '')
    expect(await ensureDailyBackup(app.deps.sqlite, dir, at('2026-11-21T09:00:00Z'))).not.toBeNull()
    expect(await ensureDailyBackup(app.deps.sqlite, dir, at('2026-11-21T10:00:00Z'))).toBeNull() // today's is there
    expect(await ensureDailyBackup(app.deps.sqlite, dir, at('2026-11-22T10:00:00Z'))).not.toBeNull()
    // Now the clock is two years behind every backup: backups go on, one a day by the clock as it is.
    expect(await ensureDailyBackup(app.deps.sqlite, dir, at('2024-11-21T09:00:00Z'))).not.toBeNull()
    expect(await ensureDailyBackup(app.deps.sqlite, dir, at('2024-11-21T11:00:00Z'))).toBeNull()
    expect(names(dir)).toEqual([
      'zhuanban-20271121-080000-auto.db',
      'zhuanban-20261122-100000-auto.db',
      'zhuanban-20261121-090000-auto.db',
      'zhuanban-20241121-090000-auto.db',
    ])
  })

  it("never prune today's real backup because one named later today or on later days exists", async () => {
    const app = newApp()
    const dir = tempDir()
    // This morning the clock ran six hours ahead (a backup named 15:00), and last week ten days ahead.
    fs.writeFileSync(path.join(dir, 'zhuanban-20261121-150000-auto.db'), '')
    for (let d = 22; d <= 30; d++) fs.writeFileSync(path.join(dir, `zhuanban-202611${d}-080000-auto.db`), '')
    const now = at('2026-11-21T09:00:00Z')
    const today = await createBackup(app.deps.sqlite, dir, 'auto', now)
    expect(pruneBackups(dir, now)).toEqual([])
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
    const app = newApp(db)
    await seedBasics(app)
    const saved = await app.call('backup.create', {})
    await app.call('leader.create', { name: '后来加的', title: '副区长', sortOrder: 99 })
    await app.close()
    const out: string[] = []
    expect(await main(['restore', '--db', db, saved.path], (s) => out.push(s))).toBe(0)
    expect(out.join('\n')).toContain('原数据库已另存为')
    const restored = newApp(db)
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
    const app = newApp(db)
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
