import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { STAGES } from '../../src/shared/domain'
import { AUDIT_FIELD_LABELS } from '../../src/shared/audit-labels'
import type { App } from '../../src/main/app'
import { dump, newApp, raw, rawNumber, refused, sqliteOf, tempDir, ownProjectInput } from '../helpers/app'
import { TEST_STORE } from '../helpers/store'

const withoutMigrationTimes = (d: Record<string, unknown[]>) => ({ ...d, migrations: d.migrations!.length })

/**
 * A dump two stores can be compared by: each table's rows as sorted canonical JSON (SQLite dumps in rowid
 * order, PostgreSQL in text order), without `migrations` (one row per SQLite migration, one script on the server)
 * and the database's own id.
 */
async function comparable(app: App): Promise<Record<string, string[]>> {
  const { migrations: _, ...tables } = await dump(app)
  const canonical = (row: unknown) =>
    JSON.stringify(
      Object.fromEntries(Object.entries(row as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))),
    )
  return Object.fromEntries(
    Object.entries(tables).map(([table, rows]) => [
      table,
      rows
        .filter((r) => table !== 'settings' || (r as { key: string }).key !== 'database_id')
        .map(canonical)
        .sort(),
    ]),
  )
}

/** A failure half-way through a demo load: the store refuses the demo's audit rows, the last table written. */
async function refuseDemoAuditRows(app: App, on: boolean) {
  if (app.deps.store.file) {
    if (on)
      sqliteOf(app).exec(`CREATE TRIGGER test_no_demo BEFORE INSERT ON audit_log WHEN NEW.operator = '演示数据'
        BEGIN SELECT RAISE(ABORT, '测试：拒绝演示数据'); END`)
    else sqliteOf(app).exec('DROP TRIGGER test_no_demo')
  } else if (on) await raw(app, `ALTER TABLE audit_log ADD CONSTRAINT test_no_demo CHECK (operator <> '演示数据')`)
  else await raw(app, 'ALTER TABLE audit_log DROP CONSTRAINT test_no_demo')
}

describe('demo data', () => {
  it('produces the same database twice from the same seed, and another from another seed', async () => {
    const a = await newApp()
    const b = await newApp()
    const c = await newApp()
    await a.call('demo.load', { seed: 7 })
    await b.call('demo.load', { seed: 7 })
    await c.call('demo.load', { seed: 8 })
    expect(withoutMigrationTimes(await dump(a))).toEqual(withoutMigrationTimes(await dump(b)))
    expect(withoutMigrationTimes(await dump(a))).not.toEqual(withoutMigrationTimes(await dump(c)))
  })

  it('writes its audit rows with field names the 变更记录 reads in Chinese (no column names)', async () => {
    const app = await newApp()
    await app.call('demo.load', {})
    const fields = await raw<{ field: string }>(app, 'SELECT DISTINCT field FROM audit_log WHERE field IS NOT NULL')
    expect(fields.length).toBeGreaterThan(0)
    expect(fields.map((f) => f.field).filter((f) => !AUDIT_FIELD_LABELS[f] || f.includes('_'))).toEqual([])
  })

  it('looks like a district: 12 townships, 26 leaders, 55 projects across the five stages', async () => {
    const app = await newApp()
    const counts = await app.call('demo.load', {})
    expect(counts.projects).toBe(55)
    const q = <T>(sql: string) => raw<T>(app, sql)
    expect(await q(`SELECT count(*) AS n FROM dict_items WHERE kind = 'township'`)).toEqual([{ n: 12 }])
    expect(await q(`SELECT count(*) AS n FROM leaders`)).toEqual([{ n: 26 }])
    const stages = (await q<{ stage: string }>(`SELECT DISTINCT stage FROM projects`)).map((r) => r.stage)
    expect(stages.sort()).toEqual([...STAGES].sort())
    const perPlan = (await q<{ n: number }>(`SELECT count(*) AS n FROM milestones GROUP BY plan_id`)).map((r) => r.n)
    expect(Math.min(...perPlan)).toBeGreaterThanOrEqual(8)
    expect(Math.max(...perPlan)).toBeLessThanOrEqual(15)
    expect(await q(`SELECT DISTINCT status FROM problems ORDER BY status`)).toEqual([
      { status: 'closed' },
      { status: 'in_progress' },
      { status: 'open' },
    ])
    const periods = (await q<{ period: string }>(`SELECT DISTINCT period FROM monthly_reports ORDER BY period`)).map(
      (r) => r.period,
    )
    expect(periods[0]).toBe('2026-01')
    expect(periods.at(-1)).toBe('2026-10')
    // Some projects are late (a milestone overdue by more than 30 days) and some were reassigned.
    expect(
      await rawNumber(
        app,
        `SELECT count(DISTINCT project_id) AS n FROM milestones WHERE actual_date IS NULL AND planned_date < '2026-10-22'`,
      ),
    ).toBeGreaterThan(0)
    expect(
      await rawNumber(app, `SELECT count(*) AS n FROM leader_assignments WHERE end_date IS NOT NULL`),
    ).toBeGreaterThan(0)
    // Every project keeps the four "ones".
    expect(
      await q(
        `SELECT count(*) AS n FROM projects p WHERE NOT EXISTS (SELECT 1 FROM plans WHERE project_id = p.id) OR NOT EXISTS (SELECT 1 FROM task_forces WHERE project_id = p.id) OR (SELECT count(*) FROM leader_assignments WHERE project_id = p.id AND end_date IS NULL) <> 1`,
      ),
    ).toEqual([{ n: 0 }])
    expect(
      await q(
        `SELECT count(*) AS n FROM task_force_members WHERE role = 'head' GROUP BY task_force_id HAVING count(*) > 1`,
      ),
    ).toEqual([])
    // PostgreSQL checks every foreign key as the rows go in; SQLite's file can be asked afterwards too.
    if (app.deps.store.file) expect(sqliteOf(app).pragma('foreign_key_check')).toEqual([])
    // Nothing dated after "today", and the services read it back.
    expect(await q(`SELECT count(*) AS n FROM milestones WHERE actual_date > '2026-11-21'`)).toEqual([{ n: 0 }])
    const list = await app.call('project.list', {})
    expect(list).toHaveLength(55)
    const detail = await app.call('project.get', { id: list[0]!.id })
    expect(detail.taskForce.members.length).toBeGreaterThanOrEqual(2)
  })

  it('invents people: no leader shares a name with a real title list, all names are 2–3 characters', async () => {
    const app = await newApp()
    await app.call('demo.load', {})
    const names = (await raw<{ name: string }>(app, 'SELECT name FROM leaders UNION ALL SELECT name FROM people')).map(
      (r) => r.name,
    )
    for (const name of names) expect(name).toMatch(/^[\u4e00-\u9fff]{2,3}$/)
  })

  it('scales up with the size parameter', async () => {
    const app = await newApp()
    const counts = await app.call('demo.load', { projects: 400 })
    expect(counts.projects).toBe(400)
    // No two leaders alike, even with 190 of them drawn from the same name lists.
    const leaders = (await raw<{ name: string }>(app, 'SELECT name FROM leaders')).map((r) => r.name)
    expect(leaders.length).toBeGreaterThan(150)
    expect(new Set(leaders).size).toBe(leaders.length)
    for (const name of leaders) expect(name).toMatch(/^[\u4e00-\u9fff]{2,3}$/)
    expect(counts.milestones).toBeGreaterThan(400 * 8 - 1)
    expect(await rawNumber(app, `SELECT count(*) AS n FROM projects WHERE code = 'XM-400'`)).toBe(1)
  })

  it('refuses to load into a database that already has projects', async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 3 })
    const before = await dump(app)
    const error = await refused(app, 'demo.load', {}, 'RULE')
    expect(error.message).toContain('只能载入空数据库')
    expect(await dump(app)).toEqual(before)
  })

  it('loads all of the demo or none of it: a failure half-way leaves the database as it was', async () => {
    const app = await newApp()
    const before = await dump(app)
    await refuseDemoAuditRows(app, true)
    const outcome = await app.invoke('demo.load', { projects: 3 }, { kind: 'local' })
    expect(outcome.ok).toBe(false)
    await refuseDemoAuditRows(app, false)
    expect(await dump(app)).toEqual(before)
    expect((await app.call('demo.load', {})).projects).toBe(55)
  })

  it('gives its rows ids the store goes on from: the next rows the services make do not collide', async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 3 })
    const max = async (table: string) => rawNumber(app, `SELECT max(id) AS n FROM ${table}`)
    const before = { dict: await max('dict_items'), leader: await max('leaders'), project: await max('projects') }
    const audit = await max('audit_log')
    const township = await app.call('dict.create', { kind: 'township', name: '测试新镇' })
    const unit = await app.call('dict.create', { kind: 'unit', name: '测试新局' })
    const leader = await app.call('leader.create', { name: '测试领导', title: '副区长', sortOrder: 999 })
    const created = await app.call(
      'project.create',
      ownProjectInput({ townshipId: township.id, leaderId: leader.id, leadUnitId: unit.id }),
    )
    expect(township.id).toBe(before.dict + 1)
    expect(leader.id).toBe(before.leader + 1)
    expect(created.project.id).toBe(before.project + 1)
    expect(await max('audit_log')).toBeGreaterThan(audit)
    expect((await app.call('project.get', { id: created.project.id })).taskForce.members).toEqual([])
  })

  it('is removed again with its guards back afterwards; the backup is a file on SQLite, none on a server', async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 12 })
    await app.call('ranking.freeze', { period: '2026-10' })
    const result = await app.call('demo.remove', {})
    expect(result).toMatchObject({ projects: 12, leaders: 26, dictItems: 27, frozenMonths: ['2026-10'], kept: [] })
    expect(result.people).toBeGreaterThan(0)
    const note = (await raw<{ note: string }>(app, `SELECT note FROM audit_log WHERE entity = 'database'`))[0]!.note
    expect(note).toContain('删除演示数据：12个项目、26名领导')
    // A copy of the file, or a pg_dump of the server database: listed for 恢复, and named in the audit row.
    expect(result.backup).toMatch(app.deps.store.file ? /\.db$/ : /\.dump$/)
    expect((await app.call('backup.list', {})).backups.map((b) => b.name)).toContain(result.backup)
    expect(note).toContain(`删除前已备份为「${result.backup}」`)
    for (const table of ['projects', 'leaders', 'people', 'milestones', 'monthly_reports', 'frozen_periods'])
      expect(await rawNumber(app, `SELECT count(*) AS n FROM ${table}`), table).toBe(0)
    expect(await rawNumber(app, `SELECT count(*) AS n FROM audit_log WHERE operator = '演示数据'`)).toBe(0)
    // The guards are on again: a new demo's rows are as protected as the office's own.
    await app.call('demo.load', { projects: 3 })
    const refusals: [string, RegExp][] = [
      ['DELETE FROM audit_log', /变更记录不能删除/],
      ['DELETE FROM leader_assignments', /包联领导的任职记录不能删除/],
      ['DELETE FROM plans', /方案不能删除/],
      ['DELETE FROM task_forces', /专班不能删除/],
      ['DELETE FROM projects', /重点项目不能删除/],
    ]
    for (const [statement, message] of refusals) await expect(raw(app, statement), statement).rejects.toThrow(message)
  })

  it("keeps on either store the demo's township and leader that the office's own project uses", async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 5 })
    const township = (await app.call('dict.list', { kind: 'township' }))[2]!
    const leader = (await app.call('leader.list', {}))[3]!
    const unit = await app.call('dict.create', { kind: 'unit', name: '本单位录入的局' })
    const own = await app.call(
      'project.create',
      ownProjectInput({ townshipId: township.id, leaderId: leader.id, leadUnitId: unit.id }),
    )
    const result = await app.call('demo.remove', {})
    expect(result).toMatchObject({ projects: 5, leaders: 25, dictItems: 26 })
    expect(result.kept).toEqual([`领导「${leader.name}」`, `乡镇/街道「${township.name}」`])
    expect((await app.call('project.list', {})).map((p) => p.code)).toEqual(['OWN-1'])
    expect(await raw(app, 'SELECT id, demo FROM projects')).toEqual([{ id: own.project.id, demo: 0 }])
    expect(await raw(app, 'SELECT name, demo FROM leaders')).toEqual([{ name: leader.name, demo: 0 }])
    expect(await rawNumber(app, 'SELECT count(*) AS n FROM audit_log WHERE project_id = ?', own.project.id)).toBe(
      await rawNumber(
        app,
        `SELECT count(*) AS n FROM audit_log WHERE project_id = ? AND operator = '王测试'`,
        own.project.id,
      ),
    )
    expect(
      await rawNumber(app, 'SELECT count(*) AS n FROM audit_log WHERE project_id = ?', own.project.id),
    ).toBeGreaterThan(0)
    await refused(app, 'demo.remove', {}, 'RULE')
  })

  it('goes with the 批示 given on a demo project, and keeps the demo leader and person an account is linked to', async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 5 })
    const [demoProject] = await app.call('project.list', {})
    const leaders = await app.call('leader.list', {})
    const person = (await app.call('person.list', {}))[0]!
    await app.call('user.create', {
      login: 'lingdao',
      name: leaders[1]!.name,
      unit: '区委区政府',
      roles: ['leader'],
      leaderId: leaders[1]!.id,
      password: 'Zb#20261121',
    })
    await app.call('user.create', {
      login: 'zhuanban',
      name: person.name,
      unit: person.unit,
      roles: ['member'],
      personId: person.id,
      password: 'Zb#20261121',
    })
    // A 批示 written while trying the program out, by a demo leader on a demo project.
    await raw(
      app,
      `INSERT INTO instructions (project_id, problem_id, leader_id, user_id, given_on, text, created_at)
       VALUES (?, NULL, ?, NULL, '2026-11-20', '请抓紧推进', '2026-11-20T02:00:00.000Z')`,
      demoProject!.id,
      leaders[0]!.id,
    )
    const result = await app.call('demo.remove', {})
    expect(result.projects).toBe(5)
    expect(result.kept).toEqual([`领导「${leaders[1]!.name}」`, `人员「${person.name}」`])
    expect(await rawNumber(app, 'SELECT count(*) FROM instructions')).toBe(0)
    expect((await app.call('user.list', {})).map((u) => [u.login, u.leaderId, u.personId])).toEqual([
      ['lingdao', leaders[1]!.id, null],
      ['zhuanban', null, person.id],
    ])
  })

  // Both stores in one test: a SQLite file beside the test's PostgreSQL database (the postgres project only).
  if (TEST_STORE === 'postgres')
    it('gives the same rows with the same ids on SQLite and on PostgreSQL, and removes them alike', async () => {
      const lite = await newApp(path.join(tempDir(), 'same.db'))
      const server = await newApp()
      expect(lite.deps.store.kind).toBe('sqlite')
      expect(server.deps.store.kind).toBe('postgres')
      expect(await comparable(server)).toEqual(await comparable(lite))
      await lite.call('demo.load', {})
      await server.call('demo.load', {})
      const loaded = await comparable(lite)
      expect(loaded.projects).toHaveLength(55)
      expect(loaded.audit_log!.length).toBeGreaterThan(500)
      expect(await comparable(server)).toEqual(loaded)

      const [fromLite, fromServer] = [await lite.call('demo.remove', {}), await server.call('demo.remove', {})]
      expect({ ...fromServer, backup: 'x' }).toEqual({ ...fromLite, backup: 'x' })
      // The same rows but the removal's own audit row: its note names the backup (none on the server), and its id
      // is the next of each store (SQLite's max(rowid) + 1 after the demo's rows went; the server's sequence).
      const withoutNotes = (d: Record<string, string[]>) => ({
        ...d,
        audit_log: d
          .audit_log!.map((r) => {
            const row = JSON.parse(r) as { entity: string }
            return JSON.stringify(row.entity === 'database' ? { ...row, id: 0, note: '' } : row)
          })
          .sort(),
      })
      expect(withoutNotes(await comparable(server))).toEqual(withoutNotes(await comparable(lite)))
    })
})
