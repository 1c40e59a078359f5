/**
 * The import's steps as a long job of its user (store/jobs.ts): how far it is, and a request to stop it before
 * it commits. The job's loop calls these between rows; the store's board carries them to where others look.
 */
import { AppError } from '../../shared/errors'
import type { RunningJob } from '../store/jobs'

export const importSteps = {
  /** The import's transaction starts (again, when PostgreSQL runs it once more after a conflict): from row 0. */
  rewind(job: RunningJob) {
    job.done = 0
  },
  /** Called between rows: records progress, and stops (rolling back everything) when cancelled. */
  step(job: RunningJob, rows = 1) {
    job.done += rows
    if (job.cancelled) throw new AppError('RULE', '导入已取消，没有写入任何数据')
  },
}
