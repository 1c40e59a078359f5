/**
 * What is due for whom (待办), as of a day: the caller's own projects (专班成员: its 专班's; 县领导: the ones it
 * leads) and its unit (责任单位联络员: the milestones and problems its unit is responsible for), or the whole county
 * for 重点项目办. Each kind is one bounded query; the counts are of all, the items the first TODO_LIMIT.
 */
import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
} from 'kysely'
import type { Caller } from '../../shared/accounts'
import { addDays, daysBetween, type IsoDate } from '../../shared/dates'
import {
  reportDue,
  reportDueText,
  TODO_KINDS,
  TODO_LIMIT,
  type TodoItem,
  type TodoKind,
  type Todos,
} from '../../shared/reminders'
import type { Rules } from '../../shared/domain'
import { myProjectIds } from '../auth/mine'
import type { Database } from '../db/schema'
import { listedNow } from '../ranking/facts'
import { openProblems, owingReports } from '../services/overview'

/**
 * Whose 待办: every project, or the projects the account is in the 专班 of (`teamIds`: it files their reports and
 * answers their 批示), the projects it leads (`ledIds`: it follows their milestones and problems, and gave the
 * 批示), and its unit (its id, and its name as milestones write it: a liaison's milestones and problems only).
 */
export interface TodoScope {
  all: boolean
  teamIds: number[]
  ledIds: number[]
  unit: { id: number; name: string } | null
}

export async function todoScopeOf(db: Kysely<Database>, caller: Caller | null): Promise<TodoScope> {
  const none = { all: false, teamIds: [], ledIds: [], unit: null }
  if (!caller) return none
  if (caller.roles.includes('office')) return { ...none, all: true }
  const teamIds = caller.roles.includes('member') ? [...(await myProjectIds(db, { ...caller, leaderId: null }))] : []
  const ledIds = caller.roles.includes('leader') ? [...(await myProjectIds(db, { ...caller, personId: null }))] : []
  const unit =
    caller.unitId && caller.roles.includes('liaison')
      ? await db.selectFrom('dict_items').select(['id', 'name']).where('id', '=', caller.unitId).executeTakeFirst()
      : undefined
  return { all: false, teamIds, ledIds, unit: unit ?? null }
}

type Eb = ExpressionBuilder<Database & { p: Database['projects'] }, 'p'>

/**
 * The scope as a condition on project `p`: its 专班's projects, with `led` the ones it leads too, and for rows
 * a unit is responsible for, the row's unit (`unitMatch`). False when nothing is the account's.
 */
function inScope(scope: TodoScope, eb: Eb, led: boolean, unitMatch?: Expression<SqlBool>): Expression<SqlBool> {
  if (scope.all) return sql<SqlBool>`1 = 1`
  const ids = [...scope.teamIds, ...(led ? scope.ledIds : [])]
  const any: Expression<SqlBool>[] = []
  if (ids.length) any.push(eb('p.id', 'in', ids))
  if (unitMatch) any.push(unitMatch)
  return any.length ? eb.or(any) : sql<SqlBool>`1 = 0`
}

/**
 * The 待办 of `scope` on `today`: 催报 not yet done, milestones due within the warning window (rules.thresholds.
 * upcomingDays, as the yellow light) or overdue, last month's report not filed (due on `reportDueDay`), problems
 * past 限期, 批示 without an answer. DOMAIN "Warning lights" for the window; shared/reminders.ts for the report.
 */
export async function todosOf(
  db: Kysely<Database>,
  scope: TodoScope,
  today: IsoDate,
  rules: Rules,
  reportDueDay: number,
): Promise<Todos> {
  const counts = Object.fromEntries(TODO_KINDS.map((k) => [k, 0])) as Record<TodoKind, number>
  const items: TodoItem[] = []
  const unitName = scope.unit?.name ?? null
  const unitId = scope.unit?.id ?? null
  const add = (kind: TodoKind, total: number, rows: TodoItem[]) => {
    counts[kind] = total
    items.push(...rows)
  }
  const reminders = db
    .selectFrom('reminders as r')
    .innerJoin('projects as p', 'p.id', 'r.project_id')
    .where('r.done_at', 'is', null)
    // A 催报 is to the 专班 (who mark it done), not to the leader.
    .where((eb) => inScope(scope, eb as unknown as Eb, false))
  const reminderRows = await reminders
    .select(['r.id', 'p.id as projectId', 'p.code', 'p.name', 'r.note', 'r.sent_at', 'r.operator'])
    .orderBy('r.id', 'desc')
    .limit(TODO_LIMIT)
    .execute()
  add(
    'reminder',
    await total(reminders),
    reminderRows.map((r) => ({
      kind: 'reminder',
      projectId: r.projectId,
      code: r.code,
      name: r.name,
      text: `${r.operator}催报：${r.note}`,
      due: null,
      overdue: false,
      refId: r.id,
    })),
  )

  const soon = addDays(today, rules.thresholds.upcomingDays - 1)
  const milestones = db
    .selectFrom('milestones as m')
    .innerJoin('projects as p', 'p.id', 'm.project_id')
    .where('m.actual_date', 'is', null)
    .where('m.planned_date', '<=', soon)
    .where(listedNow())
    .where((eb) =>
      inScope(scope, eb as unknown as Eb, true, unitName ? eb('m.responsible_unit', '=', unitName) : undefined),
    )
  const milestoneRows = await milestones
    .select(['m.id', 'p.id as projectId', 'p.code', 'p.name', 'm.name as milestone', 'm.planned_date'])
    .orderBy('m.planned_date')
    .orderBy('m.id')
    .limit(TODO_LIMIT)
    .execute()
  add(
    'milestone',
    await total(milestones),
    milestoneRows.map((m) => ({
      kind: 'milestone',
      projectId: m.projectId,
      code: m.code,
      name: m.name,
      text:
        m.planned_date < today
          ? `节点「${m.milestone}」已逾期${daysBetween(m.planned_date, today)}天`
          : `节点「${m.milestone}」${m.planned_date === today ? '今天' : m.planned_date}到期`,
      due: m.planned_date,
      overdue: m.planned_date < today,
      refId: m.id,
    })),
  )

  const due = reportDue(today, reportDueDay)
  // A report is filed by the 专班 (and followed by its leader); a unit's liaison files none.
  const owing = owingReports(db, due.period).where((eb) => inScope(scope, eb as unknown as Eb, true))
  const owingRows = await owing.orderBy('p.position').orderBy('p.id').limit(TODO_LIMIT).execute()
  add(
    'report',
    await total(owing),
    owingRows.map((c) => ({
      kind: 'report',
      projectId: c.id,
      code: c.code,
      name: c.name,
      text: reportDueText(due),
      due: due.dueOn,
      overdue: due.overdue,
      refId: c.id,
    })),
  )

  const problems = openProblems(db)
    .where('q.deadline', '<', today)
    .where((eb) =>
      inScope(scope, eb as unknown as Eb, true, unitId !== null ? eb('q.responsible_unit_id', '=', unitId) : undefined),
    )
  const problemRows = await problems.orderBy('q.deadline').orderBy('q.id').limit(TODO_LIMIT).execute()
  add(
    'problem',
    await total(problems),
    problemRows.map((q) => ({
      kind: 'problem',
      projectId: q.id,
      code: q.code,
      name: q.name,
      text: `问题「${short(q.description)}」超过限期${daysBetween(q.deadline, today)}天未销号`,
      due: q.deadline,
      overdue: true,
      refId: q.problemId,
    })),
  )

  const unanswered = db
    .selectFrom('instructions as i')
    .innerJoin('projects as p', 'p.id', 'i.project_id')
    .innerJoin('leaders as l', 'l.id', 'i.leader_id')
    .leftJoin('instruction_answers as a', 'a.instruction_id', 'i.id')
    .where('a.instruction_id', 'is', null)
    .where(listedNow())
    // Answered by the 专班: not the 待办 of the leader who gave it.
    .where((eb) => inScope(scope, eb as unknown as Eb, false))
  const instructionRows = await unanswered
    .select(['i.id', 'p.id as projectId', 'p.code', 'p.name', 'i.text', 'i.given_on', 'l.name as leader'])
    .orderBy('i.given_on')
    .orderBy('i.id')
    .limit(TODO_LIMIT)
    .execute()
  add(
    'instruction',
    await total(unanswered),
    instructionRows.map((i) => ({
      kind: 'instruction',
      projectId: i.projectId,
      code: i.code,
      name: i.name,
      text: `${i.leader}${i.given_on}批示待答复：${short(i.text)}`,
      due: null,
      overdue: false,
      refId: i.id,
    })),
  )

  const order = (i: TodoItem) => (i.kind === 'reminder' ? 0 : i.overdue ? 1 : 2)
  items.sort((a, b) => order(a) - order(b) || (a.due ?? '9999').localeCompare(b.due ?? '9999'))
  const sum = Object.values(counts).reduce((a, b) => a + b, 0)
  return { asOf: today, items: items.slice(0, TODO_LIMIT), counts, total: sum, scope: scope.all ? 'all' : 'mine' }
}

const short = (text: string) => (text.length > 24 ? text.slice(0, 24) + '…' : text)

/** How many rows a todo query has (its own columns dropped: one count). */
async function total<DB, TB extends keyof DB, O>(q: SelectQueryBuilder<DB, TB, O>): Promise<number> {
  const row = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number((row as { n: number | string }).n)
}
