/**
 * Who the simulated users are. A county's people at work before the 调度会: mostly 专班成员 updating their own
 * project, some 县领导 looking at theirs, a few of the 重点项目办. Each 专班成员 account is linked to a person of
 * one project's 专班, and no two of them share that project: every write of the run is on the writer's own
 * project (anything else is FORBIDDEN) and no two users write the same record (a CONFLICT between two people
 * saving the same form is real, but not what this measures). The project is in the login name (m<projectId>), so
 * a copy of the template database says who is who without a file beside it.
 */
import pg from 'pg'
import type { App } from '../../src/main/app'

/** The password every load account has after its first login changed the initial one. */
export const LOAD_PASSWORD = 'Load#2026ok'
const INITIAL_PASSWORD = 'Init#2026ok'
export const ADMIN_LOGIN = 'loadadmin'

export type Player =
  | { kind: 'member'; login: string; projectId: number }
  | { kind: 'leader'; login: string; leaderId: number }
  | { kind: 'office'; login: string }

/** The role mix: about 12 % 县领导, 3 % 重点项目办 (at least one each), the rest 专班成员. */
export function roleMix(users: number) {
  const leaders = Math.max(1, Math.round(users * 0.12))
  const office = Math.max(1, Math.round(users * 0.03))
  return { leaders, office, members: users - leaders - office }
}

/**
 * Creates the accounts in the freshly generated database `app` (url: the same database, for the lookups): the
 * first administrator, then the players, each logged in once and its initial password changed (as a new account
 * must before it may do anything else), so that the run's logins are ordinary ones.
 */
export async function createAccounts(app: App, url: string, users: number): Promise<void> {
  const mix = roleMix(users)
  await app.call('auth.setup', {
    login: ADMIN_LOGIN,
    name: '压测管理员',
    unit: '市重点项目办',
    password: LOAD_PASSWORD,
    alsoOffice: false,
  })
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    // The projects with the most open milestones: their 专班成员 have something to complete for the whole run.
    const projects = await client.query<{ project_id: number; person_id: number; name: string; unit: string }>(
      `WITH open AS (
         SELECT project_id, count(*) AS n FROM milestones WHERE actual_date IS NULL GROUP BY project_id
       )
       SELECT tf.project_id, m.person_id, p.name, p.unit
         FROM open JOIN task_forces tf ON tf.project_id = open.project_id
         JOIN task_force_members m ON m.task_force_id = tf.id JOIN people p ON p.id = m.person_id
        ORDER BY open.n DESC, tf.project_id, (m.role = 'head'), m.id`,
    )
    const usedProjects = new Set<number>()
    const usedPeople = new Set<number>()
    const members: { projectId: number; personId: number; name: string; unit: string }[] = []
    for (const row of projects.rows) {
      if (members.length >= mix.members) break
      if (usedProjects.has(row.project_id) || usedPeople.has(row.person_id)) continue
      usedProjects.add(row.project_id)
      usedPeople.add(row.person_id)
      members.push({ projectId: row.project_id, personId: row.person_id, name: row.name, unit: row.unit })
    }
    if (members.length < mix.members)
      throw new Error(`only ${members.length} projects with a free 专班 person for ${mix.members} members`)
    const leaders = await client.query<{ id: number; name: string; unit: string }>(
      `SELECT l.id, l.name, l.unit FROM leaders l
        WHERE l.active = 1 AND EXISTS (SELECT 1 FROM leader_assignments a WHERE a.leader_id = l.id AND a.end_date IS NULL)
        ORDER BY l.sort_order, l.id LIMIT $1`,
      [mix.leaders],
    )
    if (leaders.rows.length < mix.leaders) throw new Error(`only ${leaders.rows.length} leaders with projects`)
    const accounts = [
      ...members.map((m) => ({
        login: `m${m.projectId}`,
        name: m.name,
        unit: m.unit || '专班',
        roles: ['member' as const],
        personId: m.personId,
      })),
      ...leaders.rows.map((l) => ({
        login: `l${l.id}`,
        name: l.name,
        unit: l.unit || '县委',
        roles: ['leader' as const],
        leaderId: l.id,
      })),
      ...Array.from({ length: mix.office }, (_, i) => ({
        login: `o${i + 1}`,
        name: `项目办${i + 1}`,
        unit: '市重点项目办',
        roles: ['office' as const],
      })),
    ]
    for (const account of accounts) {
      await app.call('user.create', { ...account, password: INITIAL_PASSWORD })
      const from = { kind: 'session' as const, slot: { token: null }, source: '压测准备' }
      await app.call('auth.login', { login: account.login, password: INITIAL_PASSWORD }, from)
      await app.call('auth.changePassword', { oldPassword: INITIAL_PASSWORD, password: LOAD_PASSWORD }, from)
      await app.call('auth.logout', {}, from)
    }
  } finally {
    await client.end()
  }
}

/** What the players need to know of the database: who they are, and the lists a problem form picks from. */
export interface Cast {
  players: Player[]
  problemCategoryIds: number[]
  unitIds: number[]
}

/** Reads the cast back from a database made by createAccounts (or a copy of it). */
export async function readCast(url: string): Promise<Cast> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const users = await client.query<{ login: string; leader_id: number | null; role: string }>(
      `SELECT u.login, u.leader_id, r.role FROM users u JOIN user_roles r ON r.user_id = u.id
        WHERE u.login <> $1 ORDER BY u.id`,
      [ADMIN_LOGIN],
    )
    const players: Player[] = users.rows.map((u) =>
      u.role === 'member'
        ? { kind: 'member', login: u.login, projectId: Number(u.login.slice(1)) }
        : u.role === 'leader'
          ? { kind: 'leader', login: u.login, leaderId: u.leader_id! }
          : { kind: 'office', login: u.login },
    )
    const dict = async (kind: string) =>
      (
        await client.query<{ id: number }>('SELECT id FROM dict_items WHERE kind = $1 AND active = 1 ORDER BY id', [
          kind,
        ])
      ).rows.map((r) => r.id)
    return { players, problemCategoryIds: await dict('problem_category'), unitIds: await dict('unit') }
  } finally {
    await client.end()
  }
}
