/** 方案 and its 节点: create by hand or from a template, edit, reorder, complete with evidence, reopen with a reason. */
import { sql, type Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import { completionDateErrors, refuseImpossible } from '../../shared/date-checks'
import { SERVICE_CONTENT_LABELS, type Milestone, type ServiceContent } from '../../shared/domain'
import { audit, created, diff, text } from '../audit'
import { writeTx, type Deps, type WriteCtx } from '../context'
import type { Database } from '../db/schema'
import type { HandlerMap } from '../handler-types'
import { parseServiceContent } from '../db/json'
import { toMilestone } from '../mappers'
import { GAP, checkVersion, must } from './common'
import { insertTemplateMilestones, loadTemplate } from './plan-templates'

async function loadMilestone(db: Kysely<Database>, id: number) {
  return must(await db.selectFrom('milestones').selectAll().where('id', '=', id).executeTakeFirst(), '节点', id)
}

async function loadPlan(db: Kysely<Database>, id: number) {
  return must(await db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst(), '方案', id)
}

const contentText = (content: ServiceContent[]) => content.map((c) => SERVICE_CONTENT_LABELS[c]).join('、')

type MilestoneRow = Awaited<ReturnType<typeof loadMilestone>>
type MilestoneFormat = Parameters<typeof diff<Milestone>>[2]

/** Writes a change to one milestone (version bumped), audits the fields that changed, returns the result. */
async function changeMilestone(
  w: WriteCtx,
  before: MilestoneRow,
  set: Partial<Omit<MilestoneRow, 'id' | 'version'>>,
  action: string,
  fields: MilestoneFormat,
  note: string,
) {
  const row = await w.db
    .updateTable('milestones')
    .set({ ...set, version: sql`version + 1` })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow()
  await audit(w, {
    entity: 'milestone',
    entityId: before.id,
    projectId: before.project_id,
    action,
    changes: diff(toMilestone(before), toMilestone(row), fields),
    note,
  })
  return toMilestone(row)
}

const MILESTONE_FIELDS = {
  name: text,
  plannedDate: text,
  weight: text,
  responsibleUnit: text,
  responsiblePerson: text,
}
const DONE_FIELDS = { actualDate: text, evidence: text }

export function planHandlers(deps: Deps) {
  return {
    'plan.update': ({ id, version, goals, serviceContent }) =>
      writeTx(deps, async (w) => {
        const before = await loadPlan(w.db, id)
        checkVersion(before, version, '方案')
        const row = await w.db
          .updateTable('plans')
          .set({
            ...(goals !== undefined && { goals }),
            ...(serviceContent !== undefined && { service_content: JSON.stringify([...new Set(serviceContent)]) }),
            version: sql`version + 1`,
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow()
        const serviceContentAfter = parseServiceContent(row.service_content, row.project_id)
        await audit(w, {
          entity: 'plan',
          entityId: id,
          projectId: before.project_id,
          action: 'update',
          changes: diff(
            { goals: before.goals, serviceContent: parseServiceContent(before.service_content, before.project_id) },
            { goals: row.goals, serviceContent: serviceContentAfter },
            { goals: text, serviceContent: contentText },
          ),
        })
        const milestones = await w.db
          .selectFrom('milestones')
          .selectAll()
          .where('plan_id', '=', id)
          .orderBy('position')
          .execute()
        return {
          id,
          projectId: row.project_id,
          goals: row.goals,
          serviceContent: serviceContentAfter,
          milestones: milestones.map(toMilestone),
          version: row.version,
        }
      }),

    'milestone.create': ({ planId, ...m }) =>
      writeTx(deps, async (w) => {
        const plan = await loadPlan(w.db, planId)
        const max = await w.db
          .selectFrom('milestones')
          .select((eb) => eb.fn.max('position').as('p'))
          .where('plan_id', '=', planId)
          .executeTakeFirst()
        const row = await w.db
          .insertInto('milestones')
          .values({
            plan_id: planId,
            project_id: plan.project_id,
            name: m.name,
            planned_date: m.plannedDate,
            weight: m.weight,
            responsible_unit: m.responsibleUnit,
            responsible_person: m.responsiblePerson,
            actual_date: null,
            evidence: '',
            position: (max?.p ?? 0) + GAP,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        await audit(w, {
          entity: 'milestone',
          entityId: row.id,
          projectId: plan.project_id,
          action: 'create',
          changes: created(toMilestone(row), MILESTONE_FIELDS),
        })
        return toMilestone(row)
      }),

    'milestone.createFromTemplate': ({ planId, templateId, startDate, endDate }) =>
      writeTx(deps, async (w) => {
        const plan = await loadPlan(w.db, planId)
        const template = await loadTemplate(w.db, templateId)
        return (await insertTemplateMilestones(w, plan, template.items, startDate, endDate)).map(toMilestone)
      }),

    'milestone.update': ({ id, version, ...changes }) =>
      writeTx(deps, async (w) => {
        const before = await loadMilestone(w.db, id)
        checkVersion(before, version, `节点「${before.name}」`)
        return changeMilestone(
          w,
          before,
          {
            ...(changes.name !== undefined && { name: changes.name }),
            ...(changes.plannedDate !== undefined && { planned_date: changes.plannedDate }),
            ...(changes.weight !== undefined && { weight: changes.weight }),
            ...(changes.responsibleUnit !== undefined && { responsible_unit: changes.responsibleUnit }),
            ...(changes.responsiblePerson !== undefined && { responsible_person: changes.responsiblePerson }),
          },
          'update',
          MILESTONE_FIELDS,
          before.name,
        )
      }),

    'milestone.reorder': ({ planId, orderedIds }) =>
      writeTx(deps, async (w) => {
        const plan = await loadPlan(w.db, planId)
        const rows = await w.db
          .selectFrom('milestones')
          .select(['id', 'name'])
          .where('plan_id', '=', planId)
          .orderBy('position')
          .execute()
        const known = new Set(rows.map((r) => r.id))
        if (
          new Set(orderedIds).size !== orderedIds.length ||
          orderedIds.length !== rows.length ||
          !orderedIds.every((i) => known.has(i))
        )
          throw new AppError('CONFLICT', '节点列表已变化（有人新增或删除了节点），请刷新后重新排序')
        for (const [i, mid] of orderedIds.entries())
          await w.db
            .updateTable('milestones')
            .set({ position: (i + 1) * GAP })
            .where('id', '=', mid)
            .execute()
        const names = new Map(rows.map((r) => [r.id, r.name]))
        await audit(w, {
          entity: 'plan',
          entityId: planId,
          projectId: plan.project_id,
          action: 'reorder',
          changes: [
            {
              field: 'order',
              old: rows.map((r) => r.name).join('→'),
              new: orderedIds.map((i) => names.get(i)).join('→'),
            },
          ],
        })
        return (
          await w.db.selectFrom('milestones').selectAll().where('plan_id', '=', planId).orderBy('position').execute()
        ).map(toMilestone)
      }),

    'milestone.complete': ({ id, version, actualDate, evidence }) =>
      writeTx(deps, async (w) => {
        const before = await loadMilestone(w.db, id)
        checkVersion(before, version, `节点「${before.name}」`)
        if (before.actual_date)
          throw new AppError('RULE', `节点「${before.name}」已于${before.actual_date}完成。如需修改，请先重新打开`)
        refuseImpossible(completionDateErrors(actualDate, w.today))
        return changeMilestone(w, before, { actual_date: actualDate, evidence }, 'complete', DONE_FIELDS, before.name)
      }),

    'milestone.reopen': ({ id, version, reason }) =>
      writeTx(deps, async (w) => {
        const before = await loadMilestone(w.db, id)
        checkVersion(before, version, `节点「${before.name}」`)
        if (!before.actual_date) throw new AppError('RULE', `节点「${before.name}」尚未完成，无需重新打开`)
        return changeMilestone(
          w,
          before,
          { actual_date: null, evidence: '' },
          'reopen',
          DONE_FIELDS,
          `${before.name}：${reason}`,
        )
      }),

    'milestone.remove': ({ id, version, reason }) =>
      writeTx(deps, async (w) => {
        const before = await loadMilestone(w.db, id)
        checkVersion(before, version, `节点「${before.name}」`)
        // Evidence is never deleted in passing: the office removes the files first, each with its reason.
        const files = await w.db
          .selectFrom('attachments')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('milestone_id', '=', id)
          .executeTakeFirstOrThrow()
        if (Number(files.n) > 0)
          throw new AppError(
            'RULE',
            `节点「${before.name}」有${Number(files.n)}份佐证材料，不能删除。如确需删除，请先逐一删除其佐证材料（写明原因）`,
          )
        await w.db.deleteFrom('milestones').where('id', '=', id).execute()
        await audit(w, {
          entity: 'milestone',
          entityId: id,
          projectId: before.project_id,
          action: 'delete',
          changes: [
            {
              field: 'milestone',
              old: `${before.name}（计划${before.planned_date}${before.actual_date ? `，已于${before.actual_date}完成` : ''}）`,
              new: null,
            },
          ],
          note: reason,
        })
        return { id }
      }),
  } satisfies HandlerMap
}
