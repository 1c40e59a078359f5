/**
 * Issue 16, import choices: an imported project gets the stage of its 项目阶段 cell or the one chosen in the
 * preview — never a silent 谋划包装 —, codes made for projects without one are numbered from IMP-00001, and the
 * import keeps a backup of the data as it was before it.
 */
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { App } from '../../src/main/app'
import type { CallInput } from '../../src/shared/contract'
import { importCode, importCodes } from '../../src/main/excel/import/codes'
import { readStage } from '../../src/main/excel/ledger/rows'
import { dump, newApp, refused, tempDir } from '../helpers/app'
import { dumpTableRows } from '../../src/main/backup/server'
import { HEADER, TITLE, project, rawXlsx, type RawCell } from '../helpers/raw-xlsx'

const b64 = (buffer: Buffer) => buffer.toString('base64')
const ledger = async (rows: RawCell[][], header: string[] = HEADER) =>
  b64(await rawXlsx([{ name: '台账', rows: [TITLE, header, ...rows] }]))
const STAGE_HEADER = [...HEADER, '项目阶段']

async function operatorApp(): Promise<App> {
  const app = await newApp()
  return app
}
type Input = Partial<CallInput<'excel.import'>>
const preview = (app: App, input: Input) =>
  app.call('excel.preview', { fileName: '台账.xlsx', base64: '', ...input } as CallInput<'excel.preview'>)
const importLedger = (app: App, input: Input) =>
  app.call('excel.import', { fileName: '台账.xlsx', base64: '', ...input } as CallInput<'excel.import'>)
const stages = async (app: App) =>
  Object.fromEntries((await app.call('project.list', {})).map((p) => [p.name, p.stage]))

describe('the stage of imported projects', () => {
  it('without a 项目阶段 column: nothing is imported until a stage is chosen, then every new project takes it', async () => {
    const app = await operatorApp()
    const base64 = await ledger([project(1, '甲项目', 100, 10, '周明远'), project(2, '乙项目', 200, 20, '郑佳宁')])
    const asked = await preview(app, { base64 })
    expect(asked).toMatchObject({ stage: null, stageToChoose: 2, newByStage: {}, issueCount: 1 })
    expect(asked.issues[0]).toMatchObject({ row: 0, column: '项目阶段' })
    expect(asked.issues[0]!.message).toContain('2个新项目在台账中没有写「项目阶段」')
    expect(asked.issues[0]!.message).toContain('不会默认为谋划包装')
    expect(asked.sample.map((s) => s.stage)).toEqual([null, null])
    // The contract refuses the same import (the CLI and a stale dialog too), and writes nothing.
    const before = await dump(app)
    const error = await refused(app, 'excel.import', { fileName: '台账.xlsx', base64 }, 'INVALID_INPUT')
    expect(error.message).toContain('没有写「项目阶段」')
    expect(await dump(app)).toEqual(before)

    const chosen = await preview(app, { base64, stage: 'construction' })
    expect(chosen).toMatchObject({ stage: 'construction', stageToChoose: 2, issueCount: 0 })
    expect(chosen.newByStage).toEqual({ construction: 2 })
    expect(chosen.sample.map((s) => s.stage)).toEqual(['construction', 'construction'])
    expect(await importLedger(app, { base64, stage: 'construction' })).toMatchObject({ created: 2 })
    expect(await stages(app)).toEqual({ 甲项目: 'construction', 乙项目: 'construction' })
    // The audit row of each project names the stage it was created in.
    const created = (await app.call('audit.list', { entity: 'project' })).filter(
      (e) => e.action === 'create' && e.field === 'stage',
    )
    expect(created.map((e) => e.newValue)).toEqual(['开工建设', '开工建设'])
  })

  it('a 项目阶段 column sets each row’s stage (labels and obvious short forms); an empty cell takes the choice', async () => {
    const app = await operatorApp()
    const base64 = await ledger(
      [
        [...project(1, '甲项目', 100, 10, '周明远'), '签约落地'],
        [...project(2, '乙项目', 100, 10, '周明远'), '在建'],
        [...project(3, '丙项目', 100, 10, '周明远'), '竣工投产阶段'],
        [...project(4, '丁项目', 100, 10, '周明远'), '招商'],
        [...project(5, '戊项目', 100, 10, '周明远'), null],
      ],
      STAGE_HEADER,
    )
    const asked = await preview(app, { base64 })
    expect(asked.columns.find((c) => c.letter === 'I')).toMatchObject({ field: 'stage' })
    expect(asked).toMatchObject({ stageToChoose: 1, issueCount: 1 })
    expect(asked.issues[0]!.message).toContain('1个新项目在台账中没有写「项目阶段」')
    const chosen = await preview(app, { base64, stage: 'planning' })
    expect(chosen.issueCount).toBe(0)
    expect(chosen.newByStage).toEqual({ planning: 1, investment: 1, signed: 1, construction: 1, production: 1 })
    await importLedger(app, { base64, stage: 'planning' })
    expect(await stages(app)).toEqual({
      甲项目: 'signed',
      乙项目: 'construction',
      丙项目: 'production',
      丁项目: 'investment',
      戊项目: 'planning',
    })
  })

  it('every row has a stage: no choice is asked for, and one given is not used', async () => {
    const app = await operatorApp()
    const base64 = await ledger([[...project(1, '甲项目', 100, 10, '周明远'), '开工建设']], STAGE_HEADER)
    expect(await preview(app, { base64 })).toMatchObject({ stageToChoose: 0, issueCount: 0 })
    await importLedger(app, { base64, stage: 'planning' })
    expect(await stages(app)).toEqual({ 甲项目: 'construction' })
  })

  it('refuses a value that is not a stage, naming the cell — it is never guessed', async () => {
    const app = await operatorApp()
    const base64 = await ledger(
      [
        [...project(1, '甲项目', 100, 10, '周明远'), '前期'],
        [...project(2, '乙项目', 100, 10, '周明远'), '未开工'],
      ],
      STAGE_HEADER,
    )
    const p = await preview(app, { base64, stage: 'planning' })
    expect(p.issues.map((i) => [i.row, i.column])).toEqual([
      [3, 'I列'],
      [4, 'I列'],
    ])
    expect(p.issues[0]!.message).toContain(
      '工作表「台账」第3行 I列（项目阶段）：「前期」不是项目阶段，无法确定是哪个阶段',
    )
    expect(p.issues[0]!.message).toContain('谋划包装 / 招商洽谈 / 签约落地 / 开工建设 / 竣工投产')
    expect(p.issues[1]!.message).toContain('「未开工」不是项目阶段')
    // Without a chosen stage: the two cells are the issues — the rows did write a stage, so no "没有写" as well.
    const unchosen = await preview(app, { base64 })
    expect(unchosen.issues.map((i) => [i.row, i.column])).toEqual([
      [3, 'I列'],
      [4, 'I列'],
    ])
    await refused(app, 'excel.import', { fileName: '台账.xlsx', base64, stage: 'planning' }, 'INVALID_INPUT')
    expect(await app.call('project.list', {})).toEqual([])
  })

  it('reads the labels and their equivalents, and nothing that could be two stages', () => {
    expect(
      ['谋划包装', '谋划', '招商洽谈', '洽谈', '签约', '已签约', '开工建设', '续建', '新开工', '竣工', '已投产'].map(
        readStage,
      ),
    ).toEqual([
      'planning',
      'planning',
      'investment',
      'investment',
      'signed',
      'signed',
      'construction',
      'construction',
      'construction',
      'production',
      'production',
    ])
    expect(['前期', '储备', '拟开工', '未开工', '停工', '开工前', '签约开工', ''].map(readStage)).toEqual(
      Array(8).fill(null),
    )
  })

  it('a re-import whose 项目阶段 differs from the project’s stage is refused: a move needs a date (看板)', async () => {
    const app = await operatorApp()
    const first = await ledger([[...project(1, '甲项目', 100, 10, '周明远'), '签约落地']], STAGE_HEADER)
    await importLedger(app, { base64: first })
    const same = await preview(app, { base64: first })
    expect(same).toMatchObject({ updates: 1, creates: 0, stageToChoose: 0, issueCount: 0 })
    const moved = await ledger([[...project(1, '甲项目', 100, 10, '周明远'), '开工建设']], STAGE_HEADER)
    const p = await preview(app, { base64: moved })
    expect(p.issues.map((i) => i.column)).toEqual(['I列'])
    expect(p.issues[0]!.message).toContain('项目阶段是「开工建设」，库中是「签约落地」。变更阶段需要日期')
    expect(await stages(app)).toEqual({ 甲项目: 'signed' })
    // Updates never need the stage chosen: it is for new projects only.
    const noColumn = await preview(app, {
      base64: await ledger([project(1, '甲项目', 120, 10, '周明远')]),
    })
    expect(noColumn).toMatchObject({ updates: 1, stageToChoose: 0, issueCount: 0 })
  })

  it('refuses an unknown stage in the contract input', async () => {
    const app = await operatorApp()
    const base64 = await ledger([project(1, '甲项目', 100, 10, '周明远')])
    const error = await refused(app, 'excel.preview', { fileName: '台账.xlsx', base64, stage: '前期' }, 'INVALID_INPUT')
    expect(error.message).toContain('「新项目的阶段」只能是：谋划包装、招商洽谈、签约落地、开工建设、竣工投产')
  })
})

describe('codes made for imported projects', () => {
  it('are numbered from IMP-00001, skipping codes in use, also in a database that already has projects', async () => {
    const app = await operatorApp()
    await app.call('demo.load', { projects: 5 })
    const base64 = await ledger([project(1, '甲项目', 100, 10, '周明远'), project(2, '乙项目', 100, 10, '周明远')])
    const p = await preview(app, { base64, stage: 'planning' })
    expect(p.sample.map((s) => [s.code, s.autoCode])).toEqual([
      [null, 'IMP-00001'],
      [null, 'IMP-00002'],
    ])
    await importLedger(app, { base64, stage: 'planning' })
    const codeOf = async () => Object.fromEntries((await app.call('project.list', {})).map((p) => [p.name, p.code]))
    expect(await codeOf()).toMatchObject({ 甲项目: 'IMP-00001', 乙项目: 'IMP-00002' })
    // A second import continues after the codes in use; a code the ledger gives itself is never made again.
    const more = await ledger(
      [
        ['IMP-00004', ...project(1, '丙项目', 100, 10, '周明远')],
        [null, ...project(2, '丁项目', 100, 10, '周明远')],
        [null, ...project(3, '戊项目', 100, 10, '周明远')],
      ],
      ['项目编号', ...HEADER],
    )
    const q = await preview(app, { base64: more, stage: 'planning' })
    expect(q.sample.map((s) => s.code ?? s.autoCode)).toEqual(['IMP-00004', 'IMP-00003', 'IMP-00005'])
    await importLedger(app, { base64: more, stage: 'planning' })
    expect(await codeOf()).toMatchObject({ 丙项目: 'IMP-00004', 丁项目: 'IMP-00003', 戊项目: 'IMP-00005' })
  })

  it('one rule: the lowest free number, five digits, growing past 99999', () => {
    const next = importCodes(new Set(['IMP-00001', 'IMP-00003', 'XM-002']))
    expect([next(), next(), next()]).toEqual(['IMP-00002', 'IMP-00004', 'IMP-00005'])
    expect(importCode(1)).toBe('IMP-00001')
    expect(importCode(100000)).toBe('IMP-100000')
  })
})

describe('the backup before an import', () => {
  it('holds the data as it was before the import (reason pre-import)', async () => {
    // A server database's default backup folder is under the app's data folder: a temporary one here.
    const config = process.env.XDG_CONFIG_HOME
    process.env.XDG_CONFIG_HOME = tempDir()
    try {
      const app = await operatorApp()
      await app.call('demo.load', { projects: 5 })
      const base64 = await ledger([project(1, '甲项目', 100, 10, '周明远')])
      await importLedger(app, { base64, stage: 'planning' })
      const listing = await app.call('backup.list', {})
      const backups = listing.backups.filter((b) => b.reason === 'pre-import')
      expect(backups).toHaveLength(1)
      if (app.deps.store.file) {
        // A SQLite file: a copy in backups/ beside it.
        expect(path.dirname(backups[0]!.path)).toBe(path.join(path.dirname(app.deps.databasePath), 'backups'))
        const copy = new BetterSqlite3(backups[0]!.path, { readonly: true })
        try {
          expect((copy.prepare('SELECT count(*) AS n FROM projects').get() as { n: number }).n).toBe(5)
        } finally {
          copy.close()
        }
      } else {
        // A server database: a pg_dump in its default folder on the app server.
        expect(listing).toMatchObject({ isDefault: true, server: true })
        expect(listing.folder.startsWith(process.env.XDG_CONFIG_HOME!)).toBe(true)
        expect(path.dirname(backups[0]!.path)).toBe(listing.folder)
        expect(backups[0]!.name).toMatch(/-pre-import\.dump$/)
        expect(await dumpTableRows(backups[0]!.path, 'projects')).toHaveLength(5)
      }
      expect(await app.call('project.list', {})).toHaveLength(6)
      // A ledger with problems makes no backup: nothing is about to change.
      const another = await ledger([project(1, '乙项目', 100, 10, '周明远')])
      await refused(app, 'excel.import', { fileName: '台账.xlsx', base64: another }, 'INVALID_INPUT')
      expect((await app.call('backup.list', {})).backups.filter((b) => b.reason === 'pre-import')).toHaveLength(1)
    } finally {
      if (config === undefined) delete process.env.XDG_CONFIG_HOME
      else process.env.XDG_CONFIG_HOME = config
    }
  })
})

describe('deactivated (停用) list items and leaders', () => {
  const CODED_HEADER = ['项目编号', ...HEADER, '项目类别', '产业标签']
  /** A coded row: 项目编号, the standard cells, 项目类别 and 产业标签; the unit (G) replaced when given. */
  const coded = (
    code: string,
    name: string,
    {
      leader = '周明远',
      township = '城关镇',
      unit = '县发改局',
      category = null as string | null,
      tag = null as string | null,
    } = {},
  ): RawCell[] => {
    const cells: RawCell[] = project(1, name, 100, 10, leader, township)
    cells[6] = unit
    return [code, ...cells, category, tag]
  }
  const deactivate = async (app: App, kind: 'township' | 'unit' | 'category' | 'industry_tag', name: string) => {
    const item = (await app.call('dict.list', { kind })).find((d) => d.name === name)!
    await app.call('dict.update', { id: item.id, version: item.version, active: false })
  }

  it('a row giving a new project, or changing an existing one to, a deactivated item is refused; unchanged is fine', async () => {
    const app = await operatorApp()
    await importLedger(app, {
      base64: await ledger(
        [
          coded('XM-1', '甲项目', { township: '西沟乡', category: '产业', tag: '新能源' }),
          coded('XM-2', '丁项目', { category: '基础设施', tag: '新材料' }),
        ],
        CODED_HEADER,
      ),
      stage: 'construction',
    })
    for (const [kind, name] of [
      ['township', '西沟乡'],
      ['unit', '县发改局'],
      ['category', '产业'],
      ['industry_tag', '新能源'],
    ] as const)
      await deactivate(app, kind, name)
    const stopped = await app.call('leader.create', { name: '孙停用', title: '副县长', sortOrder: 50 })
    await app.call('leader.update', { id: stopped.id, version: stopped.version, active: false })

    const base64 = await ledger(
      [
        // Row 3: the existing project as it is — its deactivated township, unit, category and tag unchanged.
        coded('XM-1', '甲项目', { township: '西沟乡', category: '产业', tag: '新能源' }),
        // Row 4: an existing project moved to a deactivated township and category.
        coded('XM-2', '丁项目', { township: '西沟乡', category: '产业', tag: '新材料' }),
        // Row 5: a new project naming only deactivated items and a deactivated leader.
        coded('XM-3', '乙项目', { leader: '孙停用', township: '西沟乡', category: '产业', tag: '新能源' }),
        // Row 6: a new project with active (or new) items.
        coded('XM-4', '丙项目', { unit: '县住建局', category: '基础设施' }),
      ],
      CODED_HEADER,
    )
    const p = await preview(app, { base64, stage: 'construction' })
    expect(p).toMatchObject({ creates: 2, updates: 2, newUnits: ['县住建局'], newTownships: [], newLeaders: [] })
    expect(p.issues.map((i) => [i.row, i.column])).toEqual([
      [4, 'I列'],
      [4, 'J列'],
      [5, 'G列'],
      [5, 'H列'],
      [5, 'I列'],
      [5, 'J列'],
      [5, 'K列'],
    ])
    const message = (row: number, column: string) => p.issues.find((i) => i.row === row && i.column === column)!.message
    expect(message(5, 'I列')).toBe(
      '工作表「台账」第5行 I列（所在乡镇）：乡镇（街道）「西沟乡」已停用，请先在 设置 → 基础名录 中启用，或改用其他乡镇',
    )
    expect(message(5, 'G列')).toBe(
      '工作表「台账」第5行 G列（包联领导）：包联领导「孙停用」已停用，请先在 领导 中启用，或改用其他领导',
    )
    expect(message(5, 'H列')).toContain('牵头单位「县发改局」已停用，请先在 设置 → 基础名录 中启用')
    expect(message(5, 'J列')).toContain('项目类别「产业」已停用，请先在 设置 → 基础名录 中启用')
    expect(message(5, 'K列')).toContain('产业标签「新能源」已停用，请先在 设置 → 基础名录 中启用')
    // An existing project is told what it has now.
    expect(message(4, 'I列')).toContain('乡镇（街道）「西沟乡」已停用')
    expect(message(4, 'I列')).toContain('或把台账改回「城关镇」')
    expect(message(4, 'J列')).toContain('或把台账改回「基础设施」')

    // Nothing is written.
    const before = await dump(app)
    const error = await refused(
      app,
      'excel.import',
      { fileName: '台账.xlsx', base64, stage: 'construction' },
      'INVALID_INPUT',
    )
    expect(error.message).toContain('已停用')
    expect(await dump(app)).toEqual(before)

    // Without the refused rows the ledger imports, and 甲项目 keeps its deactivated items.
    const good = await ledger(
      [
        coded('XM-1', '甲项目', { township: '西沟乡', category: '产业', tag: '新能源' }),
        coded('XM-4', '丙项目', { unit: '县住建局', category: '基础设施' }),
      ],
      CODED_HEADER,
    )
    expect(await preview(app, { base64: good, stage: 'construction' })).toMatchObject({ issueCount: 0 })
    expect(await importLedger(app, { base64: good, stage: 'construction' })).toMatchObject({ created: 1, updated: 1 })
    const list = await app.call('project.list', {})
    expect(list.find((x) => x.code === 'XM-1')!.township.name).toBe('西沟乡')
    expect(list.find((x) => x.code === 'XM-4')!.leadUnit.name).toBe('县住建局')
  })

  it('once enabled again (启用) the same row is accepted', async () => {
    const app = await operatorApp()
    const stopped = await app.call('leader.create', { name: '孙停用', title: '副县长', sortOrder: 50 })
    const off = await app.call('leader.update', { id: stopped.id, version: stopped.version, active: false })
    await app.call('dict.create', { kind: 'township', name: '西沟乡' })
    await deactivate(app, 'township', '西沟乡')
    const base64 = await ledger([project(1, '乙项目', 100, 10, '孙停用', '西沟乡')])
    const p = await preview(app, { base64, stage: 'planning' })
    expect(p.issues.map((i) => i.column)).toEqual(['F列', 'H列'])
    expect(p.newLeaders).toEqual([])
    expect(p.newTownships).toEqual([])
    await app.call('leader.update', { id: off.id, version: off.version, active: true })
    const township = (await app.call('dict.list', { kind: 'township', includeInactive: true })).find(
      (d) => d.name === '西沟乡',
    )!
    await app.call('dict.update', { id: township.id, version: township.version, active: true })
    expect(await preview(app, { base64, stage: 'planning' })).toMatchObject({ issueCount: 0 })
    expect(await importLedger(app, { base64, stage: 'planning' })).toMatchObject({ created: 1 })
    const [made] = await app.call('project.list', {})
    expect([made!.leader.id, made!.township.id]).toEqual([stopped.id, township.id])
  })
})
