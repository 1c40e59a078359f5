/**
 * Lost writes: after the server has stopped, every write it acknowledged is looked for in the database with a
 * connection of its own (not through the server or the App): the milestone done on its date at its version, the
 * month's report with the figure and version of its last acknowledged save, the problem with its text.
 */
import pg from 'pg'
import type { Acknowledged } from './users'

export interface LostWrite {
  kind: 'milestone' | 'report' | 'problem'
  key: string
  found: string
}

export interface Verification {
  checked: { milestones: number; reports: number; problems: number }
  lost: LostWrite[]
  /** Reports whose last acknowledged save was followed by an unanswered one that the server made after all. */
  supersededByUnanswered: number
}

export async function verifyWrites(url: string, ack: Acknowledged): Promise<Verification> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const lost: LostWrite[] = []
  let superseded = 0
  try {
    const milestones = await client.query<{ id: number; actual_date: string | null; version: number }>(
      'SELECT id, actual_date, version FROM milestones WHERE id = ANY($1::int[])',
      [ack.milestones.map((m) => m.id)],
    )
    const byId = new Map(milestones.rows.map((r) => [r.id, r]))
    for (const m of ack.milestones) {
      const row = byId.get(m.id)
      // Only this user wrote this milestone during the run: its version is exactly the acknowledged one.
      if (!row || row.actual_date !== m.actualDate || row.version !== m.version)
        lost.push({
          kind: 'milestone',
          key: `milestone ${m.id} done ${m.actualDate} v${m.version}`,
          found: row ? `actual_date ${row.actual_date} v${row.version}` : 'no row',
        })
    }
    const reports = [...ack.reports.values()]
    const rows = await client.query<{ project_id: number; period: string; investment: string; version: number }>(
      `SELECT project_id, period, investment::text AS investment, version FROM monthly_reports
        WHERE (project_id, period) IN (SELECT * FROM unnest($1::int[], $2::text[]))`,
      [reports.map((r) => r.projectId), reports.map((r) => r.period)],
    )
    const byKey = new Map(rows.rows.map((r) => [`${r.project_id} ${r.period}`, r]))
    for (const r of reports) {
      const row = byKey.get(`${r.projectId} ${r.period}`)
      // An unanswered save made after the acknowledged one: a newer version with that save's figure.
      const later = ack.unanswered.get(`${r.projectId} ${r.period}`) ?? []
      if (row && row.version > r.version && later.includes(Number(row.investment))) {
        superseded++
        continue
      }
      if (!row || Number(row.investment) !== r.investment || row.version !== r.version)
        lost.push({
          kind: 'report',
          key: `report ${r.projectId} ${r.period} = ${r.investment} v${r.version}`,
          found: row ? `${row.investment} v${row.version}` : 'no row',
        })
    }
    const problems = await client.query<{ id: number; project_id: number; description: string }>(
      'SELECT id, project_id, description FROM problems WHERE id = ANY($1::int[])',
      [ack.problems.map((p) => p.id)],
    )
    const problemById = new Map(problems.rows.map((r) => [r.id, r]))
    for (const p of ack.problems) {
      const row = problemById.get(p.id)
      if (!row || row.project_id !== p.projectId || row.description !== p.description)
        lost.push({
          kind: 'problem',
          key: `problem ${p.id} of project ${p.projectId}`,
          found: row ? `project ${row.project_id}: ${row.description}` : 'no row',
        })
    }
  } finally {
    await client.end()
  }
  return {
    checked: { milestones: ack.milestones.length, reports: ack.reports.size, problems: ack.problems.length },
    lost,
    supersededByUnanswered: superseded,
  }
}
