import { describe, expect, it } from 'vitest'
import { dump, newApp, projectInput, refused, seedBasics } from '../helpers/app'

async function setup() {
  const app = await newApp()
  const b = await seedBasics(app)
  const detail = await app.call('project.create', projectInput(b))
  return { app, b, tf: detail.taskForce }
}

describe('task forces (专班)', () => {
  it('adds a new person as 专班长 and an existing person to a second task force', async () => {
    const { app, b, tf } = await setup()
    const head = await app.call('taskForce.addMember', {
      taskForceId: tf.id,
      person: { name: '孙立新', unit: '区发改局', phone: '13900000001' },
      role: 'head',
      duty: '统筹协调',
    })
    expect(head).toMatchObject({ role: 'head', duty: '统筹协调', person: { name: '孙立新', unit: '区发改局' } })
    const other = await app.call('project.create', projectInput(b, { code: 'XM-002', name: '第二个项目' }))
    const again = await app.call('taskForce.addMember', {
      taskForceId: other.taskForce.id,
      personId: head.person.id,
      role: 'member',
    })
    expect(again.person.id).toBe(head.person.id)
    expect((await app.call('person.list', { text: '孙' })).map((p) => p.name)).toEqual(['孙立新'])
    const detail = await app.call('project.get', { id: other.project.id })
    expect(detail.taskForce.members.map((m) => m.person.name)).toEqual(['孙立新'])
  })

  it('allows only one 专班长 per task force', async () => {
    const { app, tf } = await setup()
    await app.call('taskForce.addMember', {
      taskForceId: tf.id,
      person: { name: '甲', unit: '区发改局' },
      role: 'head',
    })
    const liaison = await app.call('taskForce.addMember', {
      taskForceId: tf.id,
      person: { name: '乙', unit: '区发改局' },
      role: 'liaison',
    })
    const before = await dump(app)
    const error = await refused(
      app,
      'taskForce.addMember',
      { taskForceId: tf.id, person: { name: '丙', unit: '区工信局' }, role: 'head' },
      'RULE',
    )
    expect(error.message).toContain('已有专班长「甲」')
    await refused(app, 'taskForce.updateMember', { id: liaison.id, version: liaison.version, role: 'head' }, 'RULE')
    expect(await dump(app)).toEqual(before)
  })

  it('refuses the same person twice, neither or both of person and personId, and unknown ids', async () => {
    const { app, tf } = await setup()
    const m = await app.call('taskForce.addMember', {
      taskForceId: tf.id,
      person: { name: '甲', unit: '区发改局' },
      role: 'member',
    })
    const before = await dump(app)
    await refused(
      app,
      'taskForce.addMember',
      { taskForceId: tf.id, personId: m.person.id, role: 'member' },
      'DUPLICATE',
    )
    await refused(app, 'taskForce.addMember', { taskForceId: tf.id, role: 'member' }, 'INVALID_INPUT')
    await refused(
      app,
      'taskForce.addMember',
      { taskForceId: tf.id, personId: m.person.id, person: { name: '乙', unit: '某局' }, role: 'member' },
      'INVALID_INPUT',
    )
    await refused(app, 'taskForce.addMember', { taskForceId: tf.id, personId: 999, role: 'member' }, 'NOT_FOUND')
    await refused(
      app,
      'taskForce.addMember',
      { taskForceId: 999, person: { name: '乙', unit: '某局' }, role: 'member' },
      'NOT_FOUND',
    )
    expect(await dump(app)).toEqual(before)
  })

  it('changes the lead unit, updates and removes members, each audited', async () => {
    const { app, b, tf } = await setup()
    const updated = await app.call('taskForce.update', { id: tf.id, version: tf.version, leadUnitId: b.unit2Id })
    expect(updated.leadUnit.name).toBe('区工信局')
    const m = await app.call('taskForce.addMember', {
      taskForceId: tf.id,
      person: { name: '甲', unit: '区发改局' },
      role: 'member',
    })
    const changed = await app.call('taskForce.updateMember', {
      id: m.id,
      version: m.version,
      role: 'liaison',
      duty: '信息报送',
    })
    expect(changed).toMatchObject({ role: 'liaison', duty: '信息报送', version: 2 })
    await refused(app, 'taskForce.removeMember', { id: m.id, version: 1 }, 'CONFLICT')
    await app.call('taskForce.removeMember', { id: m.id, version: 2 })
    const log = await app.call('audit.list', { projectId: tf.projectId })
    expect(log.map((e) => `${e.entity}:${e.action}:${e.field}`)).toEqual(
      expect.arrayContaining([
        'task_force:update:leadUnit',
        'member:create:member',
        'member:update:role',
        'member:update:duty',
        'member:delete:member',
      ]),
    )
    expect(log.find((e) => e.action === 'delete')!.oldValue).toBe('甲（区发改局，联络员）')
  })

  it('updates a person with a version', async () => {
    const { app, tf } = await setup()
    const m = await app.call('taskForce.addMember', {
      taskForceId: tf.id,
      person: { name: '甲', unit: '区发改局' },
      role: 'member',
    })
    const p = await app.call('person.update', { id: m.person.id, version: 1, phone: '13700000000' })
    expect(p).toMatchObject({ name: '甲', unit: '区发改局', phone: '13700000000', version: 2 })
    await refused(app, 'person.update', { id: m.person.id, version: 1, phone: '1' }, 'INVALID_INPUT')
    await refused(app, 'person.update', { id: m.person.id, version: 1, phone: '13700000001' }, 'CONFLICT')
  })
})
