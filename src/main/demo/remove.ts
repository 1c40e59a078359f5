/**
 * 删除演示数据: takes the demo district out of a database before real use, and nothing of the office's own.
 *
 * What goes — the rows the demo generator marked (demo = 1; see migration 6) and what hangs off them:
 *  - every demo project with all of its records: 包联 history, 专班 and its members, 方案 and milestones, annual
 *    plans, stage moves, monthly reports, problems, 调出/归档 records, and its audit rows (the demo's own and
 *    any edits made to it while trying the program out);
 *  - the demo's leaders, people, townships and units (and their audit rows), unless the office's own records
 *    use them (below);
 *  - months frozen while only demo projects were there (their ranking snapshots): they ranked nothing real.
 * What stays: everything the office entered itself — its projects with all their records, its leaders,
 * people and list items, the settings (operator, rules, backup folder), the milestone templates, the audit
 * rows of its own work and of months it froze. A demo leader, person, township or unit that the office's
 * records use (a township or lead unit of its project, a member of its 专班, the 包联领导 of its project or the
 * leader or unit answering for its problem) is kept and becomes the office's: its mark is cleared and its
 * name is listed in the result (`kept`).
 * Refused (RULE, nothing changed, no backup made): the database holds no demo data; or a frozen month's ranking
 * holds demo projects and the office's own together (a ranking handed out is never rewritten: unfreeze that
 * month first, 排名 → 解除封账, and freeze it again afterwards).
 * The caller makes the backup (removeDemoPlan → backup → removeDemo); one audit row (数据库 · 删除) records the
 * counts and the backup's name.
 */
import { AppError } from '../../shared/errors'
import type { DemoRemoval } from '../../shared/domain'
import type { Operator } from '../context'
import type { SqliteDb } from '../db/open'

/** The triggers that guard the four "ones" and the audit log; lifted only inside the removal's transaction. */
const GUARDS = [
  'projects_keep',
  'task_forces_keep',
  'plans_keep',
  'leader_assignments_keep',
  'audit_log_append_only_delete',
  'listing_changes_keep',
]

interface Plan {
  periods: string[]
}

const ids = (sqlite: SqliteDb, query: string): number[] =>
  (sqlite.prepare(query).all() as { id: number }[]).map((r) => r.id)

/**
 * Checks whether the demo can be removed now, without changing anything: the months to unfreeze with it.
 * Throws AppError RULE (in Chinese, saying what to do) when there is no demo data or a frozen month mixes
 * demo projects with the office's own.
 */
export function removeDemoPlan(sqlite: SqliteDb): Plan {
  const marked = sqlite
    .prepare(
      `SELECT (SELECT count(*) FROM projects WHERE demo = 1) + (SELECT count(*) FROM leaders WHERE demo = 1)
        + (SELECT count(*) FROM people WHERE demo = 1) + (SELECT count(*) FROM dict_items WHERE demo = 1) AS n`,
    )
    .get() as { n: number }
  if (marked.n === 0) throw new AppError('RULE', '数据库中没有演示数据，无需删除')
  const projectsBy = sqlite.prepare('SELECT sum(demo = 1) AS demo, sum(demo = 0) AS own FROM projects').get() as {
    demo: number | null
    own: number | null
  }
  const periods: string[] = []
  const frozen = sqlite.prepare('SELECT period, as_of FROM frozen_periods ORDER BY period').all() as {
    period: string
    as_of: string
  }[]
  for (const { period, as_of } of frozen) {
    const counts = sqlite
      .prepare(
        `SELECT sum(p.demo = 1) AS demo, sum(p.demo = 0 OR p.id IS NULL) AS own
         FROM ranking_snapshots s LEFT JOIN projects p ON p.id = s.key
         WHERE s.period = ? AND s.kind = 'project'`,
      )
      .get(period) as { demo: number | null; own: number | null }
    // A month frozen before snapshots existed ranks the projects there are now.
    const demo = as_of === '' ? (projectsBy.demo ?? 0) : (counts.demo ?? 0)
    const own = as_of === '' ? (projectsBy.own ?? 0) : (counts.own ?? 0)
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
 * Removes the demo (see the file's comment) in one transaction on the raw handle, checking again inside it
 * (removeDemoPlan), and writes the audit row as `operator` at `now` (ISO). Returns what was removed and kept;
 * `backup` is the name of the backup the caller made just before.
 */
export function removeDemo(sqlite: SqliteDb, operator: Operator, now: string, backup: string): DemoRemoval {
  const run = sqlite.transaction((): DemoRemoval => {
    const { periods } = removeDemoPlan(sqlite)
    const exec = (statement: string, ...params: unknown[]) => sqlite.prepare(statement).run(...params).changes
    sqlite.exec(`CREATE TEMP TABLE demo_projects (id INTEGER PRIMARY KEY)`)
    try {
      exec(`INSERT INTO demo_projects SELECT id FROM projects WHERE demo = 1`)
      const inDemo = (column: string) => `${column} IN (SELECT id FROM demo_projects)`
      const ownProject = `project_id NOT IN (SELECT id FROM demo_projects)`

      // Demo reference rows that the office's own records use are kept as the office's.
      const usedLeaders = `SELECT leader_id FROM leader_assignments WHERE ${ownProject}
        UNION SELECT responsible_leader_id FROM problems WHERE ${ownProject} AND responsible_leader_id IS NOT NULL`
      const usedPeople = `SELECT m.person_id FROM task_force_members m JOIN task_forces t ON t.id = m.task_force_id
        WHERE t.${ownProject}`
      const usedDicts = `SELECT township_id FROM projects WHERE demo = 0
        UNION SELECT category_id FROM projects WHERE demo = 0 AND category_id IS NOT NULL
        UNION SELECT industry_tag_id FROM projects WHERE demo = 0 AND industry_tag_id IS NOT NULL
        UNION SELECT lead_unit_id FROM task_forces WHERE ${ownProject}
        UNION SELECT category_id FROM problems WHERE ${ownProject}
        UNION SELECT responsible_unit_id FROM problems WHERE ${ownProject}`
      const keptNames = [
        ...(
          sqlite
            .prepare(`SELECT name FROM leaders WHERE demo = 1 AND id IN (${usedLeaders}) ORDER BY sort_order, id`)
            .all() as { name: string }[]
        ).map((r) => `领导「${r.name}」`),
        ...(
          sqlite.prepare(`SELECT name FROM people WHERE demo = 1 AND id IN (${usedPeople}) ORDER BY id`).all() as {
            name: string
          }[]
        ).map((r) => `人员「${r.name}」`),
        ...(
          sqlite
            .prepare(`SELECT kind, name FROM dict_items WHERE demo = 1 AND id IN (${usedDicts}) ORDER BY kind, id`)
            .all() as { kind: string; name: string }[]
        ).map((r) => `${r.kind === 'township' ? '乡镇/街道' : r.kind === 'unit' ? '单位' : ''}「${r.name}」`),
      ]
      exec(`UPDATE leaders SET demo = 0 WHERE demo = 1 AND id IN (${usedLeaders})`)
      exec(`UPDATE people SET demo = 0 WHERE demo = 1 AND id IN (${usedPeople})`)
      exec(`UPDATE dict_items SET demo = 0 WHERE demo = 1 AND id IN (${usedDicts})`)

      const leaders = ids(sqlite, `SELECT id FROM leaders WHERE demo = 1`)
      const people = ids(sqlite, `SELECT id FROM people WHERE demo = 1`)
      const dicts = ids(sqlite, `SELECT id FROM dict_items WHERE demo = 1`)
      const projects = (sqlite.prepare('SELECT count(*) AS n FROM demo_projects').get() as { n: number }).n

      // The guards go for this transaction only: a failure below rolls them back in with everything else.
      const guards = sqlite
        .prepare(
          `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (${GUARDS.map(() => '?').join(', ')})`,
        )
        .all(...GUARDS) as { sql: string }[]
      for (const name of GUARDS) sqlite.exec(`DROP TRIGGER IF EXISTS ${name}`)

      for (const period of periods) {
        exec(`DELETE FROM breakdown_snapshots WHERE period = ?`, period)
        exec(`DELETE FROM ranking_snapshots WHERE period = ?`, period)
        exec(`DELETE FROM frozen_periods WHERE period = ?`, period)
      }
      exec(`DELETE FROM audit_log WHERE ${inDemo('project_id')}`)
      const entityRows = (entity: string, list: number[]) => {
        for (let i = 0; i < list.length; i += 500) {
          const chunk = list.slice(i, i + 500)
          exec(
            `DELETE FROM audit_log WHERE entity = ? AND entity_id IN (${chunk.map(() => '?').join(', ')})`,
            entity,
            ...chunk,
          )
        }
      }
      exec(`DELETE FROM breakdown_snapshots WHERE ${inDemo('project_id')}`)
      exec(`DELETE FROM problems WHERE ${inDemo('project_id')}`)
      exec(`DELETE FROM monthly_reports WHERE ${inDemo('project_id')}`)
      exec(`DELETE FROM stage_moves WHERE ${inDemo('project_id')}`)
      exec(`DELETE FROM annual_plans WHERE ${inDemo('project_id')}`)
      exec(`DELETE FROM milestones WHERE ${inDemo('project_id')}`)
      exec(`DELETE FROM plans WHERE ${inDemo('project_id')}`)
      exec(
        `DELETE FROM task_force_members WHERE task_force_id IN (SELECT id FROM task_forces WHERE ${inDemo('project_id')})`,
      )
      exec(`DELETE FROM task_forces WHERE ${inDemo('project_id')}`)
      exec(`DELETE FROM leader_assignments WHERE ${inDemo('project_id')}`)
      exec(`DELETE FROM listing_changes WHERE ${inDemo('project_id')}`)
      exec(`DELETE FROM projects WHERE ${inDemo('id')}`)
      entityRows('leader', leaders)
      entityRows('person', people)
      entityRows('dict', dicts)
      exec(`DELETE FROM leaders WHERE demo = 1`)
      exec(`DELETE FROM people WHERE demo = 1`)
      exec(`DELETE FROM dict_items WHERE demo = 1`)
      for (const { sql } of guards) sqlite.exec(sql)

      const result: DemoRemoval = {
        projects,
        leaders: leaders.length,
        people: people.length,
        dictItems: dicts.length,
        frozenMonths: periods,
        kept: keptNames,
        backup,
      }
      sqlite
        .prepare(
          `INSERT INTO audit_log (at, operator, operator_unit, user_id, entity, entity_id, project_id, action, field,
            old_value, new_value, note) VALUES (?, ?, ?, ?, 'database', 0, NULL, 'delete', NULL, NULL, NULL, ?)`,
        )
        .run(now, operator.name, operator.unit, operator.userId, removalNote(result))
      return result
    } finally {
      sqlite.exec('DROP TABLE temp.demo_projects')
    }
  })
  return run.immediate()
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
