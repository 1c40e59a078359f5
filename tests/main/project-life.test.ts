/**
 * A project's life on the key-project list (调出, 归档, 恢复) and the first hour of a database (the 包联领导's
 * start date of a project typed in by hand; removing the demo district before real use).
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { App } from '../../src/main/app'
import { defaultLeaderStart } from '../../src/shared/leader-start'
import { AUDIT_ACTION_LABELS } from '../../src/shared/audit-labels'
import {
  dump,
  newApp,
  projectInput,
  raw,
  rawNumber,
  refused,
  seedBasics,
  tempDir,
  type Basics,
  ownProjectInput,
} from '../helpers/app'
import { TEST_STORE } from '../helpers/store'

const count = (app: App, sql: string, ...params: unknown[]) => rawNumber(app, sql, ...params)

/** Rows in the order they were written (a PostgreSQL dump orders them by their text, not their id). */
const byId = <T>(rows: T[] | undefined) =>
  [...(rows ?? [])].sort((a, b) => (a as { id: number }).id - (b as { id: number }).id)

/** A project with something to measure in 2026 (an annual plan and October's report), so it is ranked. */
async function measuredProject(app: App, b: Basics, code = 'XM-001') {
  const detail = await app.call('project.create', projectInput(b, { code, name: `项目${code}`, stage: 'construction' }))
  await app.call('project.setAnnualPlan', { projectId: detail.project.id, year: 2026, amount: 120000 })
  await app.call('report.save', { projectId: detail.project.id, period: '2026-10', investment: 90000 })
  return app.call('project.get', { id: detail.project.id })
}

const rankedIds = async (app: App, period: string) =>
  (await app.call('ranking.projects', { period })).rows.map((r) => r.projectId)

describe('调出、归档、恢复: a project leaves the key-project list and comes back', () => {
  it('调出 with a reason and a date: off the kanban, the lists and 总览 at once, its history kept, audited', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const kept = await measuredProject(app, b, 'XM-001')
    const p = await measuredProject(app, b, 'XM-002')
    const stagesBefore = (await app.call('overview.get', {})).stages.construction
    const removed = await app.call('project.remove', {
      id: p.project.id,
      version: p.project.version,
      date: '2026-10-15',
      reason: '项目业主变更，不再列为重点项目',
    })
    expect(removed.listing).toEqual({ status: 'removed', date: '2026-10-15', reason: '项目业主变更，不再列为重点项目' })
    expect(removed.project.version).toBe(p.project.version + 1)

    expect((await app.call('project.list', {})).map((x) => x.id)).toEqual([kept.project.id])
    const out = await app.call('project.list', { listing: 'out' })
    expect(out.map((x) => [x.id, x.listing.status, x.listing.date])).toEqual([[p.project.id, 'removed', '2026-10-15']])
    expect((await app.call('kanban.cards', {})).cards.map((c) => c.id)).toEqual([kept.project.id])
    const overview = await app.call('overview.get', {})
    expect(overview.stages.construction).toBe(stagesBefore - 1)
    expect(overview.lights.red + overview.lights.yellow + overview.lights.green).toBe(1)

    // Its records all stay, and the change is in its 变更记录.
    expect(await count(app, 'SELECT count(*) AS n FROM monthly_reports WHERE project_id = ?', p.project.id)).toBe(1)
    expect((await app.call('project.get', { id: p.project.id })).plan.id).toBe(p.plan.id)
    const log = await app.call('audit.list', { projectId: p.project.id })
    const row = log.find((e) => e.field === 'status')!
    expect(row).toMatchObject({ operator: '王测试', action: 'delist', oldValue: '在库', newValue: '已调出' })
    expect(AUDIT_ACTION_LABELS[row.action]).toBe('调出重点项目')
    expect(row.note).toContain('2026-10-15')
    expect(row.note).toContain('项目业主变更')
  })

  it('refuses a 调出 dated in the future, before the project entered the list, without a reason, or stale — changing nothing', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const p = await measuredProject(app, b) // 包联 from 2026-01-01, created 2026-11-21
    const base = { id: p.project.id, version: p.project.version, date: '2026-10-15', reason: '调整' }
    const before = await dump(app)
    expect((await refused(app, 'project.remove', { ...base, date: '2026-11-22' }, 'RULE')).message).toContain(
      '「调出日期」不能晚于今天',
    )
    expect((await refused(app, 'project.remove', { ...base, date: '2025-12-31' }, 'RULE')).message).toContain(
      '不能早于项目列入重点项目的日期（2026-01-01）',
    )
    expect((await refused(app, 'project.remove', { ...base, reason: '  ' }, 'INVALID_INPUT')).message).toContain(
      '「调出原因」不能为空',
    )
    expect((await refused(app, 'project.remove', { ...base, date: '2026-02-30' }, 'INVALID_INPUT')).message).toContain(
      '「调出日期」应为有效日期',
    )
    await refused(app, 'project.remove', { ...base, version: p.project.version + 5 }, 'CONFLICT')
    await refused(app, 'project.remove', { ...base, id: 9999 }, 'NOT_FOUND')
    await refused(app, 'project.restore', base, 'RULE') // on the list: nothing to restore
    expect(await dump(app)).toEqual(before)

    await app.call('project.remove', base)
    const after = await dump(app)
    const v = (await app.call('project.get', { id: p.project.id })).project.version
    expect((await refused(app, 'project.remove', { ...base, version: v }, 'RULE')).message).toContain(
      '已于2026-10-15调出',
    )
    expect((await refused(app, 'project.archive', { ...base, version: v }, 'RULE')).message).toContain('请先恢复')
    expect(
      (await refused(app, 'project.restore', { ...base, version: v, date: '2026-10-14' }, 'RULE')).message,
    ).toContain('不能早于上一次调出的日期（2026-10-15）')
    expect(await dump(app)).toEqual(after)
  })

  it('归档 only a finished project (竣工投产 or an actual end), not dated before its end', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const p = await measuredProject(app, b)
    const before = await dump(app)
    const refusal = await refused(
      app,
      'project.archive',
      { id: p.project.id, version: p.project.version, date: '2026-11-01', reason: '已建成' },
      'RULE',
    )
    expect(refusal.message).toContain('尚未竣工投产，不能归档')
    expect(await dump(app)).toEqual(before)
    const done = await app.call('project.move', {
      id: p.project.id,
      version: p.project.version,
      toStage: 'production',
      date: '2026-11-10',
    })
    expect(done.actualEnd).toBe('2026-11-10')
    const early = { id: p.project.id, version: done.version, date: '2026-11-09', reason: '已建成投产' }
    expect((await refused(app, 'project.archive', early, 'RULE')).message).toContain('实际投产日期（2026-11-10）')
    const archived = await app.call('project.archive', { ...early, date: '2026-11-20' })
    expect(archived.listing).toMatchObject({ status: 'archived', date: '2026-11-20' })
    expect(await app.call('project.list', {})).toEqual([])
    expect((await app.call('project.list', { listing: 'out' }))[0]!.listing.status).toBe('archived')
    // November is the month it was filed: still ranked in it.
    expect(await rankedIds(app, '2026-11')).toContain(p.project.id)
  })

  it('恢复 puts it back on the list and the kanban, audited', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const p = await measuredProject(app, b)
    const removed = await app.call('project.remove', {
      id: p.project.id,
      version: p.project.version,
      date: '2026-10-15',
      reason: '暂缓',
    })
    const back = await app.call('project.restore', {
      id: p.project.id,
      version: removed.project.version,
      date: '2026-10-20',
      reason: '恢复建设',
    })
    expect(back.listing).toEqual({ status: 'listed', date: '2026-10-20', reason: '恢复建设' })
    expect((await app.call('kanban.cards', {})).cards.map((c) => c.id)).toEqual([p.project.id])
    expect((await app.call('project.list', {})).map((x) => x.listing.status)).toEqual(['listed'])
    // Back before November began: ranked in November again.
    expect(await rankedIds(app, '2026-11')).toContain(p.project.id)
    const log = (await app.call('audit.list', { projectId: p.project.id })).filter((e) => e.field === 'status')
    expect(log.map((e) => `${e.oldValue}→${e.newValue}`).sort()).toEqual(['在库→已调出', '已调出→在库'])
    // The dated records are kept as they are: the database refuses to change or delete them.
    const kept = await dump(app)
    await expect(raw(app, 'DELETE FROM listing_changes')).rejects.toThrow(/不能删除/)
    await expect(raw(app, `UPDATE listing_changes SET reason = 'x'`)).rejects.toThrow(/不能修改/)
    expect(await dump(app)).toEqual(kept)
  })
})

describe('rankings: a project leaves them from the month after its date', () => {
  it('调出 on 2026-10-15: ranked in 2026-10 (live and frozen), not in 2026-11; a later restore does not rewrite October', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const other = await measuredProject(app, b, 'XM-001')
    const p = await measuredProject(app, b, 'XM-002')
    const octoberBefore = (await app.call('ranking.projects', { period: '2026-10' })).rows.find(
      (r) => r.projectId === p.project.id,
    )!
    expect(octoberBefore.rank).not.toBeNull()
    await app.call('project.remove', {
      id: p.project.id,
      version: p.project.version,
      date: '2026-10-15',
      reason: '调出',
    })
    const october = await app.call('ranking.projects', { period: '2026-10' })
    const row = october.rows.find((r) => r.projectId === p.project.id)!
    // The same row and score as before: the scoring rules did not change.
    expect(row).toEqual(octoberBefore)
    expect(await rankedIds(app, '2026-11')).toEqual([other.project.id])
    // … and the leader's group in November counts only the project still on the list.
    const leaders = await app.call('ranking.groups', { period: '2026-11', by: 'leader' })
    expect(leaders.rows.find((r) => r.group.id === b.leaderId)!.projects).toBe(1)
    // Frozen October keeps it.
    await app.call('ranking.freeze', { period: '2026-10' })
    const detail = await app.call('project.get', { id: p.project.id })
    await app.call('project.restore', {
      id: p.project.id,
      version: detail.project.version,
      date: '2026-11-05',
      reason: '重新列入',
    })
    expect(await rankedIds(app, '2026-10')).toContain(p.project.id)
    // Restored on 2026-11-05: November began with it off the list, so it is ranked again from December.
    expect(await rankedIds(app, '2026-11')).toEqual([other.project.id])
  })
})

describe('新建项目: the 包联领导 from a date the user sets', () => {
  it('a project created with 包联起始日期 2026-10-05 has its leader in the ranking of 2026-10', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const created = await app.call(
      'project.create',
      projectInput(b, { leaderFrom: '2026-10-05', stage: 'construction' }),
    )
    await app.call('project.setAnnualPlan', { projectId: created.project.id, year: 2026, amount: 120000 })
    expect(created.leaderHistory.map((h) => h.startDate)).toEqual(['2026-10-05'])
    const october = await app.call('ranking.projects', { period: '2026-10' })
    expect(october.rows.find((r) => r.projectId === created.project.id)!.leader).toEqual({
      id: b.leaderId,
      name: '赵一平',
    })
    const leaders = await app.call('ranking.groups', { period: '2026-10', by: 'leader' })
    expect(leaders.rows.map((r) => r.group.id)).toContain(b.leaderId)
    // September was before the leader took it on: no leader that month.
    const september = await app.call('ranking.projects', { period: '2026-09' })
    expect(september.rows.find((r) => r.projectId === created.project.id)!.leader).toBeNull()
  })

  it('without a date the import rule applies: 1 January of the start year (this year at the latest), never after today', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { leaderFrom: _omit, ...noDate } = projectInput(b)
    const started = await app.call('project.create', { ...noDate, code: 'XM-101', startYear: 2025, endYear: 2027 })
    expect(started.leaderHistory[0]!.startDate).toBe('2025-01-01')
    const later = await app.call('project.create', { ...noDate, code: 'XM-102', startYear: 2027, endYear: 2028 })
    expect(later.leaderHistory[0]!.startDate).toBe('2026-01-01')
    expect(defaultLeaderStart(2027, '2026-11-21')).toBe('2026-01-01')
    expect(defaultLeaderStart(2026, '2026-01-01')).toBe('2026-01-01')
    expect(defaultLeaderStart(2030, '2029-12-31')).toBe('2029-01-01')
    const before = await dump(app)
    const error = await refused(
      app,
      'project.create',
      projectInput(b, { code: 'XM-103', leaderFrom: '2026-11-22' }),
      'RULE',
    )
    expect(error.message).toContain('「包联起始日期」不能晚于今天')
    expect(await dump(app)).toEqual(before)
  })
})

describe('删除演示数据', () => {
  it('refuses when there is no demo data, making no backup and changing nothing', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    await app.call('project.create', projectInput(b))
    const before = await dump(app)
    expect((await refused(app, 'demo.remove', {}, 'RULE')).message).toContain('没有演示数据')
    expect(await dump(app)).toEqual(before)
    expect((await app.call('backup.list', {})).backups).toEqual([])
  })

  it('removes the whole demo district after a backup, keeping the office settings, lists and templates', async () => {
    const app = await newApp()
    const fresh = await dump(app)
    await app.call('demo.load', { projects: 12 })
    await app.call('ranking.freeze', { period: '2026-10' })
    const result = await app.call('demo.remove', {})
    expect(result).toMatchObject({ projects: 12, leaders: 26, frozenMonths: ['2026-10'], kept: [] })
    expect(result.people).toBeGreaterThan(0)
    expect(result.dictItems).toBe(12 + 15) // the demo's townships and units
    // The backup holds the demo: restoring it undoes the removal (a .db copy, or a server's .dump).
    const [backup] = (await app.call('backup.list', {})).backups
    expect(backup!.name).toBe(result.backup)
    expect(fs.existsSync(backup!.path)).toBe(true)

    const after = await dump(app)
    for (const table of [
      'projects',
      'leaders',
      'people',
      'leader_assignments',
      'task_forces',
      'task_force_members',
      'plans',
      'milestones',
      'annual_plans',
      'stage_moves',
      'monthly_reports',
      'problems',
      'frozen_periods',
      'ranking_snapshots',
      'breakdown_snapshots',
      'listing_changes',
    ])
      expect(after[table], table).toEqual([])
    // What the office had before the demo is all there: lists, templates, rules, the operator.
    expect(after.dict_items).toEqual(fresh.dict_items)
    expect(after.milestone_templates).toEqual(fresh.milestone_templates)
    expect((after.settings as { key: string }[]).filter((s) => s.key !== 'database_id')).toEqual(fresh.settings)
    // The audit log keeps the office's own work (operator, freeze) and says what was removed.
    const log = byId(
      after.audit_log as { id: number; entity: string; action: string; operator: string; note: string }[],
    )
    expect(log.some((e) => e.operator === '演示数据')).toBe(false)
    expect(log.slice(0, fresh.audit_log!.length)).toEqual(byId(fresh.audit_log))
    expect(log.slice(fresh.audit_log!.length).map((e) => `${e.entity}.${e.action}`)).toEqual([
      'period.freeze',
      'database.delete',
    ])
    expect(log.at(-1)!.note).toContain('删除演示数据：12个项目、26名领导')
    expect(log.at(-1)!.note).toContain(result.backup)
    expect(log.at(-1)!.operator).toBe('王测试')
    // The guards are back, and the database is whole: the demo can be loaded again.
    expect(await app.deps.store.integrityCheck()).toMatchObject({ ok: true })
    const guards = [
      'audit_log_append_only_delete',
      'leader_assignments_keep',
      'listing_changes_keep',
      'plans_keep',
      'projects_keep',
      'task_forces_keep',
      'instructions_keep',
    ]
    if (TEST_STORE === 'sqlite') {
      // SQLite drops them and makes them again from their SQL; no foreign key was broken meanwhile.
      expect(await raw(app, 'PRAGMA foreign_key_check')).toEqual([])
      expect(await raw(app, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }])
      const triggers = await raw<{ name: string }>(app, `SELECT name FROM sqlite_master WHERE type = 'trigger'`)
      expect(triggers.map((t) => t.name)).toEqual(expect.arrayContaining(guards))
    } else {
      // PostgreSQL disables and enables them again: each one is there and enabled, and no trigger of the
      // database (the foreign keys' own included) was left disabled.
      const enabled = await raw<{ name: string }>(
        app,
        `SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'O' ORDER BY tgname`,
      )
      expect(enabled.map((t) => t.name)).toEqual(expect.arrayContaining(guards))
      expect(await rawNumber(app, `SELECT count(*) AS n FROM pg_trigger WHERE tgenabled = 'D'`)).toBe(0)
    }
    await expect(raw(app, 'DELETE FROM audit_log')).rejects.toThrow(/变更记录不能删除/)
    expect((await app.call('demo.load', { projects: 3 })).projects).toBe(3)
    // …and each guard refuses again, on the new demo's rows.
    await expect(raw(app, 'DELETE FROM projects')).rejects.toThrow(/不能删除/)
    await expect(raw(app, 'DELETE FROM task_forces')).rejects.toThrow(/必须有一个专班/)
    await expect(raw(app, 'DELETE FROM plans')).rejects.toThrow(/必须有一套方案/)
    await expect(raw(app, 'DELETE FROM leader_assignments')).rejects.toThrow(/不能删除/)
  })

  it("removes only the demo's rows: the office's project stays whole, with the demo township and leader it uses", async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 12 })
    const township = (await app.call('dict.list', { kind: 'township' }))[0]!
    const unit = await app.call('dict.create', { kind: 'unit', name: '本单位录入的局' })
    const demoLeader = (await app.call('leader.list', {}))[3]!
    const ownLeader = await app.call('leader.create', { name: '本县领导', title: '副县长', sortOrder: 999 })
    const own = await app.call(
      'project.create',
      ownProjectInput({ townshipId: township.id, leaderId: demoLeader.id, leadUnitId: unit.id }),
    )
    await app.call('project.reassignLeader', {
      projectId: own.project.id,
      version: own.project.version,
      leaderId: ownLeader.id,
      fromDate: '2026-11-01',
      note: '',
    })
    await app.call('report.save', { projectId: own.project.id, period: '2026-10', investment: 500 })
    const ownRows = async (a: App) => {
      const rows: Record<string, unknown[]> = {}
      for (const t of ['projects', 'leader_assignments', 'task_forces', 'plans', 'monthly_reports'])
        rows[t] = await raw(
          a,
          `SELECT * FROM ${t} WHERE ${t === 'projects' ? 'id' : 'project_id'} = ? ORDER BY id`,
          own.project.id,
        )
      return rows
    }
    const ownAudit = (a: App) => raw(a, `SELECT * FROM audit_log WHERE operator = '王测试' ORDER BY id`)
    const before = { rows: await ownRows(app), audit: await ownAudit(app) }

    const result = await app.call('demo.remove', {})
    expect(result.projects).toBe(12)
    expect(result.leaders).toBe(25)
    expect(result.kept).toEqual([`领导「${demoLeader.name}」`, `乡镇/街道「${township.name}」`])
    expect(await ownRows(app)).toEqual({
      ...before.rows,
      projects: before.rows.projects!.map((p) => ({ ...(p as object), demo: 0 })),
    })
    expect((await ownAudit(app)).slice(0, before.audit.length)).toEqual(before.audit)
    expect((await app.call('project.list', {})).map((p) => p.code)).toEqual(['OWN-1'])
    expect((await app.call('leader.list', {})).map((l) => l.name).sort()).toEqual([demoLeader.name, '本县领导'].sort())
    expect((await app.call('dict.list', { kind: 'township' })).map((t) => t.name)).toEqual([township.name])
    expect((await app.call('dict.list', { kind: 'unit' })).map((t) => t.name)).toEqual(['本单位录入的局'])
    // Kept rows are the office's now: a second removal finds nothing to remove.
    await refused(app, 'demo.remove', {}, 'RULE')
  })

  it("refuses when a frozen month ranks demo projects and the office's own together (unfreeze it first)", async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 5 })
    const township = (await app.call('dict.list', { kind: 'township' }))[0]!
    const unit = (await app.call('dict.list', { kind: 'unit' }))[0]!
    const leader = (await app.call('leader.list', {}))[0]!
    await app.call(
      'project.create',
      ownProjectInput({ townshipId: township.id, leaderId: leader.id, leadUnitId: unit.id }),
    )
    await app.call('ranking.freeze', { period: '2026-10' })
    const before = await dump(app)
    const error = await refused(app, 'demo.remove', {}, 'RULE')
    expect(error.message).toContain('2026年10月已封账')
    expect(error.message).toContain('解除该月封账')
    expect(await dump(app)).toEqual(before)
    await app.call('ranking.unfreeze', { period: '2026-10', reason: '删除演示数据' })
    expect((await app.call('demo.remove', {})).projects).toBe(5)
    expect((await app.call('project.list', {})).map((p) => p.code)).toEqual(['OWN-1'])
  })

  it('finds the demo in a database of an earlier version (marked on upgrade) and removes it', async () => {
    const file = path.join(tempDir(), 'office-v5.db')
    fs.copyFileSync(path.resolve('tests/fixtures/schema/v5.db'), file)
    const app = await newApp(file)
    expect(await count(app, 'SELECT count(*) AS n FROM projects WHERE demo = 1')).toBe(20)
    expect(await count(app, 'SELECT count(*) AS n FROM leaders WHERE demo = 0')).toBe(0)
    expect(
      await count(app, `SELECT count(*) AS n FROM dict_items WHERE demo = 1 AND kind NOT IN ('township', 'unit')`),
    ).toBe(0)
    const result = await app.call('demo.remove', {})
    expect(result).toMatchObject({ projects: 20, frozenMonths: ['2026-10'], kept: [] })
    for (const table of ['projects', 'leaders', 'people', 'milestones', 'monthly_reports', 'problems'])
      expect(await count(app, `SELECT count(*) AS n FROM ${table}`), table).toBe(0)
    expect(await count(app, `SELECT count(*) AS n FROM dict_items WHERE kind IN ('township', 'unit')`)).toBe(0)
    expect(await count(app, `SELECT count(*) AS n FROM dict_items WHERE kind = 'category'`)).toBe(4)
  })
})
