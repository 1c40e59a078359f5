/**
 * Milestone templates applied to a plan (方案): the template's milestones, dated across the project's planned
 * years (milestone-template.ts spreadTemplate), appended after the plan's last milestone.
 */
import type { Kysely } from 'kysely'
import type { TemplateItem } from '../../shared/domain'
import { spreadTemplate } from '../../shared/milestone-template'
import { GAP } from '../../shared/rules/positions'
import { audit } from '../audit'
import type { WriteCtx } from '../context'
import type { Database } from '../db/schema'
import { parseTemplateItems } from '../db/json'
import { must } from './common'

/** Inserts the template's milestones after the plan's last one, dated across [start, end]. */
export async function insertTemplateMilestones(
  w: WriteCtx,
  plan: { id: number; project_id: number },
  items: TemplateItem[],
  start: string,
  end: string,
) {
  const max = await w.db
    .selectFrom('milestones')
    .select((eb) => eb.fn.max('position').as('m'))
    .where('plan_id', '=', plan.id)
    .executeTakeFirst()
  const base = max?.m ?? 0
  const planned = spreadTemplate(items, start, end)
  if (planned.length === 0) return []
  const rows = await w.db
    .insertInto('milestones')
    .values(
      planned.map((m, i) => ({
        plan_id: plan.id,
        project_id: plan.project_id,
        name: m.name,
        planned_date: m.plannedDate,
        weight: m.weight,
        responsible_unit: '',
        responsible_person: '',
        actual_date: null,
        evidence: '',
        position: base + (i + 1) * GAP,
      })),
    )
    .returningAll()
    .execute()
  await audit(w, {
    entity: 'plan',
    entityId: plan.id,
    projectId: plan.project_id,
    action: 'template',
    changes: [{ field: 'milestones', old: null, new: planned.map((m) => `${m.name}(${m.plannedDate})`).join('、') }],
  })
  return rows
}

export async function loadTemplate(db: Kysely<Database>, id: number): Promise<{ name: string; items: TemplateItem[] }> {
  const row = must(
    await db.selectFrom('milestone_templates').selectAll().where('id', '=', id).executeTakeFirst(),
    '节点模板',
    id,
  )
  return { name: row.name, items: parseTemplateItems(row.items, row.name) }
}
