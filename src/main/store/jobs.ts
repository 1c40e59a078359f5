/**
 * Long jobs (an Excel import): whose they are, how far they have got, and a request to stop one. A job belongs
 * to the account that started it (null: the command line): each account sees only its own and may run one at a
 * time, so two users importing at once do not meet. The single PC keeps them in its one process's memory (this
 * file); the county server keeps them in PostgreSQL (postgres/jobs.ts), so that a page asking another server
 * process sees the same progress and a cancel reaches the process that runs the job.
 *
 * The running job's `done` and `cancelled` are read and written by the job's own loop between rows (no I/O
 * there); a board carries them to and from where others look.
 */
import { AppError } from '../../shared/errors'

export interface JobProgress {
  running: boolean
  done: number
  total: number
}

export interface RunningJob {
  readonly owner: number | null
  done: number
  total: number
  /** Set when the owner asked to stop: the job's next step throws (its transaction rolls back). */
  cancelled: boolean
}

export interface JobBoard {
  /** Starts `owner`'s job of `total` steps; RULE when the owner has one running already. */
  start(owner: number | null, kind: string, total: number): Promise<RunningJob>
  /** The job is over (done, failed or cancelled). */
  finish(job: RunningJob): Promise<void>
  /** `owner`'s running job, if any. */
  progress(owner: number | null): Promise<JobProgress>
  /** Asks `owner`'s running job to stop; whether there was one. */
  cancel(owner: number | null): Promise<{ cancelled: boolean }>
}

export const ALREADY_RUNNING = '您已有一个导入正在进行，请等它完成后再导入'

/** The single PC's board: its jobs in this process's memory, one per owner. */
export class MemoryJobBoard implements JobBoard {
  private readonly jobs = new Map<number | null, RunningJob>()

  async start(owner: number | null, _kind: string, total: number): Promise<RunningJob> {
    if (this.jobs.has(owner)) throw new AppError('RULE', ALREADY_RUNNING)
    const job: RunningJob = { owner, done: 0, total, cancelled: false }
    this.jobs.set(owner, job)
    return job
  }

  async finish(job: RunningJob): Promise<void> {
    if (this.jobs.get(job.owner) === job) this.jobs.delete(job.owner)
  }

  async progress(owner: number | null): Promise<JobProgress> {
    const job = this.jobs.get(owner)
    return job ? { running: true, done: job.done, total: job.total } : { running: false, done: 0, total: 0 }
  }

  async cancel(owner: number | null): Promise<{ cancelled: boolean }> {
    const job = this.jobs.get(owner)
    if (job) job.cancelled = true
    return { cancelled: job !== undefined }
  }
}
