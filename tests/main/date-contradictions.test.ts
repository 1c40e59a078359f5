/**
 * Dates that contradict each other (date-checks.ts): the impossible is refused with a Chinese message under
 * its field and changes nothing; the merely unusual is accepted (the forms warn and ask to confirm).
 */
import { describe, expect, it } from 'vitest'
import { dump, newApp, projectInput, refused, seedBasics } from '../helpers/app'

async function setup() {
  const app = await newApp()
  const b = await seedBasics(app)
  const detail = await app.call('project.create', projectInput(b)) // 2026–2027, planned 2026-03-01 … 2027-06-30
  const milestone = await app.call('milestone.create', {
    planId: detail.plan.id,
    name: '用地预审',
    plannedDate: '2026-09-01',
  })
  const problem = await app.call('problem.create', {
    projectId: detail.project.id,
    categoryId: b.problemCategoryId,
    description: '项目用地指标尚未落实',
    raisedOn: '2026-09-01',
    responsibleUnitId: b.unit2Id,
    deadline: '2026-10-31',
  })
  return { app, b, project: detail.project, planId: detail.plan.id, milestone, problem }
}

describe('impossible dates are refused and change nothing', () => {
  it('a project: years or planned dates in the wrong order, on create and on update', async () => {
    const { app, b, project } = await setup()
    const before = await dump(app)
    const create = await refused(
      app,
      'project.create',
      projectInput(b, { code: 'XM-002', plannedStart: '2026-06-01', plannedEnd: '2026-05-31' }),
      'INVALID_INPUT',
    )
    expect(create.issues).toEqual([{ path: 'plannedEnd', message: '「计划竣工日期」不能早于「计划开工日期」' }])
    await refused(app, 'project.create', projectInput(b, { code: 'XM-002', startYear: 2028 }), 'INVALID_INPUT')
    // Only one side sent: the stored other side decides (2028 starts after the stored end year 2027).
    const years = await refused(app, 'project.update', { id: project.id, version: 1, startYear: 2028 }, 'RULE')
    expect(years.message).toBe('「建设结束年份」不能早于「建设起始年份」')
    expect(years.issues).toEqual([{ path: 'endYear', message: '「建设结束年份」不能早于「建设起始年份」' }])
    const planned = await refused(
      app,
      'project.update',
      { id: project.id, version: 1, plannedEnd: '2026-02-28' },
      'RULE',
    )
    expect(planned.issues?.[0]?.path).toBe('plannedEnd')
    expect(await dump(app)).toEqual(before)
  })

  it('a project reaching 竣工投产 before its actual start', async () => {
    const { app, project } = await setup()
    const started = await app.call('project.move', {
      id: project.id,
      version: project.version,
      toStage: 'construction',
      date: '2026-05-01',
    })
    expect(started.actualStart).toBe('2026-05-01')
    const before = await dump(app)
    const error = await refused(
      app,
      'project.move',
      { id: project.id, version: started.version, toStage: 'production', date: '2026-04-30' },
      'RULE',
    )
    expect(error.message).toBe('「竣工投产日期」2026-04-30不能早于项目的实际开工日期2026-05-01')
    expect(await dump(app)).toEqual(before)
    const done = await app.call('project.move', {
      id: project.id,
      version: started.version,
      toStage: 'production',
      date: '2026-05-01',
    })
    expect(done).toMatchObject({ actualStart: '2026-05-01', actualEnd: '2026-05-01' })
  })

  it('a milestone completed in the future', async () => {
    const { app, milestone } = await setup()
    const before = await dump(app)
    const error = await refused(
      app,
      'milestone.complete',
      { id: milestone.id, version: milestone.version, actualDate: '2026-11-22' },
      'RULE',
    )
    expect(error.issues).toEqual([{ path: 'actualDate', message: '「实际完成日期」不能晚于今天（2026-11-21）' }])
    expect(await dump(app)).toEqual(before)
  })

  it('a problem raised in the future, due before it was raised, closed before it was raised or in the future', async () => {
    const { app, b, project, problem } = await setup()
    const before = await dump(app)
    const raise = {
      projectId: project.id,
      categoryId: b.problemCategoryId,
      description: '环评批复未下达',
      raisedOn: '2026-11-22',
      responsibleUnitId: b.unitId,
      deadline: '2026-12-31',
    }
    expect((await refused(app, 'problem.create', raise, 'RULE')).issues).toEqual([
      { path: 'raisedOn', message: '「提出日期」不能晚于今天（2026-11-21）' },
    ])
    const early = await refused(
      app,
      'problem.create',
      { ...raise, raisedOn: '2026-11-01', deadline: '2026-10-31' },
      'RULE',
    )
    expect(early.issues).toEqual([{ path: 'deadline', message: '「办结时限」不能早于「提出日期」（2026-11-01）' }])
    const update = await refused(
      app,
      'problem.update',
      { id: problem.id, version: problem.version, deadline: '2026-08-31' },
      'RULE',
    )
    expect(update.issues?.[0]?.path).toBe('deadline')
    const closedEarly = await refused(
      app,
      'problem.close',
      { id: problem.id, version: problem.version, resolution: '已协调解决', closedOn: '2026-08-31' },
      'RULE',
    )
    expect(closedEarly.issues).toEqual([
      { path: 'closedOn', message: '「销号日期」不能早于「提出日期」（2026-09-01）' },
    ])
    const closedLater = await refused(
      app,
      'problem.close',
      { id: problem.id, version: problem.version, resolution: '已协调解决', closedOn: '2026-11-22' },
      'RULE',
    )
    expect(closedLater.message).toBe('「销号日期」不能晚于今天（2026-11-21）')
    expect(await dump(app)).toEqual(before)
  })

  it('an empty required date says 必须填写, and a year no project is built in is refused', async () => {
    const { app, planId, milestone } = await setup()
    const before = await dump(app)
    const empty = await refused(
      app,
      'milestone.complete',
      { id: milestone.id, version: milestone.version, actualDate: '' },
      'INVALID_INPUT',
    )
    expect(empty.message).toBe('输入有误：「实际完成日期」必须填写')
    const typo = await refused(
      app,
      'milestone.create',
      { planId, name: '竣工验收', plannedDate: '2207-06-30' },
      'INVALID_INPUT',
    )
    expect(typo.message).toContain('「计划完成日期」应在1990年至2100年之间')
    expect(await dump(app)).toEqual(before)
  })
})

describe('unusual dates are accepted (the form has asked the user to confirm)', () => {
  it('a planned start before the 建设年限, a milestone planned in 2019, a deadline years after the end', async () => {
    const { app, b, project, planId, milestone } = await setup()
    const updated = await app.call('project.update', { id: project.id, version: 1, plannedStart: '2025-03-01' })
    expect(updated.plannedStart).toBe('2025-03-01')
    const moved = await app.call('milestone.update', {
      id: milestone.id,
      version: milestone.version,
      plannedDate: '2019-03-01',
    })
    expect(moved.plannedDate).toBe('2019-03-01')
    await app.call('milestone.create', { planId, name: '投产', plannedDate: '2040-01-01' })
    const late = await app.call('problem.create', {
      projectId: project.id,
      categoryId: b.problemCategoryId,
      description: '远期配套道路',
      raisedOn: '2026-11-21',
      responsibleUnitId: b.unitId,
      deadline: '2040-12-31',
    })
    expect(late.deadline).toBe('2040-12-31')
  })
})
