/** 问题清单: raise, assign, escalate (专班 → 包联领导 → 县调度会), 销号 with a resolution, reopen. */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely'
import { AppError } from '../../shared/errors'
import { problemDateErrors, refuseImpossible } from '../../shared/date-checks'
import {
  PROBLEM_LEVELS,
  PROBLEM_LEVEL_LABELS,
  PROBLEM_STATUS_LABELS,
  type Problem,
  type ProblemPage,
  type ProblemLevel,
  type ProblemStatus,
} from '../../shared/domain'
import { audit, diff, text } from '../audit'
import { readTx, writeTx, type Deps, type WriteCtx } from '../context'
import type { Dialect } from '../store/port'
import type { ProblemFilters } from '../../shared/schemas'
import { instructionsOnProblems } from './instructions'
import { readDataVersion } from '../store/data-version'
import type { Database } from '../db/schema'
import { sliced, type Slice } from '../db/slice'
import type { HandlerMap } from '../handler-types'
import { checkVersion, containsPattern, must, requireDict } from './common'

function problemQuery(db: Kysely<Database>) {
  return problemsWithProject(db)
    .innerJoin('dict_items as c', 'c.id', 'q.category_id')
    .innerJoin('dict_items as u', 'u.id', 'q.responsible_unit_id')
    .leftJoin('leaders as l', 'l.id', 'q.responsible_leader_id')
    .selectAll('q')
    .select([
      'p.code as project_code',
      'p.name as project_name',
      'c.name as category_name',
      'u.name as unit_name',
      'l.name as leader_name',
    ])
}

/** Problems matching the filters, by 办结时限: the slice asked for, or all of them (the Excel export). */
export async function listProblems(deps: Deps, f: ProblemFilters, slice: Slice = {}): Promise<Problem[]> {
  const q = filtered(problemQuery(deps.db), f, deps.store.dialect).orderBy('q.deadline').orderBy('q.id')
  return (await q.$call(sliced(slice)).execute()).map(toProblem)
}

/** The problems with their project: what the filters read (problemQuery adds the names shown). */
function problemsWithProject(db: Kysely<Database>) {
  return db.selectFrom('problems as q').innerJoin('projects as p', 'p.id', 'q.project_id')
}

/**
 * The problem lists' filters (problem.list, problem.page) as a condition on a query of `problemsWithProject`;
 * `text`: part of the description, or of the project's name or code (any case).
 */
function matching(f: ProblemFilters & { text?: string }, dialect: Dialect) {
  return (eb: ExpressionBuilder<ProblemsDb, 'q' | 'p'>) => {
    const all: Expression<SqlBool>[] = []
    if (f.projectId) all.push(eb('q.project_id', '=', f.projectId))
    if (f.status) all.push(eb('q.status', '=', f.status))
    if (f.level) all.push(eb('q.level', '=', f.level))
    if (f.categoryId) all.push(eb('q.category_id', '=', f.categoryId))
    if (f.responsibleUnitId) all.push(eb('q.responsible_unit_id', '=', f.responsibleUnitId))
    if (f.overdueOn) all.push(eb('q.status', '!=', 'closed'), eb('q.deadline', '<', f.overdueOn))
    if (f.text) {
      const pattern = containsPattern(f.text)
      all.push(
        eb.or([
          dialect.likeIgnoringCase('q.description', pattern),
          dialect.likeIgnoringCase('p.name', pattern),
          dialect.likeIgnoringCase('p.code', pattern),
        ]),
      )
    }
    return eb.and(all)
  }
}

type ProblemsDb = Database & { q: Database['problems']; p: Database['projects'] }

/** problemQuery with the filters. */
function filtered(query: ReturnType<typeof problemQuery>, f: ProblemFilters & { text?: string }, dialect: Dialect) {
  return query.where(matching(f, dialect))
}

type ProblemRow = Awaited<ReturnType<ReturnType<typeof problemQuery>['executeTakeFirstOrThrow']>>

function toProblem(r: ProblemRow): Problem {
  return {
    id: r.id,
    projectId: r.project_id,
    projectCode: r.project_code,
    projectName: r.project_name,
    category: { id: r.category_id, name: r.category_name },
    description: r.description,
    raisedOn: r.raised_on,
    responsibleUnit: { id: r.responsible_unit_id, name: r.unit_name },
    responsibleLeader:
      r.responsible_leader_id !== null ? { id: r.responsible_leader_id, name: r.leader_name ?? '' } : null,
    deadline: r.deadline,
    level: r.level,
    status: r.status,
    resolution: r.resolution,
    closedOn: r.closed_on,
    version: r.version,
  }
}

async function getProblem(db: Kysely<Database>, id: number): Promise<Problem> {
  return toProblem(must(await problemQuery(db).where('q.id', '=', id).executeTakeFirst(), '问题', id))
}

async function loadForChange(w: WriteCtx, id: number, version: number): Promise<Problem> {
  const before = await getProblem(w.db, id)
  checkVersion(before, version, '该问题')
  return before
}

async function requireLeaderRef(db: Kysely<Database>, id: number) {
  return must(await db.selectFrom('leaders').select(['id', 'name']).where('id', '=', id).executeTakeFirst(), '领导', id)
}

const statusText = (s: ProblemStatus) => PROBLEM_STATUS_LABELS[s]
const levelText = (l: ProblemLevel) => PROBLEM_LEVEL_LABELS[l]
const shortDesc = (p: Problem) => (p.description.length > 20 ? `${p.description.slice(0, 20)}…` : p.description)

export function problemHandlers(deps: Deps) {
  /** Applies a status/field change, audits it, returns the new state. */
  async function change(w: WriteCtx, before: Problem, set: Record<string, unknown>, action: string, note = '') {
    await w.db
      .updateTable('problems')
      .set({ ...set, updated_at: w.now, version: sql`version + 1` })
      .where('id', '=', before.id)
      .execute()
    const after = await getProblem(w.db, before.id)
    const changes = diff(
      {
        ...before,
        category: before.category.name,
        unit: before.responsibleUnit.name,
        leader: before.responsibleLeader?.name ?? null,
      },
      {
        ...after,
        category: after.category.name,
        unit: after.responsibleUnit.name,
        leader: after.responsibleLeader?.name ?? null,
      },
      {
        status: statusText,
        level: levelText,
        category: text,
        description: text,
        unit: text,
        leader: text,
        deadline: text,
        resolution: text,
        closedOn: text,
      },
    )
    await audit(w, {
      entity: 'problem',
      entityId: before.id,
      projectId: before.projectId,
      action,
      changes,
      note: note || shortDesc(before),
    })
    return after
  }

  return {
    'problem.list': ({ offset, limit, ...f }) => listProblems(deps, f, { offset, limit }),

    'problem.page': ({ offset, limit, ...f }) =>
      readTx(deps, async (db): Promise<ProblemPage> => {
        // Counted without the names' joins: every problem has its category and unit (foreign keys).
        const counts = await problemsWithProject(db)
          .where(matching(f, deps.store.dialect))
          .select([
            (eb) => eb.fn.countAll<number>().as('total'),
            sql<number>`sum(CASE WHEN q.status = 'closed' THEN 1 ELSE 0 END)`.as('closed'),
          ])
          .executeTakeFirstOrThrow()
        const rows = (
          await filtered(problemQuery(db), f, deps.store.dialect)
            .orderBy('q.deadline')
            .orderBy('q.id')
            .limit(limit)
            .offset(offset)
            .execute()
        ).map(toProblem)
        const ids = rows.map((r) => r.id)
        return {
          rows,
          total: Number(counts.total),
          closed: Number(counts.closed ?? 0),
          instructions: await instructionsOnProblems(db, ids),
          version: await readDataVersion(db),
        }
      }),

    'problem.create': (input) =>
      writeTx(deps, async (w) => {
        if (input.requestId) {
          const made = await w.db
            .selectFrom('problems')
            .select(['id', 'project_id'])
            .where('request_id', '=', input.requestId)
            .executeTakeFirst()
          if (made && made.project_id !== input.projectId)
            throw new AppError('RULE', '「请求编号」已用于另一个项目的问题，请重新打开页面后再登记')
          // The same request again (its answer was lost on the way): the problem it made, not a second one.
          if (made) return getProblem(w.db, made.id)
        }
        const project = must(
          await w.db.selectFrom('projects').select(['id']).where('id', '=', input.projectId).executeTakeFirst(),
          '项目',
          input.projectId,
        )
        await requireDict(w.db, input.categoryId, 'problem_category')
        await requireDict(w.db, input.responsibleUnitId, 'unit')
        refuseImpossible(problemDateErrors({ raisedOn: input.raisedOn, deadline: input.deadline }, w.today))
        // By default the problem is the 包联领导's to push (一名领导、一抓到底).
        let leaderId = input.responsibleLeaderId
        if (leaderId === null) {
          const current = await w.db
            .selectFrom('leader_assignments')
            .select('leader_id')
            .where('project_id', '=', project.id)
            .where('end_date', 'is', null)
            .executeTakeFirstOrThrow()
          leaderId = current.leader_id
        } else {
          await requireLeaderRef(w.db, leaderId)
        }
        const row = await w.db
          .insertInto('problems')
          .values({
            project_id: project.id,
            category_id: input.categoryId,
            description: input.description,
            raised_on: input.raisedOn,
            responsible_unit_id: input.responsibleUnitId,
            responsible_leader_id: leaderId,
            deadline: input.deadline,
            level: input.level,
            status: 'open',
            resolution: '',
            closed_on: null,
            created_at: w.now,
            updated_at: w.now,
            request_id: input.requestId ?? null,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        const created = await getProblem(w.db, row.id)
        await audit(w, {
          entity: 'problem',
          entityId: row.id,
          projectId: project.id,
          action: 'create',
          changes: [
            { field: 'description', old: null, new: created.description },
            { field: 'category', old: null, new: created.category.name },
            { field: 'unit', old: null, new: created.responsibleUnit.name },
            { field: 'leader', old: null, new: created.responsibleLeader?.name ?? null },
            { field: 'deadline', old: null, new: created.deadline },
            { field: 'level', old: null, new: levelText(created.level) },
          ],
        })
        return created
      }),

    'problem.update': ({ id, version, ...changes }) =>
      writeTx(deps, async (w) => {
        const before = await loadForChange(w, id, version)
        if (before.status === 'closed') throw new AppError('RULE', '该问题已销号，不能修改。如需继续办理，请先重新打开')
        if (changes.categoryId !== undefined) await requireDict(w.db, changes.categoryId, 'problem_category')
        if (changes.responsibleUnitId !== undefined) await requireDict(w.db, changes.responsibleUnitId, 'unit')
        if (changes.responsibleLeaderId) await requireLeaderRef(w.db, changes.responsibleLeaderId)
        if (changes.deadline !== undefined)
          refuseImpossible(problemDateErrors({ raisedOn: before.raisedOn, deadline: changes.deadline }))
        return change(
          w,
          before,
          {
            ...(changes.categoryId !== undefined && { category_id: changes.categoryId }),
            ...(changes.description !== undefined && { description: changes.description }),
            ...(changes.responsibleUnitId !== undefined && { responsible_unit_id: changes.responsibleUnitId }),
            ...(changes.responsibleLeaderId !== undefined && { responsible_leader_id: changes.responsibleLeaderId }),
            ...(changes.deadline !== undefined && { deadline: changes.deadline }),
          },
          'update',
        )
      }),

    'problem.start': ({ id, version }) =>
      writeTx(deps, async (w) => {
        const before = await loadForChange(w, id, version)
        if (before.status !== 'open')
          throw new AppError('RULE', `该问题当前为「${statusText(before.status)}」，只有待办的问题可以开始办理`)
        return change(w, before, { status: 'in_progress' }, 'start')
      }),

    'problem.escalate': ({ id, version, toLevel, note }) =>
      writeTx(deps, async (w) => {
        const before = await loadForChange(w, id, version)
        if (before.status === 'closed') throw new AppError('RULE', '该问题已销号，不能提级')
        if (PROBLEM_LEVELS.indexOf(toLevel) <= PROBLEM_LEVELS.indexOf(before.level))
          throw new AppError('RULE', `只能向上提级：该问题当前在「${levelText(before.level)}」层级`)
        return change(w, before, { level: toLevel }, 'escalate', note)
      }),

    'problem.close': ({ id, version, resolution, closedOn }) =>
      writeTx(deps, async (w) => {
        const before = await loadForChange(w, id, version)
        if (before.status === 'closed') throw new AppError('RULE', `该问题已于${before.closedOn}销号`)
        refuseImpossible(problemDateErrors({ raisedOn: before.raisedOn, closedOn }, w.today))
        return change(w, before, { status: 'closed', resolution, closed_on: closedOn }, 'close')
      }),

    'problem.reopen': ({ id, version, reason }) =>
      writeTx(deps, async (w) => {
        const before = await loadForChange(w, id, version)
        if (before.status !== 'closed') throw new AppError('RULE', '该问题尚未销号，无需重新打开')
        return change(w, before, { status: 'in_progress', resolution: '', closed_on: null }, 'reopen', reason)
      }),
  } satisfies HandlerMap
}
