/** Settings (operator, thresholds and weights), the office's lists (字典) and milestone templates. */
import { sql } from 'kysely'
import { AppError } from '../../shared/errors'
import {
  DEFAULT_RULES,
  DICT_KIND_LABELS,
  type DictItem,
  type DictKind,
  type MilestoneTemplate,
  type Rules,
  type Settings,
  type TemplateItem,
} from '../../shared/domain'
import { audit, diff, text } from '../audit'
import { readOperator, readTx, writeTx, type Deps, type WriteCtx } from '../context'
import type { CallArgs } from '../../shared/contract'
import type { DictItemsTable, MilestoneTemplatesTable } from '../db/schema'
import type { HandlerMap } from '../handler-types'
import type { Selectable } from 'kysely'
import { bool, checkVersion, isUniqueViolation, must } from './common'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema'

export function toDictItem(row: Selectable<DictItemsTable>): DictItem {
  return {
    id: row.id,
    kind: row.kind as DictKind,
    name: row.name,
    sortOrder: row.sort_order,
    active: bool(row.active),
    version: row.version,
  }
}

function toTemplate(row: Selectable<MilestoneTemplatesTable>): MilestoneTemplate {
  return { id: row.id, name: row.name, items: JSON.parse(row.items) as TemplateItem[], version: row.version }
}

export async function readRules(db: Kysely<Database>): Promise<{ rules: Rules; version: number }> {
  const row = await db.selectFrom('settings').select(['value', 'version']).where('key', '=', 'rules').executeTakeFirst()
  return row ? { rules: JSON.parse(row.value) as Rules, version: row.version } : { rules: DEFAULT_RULES, version: 1 }
}

async function readSettings(db: Kysely<Database>): Promise<Settings> {
  const { rules, version } = await readRules(db)
  return { operator: await readOperator(db), rules, rulesVersion: version }
}

const weightFields = (w: Rules['weights']) => ({
  milestonesWeight: w.milestones,
  investmentWeight: w.investment,
  problemsWeight: w.problems,
})

const templateText = (items: TemplateItem[]) => items.map((i) => `${i.name}(${i.weight}/${i.share}%)`).join('→')

/**
 * Adds a dictionary item (乡镇, 单位, 类别, 产业标签) at the end of its list, inside the caller's transaction,
 * with its audit row. DUPLICATE when the name is taken in that list.
 */
export async function createDictItem(
  w: WriteCtx,
  { kind, name }: CallArgs<'dict.create'>,
  note?: string,
): Promise<DictItem> {
  const max = await w.db
    .selectFrom('dict_items')
    .select((eb) => eb.fn.max('sort_order').as('m'))
    .where('kind', '=', kind)
    .executeTakeFirst()
  try {
    const row = await w.db
      .insertInto('dict_items')
      .values({ kind, name, sort_order: (max?.m ?? 0) + 10, active: 1 })
      .returningAll()
      .executeTakeFirstOrThrow()
    await audit(w, {
      entity: 'dict',
      entityId: row.id,
      projectId: null,
      action: 'create',
      changes: [{ field: kind, old: null, new: name }],
      ...(note && { note }),
    })
    return toDictItem(row)
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('DUPLICATE', `${DICT_KIND_LABELS[kind]}「${name}」已存在`)
    throw error
  }
}

export function settingsHandlers(deps: Deps) {
  return {
    'settings.get': () => readTx(deps, readSettings),

    'settings.setOperator': (input) =>
      writeTx(deps, async (w) => {
        const before = await readOperator(w.db)
        const value = JSON.stringify(input)
        await w.db
          .insertInto('settings')
          .values({ key: 'operator', value })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value, version: sql`version + 1` }))
          .execute()
        const changes = diff(before ?? { name: '', unit: '' }, input, { name: text, unit: text })
        if (changes.length)
          await audit(w, { entity: 'setting', entityId: 0, projectId: null, action: 'operator', changes })
        return input
      }),

    'settings.updateRules': (input) =>
      writeTx(deps, async (w) => {
        const current = await readRules(w.db)
        checkVersion(current, input.version, '评分规则')
        const next: Rules = { thresholds: input.thresholds, weights: input.weights }
        await w.db
          .updateTable('settings')
          .set({ value: JSON.stringify(next), version: sql`version + 1` })
          .where('key', '=', 'rules')
          .execute()
        const changes = [
          ...diff(current.rules.thresholds, next.thresholds, {
            redOverdueDays: text,
            upcomingDays: text,
            redInvestmentPercent: text,
            yellowInvestmentPercent: text,
          }),
          ...diff(weightFields(current.rules.weights), weightFields(next.weights), {
            milestonesWeight: text,
            investmentWeight: text,
            problemsWeight: text,
          }),
        ]
        await audit(w, { entity: 'setting', entityId: 0, projectId: null, action: 'rules', changes })
        return readSettings(w.db)
      }),

    'dict.list': async ({ kind, includeInactive }) => {
      let q = deps.db.selectFrom('dict_items').selectAll().where('kind', '=', kind)
      if (!includeInactive) q = q.where('active', '=', 1)
      return (await q.orderBy('sort_order').orderBy('id').execute()).map(toDictItem)
    },

    'dict.create': (input) => writeTx(deps, (w) => createDictItem(w, input)),

    'dict.update': ({ id, version, ...changes }) =>
      writeTx(deps, async (w) => {
        const before = must(
          await w.db.selectFrom('dict_items').selectAll().where('id', '=', id).executeTakeFirst(),
          '字典项',
          id,
        )
        checkVersion(before, version, `「${before.name}」`)
        const values = {
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.sortOrder !== undefined && { sort_order: changes.sortOrder }),
          ...(changes.active !== undefined && { active: changes.active ? 1 : 0 }),
        }
        try {
          const row = await w.db
            .updateTable('dict_items')
            .set({ ...values, version: sql`version + 1` })
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow()
          const item = toDictItem(row)
          await audit(w, {
            entity: 'dict',
            entityId: id,
            projectId: null,
            action: 'update',
            changes: diff(toDictItem(before), item, { name: text, sortOrder: text, active: text }),
          })
          return item
        } catch (error) {
          if (isUniqueViolation(error))
            throw new AppError('DUPLICATE', `${DICT_KIND_LABELS[before.kind as DictKind]}「${changes.name}」已存在`)
          throw error
        }
      }),

    'template.list': async () =>
      (await deps.db.selectFrom('milestone_templates').selectAll().orderBy('id').execute()).map(toTemplate),

    'template.create': ({ name, items }) =>
      writeTx(deps, async (w) => {
        try {
          const row = await w.db
            .insertInto('milestone_templates')
            .values({ name, items: JSON.stringify(items) })
            .returningAll()
            .executeTakeFirstOrThrow()
          await audit(w, {
            entity: 'template',
            entityId: row.id,
            projectId: null,
            action: 'create',
            changes: [{ field: 'items', old: null, new: `${name}：${templateText(items)}` }],
          })
          return toTemplate(row)
        } catch (error) {
          if (isUniqueViolation(error)) throw new AppError('DUPLICATE', `节点模板「${name}」已存在`)
          throw error
        }
      }),

    'template.update': ({ id, version, name, items }) =>
      writeTx(deps, async (w) => {
        const before = must(
          await w.db.selectFrom('milestone_templates').selectAll().where('id', '=', id).executeTakeFirst(),
          '节点模板',
          id,
        )
        checkVersion(before, version, `节点模板「${before.name}」`)
        try {
          const row = await w.db
            .updateTable('milestone_templates')
            .set({
              ...(name !== undefined && { name }),
              ...(items !== undefined && { items: JSON.stringify(items) }),
              version: sql`version + 1`,
            })
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow()
          const after = toTemplate(row)
          await audit(w, {
            entity: 'template',
            entityId: id,
            projectId: null,
            action: 'update',
            changes: diff(toTemplate(before), after, { name: text, items: templateText }),
          })
          return after
        } catch (error) {
          if (isUniqueViolation(error)) throw new AppError('DUPLICATE', `节点模板「${name}」已存在`)
          throw error
        }
      }),
  } satisfies HandlerMap
}
