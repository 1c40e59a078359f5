/**
 * Issue 19: no contract call answers a whole list. Every list call answers at most 200 rows (the rest with
 * offset); lights and figures are asked for at most 200 projects; the 一览表 pages through project.page; the
 * Excel exports, read main-side, still write every row.
 */
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { allPages, everySlice } from '../../src/shared/paging'
import { OVERVIEW_ITEMS } from '../../src/shared/rules/types'
import { newApp, refused } from '../helpers/app'

const PROJECTS = 230

async function loaded() {
  const app = await newApp()
  await app.call('demo.load', { projects: PROJECTS })
  return app
}

describe('bounded list calls', () => {
  it('answer 200 rows at most, and the next ones with offset, in the same order', async () => {
    const app = await loaded()
    const first = await app.call('project.list', {})
    expect(first).toHaveLength(200)
    const rest = await app.call('project.list', { offset: 200 })
    expect(rest).toHaveLength(PROJECTS - 200)
    const all = await everySlice((offset, limit) => app.call('project.list', { offset, limit }))
    expect(all.map((p) => p.id)).toEqual([...first, ...rest].map((p) => p.id))
    expect(new Set(all.map((p) => p.id)).size).toBe(PROJECTS)

    const cards = await app.call('kanban.cards', {})
    expect(cards.cards).toHaveLength(200)
    expect((await app.call('kanban.cards', { offset: 200 })).cards).toHaveLength(PROJECTS - 200)

    const problems = await everySlice((offset, limit) => app.call('problem.list', { offset, limit }))
    expect(problems.length).toBeGreaterThan(200)
    expect((await app.call('problem.list', {})).length).toBe(200)
    expect(problems.map((p) => p.id)).toEqual(
      (await allPages((offset, limit) => app.call('problem.page', { offset, limit }))).rows.map((p) => p.id),
    )

    const contacts = await everySlice((offset, limit) => app.call('taskForce.contacts', { offset, limit }))
    expect(contacts.length).toBeGreaterThan(200)
    expect((await app.call('taskForce.contacts', {})).length).toBe(200)
    const details = await everySlice((offset, limit) => app.call('project.ledgerDetails', { offset, limit }))
    expect(new Set(details.map((d) => d.projectId)).size).toBe(PROJECTS)
    const reports = await everySlice((offset, limit) => app.call('report.list', { offset, limit }))
    expect(reports.length).toBeGreaterThan(200)
    expect((await app.call('report.list', {})).length).toBe(200)
    // People by id: the names of the people accounts stand for.
    const people = await app.call('person.list', {})
    const far = people.at(-1)!
    expect((await app.call('person.list', { ids: [far.id, people[0]!.id] })).map((p) => p.id).sort()).toEqual(
      [far.id, people[0]!.id].sort(),
    )
    expect(await app.call('person.list', { ids: [] })).toEqual([])
    expect((await app.call('leader.list', { limit: 3 })).length).toBe(3)
    const leaders = await app.call('leader.list', {})
    expect((await app.call('leader.list', { offset: 1, limit: 2 })).map((l) => l.id)).toEqual(
      leaders.slice(1, 3).map((l) => l.id),
    )
  })

  it('refuse a slice over 200 rows, and lights or figures of more than 200 projects or of all', async () => {
    const app = await loaded()
    for (const name of [
      'project.list',
      'problem.list',
      'leader.list',
      'person.list',
      'report.list',
      'instruction.list',
      'kanban.cards',
      'taskForce.contacts',
      'project.ledgerDetails',
      'audit.list',
      'security.log',
    ])
      expect((await refused(app, name, { limit: 201 }, 'INVALID_INPUT')).message).toContain('条数')
    const ids = Array.from({ length: 201 }, (_, i) => i + 1)
    expect(
      (await refused(app, 'lights.get', { date: '2026-11-21', projectIds: ids }, 'INVALID_INPUT')).message,
    ).toContain('一次最多查询200个项目')
    expect((await refused(app, 'report.figures', { projectIds: ids }, 'INVALID_INPUT')).message).toContain(
      '一次最多查询200个项目',
    )
    expect((await refused(app, 'lights.get', { date: '2026-11-21' }, 'INVALID_INPUT')).message).toContain('项目')
    expect((await refused(app, 'person.list', { ids }, 'INVALID_INPUT')).message).toContain('一次最多查询200位人员')
  })
})

describe('总览', () => {
  it("sends each list's first 20 items and the counts of all", async () => {
    const app = await loaded()
    const o = await app.call('overview.get', {})
    const overdue = await everySlice((offset, limit) =>
      app.call('problem.list', { overdueOn: '2026-11-21', offset, limit }),
    )
    expect(o.counts.overdueProblems).toBe(overdue.length)
    expect(overdue.length).toBeGreaterThan(OVERVIEW_ITEMS)
    expect(o.overdueProblems).toHaveLength(OVERVIEW_ITEMS)
    expect(o.missingReports.length).toBe(Math.min(o.counts.missingReports, OVERVIEW_ITEMS))
  })
})

describe('project.page', () => {
  it('pages every project by 项目编号, with the count and the data version', async () => {
    const app = await loaded()
    const { rows, first } = await allPages((offset, limit) => app.call('project.page', { offset, limit }))
    expect(first.total).toBe(PROJECTS)
    expect(rows.map((p) => p.code)).toEqual(rows.map((p) => p.code).sort((a, b) => a.localeCompare(b)))
    expect(new Set(rows.map((p) => p.id)).size).toBe(PROJECTS)
    expect(first.version).toBeGreaterThan(0)
  })

  it('filters and searches over all projects, not only a page', async () => {
    const app = await loaded()
    const { rows } = await allPages((offset, limit) => app.call('project.page', { offset, limit }))
    const last = rows.at(-1)!
    const found = await app.call('project.page', { text: last.code.toLowerCase(), limit: 10 })
    expect(found.rows.map((p) => p.id)).toContain(last.id)
    const stage = await app.call('project.page', { stage: last.stage, limit: 200 })
    expect(stage.total).toBe(rows.filter((p) => p.stage === last.stage).length)
    expect(stage.rows.every((p) => p.stage === last.stage)).toBe(true)
    expect((await app.call('project.page', { listing: 'out' })).total).toBe(0)
  })
})

describe('the Excel exports, read main-side', () => {
  it('still write every project and every problem', async () => {
    const app = await loaded()
    const ledger = await app.call('excel.export', { what: 'ledger' })
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(Buffer.from(ledger.base64, 'base64') as unknown as ArrayBuffer)
    const codes = new Set<string>()
    book.worksheets[0]!.eachRow((row) => void codes.add(String(row.getCell(2).value ?? '')))
    const projects = await everySlice((offset, limit) => app.call('project.list', { offset, limit }))
    for (const p of projects) expect(codes.has(p.code)).toBe(true)

    const problems = await app.call('excel.export', { what: 'problems' })
    const sheet = new ExcelJS.Workbook()
    await sheet.xlsx.load(Buffer.from(problems.base64, 'base64') as unknown as ArrayBuffer)
    const all = await everySlice((offset, limit) => app.call('problem.list', { offset, limit }))
    // Title row, header row, then one row per problem.
    expect(sheet.worksheets[0]!.actualRowCount).toBeGreaterThanOrEqual(all.length + 2)
  })
})
