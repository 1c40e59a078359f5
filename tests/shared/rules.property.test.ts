/** Properties of the rules that must hold for any data, checked on generated cases (fast-check). */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addDays, lastDayOfPeriod } from '../../src/shared/dates'
import { DEFAULT_RULES } from '../../src/shared/domain'
import { frac } from '../../src/shared/rules/fraction'
import type { RawProject } from '../../src/shared/rules/lights'
import { rankProjects } from '../../src/shared/rules/ranking'
import { scoreFactsFromRaw, scoreOf } from '../../src/shared/rules/scores'

const PERIOD = '2026-10'
const D = lastDayOfPeriod(PERIOD)
const day = fc.integer({ min: -300, max: 60 }).map((n) => addDays(D, n))

const rawProject: fc.Arbitrary<RawProject> = fc.record({
  milestones: fc.array(
    fc.record({
      id: fc.nat(),
      name: fc.constant('节点'),
      plannedDate: day,
      actualDate: fc.option(day, { nil: null }),
      weight: fc.integer({ min: 1, max: 100 }),
    }),
    { maxLength: 12 },
  ),
  problems: fc.array(
    fc.record({
      id: fc.nat(),
      description: fc.constant('问题'),
      deadline: day,
      closedOn: fc.option(day, { nil: null }),
    }),
    { maxLength: 6 },
  ),
  reports: fc.array(
    fc.record({
      period: fc.constantFrom('2026-01', '2026-05', '2026-09', '2026-10', '2026-11'),
      investment: fc.integer({ min: 0, max: 500000 }),
    }),
    { maxLength: 5 },
  ),
  annualPlans: fc.array(fc.record({ year: fc.constant(2026), amount: fc.integer({ min: 0, max: 2000000 }) }), {
    maxLength: 1,
  }),
})

const score = (p: RawProject) => scoreOf(scoreFactsFromRaw(p, PERIOD), PERIOD, DEFAULT_RULES.weights).score

const rows = fc.array(
  fc.record({
    code: fc.stringMatching(/^XM-\d{3}$/),
    score: fc.option(fc.integer({ min: 0, max: 10000 }), { nil: null }),
    investmentRate: fc.option(
      fc.tuple(fc.nat({ max: 1000 }), fc.integer({ min: 1, max: 1000 })).map(([n, d]) => frac(n, d)),
      { nil: null },
    ),
  }),
  { maxLength: 60 },
)

describe('ranking properties', () => {
  it('the ranking is a permutation of the projects, ranked ones first', () => {
    fc.assert(
      fc.property(rows, (input) => {
        const out = rankProjects(input)
        expect(out).toHaveLength(input.length)
        expect([...out.map((r) => r.code)].sort()).toEqual([...input.map((r) => r.code)].sort())
        const firstUnranked = out.findIndex((r) => r.rank === null)
        if (firstUnranked >= 0)
          expect(out.slice(firstUnranked).every((r) => r.rank === null && r.score === null)).toBe(true)
      }),
    )
  })

  it('equal scores share a place, and a place is 1 + the number of better scores', () => {
    fc.assert(
      fc.property(rows, (input) => {
        const out = rankProjects(input).filter((r) => r.rank !== null)
        for (const r of out) {
          expect(r.rank).toBe(1 + out.filter((o) => o.score! > r.score!).length)
          for (const o of out) if (o.score === r.score) expect(o.rank).toBe(r.rank)
        }
      }),
    )
  })

  it('completing an overdue milestone never lowers a score', () => {
    fc.assert(
      fc.property(rawProject, fc.nat(), fc.boolean(), (project, pick, onTime) => {
        const open = project.milestones.filter((m) => m.plannedDate <= D && (m.actualDate === null || m.actualDate > D))
        fc.pre(open.length > 0)
        const target = open[pick % open.length]!
        const done = {
          ...project,
          milestones: project.milestones.map((m) =>
            m === target ? { ...m, actualDate: onTime ? m.plannedDate : D } : m,
          ),
        }
        expect(score(done)!).toBeGreaterThanOrEqual(score(project)!)
      }),
    )
  })

  it('a score is within 0–100 and rounds to whole hundredths', () => {
    fc.assert(
      fc.property(rawProject, (project) => {
        const s = score(project)
        if (s !== null) {
          expect(Number.isInteger(s)).toBe(true)
          expect(s).toBeGreaterThanOrEqual(0)
          expect(s).toBeLessThanOrEqual(10000)
        }
      }),
    )
  })
})
