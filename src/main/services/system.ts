/** What the app is and which database it has open; loading the demo district and removing it again. */
import { sql } from 'kysely'
import { localToday } from '../../shared/dates'
import { exclusive, operatorOf, type Deps } from '../context'
import { schemaVersion } from '../db/migrate'
import { locationWarnings } from '../db/location'
import { generateDemo } from '../demo/generate'
import { removeDemo, removeDemoPlan } from '../demo/remove'
import { backupDirOf, createBackup } from '../backup/backups'
import type { HandlerMap } from '../handler-types'
import { APP_VERSION } from '../version'

export function systemHandlers(deps: Deps) {
  return {
    'system.info': async () => {
      const count = await deps.db
        .selectFrom('projects')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      return {
        appVersion: APP_VERSION,
        schemaVersion: schemaVersion(deps.sqlite),
        databasePath: deps.databasePath,
        projectCount: Number(count.n),
        demoRows: Number(
          (
            await sql<{ n: number }>`SELECT (SELECT count(*) FROM projects WHERE demo = 1)
              + (SELECT count(*) FROM leaders WHERE demo = 1) + (SELECT count(*) FROM people WHERE demo = 1)
              + (SELECT count(*) FROM dict_items WHERE demo = 1) AS n`.execute(deps.db)
          ).rows[0]!.n,
        ),
        warnings: locationWarnings(deps.databasePath),
      }
    },

    // One SQLite transaction of its own (bulk statements on the raw handle), holding the connection meanwhile.
    'demo.load': async ({ seed, projects }) => {
      const counts = await exclusive(deps, () =>
        generateDemo(deps.db, deps.sqlite, { seed, projects, today: localToday(deps.clock()) }),
      )
      return { projects: counts.projects, milestones: counts.milestones, reports: counts.reports }
    },

    // Checked first (a refusal makes no backup), then backed up (manual, named in the result and the audit
    // row), then removed in one transaction of its own that checks again. What goes and stays: demo/remove.ts.
    'demo.remove': async (_input, { caller }) => {
      await exclusive(deps, () => removeDemoPlan(deps.sqlite))
      const backup = await createBackup(
        deps.sqlite,
        backupDirOf(deps.sqlite, deps.databasePath),
        'manual',
        deps.clock(),
      )
      const operator = operatorOf(caller)
      return exclusive(deps, () => removeDemo(deps.sqlite, operator, deps.clock().toISOString(), backup.name))
    },
  } satisfies HandlerMap
}
