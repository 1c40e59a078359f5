/** What the app is and which database it has open; loading the demo district. */
import { localToday } from '../../shared/dates'
import { exclusive, readOperator, type Deps } from '../context'
import { schemaVersion } from '../db/migrate'
import { locationWarnings } from '../db/location'
import { generateDemo } from '../demo/generate'
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
        operator: await readOperator(deps.db),
        projectCount: Number(count.n),
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
  } satisfies HandlerMap
}
