/** Issue 19: the 问题清单 a page at a time, filtered and searched over all problems on the main side. */
import { describe, expect, it } from 'vitest'
import { LOCAL } from '../../src/main/app'
import { allPages } from '../../src/shared/paging'
import { allProblems, newApp } from '../helpers/app'
import { loginAs } from '../helpers/accounts'

describe('problem.page', () => {
  it('pages through the same problems, in the same order, as the whole list', async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 120 })
    const all = await allProblems(app)
    expect(all.length).toBeGreaterThan(60)
    const { rows, first } = await allPages((offset, limit) => app.call('problem.page', { offset, limit }))
    expect(rows).toEqual(all)
    expect(first.total).toBe(all.length)
    expect(first.closed).toBe(all.filter((p) => p.status === 'closed').length)
    const open = await app.call('problem.page', { status: 'open', limit: 200 })
    expect(open.rows).toEqual(all.filter((p) => p.status === 'open').slice(0, 200))
    const overdue = await app.call('problem.page', { overdueOn: '2026-11-21', limit: 200 })
    expect(overdue.total).toBe((await allProblems(app, { overdueOn: '2026-11-21' })).length)
  })

  it('searches the description, the project name and the code (any case) over all problems', async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 120 })
    const all = await allProblems(app)
    const last = all.at(-1)!
    const byCode = await app.call('problem.page', { text: last.projectCode.toLowerCase(), limit: 200 })
    expect(byCode.rows.map((p) => p.id)).toContain(last.id)
    expect(byCode.rows.every((p) => p.projectCode.includes(last.projectCode))).toBe(true)
    const word = last.description.slice(0, 4)
    const byWord = await app.call('problem.page', { text: word, limit: 200 })
    expect(byWord.total).toBe(
      all.filter((p) => p.description.includes(word) || p.projectName.includes(word) || p.projectCode.includes(word))
        .length,
    )
    // LIKE's wildcards are plain characters in a search.
    expect((await app.call('problem.page', { text: '%' })).total).toBe(0)
    expect((await app.call('problem.page', { text: '_' })).total).toBe(0)
  })

  it("carries the 批示 of the page's problems only", async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 60 })
    const all = await allProblems(app)
    const leader = (await app.call('leader.list', {}))[0]!
    const { from } = await loginAs(app, 'leader1', { roles: ['leader'], leaderId: leader.id })
    const say = (p: (typeof all)[number] | null, projectId: number, text: string) =>
      app.call('instruction.create', { projectId, problemId: p?.id ?? null, givenOn: '2026-11-20', text }, from)
    await say(all[0]!, all[0]!.projectId, '抓紧协调')
    await say(all.at(-1)!, all.at(-1)!.projectId, '限期解决')
    await say(null, all[0]!.projectId, '项目层面的批示')
    const page = await app.call('problem.page', { limit: 10 })
    expect(page.instructions.map((i) => [i.problemId, i.text])).toEqual([[all[0]!.id, '抓紧协调']])
    const last = await app.call('problem.page', { offset: all.length - 1, limit: 10 })
    expect(last.instructions.map((i) => i.text)).toEqual(['限期解决'])
  })

  it('refuses a page over 200 rows or a search over 50 characters', async () => {
    const app = await newApp()
    for (const input of [{ limit: 201 }, { offset: -1 }, { text: '问'.repeat(51) }, { status: 'done' }])
      expect(await app.invoke('problem.page', input, LOCAL)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      })
  })
})
