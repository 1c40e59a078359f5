/**
 * The rules of docs/rules.md, case by case, each expectation worked out by hand from the text (not from the code).
 * D is the "as of" date; for scores D is the last day of the period.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_RULES, type Thresholds, type Weights } from '../../src/shared/domain'
import { lightFactsFromRaw, lightOf, type RawProject } from '../../src/shared/rules/lights'
import {
  componentHundredths,
  exactPercent,
  investmentRate,
  scoreFactsFromRaw,
  scoreOf,
  weightShares,
} from '../../src/shared/rules/scores'
import { formatChange, formatScore, rankChange, rankGroups, rankProjects } from '../../src/shared/rules/ranking'
import { frac, roundHalfUp } from '../../src/shared/rules/fraction'

const T: Thresholds = DEFAULT_RULES.thresholds
const W: Weights = DEFAULT_RULES.weights

let nextId = 1
function ms(plannedDate: string, actualDate: string | null = null, weight = 1) {
  return { id: nextId++, name: `节点${nextId}`, plannedDate, actualDate, weight }
}
function pb(deadline: string, closedOn: string | null = null) {
  return { id: nextId++, description: `问题${nextId}`, deadline, closedOn }
}
function raw(p: Partial<RawProject> = {}): RawProject {
  return { milestones: [], problems: [], reports: [], annualPlans: [], ...p }
}
/** Reports of 2026 spreading `total` (in 0.01 万元) over months 1..n. */
function reports(total: number, months = 10, year = 2026) {
  const each = Math.floor(total / months)
  return Array.from({ length: months }, (_, i) => ({
    period: `${year}-${String(i + 1).padStart(2, '0')}`,
    investment: i === months - 1 ? total - each * (months - 1) : each,
  }))
}
const plan = (amount: number, year = 2026) => [{ year, amount }]

function light(p: RawProject, date = '2026-11-21', thresholds = T) {
  return lightOf(lightFactsFromRaw(p, date, thresholds), date, thresholds)
}
function score(p: RawProject, period = '2026-10', weights = W) {
  return scoreOf(scoreFactsFromRaw(p, period), period, weights)
}

describe('warning lights as of 2026-11-21 (序时进度 10/12)', () => {
  it.each([
    ['L1 nothing at all', raw(), 'green'],
    ['L2 milestone 51 days overdue', raw({ milestones: [ms('2026-10-01')] }), 'red'],
    ['L3 milestone exactly 30 days overdue', raw({ milestones: [ms('2026-10-22')] }), 'yellow'],
    ['L4 milestone 31 days overdue', raw({ milestones: [ms('2026-10-21')] }), 'red'],
    ['L5 milestone 1 day overdue', raw({ milestones: [ms('2026-11-20')] }), 'yellow'],
    ['L6 milestone due on D itself', raw({ milestones: [ms('2026-11-21')] }), 'yellow'],
    ['L7 milestone due on D + 6', raw({ milestones: [ms('2026-11-27')] }), 'yellow'],
    ['L8 milestone due on D + 7', raw({ milestones: [ms('2026-11-28')] }), 'green'],
    ['L9 overdue milestone completed after D', raw({ milestones: [ms('2026-10-01', '2026-11-25')] }), 'red'],
    ['L10 overdue milestone completed on D', raw({ milestones: [ms('2026-10-01', '2026-11-21')] }), 'green'],
    ['L11 problem past its deadline, open', raw({ problems: [pb('2026-11-20')] }), 'red'],
    ['L12 problem due on D, open', raw({ problems: [pb('2026-11-21')] }), 'green'],
    ['L13 problem closed after D', raw({ problems: [pb('2026-11-10', '2026-11-22')] }), 'red'],
    ['L14 problem closed late but by D', raw({ problems: [pb('2026-11-10', '2026-11-15')] }), 'green'],
    // Plan 1,200 万元: pro rata 1,000 万元; red below 500, yellow below 800.
    ['L15 investment 499.99 of 1,000 pro rata', raw({ annualPlans: plan(120000), reports: reports(49999) }), 'red'],
    ['L16 investment exactly 500', raw({ annualPlans: plan(120000), reports: reports(50000) }), 'yellow'],
    ['L17 investment 799.99', raw({ annualPlans: plan(120000), reports: reports(79999) }), 'yellow'],
    ['L18 investment exactly 800', raw({ annualPlans: plan(120000), reports: reports(80000) }), 'green'],
    ['L19 zero annual plan skips investment', raw({ annualPlans: plan(0) }), 'green'],
    [
      'L20 last year’s reports do not count',
      raw({ annualPlans: plan(120000), reports: reports(100000, 10, 2025) }),
      'red',
    ],
  ])('%s', (_label, project, expected) => {
    expect(light(project).light).toBe(expected)
  })

  it('L21 skips investment in January, when no month has ended (序时进度 0)', () => {
    expect(light(raw({ annualPlans: plan(120000) }), '2026-01-15').light).toBe('green')
    expect(light(raw({ annualPlans: plan(120000) }), '2026-01-31').light).toBe('red')
  })

  it('L22 counts the month of D on its last day: 11/12 on 2026-11-30', () => {
    // Plan 1,200: pro rata 1,100 on 11-30 (red below 550), 1,000 on 11-29 (red below 500).
    const p = raw({ annualPlans: plan(120000), reports: reports(52000) })
    expect(light(p, '2026-11-29').light).toBe('yellow')
    expect(light(p, '2026-11-30').light).toBe('red')
  })

  it('L23 gives the red causes of a red light, each naming what caused it', () => {
    const overdue = ms('2026-09-01')
    const problem = pb('2026-11-01')
    const result = light(
      raw({
        milestones: [overdue, ms('2026-11-22')],
        problems: [problem],
        annualPlans: plan(120000),
        reports: reports(10000),
      }),
    )
    expect(result.light).toBe('red')
    expect(result.reasons.map((r) => r.kind)).toEqual(['milestone_overdue', 'problem_overdue', 'investment_behind'])
    expect(result.reasons[0]).toMatchObject({
      ref: { type: 'milestone', id: overdue.id },
      text: expect.stringContaining('已逾期81天'),
    })
    expect(result.reasons[1]!.text).toContain('已超期20天')
    expect(result.reasons[2]!.text).toContain('本年完成投资100.00万元，序时计划1,000.00万元')
  })

  it('L24 follows edited thresholds', () => {
    const p = raw({ milestones: [ms('2026-11-01')] }) // 20 days overdue
    expect(light(p).light).toBe('yellow')
    expect(light(p, '2026-11-21', { ...T, redOverdueDays: 15 }).light).toBe('red')
    expect(light(raw({ milestones: [ms('2026-11-30')] }), '2026-11-21', { ...T, upcomingDays: 10 }).light).toBe(
      'yellow',
    )
  })
})

describe('score components and the score for 2026-10 (D = 2026-10-31, m = 10)', () => {
  it.each<[string, RawProject, string, number | null, number | null, number | null]>([
    // label, project, score, milestones %, investment %, problems % (hundredths)
    ['S1 nothing to measure: 不参与排名', raw(), '—', null, null, null],
    [
      'S2 one milestone on time, one not done',
      raw({ milestones: [ms('2026-05-01', '2026-04-30'), ms('2026-06-01')] }),
      '50.00',
      5000,
      null,
      null,
    ],
    [
      'S3 completed late but by D earns half',
      raw({ milestones: [ms('2026-05-01', '2026-07-01')] }),
      '50.00',
      5000,
      null,
      null,
    ],
    [
      'S4 completed after D earns nothing',
      raw({ milestones: [ms('2026-10-15', '2026-11-05')] }),
      '0.00',
      0,
      null,
      null,
    ],
    [
      'S5 completed on its planned date is on time',
      raw({ milestones: [ms('2026-10-31', '2026-10-31')] }),
      '100.00',
      10000,
      null,
      null,
    ],
    [
      'S6 weights: 2 on time, 1 missing → 2/3',
      raw({ milestones: [ms('2026-03-01', '2026-03-01', 2), ms('2026-04-01')] }),
      '66.67',
      6667,
      null,
      null,
    ],
    [
      'S7 milestones not yet due are left out',
      raw({ milestones: [ms('2026-03-01', '2026-03-01'), ms('2026-11-01')] }),
      '100.00',
      10000,
      null,
      null,
    ],
    // Plan 1,200, completed 900: (900/1200)/(10/12) = 0.9
    [
      'S8 investment 0.75 of plan at 10/12 → 0.9',
      raw({ annualPlans: plan(120000), reports: reports(90000) }),
      '90.00',
      null,
      9000,
      null,
    ],
    [
      'S9 investment ahead of schedule is capped at 1',
      raw({ annualPlans: plan(120000), reports: reports(110000) }),
      '100.00',
      null,
      10000,
      null,
    ],
    [
      'S10 zero annual plan leaves investment out',
      raw({ annualPlans: plan(0), reports: reports(5000) }),
      '—',
      null,
      null,
      null,
    ],
    // 11 reports of 90 万元: through October 900 → 0.9; with November it would be 0.99.
    [
      'S11 November report does not count for October',
      raw({ annualPlans: plan(120000), reports: reports(99000, 11) }),
      '90.00',
      null,
      9000,
      null,
    ],
    [
      'S12 problems: 2 of 3 closed in time',
      raw({
        problems: [pb('2026-05-01', '2026-04-20'), pb('2026-06-01', '2026-06-01'), pb('2026-07-01', '2026-07-15')],
      }),
      '66.67',
      null,
      null,
      6667,
    ],
    [
      'S13 problems due after D are left out',
      raw({ problems: [pb('2026-05-01', '2026-04-20'), pb('2026-11-15')] }),
      '100.00',
      null,
      null,
      10000,
    ],
    ['S14 an open overdue problem counts 0', raw({ problems: [pb('2026-10-01')] }), '0.00', null, null, 0],
    // 50×0.5 + 30×0.9 + 20×1 = 72
    [
      'S15 all three components',
      raw({
        milestones: [ms('2026-05-01', '2026-05-01'), ms('2026-06-01')],
        annualPlans: plan(120000),
        reports: reports(90000),
        problems: [pb('2026-05-01', '2026-05-01')],
      }),
      '72.00',
      5000,
      9000,
      10000,
    ],
    // (50×0.5 + 30×0.9) / 80 = 0.65
    [
      'S16 no problem due: weights rescaled to 50/80, 30/80',
      raw({
        milestones: [ms('2026-05-01', '2026-05-01'), ms('2026-06-01')],
        annualPlans: plan(120000),
        reports: reports(90000),
      }),
      '65.00',
      5000,
      9000,
      null,
    ],
    // (50×1 + 20×0.5) / 70 = 0.857142… → 85.71
    [
      'S17 no annual plan: weights rescaled to 50/70, 20/70',
      raw({
        milestones: [ms('2026-05-01', '2026-05-01')],
        problems: [pb('2026-05-01', '2026-05-01'), pb('2026-06-01')],
      }),
      '85.71',
      10000,
      null,
      5000,
    ],
  ])('%s', (_label, project, expected, mPct, iPct, pPct) => {
    const result = score(project)
    expect(formatScore(result.score)).toBe(expected)
    expect(componentHundredths(result.components)).toEqual({ milestones: mPct, investment: iPct, problems: pPct })
  })

  it('S18 rounds half up from the exact value: 1.005 → 1.01 where floats give 1.00', () => {
    // December (m = 12): investment = completed / plan = 201 / 20000 = 0.01005 → 1.005 points.
    const result = score(
      raw({ annualPlans: plan(20000), reports: [{ period: '2026-12', investment: 201 }] }),
      '2026-12',
    )
    expect(formatScore(result.score)).toBe('1.01')
    expect(Math.round(100 * (201 / 20000) * 100) / 100).toBe(1) // what a float computation would print
  })

  it('S19 the first month of the year: m = 1', () => {
    // (50 / 1200) / (1/12) = 0.5
    expect(
      formatScore(
        score(raw({ annualPlans: plan(120000), reports: [{ period: '2026-01', investment: 5000 }] }), '2026-01').score,
      ),
    ).toBe('50.00')
  })

  it('S20 follows edited weights and reports the weights applied', () => {
    const p = raw({
      milestones: [ms('2026-05-01', '2026-05-01'), ms('2026-06-01')],
      annualPlans: plan(120000),
      reports: reports(90000),
    })
    const result = score(p, '2026-10', { milestones: 40, investment: 40, problems: 20 })
    // (40×0.5 + 40×0.9) / 80 = 0.7
    expect(formatScore(result.score)).toBe('70.00')
    expect(result.appliedWeights).toEqual({ milestones: 50, investment: 50, problems: 0 })
  })

  it('S20a applied weights follow each weight set and each set of present components', () => {
    const p = raw({ milestones: [ms('2026-05-01', '2026-05-01')], annualPlans: plan(120000), reports: reports(90000) })
    const a = score(p, '2026-10', { milestones: 40, investment: 40, problems: 20 }).appliedWeights
    const b = score(p, '2026-10', { milestones: 30, investment: 60, problems: 10 }).appliedWeights
    const c = score(raw({ milestones: [ms('2026-05-01')] }), '2026-10', {
      milestones: 30,
      investment: 60,
      problems: 10,
    })
    expect(a).toEqual({ milestones: 50, investment: 50, problems: 0 })
    expect(b).toEqual({ milestones: 33, investment: 67, problems: 0 })
    // Those are rounded; what the screens show is the exact share (30 : 60 → 1/3 and 2/3, 40 : 40 → 50%).
    const present = { milestones: 1, investment: 1, problems: null }
    const shares = (w: Weights) => Object.values(weightShares(w, present)).map((f) => f && exactPercent(f))
    expect(shares({ milestones: 30, investment: 60, problems: 10 })).toEqual(['1/3', '2/3', null])
    expect(shares({ milestones: 40, investment: 40, problems: 20 })).toEqual(['50%', '50%', null])
    expect(c.appliedWeights).toEqual({ milestones: 100, investment: 0, problems: 0 })
    // Each result has its own object: changing one cannot change the next project's.
    b.milestones = 0
    expect(score(p, '2026-10', { milestones: 30, investment: 60, problems: 10 }).appliedWeights.milestones).toBe(33)
  })

  it('S21 a component whose weight is 0 cannot rank a project alone', () => {
    expect(
      score(raw({ problems: [pb('2026-05-01', '2026-05-01')] }), '2026-10', {
        milestones: 50,
        investment: 50,
        problems: 0,
      }).score,
    ).toBeNull()
  })
})

describe('project ranking', () => {
  const row = (code: string, score: number | null, rate: [number, number] | null = null) => ({
    code,
    score,
    investmentRate: rate ? frac(rate[0], rate[1]) : null,
  })

  it('R1 equal scores share a place: 1, 2, 2, 4', () => {
    const ranked = rankProjects([row('A', 9000), row('B', 8500), row('C', 8500), row('D', 8000)])
    expect(ranked.map((r) => [r.code, r.rank])).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 2],
      ['D', 4],
    ])
  })

  it('R2 within a shared place: investment rate (highest first, missing last), then code', () => {
    const ranked = rankProjects([
      row('XM-3', 8500, null),
      row('XM-2', 8500, [1, 2]),
      row('XM-1', 8500, null),
      row('XM-4', 8500, [3, 4]),
    ])
    expect(ranked.map((r) => r.code)).toEqual(['XM-4', 'XM-2', 'XM-1', 'XM-3'])
    expect(ranked.every((r) => r.rank === 1)).toBe(true)
  })

  it('R3 compares investment rates exactly', () => {
    const ranked = rankProjects([row('A', 8000, [333333, 1000000]), row('B', 8000, [1, 3])])
    expect(ranked.map((r) => r.code)).toEqual(['B', 'A'])
  })

  it('R4 lists the unranked (不参与排名) after the ranked, by code, without a place', () => {
    const ranked = rankProjects([row('Z', null), row('B', 5000), row('A', null)])
    expect(ranked.map((r) => [r.code, r.rank])).toEqual([
      ['B', 1],
      ['A', null],
      ['Z', null],
    ])
  })

  it('R5 ranks on the rounded score: 84.124 and 84.12 are equal places', () => {
    const a = roundHalfUp(frac(84124, 1000), 100)
    const b = roundHalfUp(frac(8412, 100), 100)
    expect(rankProjects([row('A', a), row('B', b)]).map((r) => r.rank)).toEqual([1, 1])
  })
})

describe('group rankings', () => {
  const m = (score: number | null, light: 'red' | 'yellow' | 'green' = 'green') => ({ score, light })

  it('G1 ranks by the mean of the rounded scores, rounded half up: (84.12 + 84.13) / 2 = 84.125 → 84.13', () => {
    const [g] = rankGroups([{ key: 'a', tieOrder: 1, members: [m(8412), m(8413)] }])
    expect(g!.mean).toBe(8413)
  })

  it('G2 counts projects and lights, leaving unranked projects out of the mean', () => {
    const [g] = rankGroups([
      { key: 'a', tieOrder: 1, members: [m(9000, 'green'), m(null, 'red'), m(7000, 'yellow'), m(8000, 'red')] },
    ])
    expect(g).toMatchObject({ mean: 8000, projects: 4, ranked: 3, red: 2, yellow: 1, green: 1, rank: 1 })
  })

  it('G3 shares places and lists ties of leaders in official order', () => {
    const rows = rankGroups([
      { key: '丙', tieOrder: 30, members: [m(8000)] },
      { key: '甲', tieOrder: 10, members: [m(7000)] },
      { key: '乙', tieOrder: 20, members: [m(8000)] },
    ])
    expect(rows.map((r) => [r.key, r.rank])).toEqual([
      ['乙', 1],
      ['丙', 1],
      ['甲', 3],
    ])
  })

  it('G4 lists ties of townships by name', () => {
    const rows = rankGroups([
      { key: 'w', tieOrder: '吴桥镇', members: [m(8000)] },
      { key: 'c', tieOrder: '城东街道', members: [m(8000)] },
    ])
    expect(rows.map((r) => r.key)).toEqual(['c', 'w']) // 城 (cheng) before 吴 (wu)
  })

  it('G5 a group with no ranked project has no place and comes last', () => {
    const rows = rankGroups([
      { key: 'none', tieOrder: 1, members: [m(null, 'red')] },
      { key: 'some', tieOrder: 2, members: [m(6000)] },
    ])
    expect(rows.map((r) => [r.key, r.rank, r.mean])).toEqual([
      ['some', 1, 6000],
      ['none', null, null],
    ])
  })
})

describe('rank change against the previous frozen month', () => {
  it.each<[number | null, number | null | undefined, string]>([
    [3, 6, '↑3'],
    [5, 4, '↓1'],
    [2, 2, '—'],
    [1, null, '新'],
    [1, undefined, '新'],
    [null, 4, ''],
  ])('now %s, before %s → %s', (now, before, text) => {
    expect(formatChange(rankChange(now, before))).toBe(text)
  })
})

describe('investment rate (tie-breaker)', () => {
  it('is completed ÷ annual plan, not capped, null without a plan', () => {
    expect(investmentRate(150, 100)).toEqual(frac(150, 100))
    expect(investmentRate(150, 0)).toBeNull()
    expect(investmentRate(150, null)).toBeNull()
  })
})
