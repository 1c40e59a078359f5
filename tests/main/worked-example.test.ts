/** docs/ranking-worked-example.md must stay true: recompute it on the same demo data. */
import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatMoney } from '../../src/shared/money'
import { basisText, formatScore, tieText } from '../../src/shared/rules/ranking'
import { newApp } from '../helpers/app'

describe('the worked example in the docs', () => {
  it('matches what the program computes for XM-012 in October 2026', async () => {
    // Spaces collapsed: Prettier pads the Markdown tables.
    const doc = fs.readFileSync('docs/ranking-worked-example.md', 'utf8').replace(/ +/g, ' ')
    const app = await newApp()
    await app.call('demo.load', {})
    const [project] = await app.call('project.list', { text: 'XM-012' })
    const b = await app.call('ranking.breakdown', { projectId: project!.id, period: '2026-10' })
    expect(b.name).toBe('西沟5兆瓦风电场项目')
    expect(doc).toContain(b.name)
    for (const m of b.milestones)
      expect(doc).toContain(`| ${m.name} | ${m.plannedDate} | ${m.actualDate ?? '未完成'} | ${m.weight} |`)
    const weight = b.milestones.reduce((s, m) => s + m.weight, 0)
    const credit = b.milestones.reduce((s, m) => s + m.weight * m.credit, 0)
    expect(`${credit}/${weight}`).toBe('10.5/12')
    expect(b.components).toEqual({ milestones: 8750, investment: 5326, problems: 10000 })
    expect(doc).toContain(`年度计划投资 ${formatMoney(b.investment.annualPlan!)} 万元`)
    expect(doc).toContain(`完成投资合计 ${formatMoney(b.investment.completed)} 万元`)
    expect(doc).toContain(b.investment.reports.map((r) => formatMoney(r.investment)).join(' + '))
    for (const p of b.problems)
      expect(doc).toContain(
        `| ${p.description} | ${p.deadline} | ${p.closedOn ?? '未销号'} | ${p.inTime ? '是' : '否'} |`,
      )
    expect(doc).toContain(`**${formatScore(b.score)}**`)
    const ranking = await app.call('ranking.projects', { period: '2026-10' })
    const row = ranking.rows.find((r) => r.code === 'XM-012')!
    expect(doc).toContain(`共有 ${ranking.rows.length} 个项目`)
    expect(doc).toContain(`列**第 ${row.rank} 名**`)
    expect(doc).toContain(`年度投资完成率 ${formatScore(row.investmentRate)}%`)
    expect(ranking.rows.filter((r) => r.score === row.score)).toHaveLength(1)
    expect(b.light).toBe('yellow')
    const first = ranking.rows.filter((r) => r.rank === 1)
    expect(first.every((r) => r.score === 10000)).toBe(true)
    expect(doc).toContain(`本月有 ${first.length} 个项目同为 100.00 分，并列第 1 名`)
    // What the screen, the 通报 and the Excel say beside each row: what counted (the items of the worked
    // example), and for the shared first place how it was broken.
    expect(basisText(row.basis)).toBe(`节点 ${b.milestones.length}项、投资、问题办结 ${b.problems.length}项`)
    expect(tieText(row.tie, row.investmentRate)).toBe('')
    for (const r of first) expect(r.tie?.size, r.code).toBe(first.length)
    expect(first.map((r) => tieText(r.tie, r.investmentRate)).every((t) => t.startsWith(`同分${first.length}个`))).toBe(
      true,
    )
    expect(doc).toContain(`「${b.reasons[0]!.text}」`)
  })
})
