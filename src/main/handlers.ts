/** The registry: every feature's handlers merged into one map that must implement the whole contract. */
import type { Deps } from './context'
import type { CallCtx, HandlerMap, Handlers } from './handler-types'
import { currentCaller } from './auth/current'
import { attachmentHandlers } from './services/attachments'
import { reminderHandlers } from './services/reminders'
import { auditHandlers } from './services/audit-log'
import { authHandlers } from './services/auth'
import { userHandlers } from './services/users'
import { instructionHandlers } from './services/instructions'
import { backupHandlers } from './services/backups'
import { excelHandlers } from './services/excel'
import { kanbanHandlers } from './services/kanban'
import { parseInput } from '../shared/validate'
import type { CallName, CallResult } from '../shared/contract'
import { leaderHandlers } from './services/leaders'
import { overviewHandlers } from './services/overview'
import { firstDayHandlers } from './services/first-day'
import { planHandlers } from './services/plans'
import { problemHandlers } from './services/problems'
import { projectHandlers } from './services/projects'
import { rankingHandlers } from './services/ranking'
import { reportHandlers } from './services/reports'
import { settingsHandlers } from './services/settings'
import { systemHandlers } from './services/system'
import { taskForceHandlers } from './services/task-forces'

function merge(...maps: HandlerMap[]): HandlerMap {
  const merged: Record<string, unknown> = {}
  for (const map of maps)
    for (const [name, handler] of Object.entries(map)) {
      if (name in merged) throw new Error(`Contract call ${name} is implemented twice`)
      merged[name] = handler
    }
  return merged as HandlerMap
}

export function createHandlers(deps: Deps): Handlers {
  // Exports are built from other calls' results: they call them as a transport would (validated input), as
  // the same caller (already checked for the export itself).
  const call = <K extends CallName>(name: K, input: unknown): Promise<CallResult<K>> =>
    (all[name] as (a: unknown, c: CallCtx) => Promise<CallResult<K>>)(parseInput(name, input), {
      caller: currentCaller(),
      slot: null,
      source: '',
    })
  const all: Handlers = {
    ...authHandlers(deps),
    ...userHandlers(deps),
    ...instructionHandlers(deps),
    ...systemHandlers(deps),
    ...settingsHandlers(deps),
    ...leaderHandlers(deps),
    ...projectHandlers(deps),
    ...kanbanHandlers(deps),
    ...overviewHandlers(deps),
    ...firstDayHandlers(deps),
    ...taskForceHandlers(deps),
    ...planHandlers(deps),
    ...reportHandlers(deps),
    ...problemHandlers(deps),
    ...rankingHandlers(deps),
    ...attachmentHandlers(deps),
    ...reminderHandlers(deps),
    ...excelHandlers(deps, call),
    ...backupHandlers(deps),
    ...auditHandlers(deps),
  } satisfies Handlers
  // The spread above is what the compiler checks for completeness; merge() catches a name given twice.
  merge(
    authHandlers(deps),
    userHandlers(deps),
    instructionHandlers(deps),
    systemHandlers(deps),
    settingsHandlers(deps),
    leaderHandlers(deps),
    projectHandlers(deps),
    kanbanHandlers(deps),
    overviewHandlers(deps),
    firstDayHandlers(deps),
    taskForceHandlers(deps),
    planHandlers(deps),
    reportHandlers(deps),
    problemHandlers(deps),
    rankingHandlers(deps),
    excelHandlers(deps, call),
    backupHandlers(deps),
    auditHandlers(deps),
  )
  return all
}
