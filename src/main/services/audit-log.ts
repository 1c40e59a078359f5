/** Reading the audit log, newest first, per project or per kind of record. */
import type { AuditEntry } from '../../shared/domain'
import type { Deps } from '../context'
import type { HandlerMap } from '../handler-types'

export function auditHandlers(deps: Deps) {
  return {
    'audit.list': async ({ projectId, entity, beforeId, limit }) => {
      let q = deps.db.selectFrom('audit_log').selectAll()
      if (projectId) q = q.where('project_id', '=', projectId)
      if (entity) q = q.where('entity', '=', entity)
      if (beforeId) q = q.where('id', '<', beforeId)
      const rows = await q.orderBy('id', 'desc').limit(limit).execute()
      return rows.map((r): AuditEntry => ({
        id: r.id,
        at: r.at,
        operator: r.operator,
        operatorUnit: r.operator_unit,
        entity: r.entity,
        entityId: r.entity_id,
        projectId: r.project_id,
        action: r.action,
        field: r.field,
        oldValue: r.old_value,
        newValue: r.new_value,
        note: r.note,
      }))
    },
  } satisfies HandlerMap
}
