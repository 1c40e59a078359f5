import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PERSON_NAME_MAX, splitLeaderCell } from '../../src/shared/names'
import { parseInput } from '../../src/shared/validate'
import { refusal } from '../helpers/refusal'

const validProject = {
  code: 'XM-001',
  name: '示范项目',
  level: 'county',
  townshipId: 1,
  totalInvestment: 100,
  startYear: 2026,
  endYear: 2027,
  leaderId: 1,
  leadUnitId: 1,
}

describe('contract input schemas', () => {
  it('accepts a valid input and applies defaults', () => {
    const args = parseInput('project.create', validProject)
    expect(args.stage).toBe('planning')
    expect(args.constructionUnit).toBe('')
    expect(args.serviceContent).toEqual([])
  })

  it('names a missing field in Chinese', () => {
    const { name: _, ...noName } = validProject
    const error = refusal(() => parseInput('project.create', noName))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toContain('「项目名称」必须填写')
    expect(error.issues?.[0]?.path).toBe('name')
  })

  it('refuses a wrong type', () => {
    expect(refusal(() => parseInput('project.create', { ...validProject, totalInvestment: '100' })).message).toContain(
      '「总投资」应为金额',
    )
    expect(refusal(() => parseInput('leader.list', 'all')).message).toContain('请求参数应为一个对象')
  })

  it('refuses over-long text, counting Chinese characters', () => {
    const error = refusal(() => parseInput('project.create', { ...validProject, name: '项'.repeat(101) }))
    expect(error.message).toContain('「项目名称」不能超过100个字')
    expect(() => parseInput('project.create', { ...validProject, name: '项'.repeat(100) })).not.toThrow()
  })

  it('refuses blank text after trimming', () => {
    expect(refusal(() => parseInput('project.create', { ...validProject, name: '   ' })).message).toContain(
      '「项目名称」不能为空',
    )
  })

  it('refuses negative money and more than two decimals', () => {
    expect(refusal(() => parseInput('project.create', { ...validProject, totalInvestment: -1 })).message).toContain(
      '「总投资」不能为负数',
    )
    expect(
      refusal(() => parseInput('report.save', { projectId: 1, period: '2026-10', investment: 1.5 })).message,
    ).toContain('最多两位小数')
  })

  it('refuses an end before a start', () => {
    const error = refusal(() =>
      parseInput('project.create', { ...validProject, plannedStart: '2026-06-01', plannedEnd: '2026-05-31' }),
    )
    expect(error.message).toContain('「计划竣工日期」不能早于「计划开工日期」')
    expect(
      refusal(() => parseInput('project.create', { ...validProject, startYear: 2027, endYear: 2026 })).message,
    ).toContain('「建设结束年份」不能早于「建设起始年份」')
  })

  it('refuses impossible dates and periods', () => {
    expect(
      refusal(() => parseInput('milestone.complete', { id: 1, version: 1, actualDate: '2026-02-30' })).message,
    ).toContain('「实际完成日期」应为有效日期')
    expect(
      refusal(() => parseInput('report.save', { projectId: 1, period: '2026-13', investment: 0 })).message,
    ).toContain('「月份」应为月份')
  })

  it('refuses unknown keys instead of dropping them silently', () => {
    expect(refusal(() => parseInput('leader.list', { includeInactive: true, drop: 1 })).message).toContain(
      '无法识别的字段：drop',
    )
  })

  it('refuses an enum value outside the list, naming the allowed ones', () => {
    expect(refusal(() => parseInput('project.create', { ...validProject, level: 'national' })).message).toContain(
      '「项目级别」只能是：省级重点、市级重点、县级重点',
    )
  })

  it('checks rules: weights must sum to 100 and red below yellow', () => {
    const thresholds = { redOverdueDays: 30, upcomingDays: 7, redInvestmentPercent: 50, yellowInvestmentPercent: 80 }
    expect(
      refusal(() =>
        parseInput('settings.updateRules', {
          version: 1,
          thresholds,
          weights: { milestones: 50, investment: 30, problems: 30 },
        }),
      ).message,
    ).toContain('三项权重之和应为100')
    expect(
      refusal(() =>
        parseInput('settings.updateRules', {
          version: 1,
          thresholds: { ...thresholds, redInvestmentPercent: 90 },
          weights: { milestones: 50, investment: 30, problems: 20 },
        }),
      ).message,
    ).toContain('应小于')
  })

  it('refuses a phone number with letters', () => {
    expect(
      refusal(() => parseInput('leader.create', { name: '张三', title: '副区长', sortOrder: 1, phone: 'abc' })).message,
    ).toContain('「电话」')
  })

  it('summarises many problems in one message', () => {
    const error = refusal(() => parseInput('project.create', {}))
    expect(error.issues!.length).toBeGreaterThan(3)
    expect(error.message).toMatch(/等\d+处问题$/)
  })
})

describe('names in the contract (issue 14)', () => {
  const leader = { title: '副县长', sortOrder: 10 }
  const MINORITY = '阿卜杜热合曼·买买提依明·艾则孜江·吐尔逊'

  it('saves a 21-character minority name through leader.create and leader.update', () => {
    expect(parseInput('leader.create', { ...leader, name: MINORITY }).name).toBe(MINORITY)
    expect(parseInput('leader.update', { id: 1, version: 1, name: MINORITY }).name).toBe(MINORITY)
    // …typed with other dots and spaces, it arrives in the one form.
    const typed = ' 阿卜杜热合曼 • 买买提依明・艾则孜江．吐尔逊\u200b'
    expect(parseInput('leader.create', { ...leader, name: typed }).name).toBe(MINORITY)
    expect(parseInput('leader.update', { id: 1, version: 1, name: typed }).name).toBe(MINORITY)
  })

  it('normalises names of people and units wherever they arrive', () => {
    expect(parseInput('leader.create', { ...leader, name: '王　伟' }).name).toBe('王伟')
    expect(parseInput('leader.create', { ...leader, name: '郑佳宁\u00a0', unit: ' 县\u3000政府 ' }).unit).toBe('县政府')
    expect(
      parseInput('taskForce.addMember', {
        taskForceId: 1,
        role: 'member',
        person: { name: '王伟\u200b', unit: '县发改局' },
      }).person?.name,
    ).toBe('王伟')
    expect(parseInput('person.update', { id: 1, version: 1, name: '阿不都•热合曼' }).name).toBe('阿不都·热合曼')
    expect(
      parseInput('auth.setup', { login: 'wangwei', name: '王　伟', unit: '区重点项目办\n', password: 'Zb#20261121' }),
    ).toMatchObject({ name: '王伟', unit: '区重点项目办' })
    expect(
      parseInput('milestone.create', {
        planId: 1,
        name: '土地\n摘牌',
        plannedDate: '2026-05-01',
        responsiblePerson: '阿不都・热合曼',
      }),
    ).toMatchObject({ name: '土地摘牌', responsiblePerson: '阿不都·热合曼', responsibleUnit: '' })
    expect(parseInput('project.create', { ...validProject, name: '智能装备\n产业园　二期' }).name).toBe(
      '智能装备产业园二期',
    )
    expect(parseInput('dict.create', { kind: 'unit', name: '县\u00a0发改局' }).name).toBe('县发改局')
  })

  it('normalises a search, so a full-width space or another dot still finds the name', () => {
    expect(parseInput('project.list', { text: '智能装备　产业园' }).text).toBe('智能装备产业园')
    expect(parseInput('person.list', { text: '阿不都•热' }).text).toBe('阿不都·热')
    expect(parseInput('project.list', { text: '\u3000' }).text).toBe('')
  })

  it('keeps 𠮷 intact and counts it as one character', () => {
    expect(parseInput('leader.create', { ...leader, name: '𠮷庆林' }).name).toBe('𠮷庆林')
    expect(parseInput('leader.create', { ...leader, name: '𠮷'.repeat(PERSON_NAME_MAX) }).name).toBe(
      '𠮷'.repeat(PERSON_NAME_MAX),
    )
  })

  it('refuses NUL, control characters and lone surrogates with a Chinese message', () => {
    expect(refusal(() => parseInput('leader.create', { ...leader, name: '王\u0000伟' })).message).toContain(
      '「姓名」含有无法保存的控制字符（NUL）',
    )
    expect(refusal(() => parseInput('project.create', { ...validProject, name: '项目\u001b' })).message).toContain(
      '「项目名称」含有无法保存的控制字符（U+001B）',
    )
    expect(
      refusal(() =>
        parseInput('problem.close', { id: 1, version: 1, resolution: '已办\u0000结', closedOn: '2026-05-01' }),
      ).message,
    ).toContain('「办理结果」含有无法保存的控制字符（NUL）')
    expect(refusal(() => parseInput('leader.update', { id: 1, version: 1, name: '\ud842庆林' })).message).toContain(
      '「姓名」含有残缺的字符（不成对的代理项），请重新输入',
    )
    // Multi-line text keeps its line breaks.
    expect(
      parseInput('problem.close', { id: 1, version: 1, resolution: '一、已办\n二、已结', closedOn: '2026-05-01' })
        .resolution,
    ).toBe('一、已办\n二、已结')
  })

  it('refuses a name of 51 characters in every path of people, and empty after normalising', () => {
    const long = '阿'.repeat(PERSON_NAME_MAX + 1)
    const message = `不能超过${PERSON_NAME_MAX}个字`
    expect(refusal(() => parseInput('leader.create', { ...leader, name: long })).message).toContain(
      `「姓名」${message}`,
    )
    expect(refusal(() => parseInput('leader.update', { id: 1, version: 1, name: long })).message).toContain(message)
    expect(refusal(() => parseInput('person.update', { id: 1, version: 1, name: long })).message).toContain(message)
    expect(
      refusal(() => parseInput('auth.setup', { login: 'wang', name: long, unit: '办', password: 'Zb#20261121' }))
        .message,
    ).toContain(message)
    expect(
      refusal(() =>
        parseInput('milestone.create', { planId: 1, name: '节点', plannedDate: '2026-05-01', responsiblePerson: long }),
      ).message,
    ).toContain(`「责任人」${message}`)
    expect(parseInput('leader.create', { ...leader, name: '阿'.repeat(PERSON_NAME_MAX) }).name).toHaveLength(
      PERSON_NAME_MAX,
    )
    expect(refusal(() => parseInput('leader.create', { ...leader, name: '\u3000\u200b' })).message).toContain(
      '「姓名」不能为空',
    )
  })

  it("refuses two leaders or a title in brackets in a leader's name", () => {
    expect(refusal(() => parseInput('leader.create', { ...leader, name: '周明远、郑佳宁' })).message).toContain(
      '「姓名」只能填一位领导',
    )
    expect(
      refusal(() => parseInput('leader.update', { id: 1, version: 1, name: '周明远（副县长）' })).message,
    ).toContain('职务请填在「职务」中')
  })

  it('what the import reads from a leader cell, leader.create saves as it is', () => {
    const cell = fc.oneof(
      fc
        .array(
          fc.constantFrom(
            ' ',
            '\u3000',
            '•',
            '.',
            '、',
            '（',
            '）',
            '(',
            '和',
            '王',
            '伟',
            '阿',
            '𠮷',
            'a',
            '副县长',
            '\u200b',
          ),
          { maxLength: 40 },
        )
        .map((a) => a.join('')),
      fc.string({ unit: 'binary', maxLength: 60 }),
    )
    fc.assert(
      fc.property(cell, (text) => {
        const read = splitLeaderCell(text)
        if (read.ok) expect(parseInput('leader.create', { ...leader, name: read.name }).name).toBe(read.name)
      }),
      { numRuns: 500 },
    )
  })
})
