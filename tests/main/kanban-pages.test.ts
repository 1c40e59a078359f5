/**
 * Issue 19: the kanban sends counts per column (and per 包联领导) and windows of a column's cards, filtered on
 * the main side over all of today's cards, which are computed once per state of the data.
 */
import { describe, expect, it } from 'vitest'
import { LOCAL, type App } from '../../src/main/app'
import { STAGES } from '../../src/shared/domain'
import { allPages } from '../../src/shared/paging'
import { allCards, newApp } from '../helpers/app'
import { loginAs } from '../helpers/accounts'

async function district(projects = 240): Promise<App> {
  const app = await newApp()
  await app.call('demo.load', { projects })
  return app
}

describe('kanban.board and kanban.column', () => {
  it('counts every column and pages through each in board order, as the whole list has them', async () => {
    const app = await district()
    const cards = await allCards(app)
    const board = await app.call('kanban.board', {})
    expect(board.total).toBe(cards.length)
    expect(board.lanes).toEqual([])
    for (const stage of STAGES) {
      const column = cards.filter((c) => c.stage === stage)
      expect(board.stages[stage]).toBe(column.length)
      const { rows } = await allPages((offset, limit) => app.call('kanban.column', { stage, offset, limit }))
      expect(rows).toEqual(column)
    }
    const window = await app.call('kanban.column', { stage: 'construction', offset: 10, limit: 5 })
    expect(window.rows.map((c) => c.id)).toEqual(
      cards
        .filter((c) => c.stage === 'construction')
        .slice(10, 15)
        .map((c) => c.id),
    )
  })

  it('filters all cards on the main side: light, leader, text in any case, 我的项目', async () => {
    const app = await district()
    const cards = await allCards(app)
    const red = await app.call('kanban.board', { light: 'red' })
    expect(red.total).toBe(cards.filter((c) => c.light === 'red').length)
    const leader = cards[0]!.leader
    const byLeader = await app.call('kanban.board', { leaderId: leader.id })
    expect(byLeader.total).toBe(cards.filter((c) => c.leader.id === leader.id).length)
    const code = cards.at(-1)!.code
    const found = await app.call('kanban.column', { stage: cards.at(-1)!.stage, text: code.toLowerCase() })
    expect(found.rows.map((c) => c.code)).toContain(code)
    const none = await app.call('kanban.board', { text: '没有这样的项目' })
    expect(none.total).toBe(0)
    const own = await loginAs(app, 'leader1', { roles: ['leader'], leaderId: leader.id })
    const mine = await app.call('kanban.board', { mine: true }, own.from)
    expect(mine.total).toBe(byLeader.total)
  })

  it('gives each 包联领导 a lane with their counts, in the leaders’ order', async () => {
    const app = await district()
    const cards = await allCards(app)
    const board = await app.call('kanban.board', { lanes: true, laneLimit: 200 })
    expect(board.lanes).toHaveLength(board.laneTotal)
    // Lanes come a page at a time (thousands of leaders in a province): the pages add up to all of them.
    const firstLanes = await app.call('kanban.board', { lanes: true, laneLimit: 7 })
    const nextLanes = await app.call('kanban.board', { lanes: true, laneOffset: 7, laneLimit: 200 })
    expect([...firstLanes.lanes, ...nextLanes.lanes]).toEqual(board.lanes)
    expect(firstLanes.laneTotal).toBe(board.laneTotal)
    const leaders = await app.call('leader.list', {})
    const order = new Map(leaders.map((l) => [l.id, l.sortOrder]))
    expect(board.lanes.map((l) => order.get(l.leader.id))).toEqual(
      board.lanes.map((l) => order.get(l.leader.id)!).sort((a, b) => a - b),
    )
    for (const lane of board.lanes)
      for (const stage of STAGES)
        expect(lane.stages[stage]).toBe(cards.filter((c) => c.leader.id === lane.leader.id && c.stage === stage).length)
    expect(board.lanes.reduce((n, l) => n + STAGES.reduce((m, s) => m + l.stages[s], 0), 0)).toBe(cards.length)
  })

  it('computes the cards once, brings them up to date after a write; a move is in the next answer', async () => {
    const app = await district(40)
    const before = app.deps.boards.computations
    const board = await app.call('kanban.board', {})
    for (const stage of STAGES) await app.call('kanban.column', { stage })
    await app.call('kanban.board', { lanes: true, light: 'green' })
    expect(app.deps.boards.computations - before).toBe(1)
    const card = (await app.call('kanban.column', { stage: 'planning', limit: 1 })).rows[0]!
    await app.call('project.move', { id: card.id, version: card.version, toStage: 'signed', beforeId: null })
    const after = await app.call('kanban.board', {})
    expect(app.deps.boards.computations - before).toBe(1) // the moved card replaced, not all computed again
    expect(app.deps.boards.patches).toBe(1)
    expect(after.stages.planning).toBe(board.stages.planning - 1)
    expect(after.stages.signed).toBe(board.stages.signed + 1)
    expect(after.version).toBeGreaterThan(board.version)
  })

  it('refuses a window over 200 cards, or a column that is not a stage, in Chinese', async () => {
    const app = await district(3)
    for (const input of [
      { stage: 'construction', limit: 201 },
      { stage: 'built' },
      {},
      { stage: 'construction', light: 'blue' },
    ]) {
      const outcome = await app.invoke('kanban.column', input, LOCAL)
      expect(outcome).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    }
  })
})
