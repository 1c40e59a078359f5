/**
 * Issue 16: the ranking explains itself. What each row's score counted (计分依据), why rows sharing a place
 * are listed as they are (the tie order of docs/rules.md §4), the exact weights in the score's arithmetic, and 前N/后N
 * lists that never name a project twice. Expectations worked out by hand from docs/rules.md.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_RULES, type Weights } from '../../src/shared/domain'
import { frac, roundHalfUp, type Fraction } from '../../src/shared/rules/fraction'
import { lightFactsFromRaw, lightOf, type RawProject } from '../../src/shared/rules/lights'
import { basisText, bestAndWorst, formatScore, rankOrder, tieText } from '../../src/shared/rules/ranking'
import {
  componentsOf,
  exactPercent,
  formulaText,
  rankBasis,
  scoreFactsFromRaw,
  scoreFormula,
  scoreOf,
  weightShares,
} from '../../src/shared/rules/scores'

const PERIOD = '2026-10'
let nextId = 1
const ms = (plannedDate: string, actualDate: string | null = null, weight = 1) => ({
  id: nextId++,
  name: `节点${nextId}`,
  plannedDate,
  actualDate,
  weight,
})
const pb = (deadline: string, closedOn: string | null = null) => ({
  id: nextId++,
  description: `问题${nextId}`,
  deadline,
  closedOn,
})
const raw = (p: Partial<RawProject> = {}): RawProject => ({
  milestones: [],
  problems: [],
  reports: [],
  annualPlans: [],
  ...p,
})
/** 1,200 万元 planned for 2026 and `total` (0.01 万元) reported in October. */
const invested = (total: number): Partial<RawProject> => ({
  annualPlans: [{ year: 2026, amount: 120000 }],
  reports: [{ period: '2026-10', investment: total }],
})

/** The row's basis as the ranking computes it: the rules' counted components, with the item counts. */
function basisOf(p: RawProject, weights: Weights = DEFAULT_RULES.weights) {
  const facts = scoreFactsFromRaw(p, PERIOD)
  const result = scoreOf(facts, PERIOD, weights)
  const due = p.milestones.filter((m) => m.plannedDate <= '2026-10-31').length
  return { result, basis: rankBasis(result, facts, due) }
}

describe('计分依据: which components counted and how many items each had', () => {
  it('a green 0.00 with one problem closed late says 仅计问题办结 1项', () => {
    // One problem due 2026-09-01, closed 2026-09-15: late, so the problem component is 0/1; nothing else to
    // measure. The light on 2026-10-31 is green: the problem is closed.
    const p = raw({ problems: [pb('2026-09-01', '2026-09-15')] })
    const { result, basis } = basisOf(p)
    expect(formatScore(result.score)).toBe('0.00')
    expect(
      lightOf(lightFactsFromRaw(p, '2026-10-31', DEFAULT_RULES.thresholds), '2026-10-31', DEFAULT_RULES.thresholds)
        .light,
    ).toBe('green')
    expect(basis).toEqual({ milestones: null, investment: false, problems: 1 })
    expect(basisText(basis)).toBe('仅计问题办结 1项')
  })

  it('all three: 节点 n项、投资、问题办结 n项, milestones counted as items (not by weight)', () => {
    const p = raw({
      milestones: [ms('2026-03-01', '2026-03-01', 3), ms('2026-06-01', null, 3), ms('2026-12-01')],
      problems: [pb('2026-05-01', '2026-04-20')],
      ...invested(50000),
    })
    const { basis } = basisOf(p)
    expect(basis).toEqual({ milestones: 2, investment: true, problems: 1 })
    expect(basisText(basis)).toBe('节点 2项、投资、问题办结 1项')
  })

  it('a 100.00 from investment alone says 仅计投资', () => {
    const { result, basis } = basisOf(raw(invested(100000)))
    expect(formatScore(result.score)).toBe('100.00')
    expect(basisText(basis)).toBe('仅计投资')
  })

  it('a component whose weight is 0 did not count, and says so by its absence', () => {
    const p = raw({ milestones: [ms('2026-05-01', '2026-05-01')], problems: [pb('2026-05-01')] })
    const { basis } = basisOf(p, { milestones: 50, investment: 50, problems: 0 })
    expect(basisText(basis)).toBe('仅计节点 1项')
  })

  it('nothing to measure: 无可计分项; a row frozen before the basis existed: —', () => {
    const { result, basis } = basisOf(raw({ milestones: [ms('2026-12-01')] }))
    expect(result.score).toBeNull()
    expect(basisText(basis)).toBe('无可计分项')
    expect(basisText(undefined)).toBe('—')
  })
})

describe('ties: which tie-breaker of docs/rules.md §4 set a row sharing its place', () => {
  const row = (code: string, score: number | null, rate: [number, number] | null = null) => ({
    code,
    score,
    investmentRate: rate ? frac(rate[0], rate[1]) : null,
  })
  const ties = (rows: ReturnType<typeof row>[]) =>
    rankOrder(rows).map(({ row: r, rank, tie }) => [r.code, rank, tie && `${tie.size}:${tie.by}`])

  it('equal scores: by investment rate (missing last), then code; a place of its own has no tie', () => {
    expect(
      ties([
        row('XM-1', 10000, [1, 2]),
        row('XM-2', 10000, [3, 4]),
        row('XM-3', 10000, null),
        row('XM-4', 10000, null),
        row('XM-5', 9000, [1, 2]),
        row('XM-6', null),
      ]),
    ).toEqual([
      ['XM-2', 1, '4:rate'], // before XM-1: higher rate
      ['XM-1', 1, '4:rate'], // after XM-2: lower rate
      ['XM-3', 1, '4:rate'], // after XM-1: no rate, listed after those with one
      ['XM-4', 1, '4:code'], // after XM-3: neither has a rate, by code
      ['XM-5', 5, null],
      ['XM-6', null, null],
    ])
  })

  it('equal scores and equal rates: 并列, by code', () => {
    expect(ties([row('B', 8000, [1, 2]), row('A', 8000, [2, 4])])).toEqual([
      ['A', 1, '2:code'],
      ['B', 1, '2:code'],
    ])
  })

  it('says it in words, with the rate that decided', () => {
    expect(tieText({ size: 11, by: 'rate' }, 8750)).toBe('同分11个，按年度投资完成率 87.50%')
    expect(tieText({ size: 11, by: 'rate' }, null)).toBe('同分11个，无年度计划排后')
    expect(tieText({ size: 2, by: 'code' }, 5000)).toBe('同分2个并列，按项目编号')
    expect(tieText(null, 5000)).toBe('')
    expect(tieText(undefined, null)).toBe('')
  })
})

describe('前N and 后N never name the same project', () => {
  const ranked = (n: number) => Array.from({ length: n }, (_, i) => `P${i + 1}`)
  it.each([
    [1, 3, ['P1'], []],
    [2, 3, ['P1', 'P2'], []],
    [4, 3, ['P1', 'P2', 'P3'], ['P4']],
    [6, 3, ['P1', 'P2', 'P3'], ['P6', 'P5', 'P4']],
    [10, 3, ['P1', 'P2', 'P3'], ['P10', 'P9', 'P8']],
    [1, 5, ['P1'], []],
    [4, 5, ['P1', 'P2', 'P3', 'P4'], []],
    [7, 5, ['P1', 'P2', 'P3', 'P4', 'P5'], ['P7', 'P6']],
  ])('%i ranked, lists of %i', (count, n, best, worst) => {
    const lists = bestAndWorst(ranked(count), n)
    expect(lists).toEqual({ best, worst })
    expect(lists.worst.filter((p) => lists.best.includes(p))).toEqual([])
  })
})

/** Redoes the arithmetic shown: "节点 80.00% × 62.5% ＋ 投资 50.00% × 37.5%" → the score in hundredths. */
function redo(text: string): number {
  const value = (s: string): Fraction => {
    const pct = /^(\d+)(?:\.(\d+))?%$/.exec(s)
    if (pct) {
      const decimals = pct[2] ?? ''
      return frac(BigInt(pct[1]! + decimals), 100n * 10n ** BigInt(decimals.length))
    }
    const [n, d] = s.split('/')
    return frac(BigInt(n!), BigInt(d!))
  }
  let sum = frac(0)
  for (const term of text.split(' ＋ ')) {
    const [, v, share] = /^\S+ (\S+) × (\S+)$/.exec(term)!
    const a = value(v!)
    const b = value(share!)
    sum = frac(sum.n * a.d * b.d + a.n * b.n * sum.d, sum.d * a.d * b.d)
  }
  return roundHalfUp(sum, 10000) // 100 × the weighted mean, in hundredths
}

describe('the score as arithmetic: the weights in force, exactly', () => {
  it('weights 5:3 (50 and 30, no problem due) are 62.5 % and 37.5 %, and the shown arithmetic gives the score', () => {
    // 4 of 5 milestones on time (80 %), 500 of the 1,000 万元 pro rata (50 %): 80 × 0.625 + 50 × 0.375 = 68.75.
    const p = raw({
      milestones: [1, 2, 3, 4].map((m) => ms(`2026-0${m}-01`, `2026-0${m}-01`)).concat(ms('2026-05-01')),
      ...invested(50000),
    })
    const facts = scoreFactsFromRaw(p, PERIOD)
    const result = scoreOf(facts, PERIOD, DEFAULT_RULES.weights)
    // What used to be shown: whole percents 63 + 38 = 101, which no longer give 68.75.
    expect(result.appliedWeights).toEqual({ milestones: 63, investment: 38, problems: 0 })
    const formula = scoreFormula(componentsOf(facts, PERIOD), DEFAULT_RULES.weights)
    const text = formulaText(formula)
    expect(text).toBe('节点 80.00% × 62.5% ＋ 投资 50.00% × 37.5%')
    expect(formula.left).toEqual(['problems'])
    expect(formula.rounded).toBe(false)
    expect(formatScore(result.score)).toBe('68.75')
    expect(redo(text)).toBe(result.score)
  })

  it('a share with no exact decimal is shown as a fraction (50/70 → 5/7), never rounded', () => {
    // No annual plan: 节点 50 and 问题 20 of 70. 1 of 2 milestones on time (50 %), the problem in time (100 %):
    // 50 × 5/7 + 100 × 2/7 = 450/7 = 64.2857… → 64.29.
    const p = raw({
      milestones: [ms('2026-05-01', '2026-05-01'), ms('2026-06-01')],
      problems: [pb('2026-05-01', '2026-05-01')],
    })
    const facts = scoreFactsFromRaw(p, PERIOD)
    const result = scoreOf(facts, PERIOD, DEFAULT_RULES.weights)
    const text = formulaText(scoreFormula(componentsOf(facts, PERIOD), DEFAULT_RULES.weights))
    expect(text).toBe('节点 50.00% × 5/7 ＋ 问题 100.00% × 2/7')
    expect(formatScore(result.score)).toBe('64.29')
    expect(redo(text)).toBe(result.score)
  })

  it('says when a shown component is itself rounded (2/3 → 66.67%)', () => {
    const p = raw({ milestones: [ms('2026-05-01', '2026-05-01'), ms('2026-05-02', '2026-05-02'), ms('2026-06-01')] })
    const formula = scoreFormula(componentsOf(scoreFactsFromRaw(p, PERIOD), PERIOD), DEFAULT_RULES.weights)
    expect(formulaText(formula)).toBe('节点 66.67% × 100%')
    expect(formula.rounded).toBe(true)
  })

  it('writes shares exactly: 62.5%, 60%, 41.25%, 5/7; leaves out absent and zero-weight components', () => {
    expect(exactPercent(frac(5, 8))).toBe('62.5%')
    expect(exactPercent(frac(30, 50))).toBe('60%')
    expect(exactPercent(frac(33, 80))).toBe('41.25%')
    expect(exactPercent(frac(50, 70))).toBe('5/7')
    expect(exactPercent(frac(1, 1))).toBe('100%')
    const shares = weightShares(
      { milestones: 40, investment: 0, problems: 25 },
      {
        milestones: 1,
        investment: 1,
        problems: 1,
      },
    )
    expect(shares.investment).toBeNull()
    expect(exactPercent(shares.milestones!)).toBe('8/13')
    expect(weightShares(DEFAULT_RULES.weights, { milestones: null, investment: null, problems: null })).toEqual({
      milestones: null,
      investment: null,
      problems: null,
    })
  })
})
