/** Settings (operator, thresholds and weights), the office's lists (字典) and milestone templates. */
import { sql } from 'kysely'
import { AppError } from '../../shared/errors'
import {
  ADMIN_LEVELS,
  DEFAULT_RULES,
  DICT_KIND_LABELS,
  type AdminLevel,
  type DictItem,
  type DictKind,
  type DictUsage,
  type MilestoneTemplate,
  type ReportSettings,
  type ReportSettingsState,
  type Rules,
  type Settings,
  type TemplateItem,
} from '../../shared/domain'
import { audit, diff, text } from '../audit'
import { readTx, writeTx, type Deps, type WriteCtx } from '../context'
import type { CallArgs } from '../../shared/contract'
import type { DictItemsTable, MilestoneTemplatesTable } from '../db/schema'
import { parseReportSetting, parseRulesSetting, parseTemplateItems } from '../db/json'
import type { HandlerMap } from '../handler-types'
import type { Selectable } from 'kysely'
import { bool, checkVersion, flag, isUniqueViolation, must } from './common'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema'

export function toDictItem(row: Selectable<DictItemsTable>): DictItem {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    sortOrder: row.sort_order,
    active: bool(row.active),
    version: row.version,
  }
}

function toTemplate(row: Selectable<MilestoneTemplatesTable>): MilestoneTemplate {
  return { id: row.id, name: row.name, items: parseTemplateItems(row.items, row.name), version: row.version }
}

export async function readRules(db: Kysely<Database>): Promise<{ rules: Rules; version: number }> {
  const row = await db.selectFrom('settings').select(['value', 'version']).where('key', '=', 'rules').executeTakeFirst()
  return row ? { rules: parseRulesSetting(row.value), version: row.version } : { rules: DEFAULT_RULES, version: 1 }
}

async function readSettings(db: Kysely<Database>): Promise<Settings> {
  const { rules, version } = await readRules(db)
  return { rules, rulesVersion: version }
}

// ---- 排名通报 settings (key 'report'): stored whole as JSON, versioned like the rules; no row until first saved.

const LEVEL_IN_TITLE = /(县|区|市|旗|州|盟)(?:委|长|人大|政协|政府)/gu
const LEVEL_OF_UNIT = /^(县|区|旗|州|盟|市(?!场))/u

/**
 * The level word an office that has not chosen one most likely is: the one its leaders' titles (副区长, 县委常委)
 * and its units' names (区发改局; 市场监管局 is no 市) use most; 县 when they name none (or tie with 县).
 */
async function derivedLevel(db: Kysely<Database>): Promise<AdminLevel> {
  const count = new Map<string, number>()
  const add = (word: string | undefined) => word && count.set(word, (count.get(word) ?? 0) + 1)
  for (const { title } of await db.selectFrom('leaders').select('title').execute())
    for (const m of title.matchAll(LEVEL_IN_TITLE)) add(m[1])
  for (const { name } of await db.selectFrom('dict_items').select('name').where('kind', '=', 'unit').execute())
    add(LEVEL_OF_UNIT.exec(name)?.[1])
  let best: AdminLevel = '县'
  for (const level of ADMIN_LEVELS) if ((count.get(level) ?? 0) > (count.get(best) ?? 0)) best = level
  return best
}

/**
 * The 通报 settings in force and their version. Never saved: 发文机关, 发文字号, 附注 empty, 成文日期 the print
 * day, the level word `derivedLevel`; version 1, `saved: false`.
 */
export async function readReportSettings(db: Kysely<Database>): Promise<ReportSettingsState> {
  const row = await db
    .selectFrom('settings')
    .select(['value', 'version'])
    .where('key', '=', 'report')
    .executeTakeFirst()
  if (row) return { report: parseReportSetting(row.value), version: row.version, saved: true }
  return {
    report: { issuer: '', level: await derivedLevel(db), docNumber: '', date: '', remarks: '' },
    version: 1,
    saved: false,
  }
}

const reportFields = (r: ReportSettings) => ({
  reportIssuer: r.issuer,
  reportLevel: r.level,
  reportDocNumber: r.docNumber,
  reportDate: r.date,
  reportRemarks: r.remarks,
})

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

/**
 * How much a dictionary item is in use, by its kind: 乡镇/街道, 项目类别, 产业标签 — the projects that carry it;
 * 单位 — the projects whose 专班 it leads (牵头单位) and the problems it is responsible for; 问题类别 — the
 * problems of that category. Every project and problem counts, whatever its state (a deactivated item keeps
 * its name on all of them). NOT_FOUND for an unknown id.
 */
export async function dictUsage(db: Kysely<Database>, id: number): Promise<DictUsage> {
  const row = must(await db.selectFrom('dict_items').selectAll().where('id', '=', id).executeTakeFirst(), '字典项', id)
  const kind = row.kind
  const n = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0)
  const projectsBy = (column: 'township_id' | 'category_id' | 'industry_tag_id') =>
    n(
      db
        .selectFrom('projects')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(column, '=', id)
        .executeTakeFirst(),
    )
  const problemsBy = (column: 'responsible_unit_id' | 'category_id') =>
    n(
      db
        .selectFrom('problems')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(column, '=', id)
        .executeTakeFirst(),
    )
  const counts: Record<DictKind, () => Promise<[number, number]>> = {
    township: async () => [await projectsBy('township_id'), 0],
    category: async () => [await projectsBy('category_id'), 0],
    industry_tag: async () => [await projectsBy('industry_tag_id'), 0],
    unit: async () => [
      await n(
        db
          .selectFrom('task_forces')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('lead_unit_id', '=', id)
          .executeTakeFirst(),
      ),
      await problemsBy('responsible_unit_id'),
    ],
    problem_category: async () => [0, await problemsBy('category_id')],
  }
  const [projects, problems] = await counts[kind]()
  return { id: row.id, kind, name: row.name, active: row.active === 1, projects, problems }
}

export function settingsHandlers(deps: Deps) {
  return {
    'settings.get': () => readTx(deps, readSettings),

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

    'settings.report': () => readTx(deps, readReportSettings),

    'settings.updateReport': ({ version, ...next }) =>
      writeTx(deps, async (w) => {
        const current = await readReportSettings(w.db)
        checkVersion(current, version, '通报设置')
        const value = JSON.stringify(next)
        if (current.saved)
          await w.db
            .updateTable('settings')
            .set({ value, version: sql`version + 1` })
            .where('key', '=', 'report')
            .execute()
        // The first save: version 2, so that a copy read before it (version 1) is stale.
        else await w.db.insertInto('settings').values({ key: 'report', value, version: 2 }).execute()
        const show = (v: string) => v || '（空）'
        await audit(w, {
          entity: 'setting',
          entityId: 0,
          projectId: null,
          action: 'report',
          changes: diff(reportFields(current.report), reportFields(next), {
            reportIssuer: show,
            reportLevel: text,
            reportDocNumber: show,
            reportDate: (v) => v || '打印当天',
            reportRemarks: show,
          }),
        })
        return readReportSettings(w.db)
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
          ...(changes.active !== undefined && { active: flag(changes.active) }),
        }
        try {
          const row = await w.db
            .updateTable('dict_items')
            .set({ ...values, version: sql`version + 1` })
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow()
          const item = toDictItem(row)
          // Which item, and on deactivation how much used it: the log reads without looking the id up.
          const usage = changes.active === false && before.active === 1 ? await dictUsage(w.db, id) : null
          await audit(w, {
            entity: 'dict',
            entityId: id,
            projectId: null,
            action: 'update',
            changes: diff(toDictItem(before), item, { name: text, sortOrder: text, active: text }),
            note:
              `${DICT_KIND_LABELS[before.kind]}「${before.name}」` +
              (usage ? `，停用时${usage.projects}个项目、${usage.problems}个问题在用` : ''),
          })
          return item
        } catch (error) {
          if (isUniqueViolation(error))
            throw new AppError('DUPLICATE', `${DICT_KIND_LABELS[before.kind]}「${changes.name}」已存在`)
          throw error
        }
      }),

    'dict.usage': ({ id }) => readTx(deps, (db) => dictUsage(db, id)),

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
