/**
 * The first day: what a new installation already has, so that the 总览 can show the steps of 从这里开始
 * (accounts → townships and units → leaders → projects → monthly reports) with a done mark from the data.
 */
import type { SetupProgress } from '../../shared/domain'
import { readTx, type Deps } from '../context'
import type { HandlerMap } from '../handler-types'

export function firstDayHandlers(deps: Deps) {
  return {
    /**
     * `overview.setup` ({}) → SetupProgress: the number of active accounts, and the counts of active
     * townships, active units, active leaders, all projects and all monthly reports. Reads only; one snapshot.
     */
    'overview.setup': () =>
      readTx(deps, async (db): Promise<SetupProgress> => {
        const dicts = await db
          .selectFrom('dict_items')
          .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
          .where('active', '=', 1)
          .where('kind', 'in', ['township', 'unit'])
          .groupBy('kind')
          .execute()
        const count = async (table: 'projects' | 'monthly_reports') =>
          Number(
            (
              await db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          )
        const leaders = await db
          .selectFrom('leaders')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('active', '=', 1)
          .executeTakeFirstOrThrow()
        const dict = (kind: string) => Number(dicts.find((d) => d.kind === kind)?.n ?? 0)
        return {
          accounts: Number(
            (
              await db
                .selectFrom('users')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .where('active', '=', 1)
                .executeTakeFirstOrThrow()
            ).n,
          ),
          townships: dict('township'),
          units: dict('unit'),
          leaders: Number(leaders.n),
          projects: await count('projects'),
          reports: await count('monthly_reports'),
        }
      }),
  } satisfies HandlerMap
}
