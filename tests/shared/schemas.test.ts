import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/shared/errors'
import { parseInput } from '../../src/shared/validate'

function refusal(fn: () => unknown): AppError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
  throw new Error('expected a refusal')
}

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
