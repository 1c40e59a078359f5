/**
 * 专班通讯录 (issue 16): every project's task-force members with unit, role, duty and phone, as a contract
 * call and as an Excel export; phones saved before the phone rule still load, display and export as they were.
 */
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { dump, newApp, projectInput, raw, refused, seedBasics } from '../helpers/app'

async function workbookOf(base64: string) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer)
  return wb
}

async function setup() {
  const app = await newApp()
  const b = await seedBasics(app)
  const two = await app.call('project.create', projectInput(b, { code: 'XM-002', name: '城东物流园' }))
  const one = await app.call('project.create', projectInput(b))
  await app.call('project.reassignLeader', {
    projectId: two.project.id,
    version: two.project.version,
    leaderId: b.leader2Id,
    fromDate: '2026-06-01',
    note: '',
  })
  const member = await app.call('taskForce.addMember', {
    taskForceId: one.taskForce.id,
    person: { name: '李成员', unit: '区自然资源局', phone: '139 0000 0002' },
    role: 'member',
    duty: '用地报批',
  })
  const head = await app.call('taskForce.addMember', {
    taskForceId: one.taskForce.id,
    person: { name: '孙立新', unit: '区发改局', phone: '（0358）1234567' },
    role: 'head',
    duty: '统筹协调',
  })
  await app.call('taskForce.addMember', {
    taskForceId: one.taskForce.id,
    person: { name: '周联络', unit: '区发改局', phone: '' },
    role: 'liaison',
  })
  // One person serves in two task forces: listed under each project.
  await app.call('taskForce.addMember', { taskForceId: two.taskForce.id, personId: head.person.id, role: 'head' })
  return { app, b, one, two, member, head }
}

describe('专班通讯录', () => {
  it('lists every member by project code, then 专班长, 联络员, 成员, with the current 包联领导 and phones normalised', async () => {
    const { app } = await setup()
    const contacts = await app.call('taskForce.contacts', {})
    expect(contacts.map((c) => [c.projectCode, c.leader, c.role, c.name, c.unit, c.duty, c.phone])).toEqual([
      ['XM-001', '赵一平', 'head', '孙立新', '区发改局', '统筹协调', '0358-1234567'],
      ['XM-001', '赵一平', 'liaison', '周联络', '区发改局', '', ''],
      ['XM-001', '赵一平', 'member', '李成员', '区自然资源局', '用地报批', '13900000002'],
      ['XM-002', '钱二和', 'head', '孙立新', '区发改局', '', '0358-1234567'],
    ])
  })

  it('exports it to Excel: title, the columns asked for, phones as text, one row per member', async () => {
    const { app } = await setup()
    const file = await app.call('excel.export', { what: 'contacts' })
    expect(file.fileName).toBe('专班通讯录-2026-11-21.xlsx')
    const ws = (await workbookOf(file.base64)).worksheets[0]!
    expect(ws.name).toBe('专班通讯录')
    expect(String(ws.getCell('A1').value)).toBe('重点项目专班通讯录（导出日期：2026年11月21日）')
    expect(ws.getRow(2).values).toEqual([
      undefined,
      '序号',
      '项目编号',
      '项目名称',
      '包联领导',
      '专班职务',
      '姓名',
      '单位',
      '职务/分工',
      '电话',
    ])
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 })
    expect(ws.rowCount).toBe(2 + 4)
    expect(ws.getRow(3).values).toEqual([
      undefined,
      1,
      'XM-001',
      '城东年产10万吨新型建材项目',
      '赵一平',
      '专班长',
      '孙立新',
      '区发改局',
      '统筹协调',
      '0358-1234567',
    ])
    const mobile = ws.getCell('I5')
    expect(mobile.value).toBe('13900000002')
    expect(typeof mobile.value).toBe('string')
    expect(ws.getCell('E6').value).toBe('专班长')
    expect(ws.getCell('D6').value).toBe('钱二和')
  })

  it('lists only projects on the key-project list: one 调出 leaves it (call and Excel), and comes back with 恢复', async () => {
    const { app, two } = await setup()
    const current = await app.call('project.get', { id: two.project.id })
    const removed = await app.call('project.remove', {
      id: two.project.id,
      version: current.project.version,
      date: '2026-10-15',
      reason: '项目业主变更，不再列为重点项目',
    })
    const codes = async () => (await app.call('taskForce.contacts', {})).map((c) => c.projectCode)
    expect(await codes()).toEqual(['XM-001', 'XM-001', 'XM-001'])
    const ws = (await workbookOf((await app.call('excel.export', { what: 'contacts' })).base64)).worksheets[0]!
    expect(ws.rowCount).toBe(2 + 3)
    const exported = [3, 4, 5].map((r) => ws.getCell(`B${r}`).value)
    expect(exported).toEqual(['XM-001', 'XM-001', 'XM-001'])
    expect([3, 4, 5].map((r) => ws.getCell(`C${r}`).value)).not.toContain('城东物流园')
    // Its task force is kept, and is listed again once the project is back on the list.
    await app.call('project.restore', {
      id: two.project.id,
      version: removed.project.version,
      date: '2026-11-01',
      reason: '重新列为重点项目',
    })
    expect(await codes()).toEqual(['XM-001', 'XM-001', 'XM-001', 'XM-002'])
  })

  it('exports an empty 通讯录 (no task-force members yet) with its header', async () => {
    const app = await newApp()
    const ws = (await workbookOf((await app.call('excel.export', { what: 'contacts' })).base64)).worksheets[0]!
    expect(ws.rowCount).toBe(2)
    expect(ws.getCell('I2').value).toBe('电话')
  })
})

describe('phones saved before the rule', () => {
  it('still load, display and export as stored; saving other fields keeps them; a new number is checked', async () => {
    const { app, b, member } = await setup()
    // Written by an earlier version, which accepted any digits: no data is lost.
    await raw(app, 'UPDATE leaders SET phone = ? WHERE id = ?', '7654321', b.leaderId)
    await raw(app, 'UPDATE people SET phone = ? WHERE id = ?', '123', member.person.id)
    const leader = (await app.call('leader.list', {})).find((l) => l.id === b.leaderId)!
    expect(leader.phone).toBe('7654321')
    const renamed = await app.call('leader.update', {
      id: leader.id,
      version: leader.version,
      title: '区委常委、副区长',
    })
    expect(renamed).toMatchObject({ phone: '7654321', title: '区委常委、副区长' })
    const contacts = await app.call('taskForce.contacts', {})
    expect(contacts.find((c) => c.name === '李成员')!.phone).toBe('123')
    const ws = (await workbookOf((await app.call('excel.export', { what: 'contacts' })).base64)).worksheets[0]!
    expect(ws.getCell('I5').value).toBe('123')
    const person = (await app.call('person.list', { text: '李成员' }))[0]!
    expect(person.phone).toBe('123')
    const kept = await app.call('person.update', { id: person.id, version: person.version, unit: '区规划和自然资源局' })
    expect(kept.phone).toBe('123')
    // A new number must follow the rule; refused in Chinese with both shapes, and nothing changes.
    const before = await dump(app)
    const error = await refused(
      app,
      'leader.update',
      { id: b.leaderId, version: renamed.version, phone: '7654321' },
      'INVALID_INPUT',
    )
    expect(error.message).toContain('「电话」应为11位手机号')
    expect(error.message).toContain('0371-12345678')
    await refused(app, 'person.update', { id: person.id, version: kept.version, phone: '1234' }, 'INVALID_INPUT')
    expect(await dump(app)).toEqual(before)
    const fixed = await app.call('leader.update', { id: b.leaderId, version: renamed.version, phone: '0358 7654321' })
    expect(fixed.phone).toBe('0358-7654321')
  })
})
