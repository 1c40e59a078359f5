import { describe, expect, it } from 'vitest'
import {
  actualDateErrors,
  completionDateErrors,
  milestoneDateWarnings,
  problemDateErrors,
  problemDateWarnings,
  projectDateErrors,
  projectDateWarnings,
  refuseImpossible,
} from '../../src/shared/date-checks'
import { parseInput } from '../../src/shared/validate'
import { refusal } from '../helpers/refusal'

const years = { startYear: 2026, endYear: 2027 }
const TODAY = '2026-11-21'

describe('impossible dates', () => {
  it('a project: end year before start year, planned completion before planned start', () => {
    expect(projectDateErrors({ startYear: 2027, endYear: 2026 })).toEqual([
      { path: 'endYear', message: '「建设结束年份」不能早于「建设起始年份」' },
    ])
    expect(projectDateErrors({ plannedStart: '2026-06-01', plannedEnd: '2026-05-31' })).toEqual([
      { path: 'plannedEnd', message: '「计划竣工日期」不能早于「计划开工日期」' },
    ])
    // The same day, and one of them missing, are fine.
    expect(projectDateErrors({ ...years, plannedStart: '2026-06-01', plannedEnd: '2026-06-01' })).toEqual([])
    expect(projectDateErrors({ ...years, plannedStart: '2026-06-01', plannedEnd: null })).toEqual([])
  })

  it('a project reaching 竣工投产 before its actual start', () => {
    expect(actualDateErrors({ actualStart: '2026-05-01', actualEnd: '2026-04-30' })[0]!.message).toBe(
      '「竣工投产日期」2026-04-30不能早于项目的实际开工日期2026-05-01',
    )
    expect(actualDateErrors({ actualStart: '2026-05-01', actualEnd: '2026-05-01' })).toEqual([])
    expect(actualDateErrors({ actualStart: null, actualEnd: '2026-05-01' })).toEqual([])
  })

  it('a problem: raised in the future, due before raised, closed before raised or in the future', () => {
    expect(problemDateErrors({ raisedOn: '2026-11-22', deadline: '2026-12-01' }, TODAY).map((i) => i.path)).toEqual([
      'raisedOn',
    ])
    expect(problemDateErrors({ raisedOn: '2026-10-01', deadline: '2026-09-30' })).toEqual([
      { path: 'deadline', message: '「办结时限」不能早于「提出日期」（2026-10-01）' },
    ])
    expect(problemDateErrors({ raisedOn: '2026-10-01', closedOn: '2026-09-30' }, TODAY)[0]!.message).toContain(
      '「销号日期」不能早于「提出日期」',
    )
    expect(problemDateErrors({ raisedOn: '2026-10-01', closedOn: '2026-11-22' }, TODAY)[0]!.message).toBe(
      '「销号日期」不能晚于今天（2026-11-21）',
    )
    // Without today (the schemas) only the order is checked.
    expect(problemDateErrors({ raisedOn: '2027-01-01', deadline: '2027-02-01' })).toEqual([])
    expect(problemDateErrors({ raisedOn: '2026-10-01', deadline: '2026-10-01', closedOn: TODAY }, TODAY)).toEqual([])
  })

  it('a completion date in the future', () => {
    expect(completionDateErrors('2026-11-22', TODAY)[0]!.message).toBe('「实际完成日期」不能晚于今天（2026-11-21）')
    expect(completionDateErrors(TODAY, TODAY)).toEqual([])
  })

  it('refuseImpossible throws RULE with each issue under its field, and nothing when there is none', () => {
    expect(() => refuseImpossible([])).not.toThrow()
    const error = refusal(() => refuseImpossible(problemDateErrors({ raisedOn: '2026-10-01', deadline: '2026-09-01' })))
    expect(error.code).toBe('RULE')
    expect(error.issues).toEqual([{ path: 'deadline', message: '「办结时限」不能早于「提出日期」（2026-10-01）' }])
  })
})

describe('unusual dates (warned, the user confirms; the contract accepts them)', () => {
  it('a planned start or completion outside the project’s 建设年限', () => {
    expect(projectDateWarnings({ ...years, plannedStart: '2025-03-01', plannedEnd: '2027-06-30' })).toEqual([
      { path: 'plannedStart', message: '「计划开工日期」2025-03-01早于项目的建设年限（2026—2027年）' },
    ])
    expect(projectDateWarnings({ ...years, plannedStart: '2026-03-01', plannedEnd: '2028-01-15' })).toEqual([
      { path: 'plannedEnd', message: '「计划竣工日期」2028-01-15晚于项目的建设年限（2026—2027年）' },
    ])
    expect(projectDateWarnings({ ...years, plannedStart: '2026-01-01', plannedEnd: '2027-12-31' })).toEqual([])
    expect(projectDateWarnings({ ...years, plannedStart: null, plannedEnd: null })).toEqual([])
    // Years in the wrong order are refused on their own, not warned about as well.
    expect(
      projectDateWarnings({ startYear: 2027, endYear: 2026, plannedStart: '2020-01-01', plannedEnd: null }),
    ).toEqual([])
  })

  it('a milestone planned in 2019 for a project built 2026–2027 (逾期2890天), before 2000, or long after', () => {
    expect(milestoneDateWarnings('2019-03-01', years)[0]!.message).toBe(
      '「计划完成日期」2019-03-01比项目建设起始年份（2026年）早一年以上',
    )
    expect(milestoneDateWarnings('2024-12-31', years)).toHaveLength(1)
    // Preparation in the year before the start is common (立项, 用地预审): not unusual.
    expect(milestoneDateWarnings('2025-01-01', years)).toEqual([])
    expect(milestoneDateWarnings('1999-12-31', { startYear: 1998, endYear: 2001 })[0]!.message).toBe(
      '「计划完成日期」1999-12-31早于2000年',
    )
    expect(milestoneDateWarnings('2032-12-31', years)).toEqual([])
    expect(milestoneDateWarnings('2033-01-01', years)[0]!.message).toBe(
      '「计划完成日期」2033-01-01比项目建设结束年份（2027年）晚5年以上',
    )
    expect(milestoneDateWarnings(null, years)).toEqual([])
  })

  it('a problem raised long before the project or due long after it', () => {
    expect(problemDateWarnings({ raisedOn: '2019-05-01', deadline: '2040-01-01' }, years).map((w) => w.path)).toEqual([
      'raisedOn',
      'deadline',
    ])
    expect(problemDateWarnings({ raisedOn: '2026-05-01', deadline: '2026-06-01' }, years)).toEqual([])
  })
})

describe('the contract’s dates', () => {
  const problem = {
    projectId: 1,
    categoryId: 1,
    description: '用地指标未落实',
    raisedOn: '2026-10-01',
    responsibleUnitId: 1,
    deadline: '2026-12-31',
  }

  it('an empty required date says 必须填写, not 应为有效日期', () => {
    const error = refusal(() => parseInput('problem.create', { ...problem, deadline: '' }))
    expect(error.message).toContain('「办结时限」必须填写')
    expect(error.message).not.toContain('应为有效日期')
    expect(error.issues).toEqual([{ path: 'deadline', message: '「办结时限」必须填写' }])
    expect(refusal(() => parseInput('milestone.complete', { id: 1, version: 1, actualDate: '' })).message).toBe(
      '输入有误：「实际完成日期」必须填写',
    )
    expect(refusal(() => parseInput('milestone.create', { planId: 1, name: '开工', plannedDate: ' ' })).message).toBe(
      '输入有误：「计划完成日期」必须填写',
    )
    // Absent or null was already 必须填写; a date that is no date still says so.
    expect(refusal(() => parseInput('problem.create', { ...problem, deadline: null })).message).toContain(
      '「办结时限」必须填写',
    )
    expect(refusal(() => parseInput('problem.create', { ...problem, deadline: '2026-02-30' })).message).toContain(
      '「办结时限」应为有效日期',
    )
  })

  it('refuses a year no project is built in (a mistyped 2202 for 2022)', () => {
    expect(
      refusal(() => parseInput('milestone.create', { planId: 1, name: '开工', plannedDate: '2202-01-01' })).message,
    ).toContain('「计划完成日期」应在1990年至2100年之间')
    expect(() => parseInput('milestone.create', { planId: 1, name: '开工', plannedDate: '2100-12-31' })).not.toThrow()
  })

  it('accepts the unusual: a planned start outside the 建设年限', () => {
    const project = {
      code: 'XM-001',
      name: '示范项目',
      level: 'county',
      townshipId: 1,
      totalInvestment: 100,
      startYear: 2026,
      endYear: 2027,
      plannedStart: '2025-03-01',
      plannedEnd: '2027-06-30',
      leaderId: 1,
      leadUnitId: 1,
    }
    expect(parseInput('project.create', project).plannedStart).toBe('2025-03-01')
    expect(
      refusal(() => parseInput('project.update', { id: 1, version: 1, startYear: 2027, endYear: 2026 })).issues,
    ).toEqual([{ path: 'endYear', message: '「建设结束年份」不能早于「建设起始年份」' }])
  })
})

describe('a year the product never takes is not "unusual"', () => {
  it('2207 (for 2027) and 1899 get no 确认无误 warning: the contract refuses them (fields.ts date)', () => {
    expect(projectDateWarnings({ ...years, plannedStart: '2207-01-01', plannedEnd: null })).toEqual([])
    expect(milestoneDateWarnings('1899-05-01', years)).toEqual([])
    expect(problemDateWarnings({ raisedOn: '2026-11-01', deadline: '2207-01-01' }, years)).toEqual([])
    // Inside 1990–2100 the unusual is still warned about.
    expect(projectDateWarnings({ ...years, plannedStart: '2025-03-01', plannedEnd: null })).toHaveLength(1)
    expect(milestoneDateWarnings('1995-05-01', years)).toHaveLength(1)
  })
})
