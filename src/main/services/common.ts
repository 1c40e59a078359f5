/** Small pieces every service shares: loading for update, version checks, reference checks, positions. */
import type { Kysely } from 'kysely'
import { AppError, notFound, staleVersion } from '../../shared/errors'
import { DICT_KIND_LABELS, type DictKind } from '../../shared/domain'
import type { Database, Flag } from '../db/schema'

export { GAP } from '../../shared/rules/positions'

export function must<T>(row: T | undefined, what: string, id: number | string): T {
  if (row === undefined) throw notFound(what, id)
  return row
}

export function checkVersion(row: { version: number }, version: number, what: string): void {
  if (row.version !== version) throw staleVersion(what)
}

/** A reference to an office list item of the right kind; `forNewUse` refuses a deactivated one. */
export async function requireDict(
  db: Kysely<Database>,
  id: number,
  kind: DictKind,
  forNewUse = true,
): Promise<{ id: number; name: string }> {
  const row = await db
    .selectFrom('dict_items')
    .select(['id', 'name', 'kind', 'active'])
    .where('id', '=', id)
    .executeTakeFirst()
  return checkDict(row, id, kind, forNewUse)
}

/**
 * requireDict's rule on a row already read (`undefined`: no such id): NOT_FOUND when missing or of another
 * kind, RULE when deactivated and `forNewUse`.
 */
export function checkDict(
  row: { id: number; name: string; kind: string; active: Flag } | undefined,
  id: number,
  kind: DictKind,
  forNewUse = true,
): { id: number; name: string } {
  const label = DICT_KIND_LABELS[kind]
  if (!row || row.kind !== kind) throw notFound(label, id)
  if (forNewUse && !row.active)
    throw new AppError('RULE', `${label}「${row.name}」已停用，请选择其他${label}或先在设置中启用`)
  return { id: row.id, name: row.name }
}

/** A 包联领导 for a new assignment, on a row already read: NOT_FOUND when missing, RULE when deactivated. */
export function checkLeader(
  row: { id: number; name: string; active: Flag } | undefined,
  id: number,
): { id: number; name: string } {
  const leader = must(row, '领导', id)
  if (!leader.active) throw new AppError('RULE', `领导「${leader.name}」已停用，不能再包联项目。请选择其他领导`)
  return { id: leader.id, name: leader.name }
}

/** The refusal of a project code another project (named) has already. */
export function codeInUse(code: string, otherName: string): AppError {
  return new AppError('DUPLICATE', `项目编号「${code}」已被项目「${otherName}」使用，请换一个编号`)
}

export async function dictName(db: Kysely<Database>, id: number | null): Promise<string | null> {
  if (id === null) return null
  const row = await db.selectFrom('dict_items').select('name').where('id', '=', id).executeTakeFirst()
  return row?.name ?? `#${id}`
}

export async function leaderName(db: Kysely<Database>, id: number | null): Promise<string | null> {
  if (id === null) return null
  const row = await db.selectFrom('leaders').select('name').where('id', '=', id).executeTakeFirst()
  return row?.name ?? `#${id}`
}

export { isUniqueViolation } from '../store/errors'

/** A LIKE pattern that matches `text` literally anywhere (escape char \). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

export const bool = (v: Flag): boolean => v === 1
/** A boolean as a 0/1 flag column stores it. */
export const flag = (v: boolean): Flag => (v ? 1 : 0)

/**
 * Projects with their current 包联领导 (l), township (t), task force (tf) and lead unit (u): the base of the
 * project list and the kanban, which add their own columns.
 */
export function projectsWithOwners(db: Kysely<Database>) {
  return db
    .selectFrom('projects as p')
    .innerJoin('leader_assignments as la', (j) => j.onRef('la.project_id', '=', 'p.id').on('la.end_date', 'is', null))
    .innerJoin('leaders as l', 'l.id', 'la.leader_id')
    .innerJoin('dict_items as t', 't.id', 'p.township_id')
    .innerJoin('task_forces as tf', 'tf.project_id', 'p.id')
    .innerJoin('dict_items as u', 'u.id', 'tf.lead_unit_id')
}
