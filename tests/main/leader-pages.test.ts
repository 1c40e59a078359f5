/** Issue 19: the 领导 screen a page at a time, with each leader's projects, lights and last month's rank. */
import { describe, expect, it } from 'vitest'
import { LOCAL } from '../../src/main/app'
import { allPages } from '../../src/shared/paging'
import { allCards, newApp } from '../helpers/app'

describe('leader.page', () => {
  it("gives each leader, by 排序号, their projects and lights today and last month's average and rank", async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 90 })
    const leaders = await app.call('leader.list', {})
    const { rows, first } = await allPages((offset, limit) => app.call('leader.page', { offset, limit }))
    expect(rows.map((r) => r.leader)).toEqual(leaders)
    expect(first.period).toBe('2026-10')
    const cards = await allCards(app)
    const october = await app.call('ranking.groups', { period: '2026-10', by: 'leader' })
    for (const row of rows) {
      const own = cards.filter((c) => c.leader.id === row.leader.id)
      expect(row.projects).toBe(own.length)
      expect(row.cards.map((c) => c.id)).toEqual(own.slice(0, 20).map((c) => c.id))
      expect([row.red, row.yellow, row.green]).toEqual(
        ['red', 'yellow', 'green'].map((l) => own.filter((c) => c.light === l).length),
      )
      const g = october.rows.find((r) => r.group.id === row.leader.id)
      expect([row.rank, row.mean]).toEqual([g?.rank ?? null, g?.mean ?? null])
    }
  })

  it('searches names (any middle dot) and titles over all leaders; 已停用 only on request', async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 30 })
    const made = await app.call('leader.create', { name: '阿不都·热合曼', title: '副县长', sortOrder: 999 })
    const found = await app.call('leader.page', { text: '阿不都•热' })
    expect(found.rows.map((r) => r.leader.id)).toEqual([made.id])
    const titled = await app.call('leader.page', { text: '副县长', limit: 200 })
    expect(titled.rows.every((r) => r.leader.title.includes('副县长'))).toBe(true)
    await app.call('leader.update', { id: made.id, version: made.version, active: false })
    expect((await app.call('leader.page', { text: '阿不都' })).total).toBe(0)
    const all = await app.call('leader.page', { text: '阿不都', includeInactive: true })
    expect(all.rows.map((r) => [r.leader.id, r.leader.active])).toEqual([[made.id, false]])
    expect(all.stopped).toBe(1)
  })

  it('refuses a page over 200 rows', async () => {
    const app = await newApp()
    expect(await app.invoke('leader.page', { limit: 500 }, LOCAL)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
  })
})

describe('leader.options', () => {
  it('searches leaders on the main side in official order, or gives the ones of ids, with the counts', async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 30 })
    const all = await app.call('leader.list', { includeInactive: true })
    const first = await app.call('leader.options', {})
    expect(first.rows.map((l) => l.id)).toEqual(
      all
        .filter((l) => l.active)
        .slice(0, 50)
        .map((l) => l.id),
    )
    expect([first.active, first.all]).toEqual([all.filter((l) => l.active).length, all.length])
    const made = await app.call('leader.create', { name: '阿不都·热合曼', title: '副县长', sortOrder: 999 })
    const byName = await app.call('leader.options', { text: '阿不都•热' })
    expect(byName.rows).toEqual([{ id: made.id, name: '阿不都·热合曼', title: '副县长', active: true }])
    const byTitle = await app.call('leader.options', { text: '副县长', limit: 200 })
    expect(byTitle.rows.every((l) => l.title.includes('副县长'))).toBe(true)
    await app.call('leader.update', { id: made.id, version: made.version, active: false })
    expect((await app.call('leader.options', { text: '阿不都' })).total).toBe(0)
    expect((await app.call('leader.options', { text: '阿不都', includeInactive: true })).rows).toHaveLength(1)
    // By id: 停用 ones too (a name shown for a value chosen earlier).
    const byIds = await app.call('leader.options', { ids: [made.id, all[0]!.id] })
    expect(byIds.rows.map((l) => [l.id, l.active]).sort()).toEqual(
      [
        [all[0]!.id, all[0]!.active],
        [made.id, false],
      ].sort(),
    )
    expect((await app.call('leader.options', { text: '%' })).total).toBe(0)
    expect(
      await app.invoke('leader.options', { ids: Array.from({ length: 201 }, (_, i) => i + 1) }, LOCAL),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })
  })
})
