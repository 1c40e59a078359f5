/** The audit log (一抓到底): one row per changed field, with operator, time and old → new as readable text. */
import type { WriteCtx } from './context'
import { batches } from './store/batches'

export interface Change {
  field: string
  old: string | null
  new: string | null
}

export interface AuditEvent {
  entity: string
  entityId: number
  projectId: number | null
  action: string
  changes?: Change[]
  note?: string
}

export function text(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'boolean') return value ? '是' : '否'
  return String(value)
}

/**
 * Field-by-field differences between two records, each field formatted by its own function (money as
 * 万元, ids as names) so the log reads as the screen does.
 */
export function diff<T extends object>(
  before: T,
  after: Partial<T>,
  format: { [K in keyof T]?: (value: T[K]) => string | null },
): Change[] {
  const changes: Change[] = []
  for (const key of Object.keys(format) as (keyof T)[]) {
    // A field name that the record does not have is a programming error that would silently log nothing.
    if (!(key in before)) throw new Error(`audit diff: the record has no field ${String(key)}`)
    if (!(key in after) || after[key] === undefined) continue
    const fmt = format[key]!
    const oldText = fmt(before[key])
    const newText = fmt(after[key] as T[keyof T])
    if (oldText !== newText) changes.push({ field: String(key), old: oldText, new: newText })
  }
  return changes
}

/** Writes one event's audit rows (one per changed field, one row without a field when none is named). */
export async function audit(w: WriteCtx, event: AuditEvent): Promise<void> {
  await auditAll(w, [event])
}

/** Writes the audit rows of many events in order, a few statements for all of them (the ledger import). */
export async function auditAll(w: WriteCtx, events: AuditEvent[]): Promise<void> {
  // The projects a write touched are the ones its audit rows name: announced to the open pages (store/changes.ts).
  // A row of no project (a dictionary, the rules, an account) may change what every project shows: "anything".
  for (const event of events)
    if (event.projectId === null) w.touched = null
    else w.touched?.add(event.projectId)
  const rows = events.flatMap((event) => {
    const base = {
      at: w.now,
      operator: w.operator.name,
      operator_unit: w.operator.unit,
      user_id: w.operator.userId,
      entity: event.entity,
      entity_id: event.entityId,
      project_id: event.projectId,
      action: event.action,
      note: event.note ?? '',
    }
    const changes = event.changes?.length ? event.changes : [null]
    return changes.map((c) => ({
      ...base,
      field: c?.field ?? null,
      old_value: c?.old ?? null,
      new_value: c?.new ?? null,
    }))
  })
  for (const batch of batches(rows, 12)) await w.db.insertInto('audit_log').values(batch).execute()
}

/** The fields of a new record, as changes from nothing. */
export function created<T extends object>(
  after: T,
  format: { [K in keyof T]?: (value: T[K]) => string | null },
): Change[] {
  return (Object.keys(format) as (keyof T)[])
    .map((key) => ({ field: String(key), old: null, new: format[key]!(after[key]) }))
    .filter((c) => c.new !== null && c.new !== '')
}
