/**
 * `rank` on the demo data equals a calculation of docs/rules.md's rules written out independently here, straight
 * from the tables with plain arithmetic (no code shared with src/shared/rules).
 */
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/main/cli/index'
import { newApp, tempDir } from '../helpers/app'

interface Row {
  code: string
  score: number | null
  rate: number | null
}

function byHand(file: string, period: string): { code: string; rank: number | null; score: number | null }[] {
  const db = new BetterSqlite3(file, { readonly: true })
  const D = `${period}-31` // October
  const year = period.slice(0, 4)
  const m = Number(period.slice(5))
  const rows: Row[] = (db.prepare('SELECT id, code FROM projects').all() as { id: number; code: string }[]).map((p) => {
    const ms = db
      .prepare(
        'SELECT planned_date p, actual_date a, weight w FROM milestones WHERE project_id = ? AND planned_date <= ?',
      )
      .all(p.id, D) as { p: string; a: string | null; w: number }[]
    const plan =
      (
        db.prepare('SELECT amount FROM annual_plans WHERE project_id = ? AND year = ?').get(p.id, Number(year)) as
          { amount: number } | undefined
      )?.amount ?? 0
    const done = (
      db
        .prepare(
          'SELECT coalesce(sum(investment), 0) s FROM monthly_reports WHERE project_id = ? AND period >= ? AND period <= ?',
        )
        .get(p.id, `${year}-01`, period) as { s: number }
    ).s
    const pbs = db
      .prepare('SELECT deadline d, closed_on c FROM problems WHERE project_id = ? AND deadline <= ?')
      .all(p.id, D) as { d: string; c: string | null }[]
    const parts: [number, number][] = []
    if (ms.length) {
      const credit = ms.reduce(
        (s, x) => s + x.w * (x.a !== null && x.a <= x.p ? 1 : x.a !== null && x.a <= D ? 0.5 : 0),
        0,
      )
      parts.push([50, credit / ms.reduce((s, x) => s + x.w, 0)])
    }
    if (plan > 0) parts.push([30, Math.min(1, done / plan / (m / 12))])
    if (pbs.length) parts.push([20, pbs.filter((x) => x.c !== null && x.c <= x.d).length / pbs.length])
    const w = parts.reduce((s, [x]) => s + x, 0)
    const raw = parts.length ? (100 * parts.reduce((s, [x, v]) => s + x * v, 0)) / w : null
    return {
      code: p.code,
      score: raw === null ? null : Math.floor(raw * 100 + 0.5 + 1e-9) / 100,
      rate: plan > 0 ? done / plan : null,
    }
  })
  db.close()
  const ranked = rows
    .filter((r) => r.score !== null)
    .sort(
      (a, b) =>
        b.score! - a.score! ||
        (a.rate === null ? 1 : 0) - (b.rate === null ? 1 : 0) ||
        (b.rate ?? 0) - (a.rate ?? 0) ||
        (a.code < b.code ? -1 : 1),
    )
  const out = ranked.map((r) => ({
    code: r.code,
    rank: 1 + ranked.filter((o) => o.score! > r.score!).length,
    score: r.score,
  }))
  const unranked = rows
    .filter((r) => r.score === null)
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .map((r) => ({ code: r.code, rank: null, score: null }))
  return [...out, ...unranked]
}

describe('npm run cli -- rank', () => {
  it('prints the demo ranking of a month, equal to a hand calculation of the rules', async () => {
    const file = path.join(tempDir(), 'rank.db')
    const app = await newApp(file)
    await app.call('demo.load', {})
    const out: string[] = []
    expect(await main(['rank', '--db', file, '--period', '2026-10', '--json'], (s) => out.push(s))).toBe(0)
    const ranking = JSON.parse(out.join('\n')) as {
      rows: { code: string; rank: number | null; score: number | null }[]
    }
    const expected = byHand(file, '2026-10')
    expect(
      ranking.rows.map((r) => ({ code: r.code, rank: r.rank, score: r.score === null ? null : r.score / 100 })),
    ).toEqual(expected)
    expect(expected.filter((r) => r.rank !== null).length).toBeGreaterThan(30)
  })

  it('prints a readable Chinese table by leader', async () => {
    const file = path.join(tempDir(), 'rank2.db')
    const app = await newApp(file)
    await app.call('demo.load', {})
    const out: string[] = []
    expect(await main(['rank', '--db', file, '--period', '2026-10', '--by', 'leader'], (s) => out.push(s))).toBe(0)
    const text = out.join('\n')
    expect(text).toContain('2026年10月重点项目大排名（按包联领导，未封账，实时计算）')
    expect(text).toMatch(/名次\s+升降\s+包联领导\s+平均分\s+项目数/)
  })

  it('refuses a bad period or grouping', async () => {
    const err: string[] = []
    expect(
      await main(
        ['rank', '--db', 'x.db', '--period', '2026-13'],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(2)
    expect(
      await main(
        ['rank', '--db', 'x.db', '--period', '2026-10', '--by', 'county'],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(2)
    expect(
      await main(
        ['rank', '--db', 'x.db'],
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(2)
    expect(err.join('\n')).toContain('--period')
  })
})
