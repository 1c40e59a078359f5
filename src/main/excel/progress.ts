/** The import in progress (one at a time): how far it is, and a request to stop it before it commits. */
import { AppError } from '../../shared/errors'

interface Job {
  done: number
  total: number
  cancelled: boolean
}

let job: Job | null = null

export const importJob = {
  start(total: number): Job {
    if (job) throw new AppError('RULE', '已有一个导入正在进行，请等它完成后再导入')
    job = { done: 0, total, cancelled: false }
    return job
  },
  /** The import's transaction starts (again, when PostgreSQL runs it once more after a conflict): from row 0. */
  rewind(current: Job) {
    current.done = 0
  },
  /** Called between rows: records progress, and stops (rolling back everything) when cancelled. */
  step(current: Job, rows = 1) {
    current.done += rows
    if (current.cancelled) throw new AppError('RULE', '导入已取消，没有写入任何数据')
  },
  finish(current: Job) {
    if (job === current) job = null
  },
  status() {
    return job ? { running: true, done: job.done, total: job.total } : { running: false, done: 0, total: 0 }
  },
  cancel() {
    if (job) job.cancelled = true
    return { cancelled: job !== null }
  },
}
