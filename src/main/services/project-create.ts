/**
 * Making 重点项目: each with its 包联领导 assignment, its 专班 and its 方案 (一个项目、一名领导、一个专班、一套方案),
 * checked and audited the same way whether one is typed in or ten thousand come from a ledger. The facts the checks
 * need (codes in use, office list items, leaders, the ends of the kanban columns) are read once for all of them and
 * the rows written a few statements for the lot: on PostgreSQL every statement is a round trip to the server, and
 * a project made a statement at a time made a 10,000-row import take minutes there.
 */
import type { Kysely } from 'kysely'
import type { CallArgs } from '../../shared/contract'
import { projectDateErrors, refuseImpossible } from '../../shared/date-checks'
import { PROJECT_LEVEL_LABELS, STAGE_LABELS, type Stage } from '../../shared/domain'
import { AppError } from '../../shared/errors'
import { leaderStart } from '../../shared/leader-start'
import { formatMoney } from '../../shared/money'
import { GAP } from '../../shared/rules/positions'
import { auditAll, type AuditEvent } from '../audit'
import type { WriteCtx } from '../context'
import type { Database } from '../db/schema'
import { batches } from '../store/batches'
import { checkDict, checkLeader, codeInUse } from './common'
import { insertTemplateMilestones, loadTemplate } from './plan-templates'

export type NewProject = CallArgs<'project.create'>

/**
 * Creates projects in input order, inside the caller's transaction, each with its leader assignment (from
 * `leaderFrom`, else src/shared/leader-start.ts), its task force (lead unit), its plan, a position at the end of
 * its stage's kanban column, the template's milestones when `templateId` is given, and its audit rows.
 * Returns the new project ids in input order.
 *
 * Every input is checked before anything is written, in this order: the code unused (by a stored project and by
 * an earlier input: DUPLICATE), township, lead unit, category and industry tag existing, of their kind and active
 * (NOT_FOUND, RULE), the leader existing and active, the dates possible (date-checks.ts), the leader's start
 * (RULE), a template's planned dates. `where(i)` is put before the message of a refusal of input `i` (the ledger
 * import names the row); the first refusal is thrown, and the caller's transaction then writes nothing.
 */
export async function createProjects(
  w: WriteCtx,
  inputs: readonly NewProject[],
  where: (index: number) => string = () => '',
): Promise<number[]> {
  if (inputs.length === 0) return []
  const facts = await readFacts(w.db, inputs)
  const checked = []
  const seenCodes = new Map<string, string>()
  for (const [i, input] of inputs.entries()) {
    try {
      const earlier = facts.codes.get(input.code) ?? seenCodes.get(input.code)
      if (earlier !== undefined) throw codeInUse(input.code, earlier)
      seenCodes.set(input.code, input.name)
      const township = checkDict(facts.dicts.get(input.townshipId), input.townshipId, 'township')
      const leadUnit = checkDict(facts.dicts.get(input.leadUnitId), input.leadUnitId, 'unit')
      if (input.categoryId) checkDict(facts.dicts.get(input.categoryId), input.categoryId, 'category')
      if (input.industryTagId) checkDict(facts.dicts.get(input.industryTagId), input.industryTagId, 'industry_tag')
      const leader = checkLeader(facts.leaders.get(input.leaderId), input.leaderId)
      refuseImpossible(projectDateErrors(input))
      const start = leaderStart(input.leaderFrom, input.startYear, w.today)
      if ('error' in start) throw new AppError('RULE', start.error)
      const template = input.templateId ? await loadTemplate(w.db, input.templateId) : null
      if (template && (!input.plannedStart || !input.plannedEnd))
        throw new AppError('RULE', '按模板生成节点需要先填写「计划开工日期」和「计划竣工日期」')
      checked.push({ input, township, leadUnit, leader, leaderFrom: start.date, template })
    } catch (error) {
      const prefix = where(i)
      if (prefix && error instanceof AppError) throw new AppError(error.code, prefix + error.message, error.issues)
      throw error
    }
  }

  // Each new project goes to the end of its column, after the ones made before it (kanban.ts orders by position).
  const columnEnd = facts.columnEnds
  const projectRows = checked.map(({ input }) => {
    const position = (columnEnd.get(input.stage) ?? 0) + GAP
    columnEnd.set(input.stage, position)
    return {
      code: input.code,
      name: input.name,
      category_id: input.categoryId,
      industry_tag_id: input.industryTagId,
      level: input.level,
      township_id: input.townshipId,
      construction_unit: input.constructionUnit,
      content: input.content,
      total_investment: input.totalInvestment,
      start_year: input.startYear,
      end_year: input.endYear,
      stage: input.stage,
      position,
      planned_start: input.plannedStart,
      planned_end: input.plannedEnd,
      actual_start: null,
      actual_end: null,
      created_at: w.now,
      updated_at: w.now,
    }
  })
  for (const batch of batches(projectRows, 19)) await w.db.insertInto('projects').values(batch).execute()
  // Ids by code (unique): neither store promises that a multi-row RETURNING comes back in the order of VALUES.
  const ids = await idsOf(
    w.db,
    checked.map((c) => c.input.code),
  )

  const assignments = checked.map((c, i) => ({
    project_id: ids[i]!,
    leader_id: c.leader.id,
    start_date: c.leaderFrom,
    end_date: null,
    note: '',
    created_at: w.now,
  }))
  for (const batch of batches(assignments, 6)) await w.db.insertInto('leader_assignments').values(batch).execute()
  const taskForces = new Map<number, number>()
  for (const batch of batches(
    checked.map((c, i) => ({ project_id: ids[i]!, lead_unit_id: c.leadUnit.id })),
    2,
  ))
    for (const r of await w.db.insertInto('task_forces').values(batch).returning(['id', 'project_id']).execute())
      taskForces.set(r.project_id, r.id)
  const plans = new Map<number, number>()
  for (const batch of batches(
    checked.map((c, i) => ({
      project_id: ids[i]!,
      goals: c.input.goals,
      service_content: JSON.stringify(c.input.serviceContent),
    })),
    3,
  ))
    for (const r of await w.db.insertInto('plans').values(batch).returning(['id', 'project_id']).execute())
      plans.set(r.project_id, r.id)

  await auditAll(
    w,
    checked.flatMap(({ input, township, leadUnit, leader }, i): AuditEvent[] => {
      const id = ids[i]!
      return [
        {
          entity: 'project',
          entityId: id,
          projectId: id,
          action: 'create',
          changes: [
            { field: 'code', old: null, new: input.code },
            { field: 'name', old: null, new: input.name },
            { field: 'township', old: null, new: township.name },
            { field: 'level', old: null, new: PROJECT_LEVEL_LABELS[input.level] },
            { field: 'stage', old: null, new: STAGE_LABELS[input.stage] },
            { field: 'totalInvestment', old: null, new: formatMoney(input.totalInvestment) },
            { field: 'leader', old: null, new: leader.name },
            { field: 'leadUnit', old: null, new: leadUnit.name },
          ],
        },
        { entity: 'task_force', entityId: taskForces.get(id)!, projectId: id, action: 'create' },
        { entity: 'plan', entityId: plans.get(id)!, projectId: id, action: 'create' },
      ]
    }),
  )
  for (const [i, { input, template }] of checked.entries())
    if (template)
      await insertTemplateMilestones(
        w,
        { id: plans.get(ids[i]!)!, project_id: ids[i]! },
        template.items,
        input.plannedStart!,
        input.plannedEnd!,
      )
  return ids
}

/** What the checks need, read in a few statements: codes in use (→ project name), list items, leaders, column ends. */
async function readFacts(db: Kysely<Database>, inputs: readonly NewProject[]) {
  const codes = new Map<string, string>()
  for (const batch of batches([...new Set(inputs.map((i) => i.code))], 1))
    for (const r of await db.selectFrom('projects').select(['code', 'name']).where('code', 'in', batch).execute())
      codes.set(r.code, r.name)
  const dictIds = new Set<number>()
  for (const i of inputs) {
    dictIds.add(i.townshipId)
    dictIds.add(i.leadUnitId)
    if (i.categoryId) dictIds.add(i.categoryId)
    if (i.industryTagId) dictIds.add(i.industryTagId)
  }
  const dicts = new Map<number, { id: number; name: string; kind: string; active: 0 | 1 }>()
  for (const batch of batches([...dictIds], 1))
    for (const r of await db
      .selectFrom('dict_items')
      .select(['id', 'name', 'kind', 'active'])
      .where('id', 'in', batch)
      .execute())
      dicts.set(r.id, r)
  const leaders = new Map<number, { id: number; name: string; active: 0 | 1 }>()
  for (const batch of batches([...new Set(inputs.map((i) => i.leaderId))], 1))
    for (const r of await db.selectFrom('leaders').select(['id', 'name', 'active']).where('id', 'in', batch).execute())
      leaders.set(r.id, r)
  const columnEnds = new Map<Stage, number>()
  for (const r of await db
    .selectFrom('projects')
    .select((eb) => ['stage', eb.fn.max('position').as('m')])
    .where('stage', 'in', [...new Set(inputs.map((i) => i.stage))])
    .groupBy('stage')
    .execute())
    columnEnds.set(r.stage, r.m)
  return { codes, dicts, leaders, columnEnds }
}

/** The ids of the projects with these codes, in the same order. */
async function idsOf(db: Kysely<Database>, codes: string[]): Promise<number[]> {
  const byCode = new Map<string, number>()
  for (const batch of batches(codes, 1))
    for (const r of await db.selectFrom('projects').select(['id', 'code']).where('code', 'in', batch).execute())
      byCode.set(r.code, r.id)
  return codes.map((code) => byCode.get(code)!)
}
