/** The sparse-position arithmetic (kanban columns, milestone order) and the stage-move rule, property-tested. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { GAP, placeBefore, positionAtEnd, renumber, type Positioned } from '../../src/shared/rules/positions'
import { datesAfterMove } from '../../src/shared/rules/stage-move'
import { STAGES, type Stage } from '../../src/shared/domain'

/** A column as stored: distinct ids, distinct positive positions, ordered by position. */
const column = fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { maxLength: 40 }).chain((ids) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: 50 * GAP }), { minLength: ids.length, maxLength: ids.length })
    .map((positions) => {
      const sorted = [...positions].sort((a, b) => a - b)
      return ids.map((id, i): Positioned => ({ id, position: sorted[i]! }))
    }),
)

/** The ids in position order after a placement (the renumbered ones with their new positions). */
function orderAfter(col: Positioned[], moving: number, placed: { position: number; renumbered: Positioned[] }) {
  const fresh = new Map(placed.renumbered.map((p) => [p.id, p.position]))
  return [
    ...col.map((c) => ({ id: c.id, position: fresh.get(c.id) ?? c.position })),
    { id: moving, position: placed.position },
  ]
    .sort((a, b) => a.position - b.position)
    .map((c) => c.id)
}

describe('sparse positions', () => {
  it('placing before a card puts it right before that card and keeps the others in order', () => {
    fc.assert(
      fc.property(column, fc.nat(), (col, pick) => {
        if (col.length === 0) return
        const moving = 20_000
        const before = col[pick % col.length]!.id
        const placed = placeBefore(col, moving, before)!
        const ids = col.map((c) => c.id)
        const at = ids.indexOf(before)
        expect(orderAfter(col, moving, placed)).toEqual([...ids.slice(0, at), moving, ...ids.slice(at)])
        // Positions stay distinct and positive.
        const all = new Set(orderAfter(col, moving, placed))
        expect(all.size).toBe(col.length + 1)
        expect(placed.position).toBeGreaterThan(0)
      }),
    )
  })

  it('at the end (beforeId null): after every card, nothing renumbered', () => {
    fc.assert(
      fc.property(column, (col) => {
        const placed = placeBefore(col, 20_000, null)!
        expect(placed.renumbered).toEqual([])
        expect(placed.position).toBe(positionAtEnd(col))
        expect(col.every((c) => c.position < placed.position)).toBe(true)
      }),
    )
  })

  it('renumbers only when there is no room, and then with fresh gaps', () => {
    const tight: Positioned[] = [
      { id: 1, position: 5 },
      { id: 2, position: 6 },
    ]
    const placed = placeBefore(tight, 9, 2)!
    expect(placed).toEqual({
      position: 2 * GAP,
      renumbered: [
        { id: 1, position: GAP },
        { id: 2, position: 3 * GAP },
      ],
    })
    expect(placeBefore(renumber([1, 2]), 9, 2)).toEqual({ position: GAP + GAP / 2, renumbered: [] })
  })

  it('refuses a card that is not in the column', () => {
    expect(placeBefore([{ id: 1, position: GAP }], 9, 2)).toBeNull()
  })

  it('a run of moves to the front never loses the order (renumbering as needed)', () => {
    let col = renumber([1])
    for (let id = 2; id < 40; id++) {
      const placed = placeBefore(col, id, col[0]!.id)!
      const fresh = new Map(placed.renumbered.map((p) => [p.id, p.position]))
      col = [
        ...col.map((c) => ({ id: c.id, position: fresh.get(c.id) ?? c.position })),
        { id, position: placed.position },
      ].sort((a, b) => a.position - b.position)
    }
    expect(col.map((c) => c.id)).toEqual(Array.from({ length: 39 }, (_, i) => 39 - i))
  })
})

describe('a stage move and the actual dates (docs/rules.md §1)', () => {
  const stage = fc.constantFrom(...STAGES)
  const date = fc.constantFrom(null, '2026-03-01', '2026-08-15')
  const index = (s: Stage) => STAGES.indexOf(s)

  it('sets the actual start on reaching 开工建设, the end on reaching 竣工投产, and clears them moving back', () => {
    fc.assert(
      fc.property(stage, stage, date, date, (from, to, start, end) => {
        const after = datesAfterMove(from, to, '2026-11-21', { actualStart: start, actualEnd: end })
        if (from === to) {
          expect(after).toEqual({ actualStart: start, actualEnd: end })
          return
        }
        if (index(to) < index('construction')) expect(after.actualStart).toBeNull()
        else if (index(from) < index('construction')) expect(after.actualStart).toBe(start ?? '2026-11-21')
        else expect(after.actualStart).toBe(start)
        if (to === 'production') expect(after.actualEnd).toBe(end ?? '2026-11-21')
        else expect(after.actualEnd).toBeNull()
      }),
    )
  })

  it('moving forward and back again leaves no date it set behind', () => {
    fc.assert(
      fc.property(stage, stage, (from, to) => {
        if (index(from) >= index('construction')) return
        const there = datesAfterMove(from, to, '2026-11-21', { actualStart: null, actualEnd: null })
        expect(datesAfterMove(to, from, '2026-11-22', there)).toEqual({ actualStart: null, actualEnd: null })
      }),
    )
  })
})
