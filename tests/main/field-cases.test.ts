/**
 * The field cases (tests/fixtures/field-cases, copied from shared/field-cases): ledgers shaped as county offices
 * keep them, each imported for real into an empty database, with the data that landed checked against the
 * README's "right outcome".
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { App } from '../../src/main/app'
import { newApp } from '../helpers/app'
import { landedProjects } from '../helpers/ledgers'

const DIR = path.join(__dirname, '../fixtures/field-cases')
const base64Of = (name: string) => fs.readFileSync(path.join(DIR, name)).toString('base64')

async function importCase(name: string, given?: App) {
  const app = given ?? (await newApp())
  const base64 = base64Of(name)
  // The field cases have no 项目阶段 column: their new projects take the stage chosen in the preview.
  const preview = await app.call('excel.preview', { fileName: name, base64, stage: 'planning' })
  expect(preview.issues).toEqual([])
  const result = await app.call('excel.import', { fileName: name, base64, stage: 'planning' })
  return { app, preview, result, base64 }
}

const landed = landedProjects
const leaderNames = async (app: App) =>
  (await app.call('leader.list', { includeInactive: true })).map((l) => l.name).sort()

describe('field cases: real ledger shapes, imported for real', () => {
  it('00 plain ledger: 2 projects, totals 5,000.00 and 28,000.00, leaders 周明远 and 郑佳宁', async () => {
    const { app } = await importCase('00-control.xlsx')
    const rows = await landed(app)
    expect(rows.map((r) => [r.name, r.total, r.leader])).toEqual([
      ['城东污水处理厂提标改造项目', 500000, '周明远'],
      ['智能装备产业园一期', 2800000, '郑佳宁'],
    ])
    expect(await leaderNames(app)).toEqual(['周明远', '郑佳宁'])
  })

  it('01 amounts in 亿元: converted exactly to 万元, and the preview says so', async () => {
    const { app, preview } = await importCase('01-amounts-in-yiyuan.xlsx')
    const rows = await landed(app)
    expect(rows.map((r) => [r.name, r.total, r.plan])).toEqual([
      ['城东污水处理厂提标改造项目', 3500000, '2026:1200000'],
      ['智能装备产业园一期', 12800000, '2026:4050000'], // 4.05 亿元: 40,500.00 万元, not 40,499.99
    ])
    expect(preview.conversions).toEqual([
      'D列「总投资（亿元）」：亿元 → 万元（×10,000）',
      'E列「2026年计划投资（亿元）」：亿元 → 万元（×10,000）',
    ])
    expect(preview.columns.find((c) => c.letter === 'D')).toMatchObject({ unit: '亿元', unitSource: 'header' })
  })

  it('02 leader column titled 包抓县级领导: both leaders assigned', async () => {
    const { app, preview } = await importCase('02-leader-header-baozhua.xlsx')
    expect(preview.columns.find((c) => c.header === '包抓县级领导')!.field).toBe('leader')
    expect((await landed(app)).map((r) => r.leader)).toEqual(['周明远', '郑佳宁'])
  })

  it('03 2026年 merged over 计划投资 / 1-10月完成投资: exactly 2 projects, plans 1,200.00 and 9,000.00', async () => {
    const { app, preview } = await importCase('03-year-parent-header.xlsx')
    expect(preview.headerRows).toEqual([2, 3])
    expect(preview.columns.find((c) => c.letter === 'E')).toMatchObject({
      header: '2026年 / 计划投资',
      field: 'annualPlan',
      year: 2026,
    })
    expect(preview.columns.find((c) => c.letter === 'F')!.header).toBe('2026年 / 1-10月完成投资')
    const rows = await landed(app)
    expect(rows.map((r) => [r.name, r.plan])).toEqual([
      ['城东污水处理厂提标改造项目', '2026:120000'],
      ['智能装备产业园一期', '2026:900000'],
    ])
  })

  it('04 全县合计 at the top and group rows 一 / 续建项目（1个）: exactly the 2 projects', async () => {
    const { app, preview } = await importCase('04-section-rows-split.xlsx')
    expect((await landed(app)).map((r) => r.name)).toEqual(['城东污水处理厂提标改造项目', '智能装备产业园一期'])
    expect(preview.skippedRows.map((s) => [s.row, s.kind])).toEqual([
      [3, 'total'],
      [4, 'group'],
      [6, 'group'],
    ])
    expect(await leaderNames(app)).toEqual(['周明远', '郑佳宁'])
  })

  it('05 one leader written with a full-width space, a zero-width space, a no-break space: exactly 2 leaders', async () => {
    const { app } = await importCase('05-leader-spacing-variants.xlsx')
    expect(await landed(app)).toHaveLength(5)
    expect(await leaderNames(app)).toEqual(['王伟', '郑佳宁'])
  })

  it('06 middle-dot variants and 𠮷: exactly 2 leaders, 阿不都·热合曼 with U+00B7, 𠮷 intact', async () => {
    const { app } = await importCase('06-middle-dots-and-rare-cjk.xlsx')
    const rows = await landed(app)
    expect(rows).toHaveLength(4)
    expect(await leaderNames(app)).toEqual(['阿不都\u00b7热合曼', '𠮷庆林'].sort())
    expect(rows.map((r) => r.name)).toContain('𠮷祥路道路改造工程')
    expect([...'𠮷祥路道路改造工程'][0]).toBe('\u{20BB7}')
  })

  it('14 construction periods 2025-27, 2026.3-2027.12, 2026-2028年', async () => {
    const { app } = await importCase('14-years-shorthand.xlsx')
    const years = Object.fromEntries((await landed(app)).map((r) => [r.name, r.years]))
    expect(years).toEqual({
      城东污水处理厂提标改造项目: '2025-2027',
      智能装备产业园一期: '2026-2027',
      县城供热管网改造: '2026-2028',
    })
  })

  it('15 a hidden sheet of last year before this year’s visible one: only the visible sheet', async () => {
    const { app, preview } = await importCase('15-hidden-old-sheet-first.xlsx')
    expect(preview.sheet).toBe('2026年台账')
    expect(preview.sheets).toEqual([
      { name: '2025年台账', hidden: true, active: false },
      { name: '2026年台账', hidden: false, active: true },
    ])
    expect((await landed(app)).map((r) => r.name)).toEqual(['城东污水处理厂提标改造项目', '智能装备产业园一期'])
  })

  it('16 the same name in two townships, no codes: 2 projects, and importing again updates both', async () => {
    const { app, base64 } = await importCase('16-same-name-two-townships.xlsx')
    const again = await app.call('excel.preview', { fileName: '16.xlsx', base64 })
    expect(again).toMatchObject({ issueCount: 0, creates: 0, updates: 2 })
    expect(await app.call('excel.import', { fileName: '16.xlsx', base64 })).toMatchObject({ created: 0, updated: 2 })
    expect((await landed(app)).map((r) => [r.name, r.township, r.total])).toEqual([
      ['高标准农田建设项目', '城关镇', 120000],
      ['高标准农田建设项目', '河口镇', 150000],
    ])
  })

  it('18 formatted empty rows down to row 120,000: 2 projects, no "too many rows"', async () => {
    const { app, preview } = await importCase('18-empty-formatted-rows.xlsx')
    expect(preview.rows).toBe(2)
    expect(preview.skipped).toBe(0)
    expect(await landed(app)).toHaveLength(2)
  })

  it('21 填报单位 above and 备注 / 填表人 lines below: 2 projects, nothing made from those lines', async () => {
    const { app, preview } = await importCase('21-signoff-footer.xlsx')
    expect(await landed(app)).toHaveLength(2)
    expect(await leaderNames(app)).toEqual(['周明远', '郑佳宁'])
    const units = (await app.call('dict.list', { kind: 'unit' })).map((d) => d.name).sort()
    expect(units).toEqual(['县发改局', '县工信局'].sort())
    const townships = (await app.call('dict.list', { kind: 'township' })).map((d) => d.name).sort()
    expect(townships).toEqual(['城关镇', '高新区'].sort())
    expect(preview.skippedRows.map((s) => s.kind)).toEqual(['note', 'note'])
  })

  it('23b ISO date cells (t="d"): planned start 2026-03-15, completion 2027-06-30', async () => {
    const { app } = await importCase('23b-iso-date-cells-with-years.xlsx')
    expect(await landed(app)).toMatchObject([{ start: '2026-03-15', end: '2027-06-30' }])
  })

  it('28 a 21-character minority name with three dots: imported, then saved again unchanged in 领导 and the contract', async () => {
    const { app } = await importCase('28-long-minority-leader-name.xlsx')
    const name = '阿卜杜热合曼·买买提依明·艾则孜江·吐尔逊'
    const [leader] = await app.call('leader.list', {})
    expect(leader!.name).toBe(name)
    const saved = await app.call('leader.update', {
      id: leader!.id,
      version: leader!.version,
      name: leader!.name,
      title: '副县长',
    })
    expect(saved).toMatchObject({ name, title: '副县长' })
    expect((await landed(app))[0]!.leader).toBe(name)
  })
})
