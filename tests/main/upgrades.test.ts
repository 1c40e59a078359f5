/**
 * Upgrades: a database saved at each schema version (tests/fixtures/schema/v*.db, with the demo district in
 * it) opens in this version with every row intact and every screen's call working; a failing migration rolls
 * back and leaves the old database usable.
 */
import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openApp } from '../../src/main/app'
import { listBackups } from '../../src/main/backup/backups'
import { migrate } from '../../src/main/db/migrate'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/main/db/migrations'
import { fixedClock, tempDir, sqliteOf } from '../helpers/app'

const FIXTURES = path.resolve('tests/fixtures/schema')
const versions = MIGRATIONS.map((m) => m.id)

function copyOf(version: number): string {
  const file = path.join(tempDir(), `office-v${version}.db`)
  fs.copyFileSync(path.join(FIXTURES, `v${version}.db`), file)
  return file
}

/** Every row of every table (but the migration record), by rowid, in the columns the old version had. */
function rows(file: string, columnsOf?: Map<string, string[]>) {
  const db = new BetterSqlite3(file, { readonly: true })
  try {
    const tables = (
      db
        .prepare(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'migrations'`,
        )
        .all() as { name: string }[]
    ).map((t) => t.name)
    const result = new Map<string, { columns: string[]; rows: unknown[] }>()
    for (const table of columnsOf ? [...columnsOf.keys()] : tables) {
      const columns =
        columnsOf?.get(table) ??
        (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name)
      const list = columns.map((c) => `"${c}"`).join(', ')
      result.set(table, { columns, rows: db.prepare(`SELECT ${list} FROM "${table}" ORDER BY rowid`).raw().all() })
    }
    return result
  } finally {
    db.close()
  }
}

describe('upgrading databases saved by earlier versions', () => {
  it('has a fixture for every schema version', () => {
    expect(
      fs
        .readdirSync(FIXTURES)
        .filter((f) => f.endsWith('.db'))
        .sort(),
    ).toEqual(versions.map((v) => `v${v}.db`).sort()) // by name, as the folder lists them (v10 after v1)
  })

  describe.each(versions)('schema version %i', (version) => {
    it('upgrades to the latest with every row intact, after a backup, and every screen works', async () => {
      const file = copyOf(version)
      const before = rows(file)
      const total = [...before.values()].reduce((n, t) => n + t.rows.length, 0)
      expect(total).toBeGreaterThan(500) // the fixture holds a district, not an empty schema

      const app = openApp(file, { clock: fixedClock })
      try {
        expect(sqliteOf(app).prepare('SELECT max(id) AS v FROM migrations').get()).toEqual({
          v: LATEST_SCHEMA_VERSION,
        })
        const backups = listBackups(path.join(path.dirname(file), 'backups'))
        expect(backups.map((b) => b.reason)).toEqual(version < LATEST_SCHEMA_VERSION ? ['pre-migration'] : [])

        // Before accounts (v7) the operator was a setting: it becomes the first administrator (login admin, no
        // password yet — the start screen asks for one), and leaves the settings.
        const operatorRow = before.get('settings')!.rows.find((r) => (r as unknown[])[0] === 'operator') as
          unknown[] | undefined
        if (version < 7) {
          const operator = JSON.parse(String(operatorRow![1])) as { name: string; unit: string }
          expect(await app.call('auth.status', {})).toEqual({
            state: 'set-password',
            login: 'admin',
            name: operator.name,
            unit: operator.unit,
          })
          expect(await app.call('user.list', {})).toMatchObject([
            {
              login: 'admin',
              name: operator.name,
              unit: operator.unit,
              roles: ['admin', 'office'],
              mustChangePassword: true,
            },
          ])
          before.get('settings')!.rows = before.get('settings')!.rows.filter((r) => r !== operatorRow)
        } else expect(await app.call('auth.status', {})).toEqual({ state: 'ready' })

        await app.close()
        const after = rows(file, new Map([...before].map(([t, v]) => [t, v.columns])))
        for (const [table, { rows: old }] of before) expect(after.get(table)!.rows, table).toEqual(old)
      } finally {
        await app.close()
      }

      const reopened = openApp(file, { clock: fixedClock })
      try {
        const projects = await reopened.call('project.list', {})
        expect(projects.length).toBe(20)
        for (const p of projects.slice(0, 5)) await reopened.call('project.get', { id: p.id })
        await reopened.call('overview.get', {})
        await reopened.call('overview.ranking', {})
        await reopened.call('kanban.cards', {})
        expect((await reopened.call('ranking.projects', { period: '2026-11' })).rows.length).toBe(20)
        expect((await reopened.call('ranking.frozenMonths', {})).map((m) => m.period)).toContain('2026-10')
        // A month frozen before snapshots existed (versions 1–2) still shows its ranking, computed.
        const october = await reopened.call('ranking.projects', { period: '2026-10' })
        expect(october).toMatchObject({ frozen: true })
        expect(october.rows.length).toBe(20)
        const first = october.rows.find((r) => r.rank !== null)!
        const breakdown = await reopened.call('ranking.breakdown', { projectId: first.projectId, period: '2026-10' })
        expect(breakdown.score).toBe(first.score)
        // November's rank changes compare with October: not every project is "new".
        const november = await reopened.call('ranking.projects', { period: '2026-11' })
        expect(november.rows.some((r) => r.change.kind !== 'new' && r.change.kind !== 'none')).toBe(true)
        await reopened.call('leader.create', { name: '升级后新增', title: '副区长', sortOrder: 99 })
        expect(sqliteOf(reopened).pragma('integrity_check', { simple: true })).toBe('ok')
        expect(sqliteOf(reopened).pragma('foreign_key_check')).toEqual([])
      } finally {
        await reopened.close()
      }
    })
  })

  it('a migration that fails half-way rolls back, leaving the old version usable with its rows', () => {
    const file = copyOf(1)
    const before = rows(file)
    const db = new BetterSqlite3(file)
    const failing = [
      ...MIGRATIONS.slice(0, 2),
      { id: 3, name: 'ranking_snapshots', sql: `${MIGRATIONS[2]!.sql}\nINSERT INTO no_such_table VALUES (1);` },
    ]
    expect(() => migrate(db, { migrations: failing })).toThrow(/数据库升级失败（第 3 号「ranking_snapshots」）/)
    // Migration 2 went through on its own; 3 left nothing behind.
    expect(db.prepare('SELECT max(id) AS v FROM migrations').get()).toEqual({ v: 2 })
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'ranking_snapshots'`).get()).toEqual({
      n: 0,
    })
    db.close()
    const after = rows(file, new Map([...before].map(([t, v]) => [t, v.columns])))
    for (const [table, { rows: old }] of before)
      if (table !== 'dict_items' && table !== 'settings' && table !== 'milestone_templates')
        expect(after.get(table)!.rows, table).toEqual(old)
    // And the normal upgrade still completes afterwards.
    const app = openApp(file, { clock: fixedClock })
    expect(sqliteOf(app).prepare('SELECT max(id) AS v FROM migrations').get()).toEqual({ v: LATEST_SCHEMA_VERSION })
    return app.close()
  })
})
