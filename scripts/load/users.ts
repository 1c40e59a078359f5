/**
 * What a simulated user does: logs in once, then until the run's end picks an action by its role's weights,
 * waits a think time, and does it with the calls the screen makes (src/renderer/stores/*.ts, views/*): the
 * kanban's counts and first windows, a project's workspace (six calls at once), a page of the ranking, 总览,
 * a page of 问题清单, and — 专班成员 only, on their own project — a milestone completed, the month's report
 * saved, a problem raised. Every acknowledged write is kept, to look for in the database afterwards.
 */
import { contract, type CallName } from '../../src/shared/contract'
import { addDays, addMonths, localToday, periodOf } from '../../src/shared/dates'
import { STAGES, type Milestone, type ProjectDetail } from '../../src/shared/domain'
import { loadClient, type CallOutcome, type LoadClient } from './client'
import { LOAD_PASSWORD, type Cast, type Player } from './cast'
import type { Recorder } from './stats'

export type Action = 'kanban' | 'project' | 'ranking' | 'overview' | 'problems' | 'milestone' | 'report' | 'problem'

/** Relative weights of the actions by role: members mostly open and update their own project. */
export const WEIGHTS: Record<Player['kind'], Partial<Record<Action, number>>> = {
  member: { kanban: 15, project: 30, ranking: 8, overview: 10, problems: 5, milestone: 12, report: 12, problem: 8 },
  leader: { kanban: 30, project: 30, ranking: 20, overview: 20 },
  office: { kanban: 20, project: 20, ranking: 25, overview: 15, problems: 20 },
}

const WRITES: Action[] = ['milestone', 'report', 'problem']
/** A phase without writes (`--think-ms 10000:reads`): the members open their project instead. */
export const READ_WEIGHTS = Object.fromEntries(
  Object.entries(WEIGHTS).map(([kind, weights]) => {
    const kept = Object.fromEntries(Object.entries(weights).filter(([a]) => !WRITES.includes(a as Action)))
    const moved = WRITES.reduce((n, a) => n + (weights[a] ?? 0), 0)
    return [kind, { ...kept, project: (kept.project ?? 0) + moved }]
  }),
) as typeof WEIGHTS

/** The writes the server acknowledged (answered ok), with what must be in the database because of them. */
export interface Acknowledged {
  milestones: { id: number; projectId: number; actualDate: string; version: number }[]
  /** The last acknowledged save of each (project, month): its figure and version. */
  reports: Map<string, { projectId: number; period: string; investment: number; version: number }>
  /**
   * Saves of a (project, month) whose answer never came (abandoned after 30 s, a dropped connection): the
   * server may still have made them, after the last acknowledged one — their figures, by key, so that the check
   * does not call the acknowledged save lost when one of these followed it.
   */
  unanswered: Map<string, number[]>
  problems: { id: number; projectId: number; description: string }[]
}

export interface RunShared {
  base: string
  cast: Cast
  projects: number
  /** The phase's recorder (a new one for each phase and for the figures of a user alone). */
  recorder: Recorder
  acknowledged: Acknowledged
  /** The phase's longest think time. */
  thinkMs: number
  /** A phase of reads only: every write invalidates what is computed from the whole data; this shows its share. */
  readOnly: boolean
  /** performance.now() after which no new action starts. */
  endsAt: () => number
  /** A seeded random source (the run's mix is the same each time; the timing is not). */
  random: () => number
  /** Login times (not part of the run's figures), errors at login. */
  logins: { ms: number[]; failed: string[] }
}

/** mulberry32: a small seeded generator, enough to pick actions and projects. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function pick<T extends string>(weights: Partial<Record<T, number>>, r: number): T {
  const entries = Object.entries(weights) as [T, number][]
  const total = entries.reduce((a, [, w]) => a + w, 0)
  let x = r * total
  for (const [k, w] of entries) if ((x -= w) < 0) return k
  return entries.at(-1)![0]
}

class FailedAction extends Error {}
/** A call whose answer never came (timeout, dropped connection): the server may or may not have made it. */
class NoAnswer extends FailedAction {}

/** One user's session and its loop. */
export class SimulatedUser {
  private readonly client: LoadClient
  private readonly today = localToday()
  /** Projects seen on the kanban (a leader's own, for a leader: it opens those). */
  private seen: number[] = []
  /** The own project's detail as last read (its milestones' versions). */
  private detail: ProjectDetail | null = null
  private readonly completed = new Set<number>()
  private problemsRaised = 0

  constructor(
    readonly player: Player,
    private readonly run: RunShared,
  ) {
    this.client = loadClient(run.base)
  }

  /** A call timed and recorded; throws FailedAction (the action stops, as the screen would) when not ok. */
  private async call<T>(name: CallName, input: unknown): Promise<T> {
    const answer: CallOutcome = await this.client.call(name, input)
    const kind = contract[name].write ? 'write' : 'read'
    this.run.recorder.record(name, kind, answer.ms, answer.ok ? undefined : answer)
    if (!answer.ok)
      throw new (answer.status === 0 ? NoAnswer : FailedAction)(`${name}: ${answer.code} ${answer.message}`)
    return answer.result as T
  }

  private async everySlice(name: CallName, input: Record<string, unknown>) {
    for (let offset = 0; ; offset += 200) {
      const rows = await this.call<unknown[]>(name, { ...input, offset, limit: 200 })
      if (rows.length < 200) return
    }
  }

  async login(): Promise<boolean> {
    const started = performance.now()
    const answer = await this.client.call('auth.login', { login: this.player.login, password: LOAD_PASSWORD })
    if (!answer.ok) {
      this.run.logins.failed.push(`${this.player.login}: ${answer.code} ${answer.message}`)
      return false
    }
    // A new session: the page fetches its anti-forgery token again (the secret cookie may be new).
    await this.client.fetchCsrf()
    this.run.logins.ms.push(performance.now() - started)
    return true
  }

  /** Until the run ends: think, act. Errors are recorded by `call`; the loop goes on. */
  async loop(): Promise<void> {
    const { run } = this
    // The first action after a random part of a think time: 200 users do not click at the same instant.
    await sleep(run.random() * run.thinkMs)
    while (performance.now() < run.endsAt()) {
      const action = pick(run.readOnly ? READ_WEIGHTS[this.player.kind] : WEIGHTS[this.player.kind], run.random())
      try {
        await this.act(action)
      } catch (error) {
        if (!(error instanceof FailedAction)) throw error
      }
      await sleep(run.random() * run.thinkMs)
    }
  }

  /** One action now, without thinking (the figures of one user alone on an idle server). */
  async once(action: Action): Promise<void> {
    try {
      await this.act(action)
    } catch (error) {
      if (!(error instanceof FailedAction)) throw error
    }
  }

  close() {
    this.client.close()
  }

  private mine(): boolean {
    return this.player.kind === 'leader'
  }

  private someProject(): number {
    const { player, run } = this
    if (player.kind === 'member' && run.random() < 0.7) return player.projectId
    if (player.kind === 'leader' && this.seen.length) return this.seen[Math.floor(run.random() * this.seen.length)]!
    return 1 + Math.floor(run.random() * run.projects)
  }

  private async act(action: Action): Promise<void> {
    switch (action) {
      case 'kanban':
        return this.kanban()
      case 'project':
        return void (await this.openProject(this.someProject()))
      case 'ranking':
        await this.call('ranking.projects', {
          period: addMonths(periodOf(this.today), -1),
          mine: this.mine(),
          offset: 0,
          limit: 50,
          sort: 'rank',
        })
        return
      case 'overview':
        await Promise.all([this.call('overview.get', { mine: this.mine() }), this.call('overview.ranking', {})])
        return
      case 'problems':
        await this.call('problem.page', { offset: 0, limit: 50 })
        return
      case 'milestone':
        return this.completeMilestone()
      case 'report':
        return this.saveReport()
      case 'problem':
        return this.raiseProblem()
    }
  }

  /** The board's counts, then each column's first window of 50 cards (what a screen shows at once). */
  private async kanban() {
    const query = { mine: this.mine() }
    await this.call('kanban.board', { ...query, lanes: false })
    const pages = await Promise.all(
      STAGES.map((stage) =>
        this.call<{ rows: { id: number }[] }>('kanban.column', { ...query, stage, offset: 0, limit: 50 }),
      ),
    )
    if (this.mine()) this.seen = pages.flatMap((p) => p.rows.map((r) => r.id))
  }

  /** The project's workspace, as stores/project.ts loads it: six lists at once. */
  private async openProject(id: number): Promise<ProjectDetail> {
    const [detail] = await Promise.all([
      this.call<ProjectDetail>('project.get', { id }),
      this.call('lights.get', { date: this.today, projectIds: [id] }),
      this.everySlice('report.list', { projectId: id }),
      this.everySlice('problem.list', { projectId: id }),
      this.everySlice('instruction.list', { projectId: id }),
      this.call('audit.list', { projectId: id, limit: 200 }),
    ])
    if (this.player.kind === 'member' && id === this.player.projectId) this.detail = detail
    return detail
  }

  private ownProject(): number {
    if (this.player.kind !== 'member') throw new Error('only a 专班成员 writes')
    return this.player.projectId
  }

  /** 节点完成: the own project's earliest open milestone, on the workspace's copy (read first if there is none). */
  private async completeMilestone() {
    const projectId = this.ownProject()
    const detail = this.detail ?? (await this.openProject(projectId))
    const open = detail.plan.milestones
      .filter((m) => m.actualDate === null && !this.completed.has(m.id))
      .sort((a, b) => a.plannedDate.localeCompare(b.plannedDate) || a.id - b.id)[0]
    // Every milestone done: the member saves the month's report instead.
    if (!open) return this.saveReport()
    const done = await this.call<Milestone>('milestone.complete', {
      id: open.id,
      version: open.version,
      actualDate: this.today,
      evidence: `压测：${this.player.login} 完成`,
    }).catch((error: unknown) => {
      // No answer: perhaps done after all. The user reloads the page before the next one, and leaves this one.
      if (error instanceof NoAnswer) {
        this.completed.add(open.id)
        this.detail = null
      }
      throw error
    })
    this.completed.add(done.id)
    this.run.acknowledged.milestones.push({
      id: done.id,
      projectId,
      actualDate: this.today,
      version: done.version,
    })
  }

  /** 月报: the form reads this month's report of the own project (its version), then saves a new figure. */
  private async saveReport() {
    const projectId = this.ownProject()
    const period = periodOf(this.today)
    const existing = await this.call<{ version: number }[]>('report.list', { projectId, period, offset: 0, limit: 1 })
    const investment = Math.floor(this.run.random() * 500_000) // 0 – 5,000.00 万元, in 0.01 万元
    const key = `${projectId} ${period}`
    const saved = await this.call<{ version: number; investment: number }>('report.save', {
      projectId,
      period,
      investment,
      narrative: `压测：${this.player.login} 形象进度`,
      ...(existing[0] ? { version: existing[0].version } : {}),
    }).catch((error: unknown) => {
      // Refused (an answer came): not made. No answer: perhaps made — kept apart for the check.
      if (error instanceof NoAnswer) {
        const list = this.run.acknowledged.unanswered.get(key) ?? []
        this.run.acknowledged.unanswered.set(key, [...list, investment])
      }
      throw error
    })
    this.run.acknowledged.reports.set(key, {
      projectId,
      period,
      investment,
      version: saved.version,
    })
  }

  /** 问题: a new one on the own project, with a category and a responsible unit from the lists. */
  private async raiseProblem() {
    const projectId = this.ownProject()
    const { cast, random } = this.run
    const description = `压测问题：${this.player.login} 第${++this.problemsRaised}个`
    const problem = await this.call<{ id: number }>('problem.create', {
      projectId,
      categoryId: cast.problemCategoryIds[Math.floor(random() * cast.problemCategoryIds.length)]!,
      description,
      raisedOn: this.today,
      responsibleUnitId: cast.unitIds[Math.floor(random() * cast.unitIds.length)]!,
      deadline: addDays(this.today, 30),
    })
    this.run.acknowledged.problems.push({ id: problem.id, projectId, description })
  }
}
