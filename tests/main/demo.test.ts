import { describe, expect, it } from 'vitest'
import { STAGES } from '../../src/shared/domain'
import { AUDIT_FIELD_LABELS } from '../../src/shared/audit-labels'
import { dump, newApp, refused } from '../helpers/app'

const withoutMigrationTimes = (d: Record<string, unknown[]>) => ({ ...d, migrations: d.migrations!.length })

describe('demo data', () => {
  it('produces the same database twice from the same seed, and another from another seed', async () => {
    const a = newApp()
    const b = newApp()
    const c = newApp()
    await a.call('demo.load', { seed: 7 })
    await b.call('demo.load', { seed: 7 })
    await c.call('demo.load', { seed: 8 })
    expect(withoutMigrationTimes(dump(a))).toEqual(withoutMigrationTimes(dump(b)))
    expect(withoutMigrationTimes(dump(a))).not.toEqual(withoutMigrationTimes(dump(c)))
  })

  it('writes its audit rows with field names the 变更记录 reads in Chinese (no column names)', async () => {
    const app = newApp()
    await app.call('demo.load', {})
    const fields = app.deps.sqlite.prepare('SELECT DISTINCT field FROM audit_log WHERE field IS NOT NULL').all() as {
      field: string
    }[]
    expect(fields.length).toBeGreaterThan(0)
    expect(fields.map((f) => f.field).filter((f) => !AUDIT_FIELD_LABELS[f] || f.includes('_'))).toEqual([])
  })

  it('looks like a district: 12 townships, 26 leaders, 55 projects across the five stages', async () => {
    const app = newApp()
    const counts = await app.call('demo.load', {})
    expect(counts.projects).toBe(55)
    const q = <T>(sql: string) => app.deps.sqlite.prepare(sql).all() as T[]
    expect(q(`SELECT count(*) AS n FROM dict_items WHERE kind = 'township'`)).toEqual([{ n: 12 }])
    expect(q(`SELECT count(*) AS n FROM leaders`)).toEqual([{ n: 26 }])
    const stages = q<{ stage: string }>(`SELECT DISTINCT stage FROM projects`).map((r) => r.stage)
    expect(stages.sort()).toEqual([...STAGES].sort())
    const perPlan = q<{ n: number }>(`SELECT count(*) AS n FROM milestones GROUP BY plan_id`).map((r) => r.n)
    expect(Math.min(...perPlan)).toBeGreaterThanOrEqual(8)
    expect(Math.max(...perPlan)).toBeLessThanOrEqual(15)
    expect(q(`SELECT DISTINCT status FROM problems ORDER BY status`)).toEqual([
      { status: 'closed' },
      { status: 'in_progress' },
      { status: 'open' },
    ])
    const periods = q<{ period: string }>(`SELECT DISTINCT period FROM monthly_reports ORDER BY period`).map(
      (r) => r.period,
    )
    expect(periods[0]).toBe('2026-01')
    expect(periods.at(-1)).toBe('2026-10')
    // Some projects are late (a milestone overdue by more than 30 days) and some were reassigned.
    expect(
      q<{ n: number }>(
        `SELECT count(DISTINCT project_id) AS n FROM milestones WHERE actual_date IS NULL AND planned_date < '2026-10-22'`,
      )[0]!.n,
    ).toBeGreaterThan(0)
    expect(
      q<{ n: number }>(`SELECT count(*) AS n FROM leader_assignments WHERE end_date IS NOT NULL`)[0]!.n,
    ).toBeGreaterThan(0)
    // Every project keeps the four "ones".
    expect(
      q(
        `SELECT count(*) AS n FROM projects p WHERE NOT EXISTS (SELECT 1 FROM plans WHERE project_id = p.id) OR NOT EXISTS (SELECT 1 FROM task_forces WHERE project_id = p.id) OR (SELECT count(*) FROM leader_assignments WHERE project_id = p.id AND end_date IS NULL) <> 1`,
      ),
    ).toEqual([{ n: 0 }])
    expect(
      q(`SELECT count(*) AS n FROM task_force_members WHERE role = 'head' GROUP BY task_force_id HAVING n > 1`),
    ).toEqual([])
    expect(app.deps.sqlite.pragma('foreign_key_check')).toEqual([])
    // Nothing dated after "today", and the services read it back.
    expect(q(`SELECT count(*) AS n FROM milestones WHERE actual_date > '2026-11-21'`)).toEqual([{ n: 0 }])
    const list = await app.call('project.list', {})
    expect(list).toHaveLength(55)
    const detail = await app.call('project.get', { id: list[0]!.id })
    expect(detail.taskForce.members.length).toBeGreaterThanOrEqual(2)
  })

  it('invents people: no leader shares a name with a real title list, all names are 2–3 characters', async () => {
    const app = newApp()
    await app.call('demo.load', {})
    const names = (
      app.deps.sqlite.prepare('SELECT name FROM leaders UNION ALL SELECT name FROM people').all() as { name: string }[]
    ).map((r) => r.name)
    for (const name of names) expect(name).toMatch(/^[\u4e00-\u9fff]{2,3}$/)
  })

  it('scales up with the size parameter', async () => {
    const app = newApp()
    const counts = await app.call('demo.load', { projects: 400 })
    expect(counts.projects).toBe(400)
    // No two leaders alike, even with 190 of them drawn from the same name lists.
    const leaders = (app.deps.sqlite.prepare('SELECT name FROM leaders').all() as { name: string }[]).map((r) => r.name)
    expect(leaders.length).toBeGreaterThan(150)
    expect(new Set(leaders).size).toBe(leaders.length)
    for (const name of leaders) expect(name).toMatch(/^[\u4e00-\u9fff]{2,3}$/)
    expect(counts.milestones).toBeGreaterThan(400 * 8 - 1)
    expect(
      (app.deps.sqlite.prepare(`SELECT count(*) AS n FROM projects WHERE code = 'XM-400'`).get() as { n: number }).n,
    ).toBe(1)
  })

  it('refuses to load into a database that already has projects', async () => {
    const app = newApp()
    await app.call('demo.load', { projects: 3 })
    const before = dump(app)
    const error = await refused(app, 'demo.load', {}, 'RULE')
    expect(error.message).toContain('只能载入空数据库')
    expect(dump(app)).toEqual(before)
  })
})
