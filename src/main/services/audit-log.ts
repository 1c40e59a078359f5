/**
 * Reading the audit log, newest first, per project or per kind of record. Changes to accounts and to the
 * security policy are the 系统管理员's to read (they name logins, roles and phones): other roles do not see them.
 */
import type { AuditEntry } from '../../shared/domain'
import type { Deps } from '../context'
import type { HandlerMap } from '../handler-types'

export function auditHandlers(deps: Deps) {
  return {
    'audit.list': async ({ projectId, entity, beforeId, limit }, { caller }) => {
      let q = deps.db.selectFrom('audit_log').selectAll()
      if (!caller?.roles.includes('admin'))
        q = q
          .where('entity', '!=', 'user')
          .where((eb) => eb.not(eb.and([eb('entity', '=', 'setting'), eb('action', '=', 'security')])))
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
