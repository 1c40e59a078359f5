/** The `rank` table lines up in a terminal, also with characters outside the BMP (𠮷 U+20BB7, CJK Ext B–H). */
import { describe, expect, it } from 'vitest'
import { formatGroupRanking, formatProjectRanking, width } from '../../src/main/cli/rank-table'
import { DEFAULT_RULES } from '../../src/shared/domain'
import type { GroupRankRow, ProjectRankRow, RankingMeta } from '../../src/shared/rules/types'

const meta: RankingMeta = {
  period: '2026-10',
  asOf: '2026-10-31',
  frozen: false,
  frozenAt: null,
  previousPeriod: null,
  rules: DEFAULT_RULES,
}

function project(id: number, name: string, leader: string | null, township: string, score: number): ProjectRankRow {
  return {
    projectId: id,
    code: `XM-${id}`,
    name,
    stage: 'construction',
    leader: leader === null ? null : { id, name: leader },
    township: { id, name: township },
    leadUnit: { id, name: '发改局' },
    rank: id,
    change: { kind: 'new', places: 0 },
    score,
    components: { milestones: score, investment: null, problems: null },
    investmentRate: null,
    annualPlan: null,
    completed: 0,
    light: 'green',
    reasons: [],
  }
}

function group(id: number, name: string, mean: number): GroupRankRow {
  return {
    group: { id, name },
    rank: id,
    change: { kind: 'new', places: 0 },
    mean,
    projects: 3,
    ranked: 3,
    red: 0,
    yellow: 1,
    green: 2,
  }
}

/** The display column where `cell` starts on `line`, counted here on its own: CJK and planes 2–3 take two. */
function column(line: string, cell: string): number {
  const at = line.indexOf(cell)
  expect(at, `「${cell}」 in 「${line}」`).toBeGreaterThanOrEqual(0)
  return [...line.slice(0, at)].reduce((w, ch) => w + (ch.codePointAt(0)! >= 0x2e80 ? 2 : 1), 0)
}

describe('rank table', () => {
  it('counts a character outside the BMP as two columns, like the CJK it extends', () => {
    expect(width('𠮷')).toBe(2)
    expect(width('𠮷野家')).toBe(width('吉野家'))
    expect(width('\u{2a6d6}\u{2b740}\u{2f800}\u{30000}\u{31350}')).toBe(10) // Ext B, D, compatibility, G, H
    expect(width('XM-1 84.12 —')).toBe(12)
  })

  it('lines up the columns after a project or leader name with 𠮷 in it', () => {
    const text = formatProjectRanking({
      ...meta,
      total: 3,
      projects: 3,
      version: 1,
      rows: [
        project(1, '𠮷祥大道改造', '李明', '城关镇', 9125),
        project(2, 'A路', '𠮷庆华', '东关街道', 8412),
        project(3, '吉祥大道改造提升', null, '西关镇', 7003),
      ],
    })
    const lines = text.split('\n')
    const header = lines.find((l) => l.startsWith('名次'))!
    const rows = [
      { line: lines.find((l) => l.includes('XM-1'))!, leader: '李明', township: '城关镇', score: '91.25' },
      { line: lines.find((l) => l.includes('XM-2'))!, leader: '𠮷庆华', township: '东关街道', score: '84.12' },
      { line: lines.find((l) => l.includes('XM-3'))!, leader: '—', township: '西关镇', score: '70.03' },
    ]
    for (const r of rows) {
      expect(column(r.line, r.leader), r.line).toBe(column(header, '包联领导'))
      expect(column(r.line, r.township), r.line).toBe(column(header, '乡镇/街道'))
      expect(column(r.line, r.score), r.line).toBe(column(header, '得分'))
    }
  })

  it('lines up a group table by leader with 𠮷 in a name', () => {
    const text = formatGroupRanking({
      ...meta,
      by: 'leader',
      total: 3,
      version: 1,
      rows: [group(1, '𠮷庆华', 9125), group(2, '欧阳明远', 8412), group(3, '李明', 7003)],
    })
    const lines = text.split('\n')
    const header = lines.find((l) => l.startsWith('名次'))!
    for (const [name, mean] of [
      ['𠮷庆华', '91.25'],
      ['欧阳明远', '84.12'],
      ['李明', '70.03'],
    ]) {
      const line = lines.find((l) => l.includes(name!))!
      expect(column(line, mean!), line).toBe(column(header, '平均分'))
    }
  })
})
