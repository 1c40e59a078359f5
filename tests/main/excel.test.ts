import { execFileSync } from 'node:child_process'
import { LOCAL } from '../../src/main/app'
import fs from 'node:fs'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { countyLedger, toBase64 } from '../helpers/ledgers'
import { dump, newApp, newApps, refused, tempDir } from '../helpers/app'
import { loginAs } from '../helpers/accounts'
import { TEST_STORE } from '../helpers/store'

async function workbookOf(base64: string) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer)
  return wb
}

describe('Excel export', () => {
  it('exports the ledger as a real workbook: title, frozen header, numbers and dates typed, A4 landscape', async () => {
    const app = await newApp()
    await app.call('demo.load', {})
    const file = await app.call('excel.export', { what: 'ledger' })
    expect(file.fileName).toBe('重点项目台账-2026-11-21.xlsx')
    const ws = (await workbookOf(file.base64)).worksheets[0]!
    expect(String(ws.getCell('A1').value)).toContain('重点项目台账（导出日期：2026年11月21日）')
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 })
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, paperSize: 9 })
    expect(ws.getRow(2).values).toContain('总投资（万元）')
    expect(ws.rowCount).toBe(2 + 55)
    const total = ws.getCell('J3')
    expect(typeof total.value).toBe('number')
    expect(total.numFmt).toBe('#,##0.00')
    const projects = await app.call('project.list', {})
    const first = projects.sort((a, b) => a.code.localeCompare(b.code))[0]!
    expect(total.value).toBe(first.totalInvestment / 100)
    const plannedStart = ws.getCell('O3').value
    expect(plannedStart).toBeInstanceOf(Date)
    // The columns read in bulk (project.ledgerDetails) agree with each project's own record.
    for (const [i, p] of projects.slice(0, 8).entries()) {
      const d = await app.call('project.get', { id: p.id })
      const row = ws.getRow(3 + i)
      expect(row.getCell('B').value).toBe(p.code)
      expect(row.getCell('D').value).toBe(d.category?.name ?? '')
      expect(row.getCell('H').value).toBe(d.project.constructionUnit)
      expect(row.getCell('I').value).toBe(d.project.content)
      expect(row.getCell('N').value).toBe(`${d.project.startYear}-${d.project.endYear}`)
      expect(row.getCell('T').value).toBe(d.taskForce.members.find((m) => m.role === 'head')?.person.name ?? '')
    }
  })

  it('exports the ranking with one sheet per grouping, problems, a project’s milestones and the template', async () => {
    const app = await newApp()
    await app.call('demo.load', {})
    const ranking = await workbookOf((await app.call('excel.export', { what: 'ranking', period: '2026-10' })).base64)
    expect(ranking.worksheets.map((w) => w.name)).toEqual(['按项目', '按包联领导', '按乡镇街道', '按牵头单位'])
    const rows = (await app.call('ranking.projects', { period: '2026-10' })).rows
    expect(ranking.worksheets[0]!.getCell('C3').value).toBe(rows[0]!.code)
    expect(ranking.worksheets[0]!.getCell('H3').value).toBe(rows[0]!.score! / 100)
    const problems = await workbookOf((await app.call('excel.export', { what: 'problems' })).base64)
    expect(problems.worksheets[0]!.rowCount).toBe(2 + (await app.call('problem.list', {})).length)
    const [p] = await app.call('project.list', { text: 'XM-012' })
    const milestones = await workbookOf(
      (await app.call('excel.export', { what: 'milestones', projectId: p!.id })).base64,
    )
    expect(milestones.worksheets[0]!.rowCount).toBe(
      2 + (await app.call('project.get', { id: p!.id })).plan.milestones.length,
    )
    const template = await workbookOf((await app.call('excel.export', { what: 'template' })).base64)
    expect(template.worksheets[0]!.rowCount).toBe(2)
    await refused(app, 'excel.export', { what: 'ranking' }, 'INVALID_INPUT')
    await refused(app, 'excel.export', { what: 'csv' }, 'INVALID_INPUT')
  })

  it('opens in a real office suite (LibreOffice) with the same values', async () => {
    const app = await newApp()
    await app.call('demo.load', {})
    const dir = tempDir()
    const file = path.join(dir, 'ledger.xlsx')
    fs.writeFileSync(file, Buffer.from((await app.call('excel.export', { what: 'ledger' })).base64, 'base64'))
    execFileSync(
      'soffice',
      ['--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76', '--outdir', dir, file],
      { stdio: 'ignore', timeout: 120_000 },
    )
    const csv = fs.readFileSync(path.join(dir, 'ledger.csv'), 'utf8').split('\n')
    expect(csv[0]).toContain('重点项目台账')
    expect(csv[1]).toContain('项目名称')
    const first = (await app.call('project.list', {})).sort((a, b) => a.code.localeCompare(b.code))[0]!
    expect(csv[2]).toContain(first.code)
    expect(csv[2]).toContain(first.name)
    expect(csv[2]).toContain((first.totalInvestment / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ','))
  }, 180_000)
})

describe('Excel import', () => {
  it('round trip: the exported demo ledger imports into an empty database as the same projects', async () => {
    const source = await newApp()
    await source.call('demo.load', {})
    const file = await source.call('excel.export', { what: 'ledger' })
    const target = await newApp()
    const result = await target.call('excel.import', { fileName: file.fileName, base64: file.base64 })
    expect(result).toMatchObject({ created: 55, updated: 0 })
    const pick = (app: typeof source) =>
      app.call('project.list', {}).then((list) =>
        list
          .map((p) => ({
            code: p.code,
            name: p.name,
            total: p.totalInvestment,
            township: p.township.name,
            leader: p.leader.name,
            unit: p.leadUnit.name,
            level: p.level,
            stage: p.stage,
          }))
          .sort((a, b) => a.code.localeCompare(b.code)),
      )
    expect(await pick(target)).toEqual(await pick(source))
    const a = (await source.call('ranking.projects', { period: '2026-11' })).rows
      .map((r) => [r.code, r.annualPlan])
      .sort()
    const b = (await target.call('ranking.projects', { period: '2026-11' })).rows
      .map((r) => [r.code, r.annualPlan])
      .sort()
    expect(b).toEqual(a)
  })

  it('reads a typical county ledger: title row, merged two-row header, subtotals, text numbers, dates of every kind', async () => {
    const app = await newApp()
    const base64 = await toBase64(await countyLedger())
    const preview = await app.call('excel.preview', { fileName: '台账.xlsx', base64 })
    expect(preview).toMatchObject({ headerRows: [2, 3], rows: 3, creates: 3, updates: 0, issueCount: 0 })
    expect(preview.skipped).toBeGreaterThanOrEqual(3) // 一、产业类项目, the blank row, 小计, 合计
    expect(preview.columns.map((c) => c.field)).toEqual([
      'seq',
      'name',
      'content',
      'totalInvestment',
      'annualPlan',
      'leadUnit',
      'leader',
      'township',
      'plannedStart',
      'stage',
    ])
    expect(preview.newLeaders).toEqual(['张一平', '李二和'])
    expect(preview.newTownships).toEqual(['城东街道', '吴桥镇', '西沟乡'])
    const result = await app.call('excel.import', { fileName: '台账.xlsx', base64 })
    expect(result.created).toBe(3)
    const list = await app.call('project.list', {})
    const byName = Object.fromEntries(list.map((p) => [p.name, p]))
    expect(byName['城东新材料产业园项目']!.totalInvestment).toBe(1234560)
    expect(byName['西沟冷链物流项目']!.totalInvestment).toBe(650000)
    const d = await app.call('project.get', { id: byName['城东新材料产业园项目']!.id })
    expect(d.project.plannedStart).toBe('2026-03-01')
    expect(d.annualPlans).toMatchObject([{ year: 2026, amount: 300000 }])
    expect((await app.call('project.get', { id: byName['吴桥光伏发电项目']!.id })).project.plannedStart).toBe(
      '2026-04-01',
    )
    expect((await app.call('project.get', { id: byName['西沟冷链物流项目']!.id })).project.plannedStart).toBe(
      '2026-05-01',
    )
    expect(list.map((p) => p.code).sort()).toEqual(['IMP-00001', 'IMP-00002', 'IMP-00003'])
    // The 项目阶段 column: a label and a short form (在建 is 开工建设).
    expect(Object.fromEntries(list.map((p) => [p.name, p.stage]))).toEqual({
      城东新材料产业园项目: 'construction',
      吴桥光伏发电项目: 'construction',
      西沟冷链物流项目: 'signed',
    })
    // Importing again matches by name (no codes in this ledger) and updates instead of duplicating.
    expect(await app.call('excel.import', { fileName: '台账.xlsx', base64 })).toMatchObject({ created: 0, updated: 3 })
    expect(await app.call('project.list', {})).toHaveLength(3)
  })

  it('lets the user change a column mapping in the preview', async () => {
    const app = await newApp()
    const base64 = await toBase64(await countyLedger())
    const preview = await app.call('excel.preview', { fileName: '台账.xlsx', base64, mapping: { '9': null } })
    expect(preview.columns.find((c) => c.index === 9)!.field).toBeNull()
    await app.call('excel.import', { fileName: '台账.xlsx', base64, mapping: { '9': null } })
    const [p] = await app.call('project.list', {})
    expect((await app.call('project.get', { id: p!.id })).project.plannedStart).toBeNull()
  })

  it('reports every problem by row and column in Chinese and writes nothing', async () => {
    const app = await newApp()
    const base64 = await toBase64(
      await countyLedger({
        tweak: (ws) => {
          ws.getCell('D5').value = '一千万'
          ws.getCell('I6').value = '明年春天'
          ws.getCell('G7').value = null
        },
      }),
    )
    const before = await dump(app)
    const preview = await app.call('excel.preview', { fileName: '台账.xlsx', base64 })
    expect(preview.issues.map((i) => [i.row, i.column])).toEqual([
      [5, 'D列'],
      [6, 'I列'],
      [7, 'G列'],
    ])
    expect(preview.issues.map((i) => i.message)).toEqual(
      expect.arrayContaining([
        '工作表「2026年重点项目」第5行 D列（投资情况（万元） / 总投资）：「一千万」不是金额。请写成 1234.56 这样的数字（可带千位分隔 1,234.56 或单位“万元”）',
        expect.stringMatching(
          /^工作表「2026年重点项目」第6行 I列（计划开工时间）：「明年春天」不是日期。请写成 2026-03-15/,
        ),
        '工作表「2026年重点项目」第7行 G列（包联领导）：这是新项目，「包联领导」不能为空',
      ]),
    )
    const error = await refused(app, 'excel.import', { fileName: '台账.xlsx', base64 }, 'INVALID_INPUT')
    expect(error.message).toContain('未导入任何数据')
    expect(await dump(app)).toEqual(before)
  })

  it.each([
    [
      'a sheet without a ledger',
      async () => {
        const wb = new ExcelJS.Workbook()
        wb.addWorksheet('说明').addRow(['这是一份说明，没有表格'])
        return toBase64(wb)
      },
      '没有找到台账表头',
    ],
    [
      'merged cells in the data area',
      async () => toBase64(await countyLedger({ tweak: (ws) => ws.mergeCells('F5:F6') })),
      '第5—6行合并成了一个单元格（「区工信局」），无法确定每一行的内容。请取消合并',
    ],
    [
      'a formula without a saved result',
      async () =>
        toBase64(await countyLedger({ tweak: (ws) => (ws.getCell('D5').value = { formula: 'SUM(X1:X2)' } as never) })),
      '公式',
    ],
    [
      'an .xls file',
      async () =>
        Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]).toString(
          'base64',
        ),
      '旧版 Excel',
    ],
    ['a CSV file named .xlsx', async () => Buffer.from('项目名称,总投资\n城东项目,100\n').toString('base64'), 'CSV'],
    [
      'a file that is not a spreadsheet',
      async () => Buffer.from('%PDF-1.7 not a workbook').toString('base64'),
      '不是 Excel 工作簿',
    ],
    [
      'a damaged zip',
      async () => Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100)]).toString('base64'),
      '已损坏',
    ],
  ])('refuses %s with a clear message and leaves the database unchanged', async (_label, make, text) => {
    const app = await newApp()
    await app.call('demo.load', { projects: 3 })
    const before = await dump(app)
    const base64 = await make()
    const error = await refused(app, 'excel.import', { fileName: '台账.xlsx', base64 }, 'INVALID_INPUT')
    expect(error.message).toContain(text)
    expect(await dump(app)).toEqual(before)
  })

  it('uses a formula’s saved result', async () => {
    const app = await newApp()
    const base64 = await toBase64(
      await countyLedger({
        tweak: (ws) => (ws.getCell('D5').value = { formula: 'SUM(X1:X2)', result: 4321 } as never),
      }),
    )
    await app.call('excel.import', { fileName: '台账.xlsx', base64 })
    expect((await app.call('project.list', { text: '城东新材料' }))[0]!.totalInvestment).toBe(432100)
  })

  // On PostgreSQL the import makes each project through the same services as the form, a statement at a time
  // over the socket: minutes, not seconds (docs/benchmark.md) — the timeout allows for that.
  it('imports a 10,000-row ledger, and reads a 50,000-row one', { timeout: 600_000 }, async () => {
    const app = await newApp()
    const base64 = await toBase64(await countyLedger({ rows: 10_000 }))
    const t0 = Date.now()
    const result = await app.call('excel.import', { fileName: '台账.xlsx', base64 })
    console.log(`import of a 10,000-row ledger: ${Date.now() - t0} ms`)
    expect(result.created).toBe(10_000)
    const big = await toBase64(await countyLedger({ rows: 50_000 }))
    const t1 = Date.now()
    const preview = await (await newApp()).call('excel.preview', { fileName: '台账.xlsx', base64: big })
    console.log(`preview of a 50,000-row ledger: ${Date.now() - t1} ms`)
    expect(preview).toMatchObject({ rows: 50_000, issueCount: 0 })
  })
})

describe('command line import and export', () => {
  it('exports and imports through the CLI, with a dry run that writes nothing', async () => {
    const { main } = await import('../../src/main/cli/index')
    const dir = tempDir()
    const source = path.join(dir, 'source.db')
    const app = await newApp(source)
    await app.call('demo.load', {})
    await app.close()
    const out: string[] = []
    const err: string[] = []
    const run = (args: string[]) =>
      main(
        args,
        (s) => out.push(s),
        (s) => err.push(s),
      )
    expect(await run(['export', '--db', source, '--what', 'ledger', '--out', path.join(dir, 'ledger.xlsx')])).toBe(0)
    expect(
      await run([
        'export',
        '--db',
        source,
        '--what',
        'ranking',
        '--period',
        '2026-10',
        '--out',
        path.join(dir, 'ranking.xlsx'),
      ]),
    ).toBe(0)
    expect(fs.statSync(path.join(dir, 'ranking.xlsx')).size).toBeGreaterThan(1000)
    const target = path.join(dir, 'target.db')
    expect(await run(['import', '--db', target, path.join(dir, 'ledger.xlsx'), '--dry-run'])).toBe(0)
    expect(out.join('\n')).toContain('检查通过（--dry-run：未写入数据库）')
    const check = await newApp(target)
    expect(await check.call('project.list', {})).toHaveLength(0)
    await check.close()
    expect(await run(['import', '--db', target, path.join(dir, 'ledger.xlsx')])).toBe(0)
    expect(out.join('\n')).toContain('导入完成：新增55个项目，更新0个项目')
    expect(await run(['export', '--db', source, '--what', 'ranking', '--out', path.join(dir, 'x.xlsx')])).toBe(2)
    expect(await run(['import', '--db', target, path.join(dir, 'missing.xlsx')])).toBe(2)
    expect(err.join('\n')).toContain('找不到文件')
  })
})

describe('a long import', () => {
  it('reports its progress and can be cancelled, writing nothing', { timeout: 120_000 }, async () => {
    const app = await newApp()
    await app.call('demo.load', { projects: 3 })
    const before = await dump(app)
    const base64 = await toBase64(await countyLedger({ rows: 3000 }))
    expect(await app.call('excel.importProgress', {})).toEqual({ running: false, done: 0, total: 0 })
    const running = app.invoke('excel.import', { fileName: '台账.xlsx', base64 }, LOCAL)
    let seen = { running: false, done: 0, total: 0 }
    for (let i = 0; i < 400 && !(seen.running && seen.done > 0); i++) {
      await new Promise((r) => setTimeout(r, 5))
      seen = await app.call('excel.importProgress', {})
    }
    expect(seen).toMatchObject({ running: true, total: 3000 })
    expect(seen.done).toBeGreaterThan(0)
    expect(await app.call('excel.cancelImport', {})).toEqual({ cancelled: true })
    const outcome = await running
    expect(outcome).toMatchObject({ ok: false, error: { code: 'RULE', message: '导入已取消，没有写入任何数据' } })
    expect(await dump(app)).toEqual(before)
    expect(await app.call('excel.importProgress', {})).toEqual({ running: false, done: 0, total: 0 })
    // And a later import goes through.
    expect(
      (await app.call('excel.import', { fileName: '台账.xlsx', base64: await toBase64(await countyLedger()) })).created,
    ).toBe(3)
  })
})

describe('imports of two users at once (long jobs belong to whoever started them)', () => {
  it('keeps each account’s job apart: its own progress, one at a time, a cancel only by its owner, seen by every server', async () => {
    const [a, b] = await newApps(2)
    const account = async (login: string) =>
      (
        await a!.call('user.create', {
          login,
          name: login,
          unit: '区重点项目办',
          roles: ['office'],
          password: 'Office#2026x',
        })
      ).id
    const [mine, theirs] = [await account('office1'), await account('office2')]
    const job = await a!.deps.store.jobs.start(mine, 'import', 3000)
    job.done = 120
    await expect(b!.deps.store.jobs.start(mine, 'import', 10)).rejects.toMatchObject({
      code: 'RULE',
      message: '您已有一个导入正在进行，请等它完成后再导入',
    })
    await expect.poll(() => b!.deps.store.jobs.progress(mine)).toEqual({ running: true, done: 120, total: 3000 })
    expect(await b!.deps.store.jobs.progress(theirs)).toEqual({ running: false, done: 0, total: 0 })
    expect(await b!.deps.store.jobs.progress(null)).toEqual({ running: false, done: 0, total: 0 })
    expect(await b!.deps.store.jobs.cancel(theirs)).toEqual({ cancelled: false })
    const other = await b!.deps.store.jobs.start(theirs, 'import', 10)
    expect(job.cancelled).toBe(false)
    expect(await b!.deps.store.jobs.cancel(mine)).toEqual({ cancelled: true })
    await expect.poll(() => job.cancelled).toBe(true) // the process running it hears the cancel
    expect(other.cancelled).toBe(false)
    await a!.deps.store.jobs.finish(job)
    await b!.deps.store.jobs.finish(other)
    expect(await a!.deps.store.jobs.progress(mine)).toEqual({ running: false, done: 0, total: 0 })
  })

  // (The county server only: on the single PC the import holds the file's one connection, and a logged-in page's
  // question waits for it — its caller is read from the database.)
  if (TEST_STORE === 'postgres')
    it(
      'shows an importing user their progress through the other server while the import runs',
      { timeout: 120_000 },
      async () => {
        const [a, b] = await newApps(2)
        await a!.call('auth.setup', { login: 'admin', name: '管理员', unit: '区重点项目办', password: 'Admin#2026x' })
        await a!.call('demo.load', { projects: 3 })
        const first = await loginAs(a!, 'office1', { roles: ['office'] })
        const second = await loginAs(a!, 'office2', { roles: ['office'] })
        const big = await toBase64(await countyLedger({ rows: 3000 }))
        const running = a!.invoke('excel.import', { fileName: '台账.xlsx', base64: big }, first.from)
        let seen = { running: false, done: 0, total: 0 }
        for (let i = 0; i < 400 && !(seen.running && seen.done > 0); i++) {
          await new Promise((r) => setTimeout(r, 10))
          seen = await b!.call('excel.importProgress', {}, first.from)
        }
        expect(seen).toMatchObject({ running: true, total: 3000 })
        expect(await b!.call('excel.importProgress', {}, second.from)).toEqual({ running: false, done: 0, total: 0 })
        expect(await b!.call('excel.cancelImport', {}, second.from)).toEqual({ cancelled: false })
        const outcome = await running
        expect(outcome).toMatchObject({ ok: true, result: { created: 3000 } })
        expect(await b!.call('excel.importProgress', {}, first.from)).toEqual({ running: false, done: 0, total: 0 })
      },
    )
})
