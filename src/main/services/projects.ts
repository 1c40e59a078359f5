/**
 * 重点项目 and its invariants: one 包联领导 at any time (dated history), one 专班 and one 方案 created with it
 * in one transaction, a unique code, the 年度计划 and the listing (调出/归档/恢复). Kanban moves: kanban.ts;
 * milestone templates: plan-templates.ts.
 */
import { sql, type Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import { projectDateErrors, refuseImpossible } from '../../shared/date-checks'
import { formatMoney, type Money } from '../../shared/money'
import {
  PROJECT_LEVEL_LABELS,
  STAGE_LABELS,
  type AnnualPlan,
  type LeaderAssignment,
  type ProjectDetail,
  type ProjectPage,
  type ProjectSummary,
  type LedgerDetail,
  LISTING_STATUS_LABELS,
  type ListingStatus,
  type ProjectListing,
} from '../../shared/domain'
import { localToday, type IsoDate } from '../../shared/dates'
import { listedNow } from '../ranking/facts'
import type { CallArgs } from '../../shared/contract'
import { createProjects, type NewProject } from './project-create'
import { audit, auditAll, diff, text, type AuditEvent } from '../audit'
import { batches } from '../store/batches'
import { readTx, writeTx, type Deps, type WriteCtx } from '../context'
import type { Dialect } from '../store/port'
import type { Database } from '../db/schema'
import type { HandlerMap } from '../handler-types'
import { parseServiceContent } from '../db/json'
import { toMember, toMilestone, toProject } from '../mappers'
import {
  checkLeader,
  checkVersion,
  codeInUse,
  containsPattern,
  dictName,
  must,
  projectsWithOwners,
  requireDict,
} from './common'
import { sliced, type Slice } from '../db/slice'
import { readDataVersion } from '../store/data-version'

export async function loadProjectDetail(db: Kysely<Database>, id: number): Promise<ProjectDetail> {
  const row = must(await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst(), '项目', id)
  const refs = await db
    .selectFrom('dict_items')
    .select(['id', 'name'])
    .where('id', 'in', [row.township_id, row.category_id ?? 0, row.industry_tag_id ?? 0])
    .execute()
  const ref = (refId: number | null) => {
    const found = refs.find((r) => r.id === refId)
    return found ? { id: found.id, name: found.name } : null
  }
  const history = await db
    .selectFrom('leader_assignments as a')
    .innerJoin('leaders as l', 'l.id', 'a.leader_id')
    .select(['a.id', 'a.leader_id', 'l.name', 'a.start_date', 'a.end_date', 'a.note'])
    .where('a.project_id', '=', id)
    .orderBy('a.start_date')
    .orderBy('a.id')
    .execute()
  const leaderHistory: LeaderAssignment[] = history.map((h) => ({
    id: h.id,
    leader: { id: h.leader_id, name: h.name },
    startDate: h.start_date,
    endDate: h.end_date,
    note: h.note,
  }))
  const current = leaderHistory.find((h) => h.endDate === null)
  if (!current) throw new AppError('INTERNAL', `项目「${row.name}」没有现任包联领导，数据不完整，请运行数据检查`)
  const tf = await db
    .selectFrom('task_forces as t')
    .innerJoin('dict_items as u', 'u.id', 't.lead_unit_id')
    .select(['t.id', 't.version', 't.lead_unit_id', 'u.name as lead_unit_name'])
    .where('t.project_id', '=', id)
    .executeTakeFirstOrThrow()
  const members = await db
    .selectFrom('task_force_members as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .selectAll('m')
    .select(['p.name', 'p.unit', 'p.phone', 'p.created_at', 'p.demo', 'p.version as person_version'])
    .where('m.task_force_id', '=', tf.id)
    .orderBy(sql`CASE m.role WHEN 'head' THEN 0 WHEN 'liaison' THEN 1 ELSE 2 END`)
    .orderBy('m.id')
    .execute()
  const plan = await db.selectFrom('plans').selectAll().where('project_id', '=', id).executeTakeFirstOrThrow()
  const milestones = await db
    .selectFrom('milestones')
    .selectAll()
    .where('plan_id', '=', plan.id)
    .orderBy('position')
    .orderBy('id')
    .execute()
  const annual = await db.selectFrom('annual_plans').selectAll().where('project_id', '=', id).orderBy('year').execute()
  const moves = await db.selectFrom('stage_moves').selectAll().where('project_id', '=', id).orderBy('id').execute()
  const last = await lastListingChange(db, id)
  const entered = [localToday(new Date(row.created_at)), ...leaderHistory.map((h) => h.startDate)].sort()[0]!
  return {
    project: toProject(row),
    category: ref(row.category_id),
    industryTag: ref(row.industry_tag_id),
    township: ref(row.township_id)!,
    leader: current.leader,
    leaderHistory,
    taskForce: {
      id: tf.id,
      projectId: id,
      leadUnit: { id: tf.lead_unit_id, name: tf.lead_unit_name },
      members: members.map((m) =>
        toMember(m, {
          id: m.person_id,
          name: m.name,
          unit: m.unit,
          phone: m.phone,
          created_at: m.created_at,
          demo: m.demo,
          version: m.person_version,
        }),
      ),
      version: tf.version,
    },
    plan: {
      id: plan.id,
      projectId: id,
      goals: plan.goals,
      serviceContent: parseServiceContent(plan.service_content, id),
      milestones: milestones.map(toMilestone),
      version: plan.version,
    },
    annualPlans: annual.map((a) => ({ projectId: a.project_id, year: a.year, amount: a.amount, version: a.version })),
    stageMoves: moves.map((m) => ({
      id: m.id,
      fromStage: m.from_stage,
      toStage: m.to_stage,
      movedOn: m.moved_on,
      operator: m.operator,
      createdAt: m.created_at,
    })),
    listing: toListing(last),
    listingEarliest: last && last.on_date > entered ? last.on_date : entered,
  }
}

/** A project's last 调出 / 归档 / 恢复 (listing_changes), or undefined when it never left the list. */
async function lastListingChange(db: Kysely<Database>, projectId: number) {
  return db
    .selectFrom('listing_changes')
    .select(['status', 'on_date', 'reason'])
    .where('project_id', '=', projectId)
    .orderBy('on_date', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst()
}

function toListing(
  last: { status: ListingStatus | null; on_date: IsoDate | null; reason: string | null } | undefined,
): ProjectListing {
  return last?.status
    ? { status: last.status, date: last.on_date, reason: last.reason ?? '' }
    : { status: 'listed', date: null, reason: '' }
}

async function requireLeader(db: Kysely<Database>, id: number) {
  const row = await db.selectFrom('leaders').select(['id', 'name', 'active']).where('id', '=', id).executeTakeFirst()
  return checkLeader(row, id)
}

async function requireUniqueCode(db: Kysely<Database>, code: string, exceptId: number) {
  const other = await db
    .selectFrom('projects')
    .select(['id', 'name'])
    .where('code', '=', code)
    .where('id', '!=', exceptId)
    .executeTakeFirst()
  if (other) throw codeInUse(code, other.name)
}

type ProjectFilters = Omit<CallArgs<'project.list'>, 'offset' | 'limit'>

/** The projects matching project.list's filters, with the columns of a ProjectSummary. */
function projectQuery(db: Kysely<Database>, dialect: Dialect, f: ProjectFilters) {
  let q = projectsWithOwners(db)
    .leftJoin('dict_items as c', 'c.id', 'p.category_id')
    .leftJoin('dict_items as it', 'it.id', 'p.industry_tag_id')
    .select([
      'p.id',
      'p.code',
      'p.name',
      'p.stage',
      'p.position',
      'p.level',
      'p.total_investment',
      'p.version',
      'p.category_id',
      'c.name as category_name',
      'p.industry_tag_id',
      'it.name as industry_tag_name',
      'p.township_id',
      't.name as township_name',
      'l.id as leader_id',
      'l.name as leader_name',
      'tf.lead_unit_id',
      'u.name as lead_unit_name',
    ])
    .select((eb) => [
      eb
        .selectFrom('milestones as m')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('m.project_id', '=', 'p.id')
        .as('ms_total'),
      eb
        .selectFrom('milestones as m')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('m.project_id', '=', 'p.id')
        .where('m.actual_date', 'is not', null)
        .as('ms_done'),
    ])
    // The last 调出 / 归档 / 恢复, if any.
    .leftJoin('listing_changes as lc', (j) =>
      j.on(
        'lc.id',
        '=',
        sql<number>`(SELECT c.id FROM listing_changes c WHERE c.project_id = p.id ORDER BY c.on_date DESC, c.id DESC LIMIT 1)`,
      ),
    )
    .select(['lc.status as listing_status', 'lc.on_date as listing_date', 'lc.reason as listing_reason'])
    .where(f.listing === 'out' ? sql<boolean>`NOT (${listedNow()})` : listedNow())
  if (f.stage) q = q.where('p.stage', '=', f.stage)
  if (f.leaderId) q = q.where('l.id', '=', f.leaderId)
  if (f.townshipId) q = q.where('p.township_id', '=', f.townshipId)
  if (f.leadUnitId) q = q.where('tf.lead_unit_id', '=', f.leadUnitId)
  if (f.level) q = q.where('p.level', '=', f.level)
  if (f.categoryId) q = q.where('p.category_id', '=', f.categoryId)
  if (f.industryTagId) q = q.where('p.industry_tag_id', '=', f.industryTagId)
  if (f.text) {
    const pattern = containsPattern(f.text)
    q = q.where((eb) =>
      eb.or([dialect.likeIgnoringCase('p.name', pattern), dialect.likeIgnoringCase('p.code', pattern)]),
    )
  }
  return q
}

/**
 * Projects matching the filters (project.list's), in board order or by 项目编号: the slice asked for, or all of
 * them (the Excel export, main-side).
 */
export async function listProjects(
  db: Kysely<Database>,
  dialect: Dialect,
  f: ProjectFilters & Slice & { byCode?: boolean },
): Promise<ProjectSummary[]> {
  const ordered = f.byCode
    ? projectQuery(db, dialect, f).orderBy('p.code').orderBy('p.id')
    : projectQuery(db, dialect, f).orderBy('p.position').orderBy('p.id')
  const rows = await ordered.$call(sliced(f)).execute()
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    stage: r.stage,
    position: r.position,
    level: r.level,
    category: r.category_id !== null ? { id: r.category_id, name: r.category_name ?? '' } : null,
    industryTag: r.industry_tag_id !== null ? { id: r.industry_tag_id, name: r.industry_tag_name ?? '' } : null,
    township: { id: r.township_id, name: r.township_name },
    leader: { id: r.leader_id, name: r.leader_name },
    leadUnit: { id: r.lead_unit_id, name: r.lead_unit_name },
    totalInvestment: r.total_investment,
    milestonesTotal: Number(r.ms_total ?? 0),
    milestonesDone: Number(r.ms_done ?? 0),
    listing: toListing({ status: r.listing_status, on_date: r.listing_date, reason: r.listing_reason }),
    version: r.version,
  }))
}

/** Creates one project (createProjects: its checks, rows and audit), inside the caller's transaction. */
export async function createProject(w: WriteCtx, input: NewProject): Promise<ProjectDetail> {
  const [id] = await createProjects(w, [input])
  return loadProjectDetail(w.db, id!)
}

/** Changes a project's fields (version checked), inside the caller's transaction. */
export async function updateProject(w: WriteCtx, { id, version, ...changes }: CallArgs<'project.update'>) {
  const before = toProject(
    must(await w.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst(), '项目', id),
  )
  checkVersion(before, version, `项目「${before.name}」`)
  if (changes.code !== undefined) await requireUniqueCode(w.db, changes.code, id)
  if (changes.townshipId !== undefined && changes.townshipId !== before.townshipId)
    await requireDict(w.db, changes.townshipId, 'township')
  if (changes.categoryId && changes.categoryId !== before.categoryId)
    await requireDict(w.db, changes.categoryId, 'category')
  if (changes.industryTagId && changes.industryTagId !== before.industryTagId)
    await requireDict(w.db, changes.industryTagId, 'industry_tag')
  const merged = { ...before, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) }
  refuseImpossible(projectDateErrors(merged))
  await w.db
    .updateTable('projects')
    .set({
      code: merged.code,
      name: merged.name,
      category_id: merged.categoryId,
      industry_tag_id: merged.industryTagId,
      level: merged.level,
      township_id: merged.townshipId,
      construction_unit: merged.constructionUnit,
      content: merged.content,
      total_investment: merged.totalInvestment,
      start_year: merged.startYear,
      end_year: merged.endYear,
      planned_start: merged.plannedStart,
      planned_end: merged.plannedEnd,
      updated_at: w.now,
      version: sql`version + 1`,
    })
    .where('id', '=', id)
    .execute()
  const dictText = async (v: number | null) => dictName(w.db, v)
  const names = {
    before: {
      category: await dictText(before.categoryId),
      tag: await dictText(before.industryTagId),
      township: await dictText(before.townshipId),
    },
    after: {
      category: await dictText(merged.categoryId),
      tag: await dictText(merged.industryTagId),
      township: await dictText(merged.townshipId),
    },
  }
  const changeList = [
    ...diff(before, merged, {
      code: text,
      name: text,
      level: (v) => PROJECT_LEVEL_LABELS[v],
      constructionUnit: text,
      content: text,
      totalInvestment: formatMoney,
      startYear: text,
      endYear: text,
      plannedStart: text,
      plannedEnd: text,
    }),
    ...diff(names.before, names.after, { category: text, tag: text, township: text }),
  ]
  await audit(w, { entity: 'project', entityId: id, projectId: id, action: 'update', changes: changeList })
  return toProject(await w.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow())
}

/** Sets one year's planned investment (created, or changed with its version), inside the caller's transaction. */
export async function setAnnualPlan(
  w: WriteCtx,
  { projectId, year, amount, version }: CallArgs<'project.setAnnualPlan'>,
): Promise<AnnualPlan> {
  const project = must(
    await w.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst(),
    '项目',
    projectId,
  )
  refuseOutsideBuildYears(project, year)
  const existing = await w.db
    .selectFrom('annual_plans')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('year', '=', year)
    .executeTakeFirst()
  if (existing) {
    if (version === undefined) throw new AppError('CONFLICT', `${year}年的年度计划投资已有人填报，请刷新后修改`)
    checkVersion(existing, version, `${year}年的年度计划投资`)
    await w.db
      .updateTable('annual_plans')
      .set({ amount, version: sql`version + 1` })
      .where('project_id', '=', projectId)
      .where('year', '=', year)
      .execute()
  } else {
    if (version !== undefined) throw new AppError('CONFLICT', `${year}年的年度计划投资已被删除或尚未创建，请刷新后重试`)
    await w.db.insertInto('annual_plans').values({ project_id: projectId, year, amount }).execute()
  }
  await audit(w, annualPlanEvent(projectId, year, existing?.amount ?? null, amount))
  const row = await w.db
    .selectFrom('annual_plans')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('year', '=', year)
    .executeTakeFirstOrThrow()
  return { projectId, year, amount: row.amount, version: row.version } satisfies AnnualPlan
}

/**
 * The first 年度计划投资 of projects that have none for that year yet (the ledger import, after createProjects):
 * the rows and their audit rows in a few statements for all. Each year must be in its project's build years (RULE,
 * as setAnnualPlan; NOT_FOUND for an unknown project); a year that has a plan already is refused by the key.
 */
export async function addAnnualPlans(
  w: WriteCtx,
  plans: readonly { projectId: number; year: number; amount: Money }[],
): Promise<void> {
  const years = new Map<number, { start_year: number; end_year: number }>()
  for (const batch of batches([...new Set(plans.map((p) => p.projectId))], 1))
    for (const r of await w.db
      .selectFrom('projects')
      .select(['id', 'start_year', 'end_year'])
      .where('id', 'in', batch)
      .execute())
      years.set(r.id, r)
  for (const p of plans) refuseOutsideBuildYears(must(years.get(p.projectId), '项目', p.projectId), p.year)
  for (const batch of batches(plans, 3))
    await w.db
      .insertInto('annual_plans')
      .values(batch.map((p) => ({ project_id: p.projectId, year: p.year, amount: p.amount })))
      .execute()
  await auditAll(
    w,
    plans.map((p) => annualPlanEvent(p.projectId, p.year, null, p.amount)),
  )
}

function refuseOutsideBuildYears(project: { start_year: number; end_year: number }, year: number) {
  if (year < project.start_year || year > project.end_year)
    throw new AppError('RULE', `「年度」应在项目建设期（${project.start_year}—${project.end_year}年）之内`)
}

/** The audit event of one year's planned investment set (old null: created). */
function annualPlanEvent(projectId: number, year: number, old: Money | null, amount: Money): AuditEvent {
  return {
    entity: 'annual_plan',
    entityId: projectId,
    projectId,
    action: old === null ? 'create' : 'update',
    changes: [{ field: `annualPlan.${year}`, old: old === null ? null : formatMoney(old), new: formatMoney(amount) }],
  }
}

const LISTING_ACTIONS: Record<ListingStatus, { verb: string; date: string; action: string }> = {
  removed: { verb: '调出', date: '调出日期', action: 'delist' },
  archived: { verb: '归档', date: '归档日期', action: 'archive' },
  listed: { verb: '恢复', date: '恢复日期', action: 'relist' },
}

/**
 * 调出 (to = removed), 归档 (archived) or 恢复 (listed) of one project, inside the caller's transaction: the
 * project's version is checked and raised, a dated listing_changes row and an audit row (状态 old → new, the
 * date and reason in the note) are written. Refused with RULE, changing nothing, when the project is not in a
 * state to do so (调出/归档 only from the list, 恢复 only when off it; 归档 only in 竣工投产 or with an actual
 * end) or the date is after today, before the project entered the list or its last change, or (归档) before
 * its actual end.
 */
export async function changeListing(
  w: WriteCtx,
  { id, version, date, reason }: { id: number; version: number; date: string; reason: string },
  to: ListingStatus,
): Promise<ProjectDetail> {
  const project = must(
    await w.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst(),
    '项目',
    id,
  )
  checkVersion(project, version, `项目「${project.name}」`)
  const detail = await loadProjectDetail(w.db, id)
  const from = detail.listing.status
  const { verb, date: dateLabel, action } = LISTING_ACTIONS[to]
  const name = `项目「${project.name}」`
  if (to === 'listed' && from === 'listed') throw new AppError('RULE', `${name}在重点项目名单中，无需恢复`)
  if (to !== 'listed' && from !== 'listed')
    throw new AppError(
      'RULE',
      `${name}已于${detail.listing.date}${from === 'removed' ? '调出' : '归档'}，不能再${verb}。如需${verb}，请先恢复为重点项目`,
    )
  if (to === 'archived' && project.stage !== 'production' && !project.actual_end)
    throw new AppError(
      'RULE',
      `${name}处于「${STAGE_LABELS[project.stage]}」阶段，尚未竣工投产，不能归档。竣工投产后再归档；不再作为重点项目推进的，请用「调出重点项目」`,
    )
  if (date > w.today) throw new AppError('RULE', `「${dateLabel}」不能晚于今天（${w.today}），请重新选择`)
  if (date < detail.listingEarliest)
    throw new AppError(
      'RULE',
      detail.listing.date && detail.listing.date === detail.listingEarliest
        ? `「${dateLabel}」不能早于上一次${LISTING_ACTIONS[from].verb}的日期（${detail.listing.date}），请重新选择`
        : `「${dateLabel}」不能早于项目列入重点项目的日期（${detail.listingEarliest}），请重新选择`,
    )
  if (to === 'archived' && project.actual_end && date < project.actual_end)
    throw new AppError('RULE', `「${dateLabel}」不能早于项目的实际投产日期（${project.actual_end}），请重新选择`)
  await w.db
    .insertInto('listing_changes')
    .values({ project_id: id, status: to, on_date: date, reason, operator: w.operator.name, created_at: w.now })
    .execute()
  await w.db
    .updateTable('projects')
    .set({ updated_at: w.now, version: sql`version + 1` })
    .where('id', '=', id)
    .execute()
  await audit(w, {
    entity: 'project',
    entityId: id,
    projectId: id,
    action,
    changes: [{ field: 'status', old: LISTING_STATUS_LABELS[from], new: LISTING_STATUS_LABELS[to] }],
    note: `${verb}：${dateLabel} ${date}；${to === 'archived' ? '说明' : '原因'}：${reason}`,
  })
  return loadProjectDetail(w.db, id)
}

/** The ledger's columns beyond project.list's (建设单位, 内容, 年限, 专班长), by project id: a slice or all. */
export async function ledgerDetails(db: Kysely<Database>, slice: Slice): Promise<LedgerDetail[]> {
  const rows = await db
    .selectFrom('projects as p')
    .leftJoin('task_forces as tf', 'tf.project_id', 'p.id')
    .leftJoin('task_force_members as m', (j) => j.onRef('m.task_force_id', '=', 'tf.id').on('m.role', '=', 'head'))
    .leftJoin('people as pe', 'pe.id', 'm.person_id')
    .select([
      'p.id',
      'p.construction_unit',
      'p.content',
      'p.start_year',
      'p.end_year',
      'p.planned_start',
      'p.planned_end',
      'pe.name as head',
    ])
    .orderBy('p.id')
    .orderBy('m.id')
    .$call(sliced(slice))
    .execute()
  return rows.map((r): LedgerDetail => ({
    projectId: r.id,
    constructionUnit: r.construction_unit,
    content: r.content,
    startYear: r.start_year,
    endYear: r.end_year,
    plannedStart: r.planned_start,
    plannedEnd: r.planned_end,
    head: r.head,
  }))
}

export function projectHandlers(deps: Deps) {
  return {
    'project.list': (input) => listProjects(deps.db, deps.store.dialect, input),

    'project.page': ({ offset, limit, ...f }) =>
      readTx(deps, async (db): Promise<ProjectPage> => {
        const counted = await projectQuery(db, deps.store.dialect, f)
          .clearSelect()
          .select((eb) => eb.fn.countAll<number>().as('total'))
          .executeTakeFirstOrThrow()
        return {
          rows: await listProjects(db, deps.store.dialect, { ...f, byCode: true, offset, limit }),
          total: Number(counted.total),
          version: await readDataVersion(db),
        }
      }),

    'project.ledgerDetails': (slice) => ledgerDetails(deps.db, slice),

    'project.get': ({ id }) => readTx(deps, (db) => loadProjectDetail(db, id)),

    'project.create': (input) => writeTx(deps, (w) => createProject(w, input)),

    'project.update': ({ id, version, ...changes }) =>
      writeTx(deps, (w) => updateProject(w, { id, version, ...changes })),

    'project.reassignLeader': ({ projectId, version, leaderId, fromDate, note }) =>
      writeTx(deps, async (w) => {
        const project = must(
          await w.db.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst(),
          '项目',
          projectId,
        )
        checkVersion(project, version, `项目「${project.name}」`)
        const leader = await requireLeader(w.db, leaderId)
        const current = await w.db
          .selectFrom('leader_assignments as a')
          .innerJoin('leaders as l', 'l.id', 'a.leader_id')
          .select(['a.id', 'a.leader_id', 'a.start_date', 'l.name'])
          .where('a.project_id', '=', projectId)
          .where('a.end_date', 'is', null)
          .executeTakeFirstOrThrow()
        if (current.leader_id === leaderId) throw new AppError('RULE', `「${leader.name}」已是该项目的包联领导`)
        if (fromDate < current.start_date)
          throw new AppError(
            'RULE',
            `「调整日期」不能早于现任包联领导「${current.name}」的起始日期（${current.start_date}）`,
          )
        if (fromDate > w.today) throw new AppError('RULE', '「调整日期」不能晚于今天')
        await w.db.updateTable('leader_assignments').set({ end_date: fromDate }).where('id', '=', current.id).execute()
        await w.db
          .insertInto('leader_assignments')
          .values({
            project_id: projectId,
            leader_id: leaderId,
            start_date: fromDate,
            end_date: null,
            note,
            created_at: w.now,
          })
          .execute()
        await w.db
          .updateTable('projects')
          .set({ updated_at: w.now, version: sql`version + 1` })
          .where('id', '=', projectId)
          .execute()
        await audit(w, {
          entity: 'project',
          entityId: projectId,
          projectId,
          action: 'reassign',
          changes: [{ field: 'leader', old: current.name, new: leader.name }],
          note: `自${fromDate}起${note ? `：${note}` : ''}`,
        })
        return loadProjectDetail(w.db, projectId)
      }),

    'project.setAnnualPlan': (input) => writeTx(deps, (w) => setAnnualPlan(w, input)),

    'project.remove': (input) => writeTx(deps, (w) => changeListing(w, input, 'removed')),
    'project.archive': (input) => writeTx(deps, (w) => changeListing(w, input, 'archived')),
    'project.restore': (input) => writeTx(deps, (w) => changeListing(w, input, 'listed')),
  } satisfies HandlerMap
}
