/**
 * Other files of the field cases' kinds, written with other producers' habits (tests/helpers/raw-xlsx.ts), ExcelJS,
 * and LibreOffice: each imported into an empty database and the data that landed checked — or, where the ledger
 * is unclear, refused with a message that names the sheet, row and column and changes nothing.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { App } from '../../src/main/app'
import type { CallInput } from '../../src/shared/contract'
import { dump, newApp, refused, tempDir } from '../helpers/app'
import { landedProjects } from '../helpers/ledgers'
import { HEADER, TITLE, project, rawXlsx, type RawSheet, type RawOptions } from '../helpers/raw-xlsx'

const b64 = (buffer: Buffer) => buffer.toString('base64')

// These ledgers have no 项目阶段 column: the stage of their new projects is chosen, as in the preview.
async function preview(app: App, buffer: Buffer, extra: Partial<CallInput<'excel.preview'>> = {}) {
  return app.call('excel.preview', { fileName: '台账.xlsx', base64: b64(buffer), stage: 'planning', ...extra })
}
async function importAll(buffer: Buffer, extra: Partial<CallInput<'excel.import'>> = {}, given?: App) {
  const app = given ?? (await newApp())
  const p = await preview(app, buffer, extra)
  expect(p.issues).toEqual([])
  await app.call('excel.import', { fileName: '台账.xlsx', base64: b64(buffer), stage: 'planning', ...extra })
  return { app, preview: p }
}
const projects = landedProjects
const sheet = (rows: RawSheet['rows'], more: Partial<RawSheet> = {}): RawSheet => ({ name: '台账', rows, ...more })

describe('units in headers', () => {
  it('reads 单位：亿元 in a note row above the header as the sheet’s unit, and a column’s own （万元） over it', async () => {
    const file = await rawXlsx([
      sheet([
        TITLE,
        ['填报单位：县发改局', null, null, null, '单位：亿元'],
        ['序号', '项目名称', '建设内容及规模', '总投资', '2026年计划投资（万元）', '包联领导', '责任单位', '所在乡镇'],
        project(1, '甲项目', 1.25, 800, '周明远'),
      ]),
    ])
    const { app, preview: p } = await importAll(file)
    expect(p.conversions).toEqual(['D列「总投资」：亿元 → 万元（×10,000，依据表上方的“单位：亿元”）'])
    expect(await projects(app)).toMatchObject([{ total: 1250000, plan: '2026:80000' }])
  })

  it('converts 元 to 万元, rounding half up to two decimals and saying so', async () => {
    const file = await rawXlsx([
      sheet([
        TITLE,
        [
          '序号',
          '项目名称',
          '建设内容及规模',
          '总投资（元）',
          '2026年计划投资（元）',
          '包联领导',
          '责任单位',
          '所在乡镇',
        ],
        project(1, '甲项目', 123456789, 5000050, '周明远'),
      ]),
    ])
    const { app, preview: p } = await importAll(file)
    expect(p.conversions).toContain('D列「总投资（元）」：元 → 万元（÷10,000）')
    expect(p.conversions.at(-1)).toMatch(/^2个金额.*四舍五入保留两位小数/)
    // 123,456,789 元 = 12,345.6789 万元 → 12,345.68; 5,000,050 元 = 500.005 万元 → 500.01
    expect(await projects(app)).toMatchObject([{ total: 1234568, plan: '2026:50001' }])
  })

  it('asks for a unit it cannot read (（万美元）), reads nothing of that column until one is chosen', async () => {
    const app = await newApp()
    const file = await rawXlsx([
      sheet([
        TITLE,
        [
          '序号',
          '项目名称',
          '建设内容及规模',
          '总投资（万美元）',
          '2026年计划投资（万元）',
          '包联领导',
          '责任单位',
          '所在乡镇',
        ],
        project(1, '甲项目', 100, 50, '周明远'),
      ]),
    ])
    const before = await dump(app)
    const p = await preview(app, file)
    expect(p.columns.find((c) => c.letter === 'D')).toMatchObject({ unit: null, unitText: '万美元' })
    expect(p.issues.map((i) => i.message)).toEqual([
      '工作表「台账」D列「总投资（万美元）」的金额单位「万美元」无法识别，没有读取这一列。请在预览中为这一列选择单位（元、万元、亿元……）',
    ])
    await refused(app, 'excel.import', { fileName: 'x.xlsx', base64: b64(file) }, 'INVALID_INPUT')
    expect(await dump(app)).toEqual(before)
    const chosen = await importAll(file, { units: { '4': '万元' } }, app)
    expect(chosen.preview.conversions).toEqual(['D列「总投资（万美元）」：按所选单位 万元 读取'])
    expect(await projects(app)).toMatchObject([{ total: 10000 }])
  })
})

describe('header shapes', () => {
  it('reads a three-row header: 投资情况（万元） over 总投资 and 2026年, 2026年 over 计划投资 / 1-10月完成', async () => {
    const file = await rawXlsx([
      sheet(
        [
          ['某县2026年重点项目台账'],
          ['填报单位：县发改局', null, null, null, null, null, '填报日期：2026年11月5日'],
          ['序号', '项目名称', '投资情况（万元）', null, null, '包保县级领导', '牵头单位', '所在乡镇（街道）'],
          [null, null, '总投资', '2026年', null],
          [null, null, null, '计划投资', '1-10月完成'],
          [1, '甲项目', 3000, 1200, 800, '周明远', '县发改局', '城关镇'],
          [2, '乙项目', 5000, 2000, 900, '郑佳宁', '县工信局', '河口镇'],
        ],
        { merges: ['A1:H1', 'A3:A5', 'B3:B5', 'C3:E3', 'C4:C5', 'D4:E4', 'F3:F5', 'G3:G5', 'H3:H5'] },
      ),
    ])
    const { app, preview: p } = await importAll(file)
    expect(p.headerRows).toEqual([3, 4, 5])
    expect(p.columns.map((c) => [c.header, c.field])).toEqual([
      ['序号', 'seq'],
      ['项目名称', 'name'],
      ['投资情况（万元） / 总投资', 'totalInvestment'],
      ['投资情况（万元） / 2026年 / 计划投资', 'annualPlan'],
      ['投资情况（万元） / 2026年 / 1-10月完成', 'completedThisYear'],
      ['包保县级领导', 'leader'],
      ['牵头单位', 'leadUnit'],
      ['所在乡镇（街道）', 'township'],
    ])
    expect(p.conversions).toEqual([]) // 万元 from the parent: nothing to convert
    expect(await projects(app)).toMatchObject([
      { name: '乙项目', total: 500000, plan: '2026:200000', leader: '郑佳宁', township: '河口镇' },
      { name: '甲项目', total: 300000, plan: '2026:120000', leader: '周明远', township: '城关镇' },
    ])
  })

  it.each([
    '包联领导',
    '包抓县级领导',
    '包保县领导',
    '联系县领导',
    '分管县领导',
    '县级包联领导',
    '责任领导',
    '县级领导',
  ])('takes %s as the leader column', async (title) => {
    const file = await rawXlsx([
      sheet([TITLE, HEADER.map((h) => (h === '包联领导' ? title : h)), project(1, '甲', 100, 10, '周明远')]),
    ])
    const p = await preview(await newApp(), file)
    expect(p.columns.find((c) => c.header === title)!.field).toBe('leader')
  })

  it('leaves a column it cannot match unmapped, and takes the user’s mapping (preview and import)', async () => {
    const file = await rawXlsx([
      sheet([
        TITLE,
        ['序号', '项目名称', '建设内容及规模', '总投资（万元）', '包联领导', '主办科室', '所在乡镇'],
        [1, '甲项目', '新建', 100, '周明远', '县发改局', '城关镇'],
      ]),
    ])
    const app = await newApp()
    const p = await preview(app, file)
    expect(p.columns.find((c) => c.letter === 'F')!.field).toBeNull()
    expect(p.issues.map((i) => i.message)).toEqual([expect.stringContaining('没有认出「牵头单位」列')])
    await importAll(file, { mapping: { '6': 'leadUnit' } }, app)
    expect((await app.call('project.list', {}))[0]!.leadUnit.name).toBe('县发改局')
  })
})

describe('rows that are not projects', () => {
  it('skips totals anywhere, 其中 rows, group headings of every form, a column-number row and numbered empty rows', async () => {
    const file = await rawXlsx([
      sheet([
        TITLE,
        HEADER,
        ['甲', '乙', 1, 2, 3, 4, 5, 6],
        [null, '合  计', null, 9000, 3000],
        ['一、续建项目（2个）'],
        [null, '其中：省重点', null, 5000, 1000],
        project(1, '甲项目', 4000, 1000, '周明远'),
        project(2, '乙项目', 1000, 500, '郑佳宁'),
        [null, '小计', null, 5000, 1500],
        ['（二）', '新开工项目', null, 4000, 1500],
        project(3, '丙项目', 4000, 1500, '周明远'),
        [4],
        [5],
        [null, '总计', null, 9000, 3000],
        ['注：本表金额单位为万元'],
        ['审核人：冯国强', null, '联系人：钱小雨'],
      ]),
    ])
    const { app, preview: p } = await importAll(file)
    expect((await projects(app)).map((r) => r.name)).toEqual(['丙项目', '乙项目', '甲项目'])
    expect(p.skippedRows.map((s) => [s.row, s.kind])).toEqual([
      [3, 'numbering'],
      [4, 'total'],
      [5, 'group'],
      [6, 'total'],
      [9, 'total'],
      [10, 'group'],
      [14, 'total'],
      [15, 'note'],
      [16, 'note'],
    ])
    expect((await app.call('leader.list', {})).map((l) => l.name).sort()).toEqual(['周明远', '郑佳宁'])
  })

  it('counts rows with values, not rows that exist: 200,000 formatted rows import in seconds', async () => {
    const file = await rawXlsx([
      sheet([TITLE, HEADER, project(1, '甲项目', 100, 10, '周明远')], { formattedEmptyRows: 200_000 }),
    ])
    const { preview: p } = await importAll(file)
    expect(p).toMatchObject({ rows: 1, skipped: 0 })
  })
})

describe('sheets', () => {
  const two = (activeTab: number) =>
    rawXlsx(
      [
        sheet([TITLE, HEADER, project(1, '一表项目', 100, 10, '周明远')], { name: '一表' }),
        sheet([TITLE, HEADER, project(1, '二表项目', 200, 20, '郑佳宁')], { name: '二表' }),
        sheet([TITLE, HEADER, project(1, '隐藏项目', 300, 30, '王伟')], { name: '旧表', state: 'hidden' }),
      ],
      { activeTab },
    )
  it('proposes the active sheet, lets the user choose another, and never reads a hidden one by default', async () => {
    const app = await newApp()
    expect((await preview(app, await two(1))).sheet).toBe('二表')
    expect((await preview(app, await two(0))).sheet).toBe('一表')
    const chosen = await preview(app, await two(1), { sheet: '一表' })
    expect(chosen).toMatchObject({ sheet: '一表', sample: [{ name: '一表项目' }] })
    expect(chosen.sheets).toEqual([
      { name: '一表', hidden: false, active: false },
      { name: '二表', hidden: false, active: true },
      { name: '旧表', hidden: true, active: false },
    ])
    // Active but hidden: the first visible sheet instead.
    expect((await preview(app, await two(2))).sheet).toBe('一表')
    const error = await refused(
      app,
      'excel.preview',
      { fileName: 'x.xlsx', base64: b64(await two(0)), sheet: '三表' },
      'INVALID_INPUT',
    )
    expect(error.message).toBe('工作簿中没有工作表「三表」。工作表有：「一表」、「二表」、「旧表」（隐藏）')
  })
})

describe('cell forms', () => {
  it('reads ISO date cells, date-formatted serials in the 1900 and 1904 systems, and dates typed as text', async () => {
    const rows = (first: unknown, second: unknown) => [
      TITLE,
      [...HEADER, '计划开工时间', '计划竣工时间'],
      [...project(1, '甲项目', 100, 10, '周明远'), first, second],
    ]
    const cases: [RawOptions, unknown, unknown, string, string][] = [
      [{}, { date: '2026-03-15T00:00:00' }, { date: '2027-06-30' }, '2026-03-15', '2027-06-30'],
      [{}, { serial: 46096, dateStyle: true }, '2027年6月30日', '2026-03-15', '2027-06-30'],
      [{ date1904: true }, { serial: 44634, dateStyle: true }, '2027/6/30', '2026-03-15', '2027-06-30'],
      [{}, '2026.3.15', '2027.6', '2026-03-15', '2027-06-01'],
    ]
    for (const [options, first, second, start, end] of cases) {
      const file = await rawXlsx([sheet(rows(first, second) as RawSheet['rows'])], options)
      const { app } = await importAll(file)
      expect(await projects(app)).toMatchObject([{ start, end }])
    }
  })

  it('reports a saved #REF! as a formula error in its cell, and rounds a computed =元/10000 as Excel shows it', async () => {
    const app = await newApp()
    const broken = await rawXlsx([
      sheet([TITLE, HEADER, project(1, '甲项目', { formula: 'Sheet2!A1', error: '#REF!' }, 10, '周明远')]),
    ])
    const p = await preview(app, broken)
    expect(p.issues.map((i) => i.message)).toEqual([
      '工作表「台账」第3行 D列（总投资（万元））：是公式，保存的结果是错误值 #REF!（公式引用或计算出错）。请在 Excel 或 WPS 中修正公式或改填数值后再导入',
    ])
    const computed = await rawXlsx([
      sheet([TITLE, HEADER, project(1, '甲项目', { formula: 'J3/10000', value: 1234.56789 }, 10, '周明远')]),
    ])
    const { app: other, preview: q } = await importAll(computed)
    expect(q.conversions).toEqual([
      '1个金额是公式结果或由元、千元换算而来，位数多于两位小数，已按四舍五入保留两位小数（万元）',
    ])
    expect(await projects(other)).toMatchObject([{ total: 123457 }])
  })

  it('refuses a typed amount that could mean two things, and one with more than two decimals', async () => {
    const app = await newApp()
    const file = await rawXlsx([
      sheet([
        TITLE,
        HEADER,
        project(1, '甲项目', '12,3', 10, '周明远'),
        project(2, '乙项目', '1.2.3', 10, '周明远'),
        project(3, '丙项目', 12.345, 10, '周明远'),
        project(4, '丁项目', '1亿2000万', 10, '周明远'),
        project(5, '戊项目', '12.3万', '1,230.50', '周明远'),
      ]),
    ])
    const p = await preview(app, file)
    expect(p.issues.map((i) => [i.row, i.column])).toEqual([
      [3, 'D列'],
      [4, 'D列'],
      [5, 'D列'],
      [6, 'D列'],
    ])
    expect(p.issues[0]!.message).toContain('「12,3」中的逗号不是千位分隔，可能是小数点，含义不确定')
    expect(p.issues[2]!.message).toContain('「12.345」万元超过两位小数')
    expect(p.sample.find((s) => s.name === '戊项目')).toMatchObject({ totalInvestment: 1230, annualPlan: 123050 })
  })

  it('reads Strict Open XML with prefixed element names and cells without references', async () => {
    const file = await rawXlsx([sheet([TITLE, HEADER, project(1, '甲项目', 100.5, 10, '周明远')])], {
      strict: true,
      noRefs: true,
    })
    const { app } = await importAll(file)
    expect(await projects(app)).toMatchObject([{ name: '甲项目', total: 10050, plan: '2026:1000' }])
  })
})

describe('identity of projects and names', () => {
  it('matches a name wrapped with Alt+Enter to the same name without the break, township and all', async () => {
    const app = await newApp()
    await importAll(
      await rawXlsx([sheet([TITLE, HEADER, project(1, '智能装备产业园一期', 100, 10, '周明远')])]),
      {},
      app,
    )
    const again = await rawXlsx([sheet([TITLE, HEADER, project(1, '智能装备\n产业园一期', 150, 10, '周 明远')])])
    expect(await preview(app, again)).toMatchObject({ creates: 0, updates: 1, newLeaders: [] })
  })

  it('puts a title written with the name into the leader’s title, and refuses two leaders in one cell', async () => {
    const app = await newApp()
    const file = await rawXlsx([
      sheet([
        TITLE,
        HEADER,
        project(1, '甲项目', 100, 10, '周明远（副县长）'),
        project(2, '乙项目', 100, 10, '常务副县长 郑佳宁'),
        project(3, '丙项目', 100, 10, '周明远、郑佳宁'),
      ]),
    ])
    const p = await preview(app, file)
    expect(p.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^工作表「台账」第5行 F列（包联领导）：.*两位领导/),
    ])
    expect(p.newLeaders).toEqual(['周明远', '郑佳宁'])
    const fine = await rawXlsx([
      sheet([
        TITLE,
        HEADER,
        project(1, '甲项目', 100, 10, '周明远（副县长）'),
        project(2, '乙项目', 100, 10, '常务副县长 郑佳宁'),
      ]),
    ])
    await importAll(fine, {}, app)
    const leaders = await app.call('leader.list', {})
    expect(leaders.map((l) => [l.name, l.title]).sort()).toEqual([
      ['周明远', '副县长'],
      ['郑佳宁', '常务副县长'],
    ])
  })

  it('refuses a control character in a name with a message', async () => {
    const app = await newApp()
    // Excel writes a control character as _x0001_ (XML cannot hold it).
    const file = await rawXlsx([sheet([TITLE, HEADER, project(1, '甲_x0001_项目', 100, 10, '周明远')])])
    const p = await preview(app, file)
    expect(p.issueCount).toBe(1)
    expect(p.issues[0]!.message).toMatch(/^工作表「台账」第3行 B列（项目名称）：.*控制字符/)
  })
})

describe('other producers', () => {
  it('imports every field case the same after LibreOffice has saved it again', { timeout: 180_000 }, async () => {
    const dir = tempDir()
    const source = path.join(__dirname, '../fixtures/field-cases')
    const names = [
      '01-amounts-in-yiyuan.xlsx',
      '03-year-parent-header.xlsx',
      '04-section-rows-split.xlsx',
      '15-hidden-old-sheet-first.xlsx',
      '23b-iso-date-cells-with-years.xlsx',
    ]
    execFileSync(
      'soffice',
      [
        '--headless',
        '--convert-to',
        'xlsx:Calc MS Excel 2007 XML',
        '--outdir',
        dir,
        ...names.map((n) => path.join(source, n)),
      ],
      {
        stdio: 'ignore',
        timeout: 150_000,
        env: { ...process.env, HOME: dir },
      },
    )
    for (const name of names) {
      const original = await importAll(fs.readFileSync(path.join(source, name)))
      const resaved = await importAll(fs.readFileSync(path.join(dir, name)))
      expect(await projects(resaved.app), name).toEqual(await projects(original.app))
      expect(resaved.preview.sheet, name).toBe(original.preview.sheet)
    }
  })
})

describe('command line', () => {
  it('shows the sheet, the columns and the conversions, and takes --sheet, --map and --unit', async () => {
    const { main } = await import('../../src/main/cli/index')
    const dir = tempDir()
    const db = path.join(dir, 'cli.db')
    const file = path.join(dir, '台账.xlsx')
    fs.writeFileSync(
      file,
      await rawXlsx(
        [
          sheet([TITLE, HEADER, project(1, '旧项目', 1, 1, '周明远')], { name: '旧表' }),
          sheet(
            [
              TITLE,
              ['序号', '项目名称', '建设内容及规模', '总投资（万美元）', '包联领导', '主办科室', '所在乡镇'],
              [1, '甲项目', '新建', 2.5, '周明远', '县发改局', '城关镇'],
            ],
            { name: '新表' },
          ),
        ],
        { activeTab: 0 },
      ),
    )
    const run = async (...args: string[]) => {
      const out: string[] = []
      const err: string[] = []
      const code = await main(
        ['import', '--db', db, file, ...args],
        (l) => out.push(l),
        (l) => err.push(l),
      )
      return { code, out: out.join('\n'), err: err.join('\n') }
    }
    const first = await run('--dry-run')
    expect(first.out).toContain('工作表「旧表」')
    const refused = await run('--sheet', '新表', '--dry-run')
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('D列「总投资（万美元）」的金额单位「万美元」无法识别')
    const bad = await run('--sheet', '新表', '--unit', 'D=万美元')
    expect(bad.code).not.toBe(0)
    expect(bad.err).toContain('可用：元、千元、万元')
    // No 项目阶段 column: the stage of the new project is asked for (never 谋划包装 by default), then given.
    const noStage = await run('--sheet', '新表', '--unit', 'D=亿元', '--map', 'F=牵头单位')
    expect(noStage.code).toBe(1)
    expect(noStage.err).toContain('1个新项目在台账中没有写「项目阶段」')
    expect(noStage.err).toContain('--stage 阶段')
    const wrongStage = await run('--sheet', '新表', '--unit', 'D=亿元', '--stage', '前期')
    expect(wrongStage.code).toBe(2)
    expect(wrongStage.err).toContain('参数 --stage 的阶段「前期」不认识，可用：谋划包装、招商洽谈')
    const done = await run('--sheet', '新表', '--unit', 'D=亿元', '--map', 'F=牵头单位', '--stage', '招商洽谈')
    expect(done.err).toBe('')
    expect(done.code).toBe(0)
    expect(done.out).toContain('金额：D列「总投资（万美元）」：按所选单位 亿元 读取，换算为万元（×10,000）')
    expect(done.out).toContain('F「主办科室」→ 牵头单位')
    const app = await newApp(db)
    expect(await projects(app)).toMatchObject([{ name: '甲项目', total: 2500000 }])
    expect((await app.call('project.list', {}))[0]!.leadUnit.name).toBe('县发改局')
    expect((await app.call('project.list', {}))[0]!.stage).toBe('investment')
  })
})

describe('found by probing (each a kind)', () => {
  it('reads a unit written after a slash, on a second line, in a small merged note cell, or alone above the header', async () => {
    const cases: RawSheet[] = [
      sheet(
        [
          TITLE,
          [null, null, null, null, null, null, '单位：亿元'],
          ['序号', '项目名称', '建设内容及规模', '总投资', '2026年计划投资', '包联领导', '责任单位', '所在乡镇'],
          project(1, '甲项目', 4.05, 1.2, '周明远'),
        ],
        { merges: ['A1:H1', 'G2:H2'] },
      ),
      sheet([
        TITLE,
        [
          '序号',
          '项目名称',
          '建设内容及规模',
          '总投资/亿元',
          '2026年计划投资\n亿元',
          '包联领导',
          '责任单位',
          '所在乡镇',
        ],
        project(1, '甲项目', 4.05, 1.2, '周明远'),
      ]),
      sheet([
        TITLE,
        ['亿元'],
        ['序号', '项目名称', '建设内容及规模', '总投资', '2026年计划投资', '包联领导', '责任单位', '所在乡镇'],
        project(1, '甲项目', 4.05, 1.2, '周明远'),
      ]),
    ]
    for (const s of cases) {
      const { app } = await importAll(await rawXlsx([s]))
      expect(await projects(app)).toMatchObject([{ total: 4050000, plan: '2026:1200000' }])
    }
  })

  it('takes two leaders on two lines or with a full-width space as two (refused), and a title after a space as the title', async () => {
    const app = await newApp()
    const p = await preview(
      app,
      await rawXlsx([
        sheet([
          TITLE,
          HEADER,
          project(1, '甲项目', 1, 1, '周明远\n郑佳宁'),
          project(2, '乙项目', 1, 1, '周明远　郑佳宁'),
          project(3, '丙项目', 1, 1, '周明远 副县长'),
        ]),
      ]),
    )
    expect(p.issues.map((i) => [i.row, i.column])).toEqual([
      [3, 'F列'],
      [4, 'F列'],
    ])
    expect(p.newLeaders).toEqual(['周明远'])
    expect(p.newLeaderTitles).toEqual({ 周明远: '副县长' })
  })

  it('keeps projects whose names start like totals or notes, or whose 序号 is a numeral, when they have owners', async () => {
    const { app } = await importAll(
      await rawXlsx([
        sheet([
          TITLE,
          HEADER,
          project(1, '合计物流园', 1, 1, '周明远'),
          project(2, '总计量检测中心建设项目', 1, 1, '周明远'),
          [null, '联系人服务中心', '共计新建道路12公里', 1, 1, '周明远', '县发改局', '城关镇'],
          ['七', '签字笔生产线项目', '新建', 1, 1, '郑佳宁', '县发改局', '城关镇'],
        ]),
      ]),
    )
    expect((await projects(app)).map((r) => r.name).sort()).toEqual(
      ['合计物流园', '总计量检测中心建设项目', '签字笔生产线项目', '联系人服务中心'].sort(),
    )
  })

  it('counts rows with only a copied-down formula as empty, and refuses a sheet with no project rows', async () => {
    const withFormulas = await rawXlsx([
      sheet([
        TITLE,
        [...HEADER, '合计'],
        [...project(1, '甲项目', 1, 1, '周明远'), { formula: 'D3+E3', value: 2 }],
        ...Array.from({ length: 20 }, (_, i) => [
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          { formula: `D${i + 4}+E${i + 4}`, value: 0 },
        ]),
      ]),
    ])
    expect((await importAll(withFormulas)).preview.rows).toBe(1)
    const onlyGroups = await rawXlsx([
      sheet([TITLE, ['序号', '项目名称', '总投资', '所在乡镇'], ['一', '甲项目', 1], ['二', '乙项目', 2]]),
    ])
    const p = await preview(await newApp(), onlyGroups)
    expect(p.issues.map((i) => i.message)).toEqual([expect.stringContaining('表头下面没有读到任何项目行')])
  })

  it('on re-import, refuses a changed leader or lead unit, a code added to a project known by name, and a plan outside the years', async () => {
    const app = await newApp()
    await importAll(
      await rawXlsx([
        sheet([TITLE, [...HEADER, '建设起止年限'], [...project(1, '甲项目', 100, 10, '周明远'), '2025-2027']]),
      ]),
      {},
      app,
    )
    const before = await dump(app)
    const changed = await preview(
      app,
      await rawXlsx([sheet([TITLE, HEADER, [1, '甲项目', '新建', 100, 10, '郑佳宁', '县住建局', '城关镇']])]),
    )
    expect(changed.issues.map((i) => i.column)).toEqual(['F列', 'G列'])
    expect(changed.issues[0]!.message).toContain('包联领导是「郑佳宁」，库中是「周明远」')
    expect(changed.newLeaders).toEqual([])
    const coded = await preview(
      app,
      await rawXlsx([sheet([TITLE, ['项目编号', ...HEADER], ['GX-01', ...project(1, '甲项目', 100, 10, '周明远')]])]),
    )
    expect(coded.issues.map((i) => i.message)).toEqual([
      expect.stringContaining('库中已有「甲项目」（城关镇），编号是IMP-00001'),
    ])
    const outside = await preview(
      app,
      await rawXlsx([
        sheet([TITLE, [...HEADER, '建设起止年限'], [...project(1, '乙项目', 100, 10, '周明远'), '2024-2025']]),
      ]),
    )
    expect(outside.issues.map((i) => i.message)).toEqual([expect.stringContaining('建设年限是2024—2025年，不含2026年')])
    expect(await dump(app)).toEqual(before)
  })

  it('checks an update and the names it would create against the same limits as the forms, before writing', async () => {
    const app = await newApp()
    await importAll(await rawXlsx([sheet([TITLE, HEADER, project(1, '甲项目', 100, 10, '周明远')])]), {}, app)
    const p = await preview(
      app,
      await rawXlsx([
        sheet([
          TITLE,
          ['项目编号', ...HEADER],
          ['IMP-00001', ...project(1, '甲'.repeat(101), 100, 10, '周明远')],
          ['N-2', 2, '乙项目', '新建', 1, 1, '周明远', '局'.repeat(60), '镇'.repeat(60)],
          ['N-3', 3, '丙项目', '新建', 1, 1, '周明远', '县发改局', '城关镇', null],
        ]),
      ]),
    )
    expect(p.issues.map((i) => i.row)).toEqual([3, 4, 4])
    expect(p.issues[0]!.message).toContain('「项目名称」不能超过100个字')
  })

  it('refuses a construction period whose end could be a year or a month', async () => {
    const p = await preview(
      await newApp(),
      await rawXlsx([
        sheet([
          TITLE,
          [...HEADER, '建设起止年限'],
          [...project(1, '甲项目', 1, 1, '周明远'), '2025.12-26'],
          [...project(2, '乙项目', 1, 1, '周明远'), '2026.11-3'],
        ]),
      ]),
    )
    expect(p.issues.map((i) => i.message)).toEqual([
      expect.stringContaining('「2025.12-26」的结束部分是年份还是月份不确定'),
      expect.stringContaining('「2026.11-3」的结束部分是年份还是月份不确定'),
    ])
  })
})

describe('found by the second probe (each a kind)', () => {
  it('keeps the ledger’s own codes when it also has rows without one', async () => {
    const header = [
      '序号',
      '项目编号',
      '项目名称',
      '总投资（万元）',
      '2026年计划投资（万元）',
      '包联领导',
      '责任单位',
      '所在乡镇',
    ]
    const { app } = await importAll(
      await rawXlsx([
        sheet([
          TITLE,
          header,
          [1, null, '甲项目', 100, 10, '周明远', '县发改局', '城关镇'],
          [2, 'IMP-00001', '乙项目', 200, 20, '周明远', '县发改局', '城关镇'],
        ]),
      ]),
    )
    const codes = Object.fromEntries((await app.call('project.list', {})).map((p) => [p.name, p.code]))
    expect(codes).toEqual({ 甲项目: 'IMP-00002', 乙项目: 'IMP-00001' })
  })

  it('skips hidden rows (listed) and never takes a hidden column for a field', async () => {
    const file = await rawXlsx([
      sheet([
        TITLE,
        [
          '序号',
          '项目名称',
          '建设内容及规模',
          '总投资（万元）',
          '2025年计划投资（万元）',
          '2026年计划投资（万元）',
          '包联领导',
          '责任单位',
          '所在乡镇',
        ],
        [1, '甲项目', '新建', 100, 5, 10, '周明远', '县发改局', '城关镇'],
        [2, '已取消项目', '新建', 100, 5, 10, '周明远', '县发改局', '城关镇'],
      ]),
    ])
    // Hide column E and row 4 as Excel writes it.
    const JSZip = (await import('jszip')).default
    const zip = await JSZip.loadAsync(file)
    const xml = (await zip.file('xl/worksheets/sheet1.xml')!.async('string'))
      .replace('<sheetData>', '<cols><col min="5" max="5" width="0" hidden="1"/></cols><sheetData>')
      .replace('<row r="4">', '<row r="4" hidden="1">')
    zip.file('xl/worksheets/sheet1.xml', xml)
    const { app, preview: p } = await importAll(await zip.generateAsync({ type: 'nodebuffer' }))
    expect(p.skippedRows).toEqual([{ row: 4, kind: 'hidden', text: expect.stringContaining('已取消项目') }])
    expect(p.columns.find((c) => c.letter === 'E')!.field).toBeNull()
    expect(await projects(app)).toMatchObject([{ name: '甲项目', plan: '2026:1000' }])
  })

  it('takes the plan column of the ledger’s year, and the year from the title, not a range or a filing date', async () => {
    const twoPlans = await rawXlsx([
      sheet([
        TITLE,
        [...HEADER.slice(0, 4), '2025年计划投资', '2026年计划投资', ...HEADER.slice(5), '建设起止年限'],
        [1, '甲项目', '新建', 100, 30, 50, '周明远', '县发改局', '城关镇', '2025-2027'],
      ]),
    ])
    expect(await projects((await importAll(twoPlans)).app)).toMatchObject([{ plan: '2026:5000' }])
    const rolling = await rawXlsx([
      sheet([
        ['2025—2027年全县重点项目滚动计划（2026年）'],
        ['填报日期：2025年12月28日'],
        [...HEADER.slice(0, 4), '年度计划投资', ...HEADER.slice(5), '建设起止年限'],
        [1, '甲项目', '新建', 100, 10, '周明远', '县发改局', '城关镇', '2025-2027'],
      ]),
    ])
    const { app, preview: p } = await importAll(rolling)
    expect(p.annualYear).toBe(2026)
    expect(await projects(app)).toMatchObject([{ plan: '2026:1000' }])
  })

  it('refuses shrinking the construction years past a plan the project has', async () => {
    const app = await newApp()
    const withYears = (years: string, plan: number) =>
      rawXlsx([sheet([TITLE, [...HEADER, '建设起止年限'], [...project(1, '甲项目', 100, plan, '周明远'), years]])])
    await importAll(await withYears('2025-2027', 10), {}, app)
    const p = await preview(app, await withYears('2026-2027', 10))
    expect(p.issueCount).toBe(0) // the 2026 plan is inside 2026–2027
    await app.call('project.setAnnualPlan', {
      projectId: (await app.call('project.list', {}))[0]!.id,
      year: 2025,
      amount: 500,
    })
    const q = await preview(app, await withYears('2026-2027', 10))
    expect(q.issues.map((i) => i.message)).toEqual([
      expect.stringContaining('已有2025年的年度计划投资，在新的年限之外'),
    ])
  })

  it('refuses two units or townships in one cell, and leader cells that are not one plain name', async () => {
    const p = await preview(
      await newApp(),
      await rawXlsx([
        sheet([
          TITLE,
          HEADER,
          [1, '甲项目', '新建', 1, 1, '周明远', '县发改局\n县住建局', '城关镇'],
          [2, '乙项目', '新建', 1, 1, '周明远', '县发改局', '城关镇 东关镇'],
          project(3, '丙项目', 1, 1, '周明远副县长'),
          project(4, '丁项目', 1, 1, '周明远 13800001111'),
          project(5, '戊项目', 1, 1, '周明远等'),
          project(6, '己项目', 1, 1, '周明远|郑佳宁'),
          project(7, '庚项目', 1, 1, '郑佳宁同志'),
        ]),
      ]),
    )
    expect(p.issues.map((i) => [i.row, i.column])).toEqual([
      [3, 'G列'],
      [4, 'H列'],
      [5, 'F列'],
      [6, 'F列'],
      [7, 'F列'],
      [8, 'F列'],
    ])
    expect(p.newLeaders).toEqual(['周明远', '郑佳宁'])
  })

  it('skips totals named by their section, and reads 合计 under 总投资 and 全年计划 under a plan group', async () => {
    const file = await rawXlsx([
      sheet(
        [
          TITLE,
          [
            '序号',
            '项目名称',
            '总投资（万元）',
            null,
            null,
            '2026年投资计划（万元）',
            null,
            '包联领导',
            '责任单位',
            '所在乡镇',
          ],
          [null, null, '合计', '其中：财政资金', '自筹', '1-10月计划', '全年计划'],
          [null, '全县重点项目合计', 300, 100, 200, 50, 80],
          [null, '续建项目小计', 300, 100, 200, 50, 80],
          [1, '甲项目', 300, 100, 200, 50, 80, '周明远', '县发改局', '城关镇'],
          [null, '其中省级项目', 300],
          [null, '2026年合计', 300],
        ],
        { merges: ['A2:A3', 'B2:B3', 'C2:E2', 'F2:G2', 'H2:H3', 'I2:I3', 'J2:J3'] },
      ),
    ])
    const { app, preview: p } = await importAll(file)
    expect(p.skippedRows.map((r) => r.kind)).toEqual(['total', 'total', 'total', 'total'])
    expect(p.columns.filter((c) => c.field).map((c) => [c.letter, c.field])).toEqual([
      ['A', 'seq'],
      ['B', 'name'],
      ['C', 'totalInvestment'],
      ['G', 'annualPlan'],
      ['H', 'leader'],
      ['I', 'leadUnit'],
      ['J', 'township'],
    ])
    expect(await projects(app)).toMatchObject([{ name: '甲项目', total: 30000, plan: '2026:8000' }])
  })

  it('refuses when a note under the table states a unit the header does not, and says so once when a column is missing', async () => {
    const app = await newApp()
    const noted = await rawXlsx([
      sheet([
        TITLE,
        ['序号', '项目名称', '建设内容及规模', '总投资', '2026年计划投资', '包联领导', '责任单位', '所在乡镇'],
        project(1, '甲项目', 4.05, 1.2, '周明远'),
        ['注：表中金额单位为亿元'],
      ]),
    ])
    const p = await preview(app, noted)
    expect(p.issues.map((i) => i.message)).toEqual([expect.stringContaining('表下方的说明写着金额单位为亿元')])
    expect((await importAll(noted, { units: { '4': '亿元', '5': '亿元' } }, app)).preview.issueCount).toBe(0)
    const noLeader = await rawXlsx([
      sheet([
        TITLE,
        HEADER.slice(0, 5).concat(['责任单位', '所在乡镇']),
        [1, '乙', '新建', 1, 1, '县发改局', '城关镇'],
        [2, '丙', '新建', 1, 1, '县发改局', '城关镇'],
      ]),
    ])
    const q = await preview(await newApp(), noLeader)
    expect(q.issues.map((i) => i.message)).toEqual([
      expect.stringContaining('没有认出「包联领导」列，而2个新项目都需要它们'),
    ])
  })

  it('refuses a mapping to a column that does not exist or two columns for one field; a mapped field leaves its old column', async () => {
    const app = await newApp()
    const file = await rawXlsx([sheet([TITLE, HEADER, project(1, '甲项目', 100, 10, '周明远')])])
    const base64 = b64(file)
    await refused(app, 'excel.preview', { fileName: 'x.xlsx', base64, mapping: { '26': 'leadUnit' } }, 'INVALID_INPUT')
    await refused(
      app,
      'excel.preview',
      { fileName: 'x.xlsx', base64, mapping: { '3': 'name', '4': 'name' } },
      'INVALID_INPUT',
    )
    const p = await preview(app, file, { mapping: { '3': 'name' } })
    expect(p.columns.filter((c) => c.field === 'name').map((c) => c.letter)).toEqual(['C'])
  })
})

describe('two offices at once', () => {
  it('an import whose preview another import has overtaken writes nothing and asks for a new preview', async () => {
    const { planImport } = await import('../../src/main/excel/import/plan')
    const { commitImport } = await import('../../src/main/excel/import/commit')
    const file = path.join(tempDir(), 'both.db')
    const first = await newApp(file)
    const second = await newApp(file)
    const ledger = await rawXlsx([
      sheet([TITLE, HEADER, project(1, '甲项目', 100, 10, '周明远'), project(2, '乙项目', 200, 20, '郑佳宁')]),
    ])
    // The second office previews, then the first imports the same ledger before the second does.
    const stale = await planImport(second.deps.db, ledger, '台账.xlsx', { today: '2026-11-21', stage: 'planning' })
    expect(stale.preview).toMatchObject({ creates: 2, updates: 0, issueCount: 0 })
    await first.call('excel.import', { fileName: '台账.xlsx', base64: b64(ledger), stage: 'planning' })
    const before = await dump(second)
    const error = await commitImport(second.deps, stale).catch((e: Error & { code?: string }) => e)
    expect(error).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('预览时新增2个、更新0个，现在是新增0个、更新2个'),
    })
    expect(await dump(second)).toEqual(before)
    expect(await second.call('project.list', {})).toHaveLength(2)
  })
})
