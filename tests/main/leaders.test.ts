import { describe, expect, it } from 'vitest'
import { dump, newApp, projectInput, refused, seedBasics } from '../helpers/app'

describe('leaders (包联领导)', () => {
  it('lists in official order (排序号), never alphabetically, with their current project count', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    await app.call('leader.create', { name: '阿大', title: '区长', sortOrder: 1 })
    await app.call('project.create', projectInput(b))
    const list = await app.call('leader.list', {})
    expect(list.map((l) => [l.name, l.sortOrder])).toEqual([
      ['阿大', 1],
      ['钱二和', 5],
      ['赵一平', 10],
    ])
    expect(list.find((l) => l.id === b.leaderId)!.projectCount).toBe(1)
  })

  it('counts only the projects on the key-project list: one 调出 is not counted, and is again after 恢复', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    await app.call('project.create', projectInput(b))
    const other = await app.call('project.create', projectInput(b, { code: 'XM-002', name: '城东物流园' }))
    const count = async () => (await app.call('leader.list', {})).find((l) => l.id === b.leaderId)!.projectCount
    expect(await count()).toBe(2)
    const removed = await app.call('project.remove', {
      id: other.project.id,
      version: other.project.version,
      date: '2026-10-15',
      reason: '项目业主变更，不再列为重点项目',
    })
    expect(await count()).toBe(1)
    expect(
      (await app.call('leader.list', { includeInactive: true })).find((l) => l.id === b.leaderId)!.projectCount,
    ).toBe(1)
    await app.call('project.restore', {
      id: other.project.id,
      version: removed.project.version,
      date: '2026-11-01',
      reason: '重新列为重点项目',
    })
    expect(await count()).toBe(2)
  })

  it('still refuses to deactivate a leader whose only current project was 调出 (it may come back), saying so', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { project } = await app.call('project.create', projectInput(b))
    await app.call('project.remove', { id: project.id, version: project.version, date: '2026-10-15', reason: '调整' })
    const leader = (await app.call('leader.list', {})).find((l) => l.id === b.leaderId)!
    expect(leader.projectCount).toBe(0)
    const before = await dump(app)
    const error = await refused(app, 'leader.update', { id: leader.id, version: leader.version, active: false }, 'RULE')
    expect(error.message).toContain('目前包联1个项目（其中1个已调出或归档），不能停用')
    expect(await dump(app)).toEqual(before)
  })

  it('refuses to delete a leader who has (or had) projects, and leaves the database as it was', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const { project } = await app.call('project.create', projectInput(b))
    await app.call('project.reassignLeader', {
      projectId: project.id,
      version: 1,
      leaderId: b.leader2Id,
      fromDate: '2026-06-01',
      note: '',
    })
    const before = await dump(app)
    const [first] = (await app.call('leader.list', {})).filter((l) => l.id === b.leaderId)
    // The first leader no longer owns the project, but the history must survive: deactivate, do not delete.
    const error = await refused(app, 'leader.delete', { id: b.leaderId, version: first!.version }, 'RULE')
    expect(error.message).toContain('改为停用')
    expect(await dump(app)).toEqual(before)
    const off = await app.call('leader.update', { id: b.leaderId, version: first!.version, active: false })
    expect(off.active).toBe(false)
    expect((await app.call('leader.list', {})).map((l) => l.id)).not.toContain(b.leaderId)
    expect((await app.call('leader.list', { includeInactive: true })).map((l) => l.id)).toContain(b.leaderId)
  })

  it('refuses to deactivate a leader who currently owns projects', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    await app.call('project.create', projectInput(b))
    const before = await dump(app)
    const error = await refused(app, 'leader.update', { id: b.leaderId, version: 1, active: false }, 'RULE')
    expect(error.message).toContain('请先为这些项目调整包联领导')
    expect(await dump(app)).toEqual(before)
  })

  it('deletes a leader entered by mistake, with an audit row', async () => {
    const app = await newApp()
    await seedBasics(app)
    const mistake = await app.call('leader.create', { name: '错录', title: '副区长', sortOrder: 99 })
    await app.call('leader.delete', { id: mistake.id, version: mistake.version })
    expect((await app.call('leader.list', { includeInactive: true })).map((l) => l.name)).not.toContain('错录')
    const log = await app.call('audit.list', { entity: 'leader' })
    expect(log[0]).toMatchObject({ action: 'delete', oldValue: '错录（副区长）', newValue: null })
  })

  it('updates with a version; a stale one is refused', async () => {
    const app = await newApp()
    const b = await seedBasics(app)
    const updated = await app.call('leader.update', {
      id: b.leaderId,
      version: 1,
      title: '区委常委、副区长',
      phone: '0358-1234567',
    })
    expect(updated).toMatchObject({ title: '区委常委、副区长', phone: '0358-1234567', version: 2 })
    const before = await dump(app)
    await refused(app, 'leader.update', { id: b.leaderId, version: 1, title: '区长' }, 'CONFLICT')
    await refused(app, 'leader.update', { id: 404, version: 1, title: '区长' }, 'NOT_FOUND')
    expect(await dump(app)).toEqual(before)
    const log = await app.call('audit.list', { entity: 'leader' })
    expect(
      log
        .filter((e) => e.action === 'update')
        .map((e) => e.field)
        .sort(),
    ).toEqual(['phone', 'title'])
  })

  it('keeps fields that an update does not send', async () => {
    const app = await newApp()
    const created = await app.call('leader.create', {
      name: '孙三',
      title: '副区长',
      unit: '区政府',
      phone: '13800000000',
      sortOrder: 3,
    })
    const updated = await app.call('leader.update', { id: created.id, version: created.version, sortOrder: 4 })
    expect(updated).toMatchObject({ unit: '区政府', phone: '13800000000', sortOrder: 4 })
  })
})
