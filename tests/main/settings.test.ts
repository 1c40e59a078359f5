import { describe, expect, it } from 'vitest'
import { LOCAL } from '../../src/main/app'
import { DEFAULT_RULES } from '../../src/shared/domain'
import { dump, newApp, raw, refused } from '../helpers/app'
import { loginAs } from '../helpers/accounts'

describe('settings, lists and templates', () => {
  it('starts with the docs/rules.md defaults', async () => {
    const app = await newApp()
    const settings = await app.call('settings.get', {})
    expect(settings).toEqual({ rules: DEFAULT_RULES, rulesVersion: 1 })
    expect((await app.call('dict.list', { kind: 'industry_tag' })).map((d) => d.name)).toEqual([
      '新能源',
      '新装备',
      '新材料',
      '大健康',
      '大农特',
      '大商贸',
      '大文旅',
      '大数据',
    ])
    expect((await app.call('dict.list', { kind: 'problem_category' })).map((d) => d.name)).toContain('水电路讯')
  })

  it('records who made each change: the logged-in account, or the command line under its name', async () => {
    const app = await newApp()
    await app.call('leader.create', { name: '甲', title: '副区长', sortOrder: 1 })
    const office = await loginAs(app, 'lbs', { name: '李办事', unit: '区发改局', roles: ['office'] })
    await app.call('leader.create', { name: '乙', title: '副区长', sortOrder: 2 }, office.from)
    const log = await app.call('audit.list', { entity: 'leader' })
    expect(log.at(-1)).toMatchObject({ operator: '王测试', operatorUnit: '区重点项目办' })
    expect(log[0]).toMatchObject({ operator: '李办事', operatorUnit: '区发改局' })
    const rows = await raw(app, `SELECT user_id FROM audit_log WHERE entity = 'leader' ORDER BY id`)
    expect(rows.at(0)).toEqual({ user_id: null })
    expect(rows.at(-1)).toEqual({ user_id: office.userId })
  })

  it('updates thresholds and weights with validation and a version, audited', async () => {
    const app = await newApp()
    const rules = {
      thresholds: { redOverdueDays: 20, upcomingDays: 5, redInvestmentPercent: 40, yellowInvestmentPercent: 70 },
      weights: { milestones: 40, investment: 40, problems: 20 },
    }
    const updated = await app.call('settings.updateRules', { version: 1, ...rules })
    expect(updated.rules).toEqual(rules)
    expect(updated.rulesVersion).toBe(2)
    const before = await dump(app)
    await refused(app, 'settings.updateRules', { version: 1, ...rules }, 'CONFLICT')
    await refused(
      app,
      'settings.updateRules',
      { version: 2, ...rules, weights: { milestones: 40, investment: 40, problems: 40 } },
      'INVALID_INPUT',
    )
    await refused(
      app,
      'settings.updateRules',
      { version: 2, ...rules, thresholds: { ...rules.thresholds, redOverdueDays: 0 } },
      'INVALID_INPUT',
    )
    expect(await dump(app)).toEqual(before)
    const log = await app.call('audit.list', { entity: 'setting' })
    expect(log.map((e) => [e.field, e.oldValue, e.newValue])).toEqual(
      expect.arrayContaining([
        ['redOverdueDays', '30', '20'],
        ['milestonesWeight', '50', '40'],
      ]),
    )
  })

  it('adds, renames, reorders and deactivates list items; refuses duplicates', async () => {
    const app = await newApp()
    const item = await app.call('dict.create', { kind: 'township', name: '城东街道' })
    await app.call('dict.create', { kind: 'township', name: '吴桥镇' })
    const before = await dump(app)
    expect((await refused(app, 'dict.create', { kind: 'township', name: '城东街道' }, 'DUPLICATE')).message).toContain(
      '乡镇/街道「城东街道」已存在',
    )
    await refused(app, 'dict.update', { id: item.id, version: 1, name: '吴桥镇' }, 'DUPLICATE')
    await refused(app, 'dict.create', { kind: 'county', name: 'x' }, 'INVALID_INPUT')
    expect(await dump(app)).toEqual(before)
    // The same name in another kind is fine.
    expect((await app.invoke('dict.create', { kind: 'unit', name: '城东街道' }, LOCAL)).ok).toBe(true)
    const renamed = await app.call('dict.update', { id: item.id, version: 1, name: '城东街道办', sortOrder: 99 })
    const off = await app.call('dict.update', { id: item.id, version: renamed.version, active: false })
    expect(off).toMatchObject({ name: '城东街道办', sortOrder: 99, active: false, version: 3 })
    expect((await app.call('dict.list', { kind: 'township' })).map((d) => d.name)).toEqual(['吴桥镇'])
    expect((await app.call('dict.list', { kind: 'township', includeInactive: true })).map((d) => d.name)).toEqual([
      '吴桥镇',
      '城东街道办',
    ])
  })

  it('creates and edits milestone templates', async () => {
    const app = await newApp()
    const t = await app.call('template.create', {
      name: '基础设施节点',
      items: [
        { name: '立项', share: 0 },
        { name: '完工', share: 100, weight: 3 },
      ],
    })
    expect(t.items).toEqual([
      { name: '立项', weight: 1, share: 0 },
      { name: '完工', weight: 3, share: 100 },
    ])
    await refused(app, 'template.create', { name: '基础设施节点', items: [{ name: 'x', share: 1 }] }, 'DUPLICATE')
    await refused(app, 'template.create', { name: '空模板', items: [] }, 'INVALID_INPUT')
    await refused(app, 'template.create', { name: '越界', items: [{ name: 'x', share: 101 }] }, 'INVALID_INPUT')
    const edited = await app.call('template.update', { id: t.id, version: 1, name: '基础设施标准节点' })
    expect(edited).toMatchObject({ name: '基础设施标准节点', items: t.items, version: 2 })
    expect((await app.call('template.list', {})).map((x) => x.name)).toEqual(['产业项目标准节点', '基础设施标准节点'])
  })
})
