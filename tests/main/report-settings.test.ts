/**
 * 通报设置 (issue 16): the 排名通报's 发文机关, 行政层级, 发文字号, 成文日期 and 附注 are the office's settings —
 * defaults derived from the data, validated, versioned and audited like the other settings.
 */
import { describe, expect, it } from 'vitest'
import { dump, newApp, refused, seedBasics } from '../helpers/app'

const VALID = {
  issuer: '某某县重点项目建设指挥部办公室',
  level: '县',
  docNumber: '〔2026〕12号',
  date: '2026-11-20',
  remarks: '此件发至各乡镇（街道）、各责任单位。',
}

describe('通报设置', () => {
  it('defaults: nothing printed as sender, the print day, the level word 县 when the data names none', async () => {
    const app = await newApp()
    expect(await app.call('settings.report', {})).toEqual({
      report: { issuer: '', level: '县', docNumber: '', date: '', remarks: '' },
      version: 1,
      saved: false,
    })
    // The operator's unit is not the issuing body.
    expect((await app.call('settings.report', {})).report.issuer).toBe('')
  })

  it('derives the level word from the leaders’ titles and the units (区 for a 区), until saved', async () => {
    const app = await newApp()
    await seedBasics(app) // 副区长, 区委常委, 区发改局, 区工信局
    expect((await app.call('settings.report', {})).report.level).toBe('区')
    const banner = await newApp()
    await banner.call('leader.create', { name: '巴特尔', title: '副旗长', sortOrder: 1 })
    await banner.call('leader.create', { name: '乌兰', title: '旗委常委', sortOrder: 2 })
    await banner.call('dict.create', { kind: 'unit', name: '市场监督管理局' }) // 市场 is not 市
    expect((await banner.call('settings.report', {})).report.level).toBe('旗')
  })

  it('saves them whole with a version, audited field by field; a stale version is refused', async () => {
    const app = await newApp()
    await seedBasics(app)
    const saved = await app.call('settings.updateReport', { version: 1, ...VALID })
    expect(saved).toEqual({ report: VALID, version: 2, saved: true })
    expect(await app.call('settings.report', {})).toEqual(saved)
    const log = await app.call('audit.list', { entity: 'setting' })
    expect(log.filter((e) => e.action === 'report').map((e) => [e.field, e.oldValue, e.newValue])).toEqual(
      expect.arrayContaining([
        ['reportIssuer', '（空）', '某某县重点项目建设指挥部办公室'],
        ['reportLevel', '区', '县'],
        ['reportDocNumber', '（空）', '〔2026〕12号'],
        ['reportDate', '打印当天', '2026-11-20'],
        ['reportRemarks', '（空）', '此件发至各乡镇（街道）、各责任单位。'],
      ]),
    )
    expect(log[0]).toMatchObject({ operator: '王测试', operatorUnit: '区重点项目办' })
    // A copy read before the first save is stale.
    const before = await dump(app)
    await refused(app, 'settings.updateReport', { version: 1, ...VALID, docNumber: '〔2026〕13号' }, 'CONFLICT')
    expect(await dump(app)).toEqual(before)
    const next = await app.call('settings.updateReport', {
      version: 2,
      ...VALID,
      docNumber: '某重办〔2026〕13号',
      date: '',
    })
    expect(next).toMatchObject({ version: 3, report: { docNumber: '某重办〔2026〕13号', date: '' } })
    const changes = (await app.call('audit.list', { entity: 'setting' })).filter((e) => e.action === 'report')
    expect(changes.slice(0, 2).map((e) => [e.field, e.newValue])).toEqual(
      expect.arrayContaining([
        ['reportDocNumber', '某重办〔2026〕13号'],
        ['reportDate', '打印当天'],
      ]),
    )
  })

  it.each([
    ['a 文号 in square brackets', { docNumber: '[2026]12号' }, '六角括号'],
    ['a 文号 in round brackets', { docNumber: '（2026）12号' }, '六角括号'],
    ['a 文号 with a leading zero', { docNumber: '〔2026〕012号' }, '不编虚位'],
    ['a 文号 with 第', { docNumber: '〔2026〕第12号' }, '不加“第”'],
    ['a 文号 without 号', { docNumber: '〔2026〕12' }, '〔2026〕12号'],
    ['a 文号 with a two-digit year', { docNumber: '〔26〕12号' }, '〔2026〕12号'],
    ['a 文号 of an impossible year', { docNumber: '〔3026〕12号' }, '〔2026〕12号'],
    ['a level word that is not one', { level: '省' }, '「行政层级」只能是：县、区、市、旗、州、盟'],
    ['a date that does not exist', { date: '2026-02-30' }, '「成文日期」应为有效日期'],
    ['a date not written YYYY-MM-DD', { date: '2026年11月20日' }, '「成文日期」应为有效日期'],
    ['an issuing body over 50 characters', { issuer: '办'.repeat(51) }, '「发文机关」不能超过50个字'],
    ['remarks over 300 characters', { remarks: '注'.repeat(301) }, '「附注」不能超过300个字'],
    ['no version', { version: undefined }, '版本号'],
  ])('refuses %s with a message saying what to do, changing nothing', async (_label, change, message) => {
    const app = await newApp()
    await seedBasics(app)
    await app.call('settings.updateReport', { version: 1, ...VALID })
    const before = await dump(app)
    const error = await refused(app, 'settings.updateReport', { version: 2, ...VALID, ...change }, 'INVALID_INPUT')
    expect(error.message).toContain(message)
    expect(await dump(app)).toEqual(before)
    expect((await app.call('settings.report', {})).report).toEqual(VALID)
  })

  it('accepts an empty 文号, date and remarks (none printed; the print day), and a 文号 with its 机关代字', async () => {
    const app = await newApp()
    for (const docNumber of ['', '〔2026〕1号', '某重办〔2026〕125号', 'XZ〔2027〕3号'])
      await app.call('settings.updateReport', {
        version: (await app.call('settings.report', {})).version,
        ...VALID,
        docNumber,
        date: '',
        remarks: '',
      })
    expect((await app.call('settings.report', {})).report).toMatchObject({ docNumber: 'XZ〔2027〕3号', date: '' })
  })
})
