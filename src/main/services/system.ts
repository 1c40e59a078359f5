/** What the app is and which database it has open; loading the demo district and removing it again. */
import { sql } from 'kysely'
import { localToday } from '../../shared/dates'
import { operatorOf, type Deps } from '../context'
import { locationWarnings } from '../db/location'
import { generateDemo } from '../demo/generate'
import { removeDemo, removeDemoPlan } from '../demo/remove'
import { createStoreBackup } from '../backup/any-store'
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
        schemaVersion: await deps.store.schemaVersion(),
        databasePath: deps.databasePath,
        projectCount: Number(count.n),
        demoRows: Number(
          (
            await sql<{ n: number }>`SELECT (SELECT count(*) FROM projects WHERE demo = 1)
              + (SELECT count(*) FROM leaders WHERE demo = 1) + (SELECT count(*) FROM people WHERE demo = 1)
              + (SELECT count(*) FROM dict_items WHERE demo = 1) AS n`.execute(deps.db)
          ).rows[0]!.n,
        ),
        warnings: deps.store.file ? locationWarnings(deps.store.file.path) : [],
      }
    },

    // One write transaction of its own (all of the demo or none of it), rows in multi-row batches.
    'demo.load': async ({ seed, projects }) => {
      const counts = await generateDemo(deps.store, { seed, projects, today: localToday(deps.clock()) })
      return { projects: counts.projects, milestones: counts.milestones, reports: counts.reports }
    },

    // Checked first (a refusal makes no backup), then backed up (manual, named in the result and the audit row:
    // a copy of the file, or a pg_dump of the server database), then removed in one write transaction of its
    // own that checks again. What goes and stays: demo/remove.ts.
    'demo.remove': async (_input, { caller }) => {
      await deps.store.read((db) => removeDemoPlan(db))
      const backup = (await createStoreBackup(deps.store, 'manual', deps.clock())).name
      return removeDemo(deps.store, operatorOf(caller), deps.clock().toISOString(), backup)
    },
  } satisfies HandlerMap
}
