/**
 * 删除演示数据: takes the demo district out of a database before real use, and nothing of the office's own.
 *
 * What goes — the rows the demo generator marked (demo = 1; see migration 6) and what hangs off them:
 *  - every demo project with all of its records: 包联 history, 专班 and its members, 方案 and milestones, annual
 *    plans, stage moves, monthly reports, problems, 调出/归档 records, 领导批示 on it, and its audit rows (the
 *    demo's own and any edits made to it while trying the program out);
 *  - the demo's leaders, people, townships and units (and their audit rows), unless the office's own records
 *    use them (below);
 *  - months frozen while only demo projects were there (their ranking snapshots): they ranked nothing real.
 * What stays: everything the office entered itself — its projects with all their records, its leaders,
 * people and list items, the settings (operator, rules, backup folder), the milestone templates, the audit
 * rows of its own work and of months it froze. A demo leader, person, township or unit that the office's
 * records use (a township or lead unit of its project, a member of its 专班, the 包联领导 of its project or the
 * leader or unit answering for its problem, the leader of a 批示 on its project, a leader, person or unit an
 * account is linked to) is kept and becomes the office's: its mark is cleared and its
 * name is listed in the result (`kept`).
 * Refused (RULE, nothing changed, no backup made): the database holds no demo data; or a frozen month's ranking
 * holds demo projects and the office's own together (a ranking handed out is never rewritten: unfreeze that
 * month first, 排名 → 解除封账, and freeze it again afterwards).
 * The caller makes the backup first (removeDemoPlan → backup → removeDemo: a copy of the file, or a pg_dump of
 * the server database). One audit row (数据库 · 删除) records the counts and the backup's name.
 * Portable SQL on either store, in one write transaction, the guards lifted inside it only
 * (`Dialect.withTriggersOff`).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { AppError } from '../../shared/errors'
import type { DemoRemoval } from '../../shared/domain'
import type { Operator } from '../context'
import type { Database } from '../db/schema'
import type { Store } from '../store/port'

/** The triggers that guard the four "ones" and the audit log; lifted only inside the removal's transaction. */
const GUARDS = [
  'projects_keep',
  'task_forces_keep',
  'plans_keep',
  'leader_assignments_keep',
  'audit_log_append_only_delete',
  'listing_changes_keep',
  'instructions_keep',
]

interface Plan {
  periods: string[]
}

/** The first row's `n` of a count (a number on both stores). */
const count = async (db: Kysely<Database>, query: RawBuilder<unknown>): Promise<number> =>
  Number(((await query.execute(db)).rows[0] as { n: number } | undefined)?.n ?? 0)

/**
 * Checks whether the demo can be removed now, without changing anything: the months to unfreeze with it.
 * Throws AppError RULE (in Chinese, saying what to do) when there is no demo data or a frozen month mixes
 * demo projects with the office's own.
 */
export async function removeDemoPlan(db: Kysely<Database>): Promise<Plan> {
  const marked = await count(
    db,
    sql`SELECT (SELECT count(*) FROM projects WHERE demo = 1) + (SELECT count(*) FROM leaders WHERE demo = 1)
      + (SELECT count(*) FROM people WHERE demo = 1) + (SELECT count(*) FROM dict_items WHERE demo = 1) AS n`,
  )
  if (marked === 0) throw new AppError('RULE', '数据库中没有演示数据，无需删除')
  const projectsBy = (
    await sql<{ demo: number; own: number }>`SELECT count(CASE WHEN demo = 1 THEN 1 END) AS demo,
      count(CASE WHEN demo = 0 THEN 1 END) AS own FROM projects`.execute(db)
  ).rows[0]!
  const periods: string[] = []
  const frozen = await db.selectFrom('frozen_periods').select(['period', 'as_of']).orderBy('period').execute()
  for (const { period, as_of } of frozen) {
    const counts = (
      await sql<{ demo: number; own: number }>`
        SELECT count(CASE WHEN p.demo = 1 THEN 1 END) AS demo, count(CASE WHEN p.demo = 0 OR p.id IS NULL THEN 1 END) AS own
        FROM ranking_snapshots s LEFT JOIN projects p ON p.id = s.key
        WHERE s.period = ${period} AND s.kind = 'project'`.execute(db)
    ).rows[0]!
    // A month frozen before snapshots existed ranks the projects there are now.
    const demo = Number(as_of === '' ? projectsBy.demo : counts.demo)
    const own = Number(as_of === '' ? projectsBy.own : counts.own)
    if (demo > 0 && own > 0)
      throw new AppError(
        'RULE',
        `${period.replace('-', '年')}月已封账，其排名中既有演示项目也有本单位录入的项目，封账的排名不能改写。` +
          '请先在「排名」中解除该月封账，删除演示数据后再重新封账',
      )
    if (demo > 0) periods.push(period)
  }
  return { periods }
}

/**
 * Removes the demo (see the file's comment) as one write transaction of `store`, checking again inside it
 * (removeDemoPlan), and writes the audit row as `operator` at `now` (ISO). Returns what was removed and kept;
 * `backup` is the name of the backup the caller made just before.
 */
export function removeDemo(store: Store, operator: Operator, now: string, backup: string): Promise<DemoRemoval> {
  // On PostgreSQL `write` may run this again after a serialization failure: database work only.
  return store.write(async (db) => {
    const { periods } = await removeDemoPlan(db)
    const run = (query: RawBuilder<unknown>) => query.execute(db)
    // The demo's projects until they go (the last of the deletes below): their ids never change meanwhile.
    const demoProjects = sql`SELECT id FROM projects WHERE demo = 1`
    const inDemo = (column: string) => sql`${sql.ref(column)} IN (${demoProjects})`
    const ownProject = sql`project_id NOT IN (${demoProjects})`

    // Demo reference rows that the office's own records use are kept as the office's.
    // (An account linked to a demo leader, person or unit is the office's own record too, and so is a 批示
    // its leader gave on the office's project.)
    const usedLeaders = sql`SELECT leader_id FROM leader_assignments WHERE ${ownProject}
      UNION SELECT responsible_leader_id FROM problems WHERE ${ownProject} AND responsible_leader_id IS NOT NULL
      UNION SELECT leader_id FROM instructions WHERE ${ownProject}
      UNION SELECT leader_id FROM users WHERE leader_id IS NOT NULL`
    const usedPeople = sql`SELECT m.person_id FROM task_force_members m JOIN task_forces t ON t.id = m.task_force_id
      WHERE t.${ownProject} UNION SELECT person_id FROM users WHERE person_id IS NOT NULL`
    const usedDicts = sql`SELECT township_id FROM projects WHERE demo = 0
      UNION SELECT category_id FROM projects WHERE demo = 0 AND category_id IS NOT NULL
      UNION SELECT industry_tag_id FROM projects WHERE demo = 0 AND industry_tag_id IS NOT NULL
      UNION SELECT lead_unit_id FROM task_forces WHERE ${ownProject}
      UNION SELECT category_id FROM problems WHERE ${ownProject}
      UNION SELECT responsible_unit_id FROM problems WHERE ${ownProject}
      UNION SELECT unit_id FROM users WHERE unit_id IS NOT NULL`
    const names = async <T>(query: RawBuilder<unknown>) => (await query.execute(db)).rows as T[]
    const keptNames = [
      ...(
        await names<{ name: string }>(
          sql`SELECT name FROM leaders WHERE demo = 1 AND id IN (${usedLeaders}) ORDER BY sort_order, id`,
        )
      ).map((r) => `领导「${r.name}」`),
      ...(
        await names<{ name: string }>(sql`SELECT name FROM people WHERE demo = 1 AND id IN (${usedPeople}) ORDER BY id`)
      ).map((r) => `人员「${r.name}」`),
      ...(
        await names<{ kind: string; name: string }>(
          sql`SELECT kind, name FROM dict_items WHERE demo = 1 AND id IN (${usedDicts}) ORDER BY kind, id`,
        )
      ).map((r) => `${r.kind === 'township' ? '乡镇/街道' : r.kind === 'unit' ? '单位' : ''}「${r.name}」`),
    ]
    await run(sql`UPDATE leaders SET demo = 0 WHERE demo = 1 AND id IN (${usedLeaders})`)
    await run(sql`UPDATE people SET demo = 0 WHERE demo = 1 AND id IN (${usedPeople})`)
    await run(sql`UPDATE dict_items SET demo = 0 WHERE demo = 1 AND id IN (${usedDicts})`)

    const leaders = await count(db, sql`SELECT count(*) AS n FROM leaders WHERE demo = 1`)
    const people = await count(db, sql`SELECT count(*) AS n FROM people WHERE demo = 1`)
    const dicts = await count(db, sql`SELECT count(*) AS n FROM dict_items WHERE demo = 1`)
    const projects = await count(db, sql`SELECT count(*) AS n FROM projects WHERE demo = 1`)

    // The guards go for this transaction only: a failure below rolls them back in with everything else.
    await store.dialect.withTriggersOff(db, GUARDS, async () => {
      for (const period of periods) {
        await run(sql`DELETE FROM breakdown_snapshots WHERE period = ${period}`)
        await run(sql`DELETE FROM ranking_snapshots WHERE period = ${period}`)
        await run(sql`DELETE FROM frozen_periods WHERE period = ${period}`)
      }
      await run(sql`DELETE FROM audit_log WHERE ${inDemo('project_id')}`)
      // Files attached while trying the program out (their bytes go with them: ON DELETE CASCADE).
      await run(sql`DELETE FROM attachments WHERE ${inDemo('project_id')}`)
      await run(sql`DELETE FROM reminders WHERE ${inDemo('project_id')}`)
      await run(
        sql`DELETE FROM instruction_answers WHERE instruction_id IN (SELECT id FROM instructions WHERE ${inDemo('project_id')})`,
      )
      // 批示 given on a demo project while trying the program out go with it (as its audit rows do).
      await run(sql`DELETE FROM instructions WHERE ${inDemo('project_id')}`)
      await run(sql`DELETE FROM breakdown_snapshots WHERE ${inDemo('project_id')}`)
      await run(sql`DELETE FROM problems WHERE ${inDemo('project_id')}`)
      await run(sql`DELETE FROM monthly_reports WHERE ${inDemo('project_id')}`)
      await run(sql`DELETE FROM stage_moves WHERE ${inDemo('project_id')}`)
      await run(sql`DELETE FROM annual_plans WHERE ${inDemo('project_id')}`)
      await run(sql`DELETE FROM milestones WHERE ${inDemo('project_id')}`)
      await run(sql`DELETE FROM plans WHERE ${inDemo('project_id')}`)
      await run(
        sql`DELETE FROM task_force_members WHERE task_force_id IN (SELECT id FROM task_forces WHERE ${inDemo('project_id')})`,
      )
      await run(sql`DELETE FROM task_forces WHERE ${inDemo('project_id')}`)
      await run(sql`DELETE FROM leader_assignments WHERE ${inDemo('project_id')}`)
      await run(sql`DELETE FROM listing_changes WHERE ${inDemo('project_id')}`)
      await run(sql`DELETE FROM projects WHERE demo = 1`)
      await run(
        sql`DELETE FROM audit_log WHERE entity = 'leader' AND entity_id IN (SELECT id FROM leaders WHERE demo = 1)`,
      )
      await run(
        sql`DELETE FROM audit_log WHERE entity = 'person' AND entity_id IN (SELECT id FROM people WHERE demo = 1)`,
      )
      await run(
        sql`DELETE FROM audit_log WHERE entity = 'dict' AND entity_id IN (SELECT id FROM dict_items WHERE demo = 1)`,
      )
      await run(sql`DELETE FROM leaders WHERE demo = 1`)
      await run(sql`DELETE FROM people WHERE demo = 1`)
      await run(sql`DELETE FROM dict_items WHERE demo = 1`)
    })

    const result: DemoRemoval = {
      projects,
      leaders,
      people,
      dictItems: dicts,
      frozenMonths: periods,
      kept: keptNames,
      backup,
    }
    await db
      .insertInto('audit_log')
      .values({
        at: now,
        operator: operator.name,
        operator_unit: operator.unit,
        user_id: operator.userId,
        entity: 'database',
        entity_id: 0,
        project_id: null,
        action: 'delete',
        field: null,
        old_value: null,
        new_value: null,
        note: removalNote(result),
      })
      .execute()
    return result
  })
}

/** The audit row's note: what went, what stayed, the backup. */
export function removalNote(r: DemoRemoval): string {
  return (
    `删除演示数据：${r.projects}个项目、${r.leaders}名领导、${r.people}名人员、${r.dictItems}个乡镇/单位` +
    (r.frozenMonths.length ? `，解除${r.frozenMonths.join('、')}的封账（只含演示项目）` : '') +
    (r.kept.length ? `；本单位数据在用而保留：${r.kept.join('、')}` : '') +
    `；删除前已备份为「${r.backup}」`
  )
}
