/**
 * The JSON columns are read through src/main/db/json.ts: a value that is valid JSON but not of the shape the
 * program writes (both stores only promise JSON: json_valid, the json type) is refused as DB_DAMAGED with a
 * Chinese message naming the record — never INTERNAL from a crash deeper in, never a screen built from it.
 * Values written with raw(), on either store.
 */
import { describe, expect, it } from 'vitest'
import type { App } from '../../src/main/app'
import { DEFAULT_SECURITY_POLICY } from '../../src/shared/accounts'
import { newApp, projectInput, raw, refused, seedBasics } from '../helpers/app'

/** A project with something to rank in October 2026, and October frozen. */
async function frozenOctober(app: App) {
  const b = await seedBasics(app)
  const detail = await app.call('project.create', projectInput(b))
  const projectId = detail.project.id
  const m = await app.call('milestone.create', { planId: detail.plan.id, name: '立项', plannedDate: '2026-03-01' })
  await app.call('milestone.complete', { id: m.id, version: 1, actualDate: '2026-02-20' })
  await app.call('ranking.freeze', { period: '2026-10' })
  return { b, projectId, planId: detail.plan.id, leaderId: b.leaderId }
}

/** Refused as DB_DAMAGED; the message says 已损坏, names the record and the column. */
async function damaged(app: App, name: string, input: unknown, record: string, column: string) {
  const error = await refused(app, name, input, 'DB_DAMAGED')
  expect(error.message).toContain('已损坏')
  expect(error.message).toContain(record)
  expect(error.message).toContain(column)
  return error
}

describe('a JSON column of the wrong shape is a damaged record, in Chinese', () => {
  it('settings.value of the rules: every call that scores or lights refuses, naming 「计分规则」设置', async () => {
    const app = await newApp()
    await frozenOctober(app)
    await app.call('settings.get', {})
    await app.call('ranking.projects', { period: '2026-11' })
    await raw(app, `UPDATE settings SET value = ? WHERE key = 'rules'`, '{"thresholds": {}, "weights": {}}')
    for (const [name, input] of [
      ['settings.get', {}],
      ['ranking.projects', { period: '2026-11' }],
      ['lights.get', { date: '2026-11-21', projectIds: [1] }],
      ['kanban.cards', {}],
    ] as const)
      await damaged(app, name, input, '「计分规则」设置', 'settings.value')
    // Numbers of the wrong type or range are damage too: the ranking computes with them.
    await raw(
      app,
      `UPDATE settings SET value = ? WHERE key = 'rules'`,
      JSON.stringify({
        thresholds: { redOverdueDays: '30', upcomingDays: 7, redInvestmentPercent: 50, yellowInvestmentPercent: 80 },
        weights: { milestones: 50, investment: 30, problems: 20 },
      }),
    )
    const error = await damaged(app, 'settings.get', {}, '「计分规则」设置', 'settings.value')
    expect(error.message).toContain('thresholds.redOverdueDays')
  })

  it('settings.value of the 排名通报 settings', async () => {
    const app = await newApp()
    const saved = await app.call('settings.updateReport', {
      version: 1,
      issuer: '某某县重点项目建设指挥部办公室',
      level: '县',
      docNumber: '〔2026〕12号',
      date: '',
      remarks: '',
    })
    expect(await app.call('settings.report', {})).toEqual(saved)
    await raw(app, `UPDATE settings SET value = ? WHERE key = 'report'`, '{"issuer": "某办", "level": "省"}')
    await damaged(app, 'settings.report', {}, '「排名通报」设置', 'settings.value')
    await raw(app, `UPDATE settings SET value = ? WHERE key = 'report'`, '"某某县重点项目建设指挥部办公室"')
    await damaged(app, 'settings.report', {}, '「排名通报」设置', 'settings.value')
  })

  it('settings.value of the security policy is the exception: never refused, each bad setting takes its default', async () => {
    // Read at every call and at login: refusing it would lock everyone out, the administrator included.
    const app = await newApp()
    const { version } = await app.call('security.policy', {})
    await app.call('security.updatePolicy', {
      version,
      lockThreshold: 7,
      lockMinutes: 20,
      idleMinutes: 45,
      passwordMaxAgeDays: 0,
      separateAdmin: false,
    })
    await raw(
      app,
      `UPDATE settings SET value = ? WHERE key = 'security'`,
      '{"lockThreshold": "7", "idleMinutes": 45, "separateAdmin": 1}',
    )
    expect((await app.call('security.policy', {})).policy).toEqual({ ...DEFAULT_SECURITY_POLICY, idleMinutes: 45 })
    await raw(app, `UPDATE settings SET value = ? WHERE key = 'security'`, '[1, 2]')
    expect((await app.call('security.policy', {})).policy).toEqual(DEFAULT_SECURITY_POLICY)
    // Still usable: the next save replaces the value.
    const again = await app.call('security.policy', {})
    const fixed = await app.call('security.updatePolicy', {
      version: again.version,
      ...DEFAULT_SECURITY_POLICY,
      lockThreshold: 6,
    })
    expect(fixed.policy.lockThreshold).toBe(6)
  })

  it('milestone_templates.items: the list and applying it refuse, naming the template', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const detail = await app.call('project.create', projectInput(b))
    const [template] = await app.call('template.list', {})
    expect(template!.items.length).toBeGreaterThan(0)
    await raw(
      app,
      'UPDATE milestone_templates SET items = ? WHERE id = ?',
      '[{"name": "立项", "weight": "1", "share": 0}]',
      template!.id,
    )
    const record = `节点模板「${template!.name}」`
    await damaged(app, 'template.list', {}, record, 'milestone_templates.items')
    await damaged(
      app,
      'milestone.createFromTemplate',
      { planId: detail.plan.id, templateId: template!.id, startDate: '2026-03-01', endDate: '2027-06-30' },
      record,
      'milestone_templates.items',
    )
    expect((await app.call('project.get', { id: detail.project.id })).plan.milestones).toEqual([])
    await raw(app, 'UPDATE milestone_templates SET items = ? WHERE id = ?', '{"items": []}', template!.id)
    await damaged(app, 'template.list', {}, record, 'milestone_templates.items')
  })

  it('plans.service_content: the project page and the plan edit refuse, naming the project; nothing is written', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const detail = await app.call('project.create', projectInput(b, { serviceContent: ['approval'] }))
    const id = detail.project.id
    expect((await app.call('project.get', { id })).plan.serviceContent).toEqual(['approval'])
    await raw(app, 'UPDATE plans SET service_content = ? WHERE id = ?', '["approval", "审批"]', detail.plan.id)
    const record = `项目（编号 ${id}）方案的「服务内容」`
    await damaged(app, 'project.get', { id }, record, 'plans.service_content')
    await damaged(
      app,
      'plan.update',
      { id: detail.plan.id, version: detail.plan.version, goals: '新的目标' },
      record,
      'plans.service_content',
    )
    const [row] = await raw<{ goals: string; version: number }>(
      app,
      'SELECT goals, version FROM plans WHERE id = ?',
      detail.plan.id,
    )
    expect(row).toEqual({ goals: detail.plan.goals, version: detail.plan.version })
    await raw(app, 'UPDATE plans SET service_content = ? WHERE id = ?', '{"0": "approval"}', detail.plan.id)
    await damaged(app, 'project.get', { id }, record, 'plans.service_content')
  })

  it('frozen_periods.rules: the frozen month refuses, naming the month', async () => {
    const app = await newApp()
    await frozenOctober(app)
    await raw(app, `UPDATE frozen_periods SET rules = ? WHERE period = '2026-10'`, '{}')
    for (const [name, input] of [
      ['ranking.projects', { period: '2026-10' }],
      ['ranking.groups', { period: '2026-10', by: 'leader' }],
    ] as const)
      await damaged(app, name, input, '2026年10月封账时的计分规则', 'frozen_periods.rules')
    // Another month does not read it.
    expect((await app.call('ranking.projects', { period: '2026-09' })).frozen).toBe(false)
  })

  it('ranking_snapshots.row: a project row and a group row refuse, naming the month, the ranking and the row', async () => {
    const app = await newApp()
    const { projectId } = await frozenOctober(app)
    await raw(
      app,
      `UPDATE ranking_snapshots SET "row" = ? WHERE period = '2026-10' AND kind = 'project' AND "key" = ?`,
      JSON.stringify({ projectId, code: 'XM-001', name: '项目', stage: 'planning' }),
      projectId,
    )
    await damaged(
      app,
      'ranking.projects',
      { period: '2026-10' },
      `2026年10月封账的项目排名中编号 ${projectId} 的一行`,
      'ranking_snapshots.row',
    )
    // The 总览's best and worst of the report month (October on 2026-11-21) read the same rows.
    await damaged(app, 'overview.ranking', {}, `编号 ${projectId} 的一行`, 'ranking_snapshots.row')
    // A month is read whole (all four groupings at once, versioned-cache.ts): its group rankings refuse too.
    await damaged(
      app,
      'ranking.groups',
      { period: '2026-10', by: 'leader' },
      `编号 ${projectId} 的一行`,
      'ranking_snapshots.row',
    )
    // A damaged group row alone refuses the month, naming that row.
    const other = await newApp()
    const october = await frozenOctober(other)
    await raw(
      other,
      `UPDATE ranking_snapshots SET "row" = ? WHERE period = '2026-10' AND kind = 'leader' AND "key" = ?`,
      '[1, 2, 3]',
      october.leaderId,
    )
    for (const [name, input] of [
      ['ranking.groups', { period: '2026-10', by: 'leader' }],
      ['ranking.projects', { period: '2026-10' }],
    ] as const)
      await damaged(
        other,
        name,
        input,
        `2026年10月封账的按包联领导排名中编号 ${october.leaderId} 的一行`,
        'ranking_snapshots.row',
      )
  })

  it('breakdown_snapshots.breakdown: the 计分明细 refuses, naming the month and the project', async () => {
    const app = await newApp()
    const { projectId } = await frozenOctober(app)
    const good = await app.call('ranking.breakdown', { projectId, period: '2026-10' })
    expect(good.frozen).toBe(true)
    await raw(
      app,
      `UPDATE breakdown_snapshots SET breakdown = ? WHERE period = '2026-10' AND project_id = ?`,
      JSON.stringify({ ...good, milestones: [{ ...good.milestones[0], credit: 2 }] }),
      projectId,
    )
    await damaged(
      app,
      'ranking.breakdown',
      { projectId, period: '2026-10' },
      `2026年10月封账时项目（编号 ${projectId}）的计分明细`,
      'breakdown_snapshots.breakdown',
    )
  })
})

describe('what the program wrote reads back as it was', () => {
  it('rows of months frozen before 计分依据 and 并列 existed (no basis, no tie) read unchanged', async () => {
    const app = await newApp()
    const { projectId } = await frozenOctober(app)
    const rows = await raw<{ kind: string; key: number; row: string }>(
      app,
      `SELECT kind, "key", "row" FROM ranking_snapshots WHERE period = '2026-10' ORDER BY kind, "key"`,
    )
    expect(rows.length).toBeGreaterThan(1)
    for (const r of rows) {
      const { basis: _basis, tie: _tie, ...old } = JSON.parse(r.row) as Record<string, unknown>
      await raw(
        app,
        `UPDATE ranking_snapshots SET "row" = ? WHERE period = '2026-10' AND kind = ? AND "key" = ?`,
        JSON.stringify({ ...old, kept: '旧版本的字段' }),
        r.kind,
        r.key,
      )
    }
    const october = await app.call('ranking.projects', { period: '2026-10' })
    const row = october.rows.find((r) => r.projectId === projectId)!
    expect(row).not.toHaveProperty('basis')
    expect(row).not.toHaveProperty('tie')
    // Keys the program does not know come back as they were (as JSON.parse gave them before).
    expect(row).toHaveProperty('kept', '旧版本的字段')
    for (const by of ['leader', 'township', 'unit'] as const)
      expect((await app.call('ranking.groups', { period: '2026-10', by })).rows.length).toBeGreaterThan(0)
  })
})
