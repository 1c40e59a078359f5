/**
 * The kanban's data (every listed project as a card with progress and its light as of today, in one call), and
 * a move on it: to another column (a 五个一批 stage move, dated, with its effect on the actual dates) or to
 * another place in the same column.
 */
import { sql, type Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import { actualDateErrors, refuseImpossible } from '../../shared/date-checks'
import { STAGE_LABELS } from '../../shared/domain'
import { placeBefore } from '../../shared/rules/positions'
import { datesAfterMove } from '../../shared/rules/stage-move'
import { audit, diff, text } from '../audit'
import { writeTx } from '../context'
import { toProject } from '../mappers'
import { checkVersion, must } from './common'
import { localToday, periodOf, type IsoDate } from '../../shared/dates'
import { roundHalfUp, frac } from '../../shared/rules/fraction'
import { lightOf } from '../../shared/rules/lights'
import type { KanbanBoard, KanbanCard, KanbanColumnPage, KanbanData } from '../../shared/rules/types'
import { STAGES, type Rules, type Stage } from '../../shared/domain'
import type { KanbanFilters } from '../../shared/schemas'
import type { Caller } from '../../shared/accounts'
import { readDataVersion } from '../store/data-version'
import { myProjectIds } from '../auth/mine'
import type { Database } from '../db/schema'
import { readTx, type Deps } from '../context'

const stageText = (s: Stage) => STAGE_LABELS[s]
import type { HandlerMap } from '../handler-types'
import { emptyLightFacts, investmentFacts, lightFactsAll, listedNow } from '../ranking/facts'
import { readRules } from './settings'
import { projectsWithOwners } from './common'

/**
 * Every project on the key-project list (not 调出 or 归档) as a card, with its light as of `today`, in board order;
 * of the projects `ids` only, when given (those of them still on the list).
 */
export async function kanbanCards(
  db: Kysely<Database>,
  today: IsoDate,
  rules: Rules,
  ids?: readonly number[],
): Promise<KanbanCard[]> {
  const only = ids ? (ids.length ? [...ids] : [0]) : null
  const rows = await projectsWithOwners(db)
    // One grouped pass over the milestones for all cards.
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('milestones')
          .$if(only !== null, (q) => q.where('project_id', 'in', only!))
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
    .$if(only !== null, (q) => q.where('p.id', 'in', only!))
    .orderBy('p.position')
    .orderBy('p.id')
    .execute()
  const investment = await investmentFacts(db, today, periodOf(today), only ?? undefined)
  const facts = await lightFactsAll(db, today, rules.thresholds, only ?? undefined, investment)
  return rows.map((r): KanbanCard => {
    const light = lightOf(facts.get(r.id) ?? emptyLightFacts(), today, rules.thresholds)
    const plan = investment.plans.get(r.id) ?? 0
    return {
      id: r.id,
      code: r.code,
      name: r.name,
      stage: r.stage,
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

/**
 * Today's cards, computed once per data version (versioned-cache.ts): every filter, count and window of the
 * board is answered from them. `db` is the caller's read transaction.
 */
export async function todaysCards(
  deps: Deps,
  db: Kysely<Database>,
  today: IsoDate,
  version: number,
): Promise<KanbanCard[]> {
  return deps.boards.get(
    today,
    version,
    async () => kanbanCards(db, today, (await readRules(db)).rules),
    async (kept, touched) =>
      replaceCards(kept, touched, await kanbanCards(db, today, (await readRules(db)).rules, [...touched])),
  )
}

/**
 * `cards` with those of the projects `touched` replaced by `fresh` (theirs as now; a project gone from the list
 * has none), in board order: position, then id, as kanbanCards orders them.
 */
export function replaceCards(cards: KanbanCard[], touched: Set<number>, fresh: KanbanCard[]): KanbanCard[] {
  return cards
    .filter((c) => !touched.has(c.id))
    .concat(fresh)
    .sort((a, b) => a.position - b.position || a.id - b.id)
}

/** The cards matching the board's filters, in board order. */
function matching(cards: KanbanCard[], f: KanbanFilters, own: Set<number> | null): KanbanCard[] {
  const text = f.text.toLowerCase()
  return cards.filter(
    (c) =>
      (f.leaderId === undefined || c.leader.id === f.leaderId) &&
      (f.townshipId === undefined || c.township.id === f.townshipId) &&
      (f.unitId === undefined || c.leadUnit.id === f.unitId) &&
      (f.level === undefined || c.level === f.level) &&
      (f.categoryId === undefined || c.categoryId === f.categoryId) &&
      (f.light === undefined || c.light === f.light) &&
      (!own || own.has(c.id)) &&
      (!text || c.name.toLowerCase().includes(text) || c.code.toLowerCase().includes(text)),
  )
}

const noCards = (): Record<Stage, number> => Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>

export function kanbanHandlers(deps: Deps) {
  /** Today, the data version and the cards matching `f`, read on one snapshot. */
  async function board(db: Kysely<Database>, f: KanbanFilters, caller: Caller | null) {
    const today = localToday(deps.clock())
    const version = await readDataVersion(db)
    const own = f.mine && caller ? await myProjectIds(db, caller) : null
    return { today, version, cards: matching(await todaysCards(deps, db, today, version), f, own) }
  }

  return {
    'kanban.board': (input, { caller }) =>
      readTx(deps, async (db): Promise<KanbanBoard> => {
        const { today, version, cards } = await board(db, input, caller)
        const stages = noCards()
        const lanes = new Map<number, { leader: { id: number; name: string }; order: number; stages: typeof stages }>()
        for (const c of cards) {
          stages[c.stage]++
          if (!input.lanes) continue
          let lane = lanes.get(c.leader.id)
          if (!lane) lanes.set(c.leader.id, (lane = { leader: c.leader, order: c.leaderOrder, stages: noCards() }))
          lane.stages[c.stage]++
        }
        return {
          asOf: today,
          version,
          total: cards.length,
          stages,
          lanes: [...lanes.values()]
            .sort((a, b) => a.order - b.order || a.leader.id - b.leader.id)
            .slice(input.laneOffset, input.laneOffset + input.laneLimit)
            .map(({ leader, stages }) => ({ leader, stages })),
          laneTotal: lanes.size,
        }
      }),

    'kanban.column': ({ stage, offset, limit, ...filters }, { caller }) =>
      readTx(deps, async (db): Promise<KanbanColumnPage> => {
        const { today, version, cards } = await board(db, filters, caller)
        const column = cards.filter((c) => c.stage === stage)
        return { asOf: today, version, total: column.length, rows: column.slice(offset, offset + limit) }
      }),

    'kanban.cards': ({ offset, limit }) =>
      readTx(deps, async (db): Promise<KanbanData> => {
        const today = localToday(deps.clock())
        const cards = await todaysCards(deps, db, today, await readDataVersion(db))
        return { asOf: today, cards: cards.slice(offset, offset + limit) }
      }),

    'project.move': ({ id, version, toStage, beforeId, date }) =>
      writeTx(deps, async (w) => {
        const before = must(
          await w.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst(),
          '项目',
          id,
        )
        checkVersion(before, version, `项目「${before.name}」`)
        if (beforeId === id) throw new AppError('RULE', '不能把项目放在它自己前面')
        const movedOn = date ?? w.today
        if (movedOn > w.today) throw new AppError('RULE', '「变更日期」不能晚于今天')
        const column = await w.db
          .selectFrom('projects')
          .select(['id', 'position'])
          .where('stage', '=', toStage)
          .where('id', '!=', id)
          .orderBy('position')
          .orderBy('id')
          .execute()
        const placed = placeBefore(column, id, beforeId ?? null)
        if (!placed)
          throw new AppError(
            'RULE',
            `目标位置的项目（编号 ${beforeId}）不在「${STAGE_LABELS[toStage]}」阶段，请刷新看板后重试`,
          )
        // No room left between the neighbours: the column renumbered with fresh gaps (rare; one statement each).
        for (const p of placed.renumbered) {
          await w.db.updateTable('projects').set({ position: p.position }).where('id', '=', p.id).execute()
          w.touched?.add(p.id) // their place on the board changed too (the kept cards, the open pages)
        }
        const position = placed.position
        const stageChanged = toStage !== before.stage
        const { actualStart, actualEnd } = datesAfterMove(before.stage, toStage, movedOn, {
          actualStart: before.actual_start,
          actualEnd: before.actual_end,
        })
        if (stageChanged) {
          refuseImpossible(actualDateErrors({ actualStart, actualEnd }))
          await w.db
            .insertInto('stage_moves')
            .values({
              project_id: id,
              from_stage: before.stage,
              to_stage: toStage,
              moved_on: movedOn,
              operator: w.operator.name,
              created_at: w.now,
            })
            .execute()
        }
        await w.db
          .updateTable('projects')
          .set({
            stage: toStage,
            position,
            actual_start: actualStart,
            actual_end: actualEnd,
            updated_at: w.now,
            version: sql`version + 1`,
          })
          .where('id', '=', id)
          .execute()
        const after = { stage: toStage, actualStart, actualEnd }
        await audit(w, {
          entity: 'project',
          entityId: id,
          projectId: id,
          action: stageChanged ? 'move' : 'reorder',
          changes: stageChanged
            ? diff({ stage: before.stage, actualStart: before.actual_start, actualEnd: before.actual_end }, after, {
                stage: stageText,
                actualStart: text,
                actualEnd: text,
              })
            : [{ field: 'position', old: String(before.position), new: String(position) }],
          note: stageChanged ? `变更日期 ${movedOn}` : '',
        })
        return toProject(await w.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow())
      }),
  } satisfies HandlerMap
}
