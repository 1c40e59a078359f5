/** overview.setup: what a new installation already has, for the 总览's 从这里开始 steps. */
import { describe, expect, it } from 'vitest'
import { dump, newApp, projectInput, refused, seedBasics } from '../helpers/app'

describe('overview.setup', () => {
  it('counts nothing on a new database and ticks each step as its data arrives', async () => {
    const app = await newApp()
    expect(await app.call('overview.setup', {})).toEqual({
      accounts: 0,
      townships: 0,
      units: 0,
      leaders: 0,
      projects: 0,
      reports: 0,
    })
    const b = await seedBasics(app)
    await app.call('auth.setup', { login: 'admin', name: '王测试', unit: '区重点项目办', password: 'Zb#20261121' })
    expect(await app.call('overview.setup', {})).toEqual({
      accounts: 1,
      townships: 2,
      units: 2,
      leaders: 2,
      projects: 0,
      reports: 0,
    })
    const p = await app.call('project.create', projectInput(b))
    await app.call('report.save', { projectId: p.project.id, period: '2026-10', investment: 12_00, narrative: '' })
    expect(await app.call('overview.setup', {})).toMatchObject({ projects: 1, reports: 1 })
  })

  it('counts only active townships, units and leaders (a stopped one is no longer there to pick)', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    await app.call('dict.update', { id: b.township2Id, version: 1, active: false })
    const free = await app.call('leader.create', { name: '孙三立', title: '副区长', sortOrder: 20 })
    await app.call('leader.update', { id: free.id, version: free.version, active: false })
    expect(await app.call('overview.setup', {})).toMatchObject({ townships: 1, units: 2, leaders: 2 })
  })

  it('refuses input it does not take and changes nothing', async () => {
    const app = await newApp()
    await seedBasics(app)
    const before = await dump(app)
    const error = await refused(app, 'overview.setup', { projects: 1 }, 'INVALID_INPUT')
    expect(error.message).toContain('输入有误')
    expect(await dump(app)).toEqual(before)
  })
})
