/**
 * The county server's long jobs (store/jobs.ts) in the `jobs` table: the process running a job writes its
 * progress and a sign of life there every SYNC_MS and reads back a cancel; any process answers a page's
 * progress question from the row. A job whose process stopped (killed mid-import: its transaction rolled back)
 * is not heard of again: after STALE_MS it no longer counts as running, and its owner may start another.
 * Its writes are a login's kind of bookkeeping: they keep the data version.
 */
import crypto from 'node:crypto'
import type { ExpressionBuilder, Kysely } from 'kysely'
import { AppError } from '../../../shared/errors'
import type { Database } from '../../db/schema'
import { ALREADY_RUNNING, type JobBoard, type JobProgress, type RunningJob } from '../jobs'

/** How often a running job's progress is written and its cancel read. */
export const SYNC_MS = 300
/** A job not heard of for this long is over (its process went away). */
export const STALE_MS = 10_000

type Write = <T>(fn: (db: Kysely<Database>) => Promise<T>) => Promise<T>

interface TableJob extends RunningJob {
  id: string
  timer: NodeJS.Timeout
}

export class TableJobBoard implements JobBoard {
  /** `db`: single statements; `write`: a transaction that keeps the data version. */
  constructor(
    private readonly db: () => Kysely<Database>,
    private readonly write: Write,
  ) {}

  private ownerIs(owner: number | null) {
    return (eb: ExpressionBuilder<Database, 'jobs'>) =>
      owner === null ? eb('user_id', 'is', null) : eb('user_id', '=', owner)
  }

  async start(owner: number | null, kind: string, total: number): Promise<RunningJob> {
    const id = crypto.randomBytes(12).toString('base64url')
    const now = Date.now()
    await this.write(async (db) => {
      await db
        .deleteFrom('jobs')
        .where('beat', '<', now - STALE_MS)
        .execute()
      const running = await db.selectFrom('jobs').select('id').where(this.ownerIs(owner)).executeTakeFirst()
      if (running) throw new AppError('RULE', ALREADY_RUNNING)
      await db.insertInto('jobs').values({ id, user_id: owner, kind, total, beat: now }).execute()
    })
    const job: TableJob = {
      id,
      owner,
      done: 0,
      total,
      cancelled: false,
      timer: setInterval(() => void this.sync(job).catch(() => {}), SYNC_MS),
    }
    return job
  }

  /** Writes the job's progress and sign of life; reads back whether its owner asked it to stop. */
  private async sync(job: TableJob): Promise<void> {
    const row = await this.db()
      .updateTable('jobs')
      .set({ done: job.done, total: job.total, beat: Date.now() })
      .where('id', '=', job.id)
      .returning('cancelled')
      .executeTakeFirst()
    if (row?.cancelled) job.cancelled = true
  }

  async finish(job: RunningJob): Promise<void> {
    const own = job as TableJob
    clearInterval(own.timer)
    await this.db().deleteFrom('jobs').where('id', '=', own.id).execute()
  }

  async progress(owner: number | null): Promise<JobProgress> {
    const row = await this.db()
      .selectFrom('jobs')
      .select(['done', 'total'])
      .where(this.ownerIs(owner))
      .where('beat', '>=', Date.now() - STALE_MS)
      .executeTakeFirst()
    return row ? { running: true, done: row.done, total: row.total } : { running: false, done: 0, total: 0 }
  }

  async cancel(owner: number | null): Promise<{ cancelled: boolean }> {
    const rows = await this.db()
      .updateTable('jobs')
      .set({ cancelled: 1 })
      .where(this.ownerIs(owner))
      .where('beat', '>=', Date.now() - STALE_MS)
      .returning('id')
      .execute()
    return { cancelled: rows.length > 0 }
  }
}
