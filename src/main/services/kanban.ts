/** The kanban's data: every listed project as a card with progress and its light as of today, in one call. */
import { sql, type Kysely } from 'kysely'
import { localToday, periodOf, type IsoDate } from '../../shared/dates'
import { roundHalfUp, frac } from '../../shared/rules/fraction'
import { lightOf } from '../../shared/rules/lights'
import type { KanbanCard, KanbanData } from '../../shared/rules/types'
import type { Rules, Stage } from '../../shared/domain'
import type { Database } from '../db/schema'
import { readTx, type Deps } from '../context'
import type { HandlerMap } from '../handler-types'
import { emptyLightFacts, investmentFacts, lightFactsAll, listedNow } from '../ranking/facts'
import { readRules } from './settings'
import { projectsWithOwners } from './common'

/** Every project on the key-project list (not 调出 or 归档) as a card, with its light as of `today`. */
export async function kanbanCards(db: Kysely<Database>, today: IsoDate, rules: Rules): Promise<KanbanCard[]> {
  const rows = await projectsWithOwners(db)
    // One grouped pass over the milestones for all cards.
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('milestones')
          .select([
            'project_id',
            sql<number>`count(*)`.as('total'),
            sql<number>`count(actual_date)`.as('done'),
            sql<number>`sum(CASE WHEN planned_date <= ${today} THEN 1 ELSE 0 END)`.as('due'),
          ])
          .groupBy('project_id')
          .as('m'),
      (j) => j.onRef('m.project_id', '=', 'p.id'),
    )
    .select([
      'p.id',
      'p.code',
      'p.name',
      'p.stage',
      'p.position',
      'p.level',
      'p.category_id',
      'p.industry_tag_id',
      'p.version',
      't.id as township_id',
      't.name as township_name',
      'l.id as leader_id',
      'l.name as leader_name',
      'l.sort_order as leader_order',
      'u.id as unit_id',
      'u.name as unit_name',
      'm.total',
      'm.done',
      'm.due',
    ])
    .where(listedNow())
    .orderBy('p.position')
    .orderBy('p.id')
    .execute()
  const investment = await investmentFacts(db, today, periodOf(today))
  const facts = await lightFactsAll(db, today, rules.thresholds, undefined, investment)
  return rows.map((r): KanbanCard => {
    const light = lightOf(facts.get(r.id) ?? emptyLightFacts(), today, rules.thresholds)
    const plan = investment.plans.get(r.id) ?? 0
    return {
      id: r.id,
      code: r.code,
      name: r.name,
      stage: r.stage as Stage,
      position: r.position,
      level: r.level,
      categoryId: r.category_id,
      industryTagId: r.industry_tag_id,
      township: { id: r.township_id, name: r.township_name },
      leader: { id: r.leader_id, name: r.leader_name },
      leaderOrder: r.leader_order,
      leadUnit: { id: r.unit_id, name: r.unit_name },
      milestones: { done: Number(r.done ?? 0), due: Number(r.due ?? 0), total: Number(r.total ?? 0) },
      light: light.light,
      reasons: light.reasons,
      investmentRate: plan > 0 ? roundHalfUp(frac(investment.completed.get(r.id) ?? 0, plan), 10000) : null,
      version: r.version,
    }
  })
}

export function kanbanHandlers(deps: Deps) {
  return {
    'kanban.cards': () =>
      readTx(deps, async (db): Promise<KanbanData> => {
        const today = localToday(deps.clock())
        return { asOf: today, cards: await kanbanCards(db, today, (await readRules(db)).rules) }
      }),
  } satisfies HandlerMap
}
