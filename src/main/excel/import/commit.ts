/**
 * Writing a planned import in one transaction — nothing at all unless the whole ledger is valid — through the
 * services' own functions (createProjects, updateProject, setAnnualPlan, addAnnualPlans, createLeader,
 * createDictItem), so an imported project is checked, stored and audited exactly as one typed in by hand.
 */
import { AppError } from '../../../shared/errors'
import type { ImportResult } from '../../../shared/excel'
import { audit } from '../../audit'
import { writeTx, type Deps, type WriteCtx } from '../../context'
import { createLeader, nextLeaderSortOrder } from '../../services/leaders'
import { createProjects, type NewProject } from '../../services/project-create'
import { addAnnualPlans, setAnnualPlan, updateProject } from '../../services/projects'
import { createDictItem } from '../../services/settings'
import { normalizePersonName, normalizeText } from '../../../shared/names'
import { importSteps } from '../progress'
import { currentCaller } from '../../auth/current'
import type { RunningJob } from '../../store/jobs'
import { matchLedger, yearsOf, type Plan } from './plan'

/** Writes a planned import. INVALID_INPUT when the plan has issues (nothing is written then). */
export async function commitImport(deps: Deps, plan: Plan): Promise<ImportResult> {
  if (plan.preview.issueCount > 0)
    throw new AppError(
      'INVALID_INPUT',
      `台账有${plan.preview.issueCount}处问题，未导入任何数据。第一处：${plan.preview.issues[0]!.message}`,
    )
  // The import is its user's job (one at a time per user; its progress seen by that user only).
  const job = await deps.store.jobs.start(currentCaller()?.userId ?? null, 'import', plan.rows.length)
  try {
    return await writeTx(deps, async (w) => writeRows(w, await replan(w, plan), job))
  } finally {
    await deps.store.jobs.finish(job)
  }
}

/**
 * The plan made again inside the import's transaction, on the data it will write to. Another user's import or
 * edit since the preview (two offices importing the same ledger at once) changes what is new and what is an
 * update: then nothing is written and the user is asked to preview again, instead of projects made twice.
 */
async function replan(w: WriteCtx, plan: Plan): Promise<Plan> {
  const fresh = await matchLedger(w.db, plan.ledger, plan.options)
  const { creates, updates } = plan.preview
  if (fresh.preview.issueCount > 0 || fresh.preview.creates !== creates || fresh.preview.updates !== updates)
    throw new AppError(
      'CONFLICT',
      `预览台账之后，库中的项目已有变化（可能有人同时导入或修改了项目）：预览时新增${creates}个、更新${updates}个，现在${fresh.preview.issueCount > 0 ? `有${fresh.preview.issueCount}处问题，第一处：${fresh.preview.issues[0]!.message}` : `是新增${fresh.preview.creates}个、更新${fresh.preview.updates}个`}。没有导入任何数据，请重新预览后再导入`,
    )
  return fresh
}

/** Projects made per createProjects call: progress and a cancel are seen between batches. */
const CREATE_BATCH = 500

/**
 * The rows in ledger order: an existing project is changed through updateProject and setAnnualPlan as it comes;
 * new ones are gathered (their leaders and list items found or made in row order) and made through createProjects
 * and addAnnualPlans a batch at a time — the same checks and audit rows as one typed in, in a few statements for
 * hundreds of projects (on PostgreSQL each statement is a round trip).
 */
async function writeRows(w: WriteCtx, plan: Plan, job: RunningJob): Promise<ImportResult> {
  importSteps.rewind(job)
  const ref = await refMaker(w, plan)
  const where = (row: Plan['rows'][number]) => `工作表「${plan.preview.sheet}」第${row.row}行（${row.name}）：`
  /** A rule the services check (dates against stored ones …) names the row it came from. */
  async function atRow<T>(row: Plan['rows'][number], write: () => Promise<T>): Promise<T> {
    try {
      return await write()
    } catch (error) {
      if (error instanceof AppError && error.code !== 'CONFLICT' && !/导入已取消/.test(error.message))
        throw new AppError(error.code, where(row) + error.message, error.issues)
      throw error
    }
  }
  let updated = 0
  const creates: { row: Plan['rows'][number]; input: NewProject }[] = []
  for (const [i, row] of plan.rows.entries()) {
    // Lets the event loop answer progress and cancel requests while the transaction runs.
    if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve))
    const match = plan.existing.get(row.row)
    if (match) {
      importSteps.step(job)
      await atRow(row, () => updateRow(row, match))
      updated++
    } else creates.push({ row, input: await atRow(row, () => newProject(row)) })
  }
  for (let start = 0; start < creates.length; start += CREATE_BATCH) {
    await new Promise((resolve) => setImmediate(resolve))
    const batch = creates.slice(start, start + CREATE_BATCH)
    importSteps.step(job, batch.length)
    const ids = await createProjects(
      w,
      batch.map((c) => c.input),
      (i) => where(batch[i]!.row),
    )
    // The year's plan only where the year is in the project's build years (yearsOf), as for an updated project.
    const plans = batch.flatMap(({ row, input }, i) =>
      row.annualPlan !== null && row.annualYear >= input.startYear && row.annualYear <= input.endYear
        ? [{ projectId: ids[i]!, year: row.annualYear, amount: row.annualPlan }]
        : [],
    )
    await addAnnualPlans(w, plans)
  }

  async function updateRow(row: Plan['rows'][number], match: { id: number; version: number }) {
    const years = yearsOf(row, w.today)
    const project = await updateProject(w, {
      id: match.id,
      version: match.version,
      name: row.name,
      ...(row.content !== null && { content: row.content }),
      ...(row.totalInvestment !== null && { totalInvestment: row.totalInvestment }),
      ...(row.constructionUnit !== null && { constructionUnit: row.constructionUnit }),
      ...(row.level && { level: row.level }),
      ...(row.township && { townshipId: await ref.dict('township', row.township) }),
      ...(row.category && { categoryId: await ref.dict('category', row.category) }),
      ...(row.industryTag && { industryTagId: await ref.dict('industry_tag', row.industryTag) }),
      ...(row.years && years),
      ...(row.plannedStart && { plannedStart: row.plannedStart }),
      ...(row.plannedEnd && { plannedEnd: row.plannedEnd }),
    })
    if (row.annualPlan !== null && row.annualYear >= project.startYear && row.annualYear <= project.endYear) {
      const current = await w.db
        .selectFrom('annual_plans')
        .select('version')
        .where('project_id', '=', project.id)
        .where('year', '=', row.annualYear)
        .executeTakeFirst()
      await setAnnualPlan(w, {
        projectId: project.id,
        year: row.annualYear,
        amount: row.annualPlan,
        version: current?.version,
      })
    }
  }

  async function newProject(row: Plan['rows'][number]): Promise<NewProject> {
    // Made by matchLedger on this transaction's data (IMP-00001 …, the first codes not in use).
    const code = row.code ?? plan.newCodes.get(row.row)!
    // The ledger's 项目阶段, else the stage chosen in the preview (matchLedger refuses an import with neither).
    const stage = row.stage ?? plan.options.stage
    if (!stage) throw new AppError('INVALID_INPUT', '没有为这个新项目选择项目阶段，请在预览中选择后再导入')
    return {
      code,
      name: row.name,
      categoryId: row.category ? await ref.dict('category', row.category) : null,
      industryTagId: row.industryTag ? await ref.dict('industry_tag', row.industryTag) : null,
      level: row.level ?? 'county',
      townshipId: await ref.dict('township', row.township!),
      constructionUnit: row.constructionUnit ?? '',
      content: row.content ?? '',
      totalInvestment: row.totalInvestment!,
      ...yearsOf(row, w.today),
      plannedStart: row.plannedStart,
      plannedEnd: row.plannedEnd,
      stage,
      leaderId: await ref.leader(row.leader!),
      // No date given: createProjects takes defaultLeaderStart (src/shared/leader-start.ts), the one rule.
      leadUnitId: await ref.dict('unit', row.leadUnit!),
      goals: '',
      serviceContent: [],
    }
  }

  await audit(w, {
    entity: 'import',
    entityId: 0,
    projectId: null,
    action: 'import',
    note: `导入台账「${plan.preview.sheet}」：新增${creates.length}个、更新${updated}个项目`,
  })
  return {
    created: creates.length,
    updated,
    newLeaders: plan.preview.newLeaders,
    newTownships: plan.preview.newTownships,
    newUnits: plan.preview.newUnits,
  }
}

type DictKind = 'township' | 'unit' | 'category' | 'industry_tag'

/**
 * Finds leaders and dictionary items by their normalised names (an active one before a deactivated one of the
 * same name), creating those the ledger names first. A deactivated one is reached only where matchLedger allows
 * it — an existing project that has it already (createProject and updateProject refuse it as a new choice).
 */
async function refMaker(w: WriteCtx, plan: Plan) {
  const dicts = new Map<string, number>()
  for (const r of await w.db
    .selectFrom('dict_items')
    .select(['id', 'kind', 'name', 'active'])
    .orderBy('active', 'desc')
    .execute()) {
    const key = `${r.kind}:${normalizeText(r.name)}`
    if (!dicts.has(key)) dicts.set(key, r.id)
  }
  const leaders = new Map<string, number>()
  for (const r of await w.db
    .selectFrom('leaders')
    .select(['id', 'name'])
    .orderBy('active', 'desc')
    .orderBy('id')
    .execute()) {
    const key = normalizePersonName(r.name)
    if (!leaders.has(key)) leaders.set(key, r.id)
  }
  return {
    async dict(kind: DictKind, name: string): Promise<number> {
      const key = `${kind}:${name}`
      let id = dicts.get(key)
      if (id === undefined) {
        id = (await createDictItem(w, { kind, name }, '导入台账时新增')).id
        dicts.set(key, id)
      }
      return id
    },
    async leader(name: string): Promise<number> {
      let id = leaders.get(name)
      if (id === undefined) {
        const title = plan.leaderTitles.get(name)
        id = (
          await createLeader(
            w,
            { name, title: title ?? '待补充', unit: '', phone: '', sortOrder: await nextLeaderSortOrder(w.db) },
            title ? '导入台账时新增' : '导入台账时新增，职务待补充',
          )
        ).id
        leaders.set(name, id)
      }
      return id
    },
  }
}
