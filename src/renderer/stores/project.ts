/** The open project's workspace: its detail (the four "ones"), reports, problems, 领导批示 and audit log. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AuditEntry, Instruction, Milestone, MonthlyReport, Problem, ProjectDetail } from '../../shared/domain'
import type { LightResult } from '../../shared/rules/types'
import { contract, type CallName } from '../../shared/contract'
import { localToday } from '../../shared/dates'
import { api } from '../api'
import { everySlice } from '../../shared/paging'
import type { useSessionStore } from './session'

export const useProjectStore = defineStore('project', () => {
  const detail = ref<ProjectDetail | null>(null)
  const light = ref<LightResult | null>(null)
  const reports = ref<MonthlyReport[]>([])
  const problems = ref<Problem[]>([])
  /** 领导批示 of the project (and of its problems), newest first. */
  const instructions = ref<Instruction[]>([])
  const audit = ref<AuditEntry[]>([])
  const loading = ref(false)

  async function load(id: number) {
    loading.value = true
    try {
      const [d, lights, r, p, i, a] = await Promise.all([
        api.call('project.get', { id }),
        api.call('lights.get', { date: localToday(), projectIds: [id] }),
        everySlice((offset, limit) => api.call('report.list', { projectId: id, offset, limit })),
        everySlice((offset, limit) => api.call('problem.list', { projectId: id, offset, limit })),
        everySlice((offset, limit) => api.call('instruction.list', { projectId: id, offset, limit })),
        api.call('audit.list', { projectId: id, limit: 200 }),
      ])
      detail.value = d
      light.value = lights[0] ?? null
      reports.value = r
      problems.value = p
      instructions.value = i
      audit.value = a
    } finally {
      loading.value = false
    }
  }

  const reload = () => (detail.value ? load(detail.value.project.id) : Promise.resolve())

  return { detail, light, reports, problems, instructions, audit, loading, load, reload }
})

type Session = ReturnType<typeof useSessionStore>

/**
 * Whether the account may make a unit-scoped call (开始办理 / 销号) on this problem: 重点项目办, a 专班成员 of its
 * project, or the 责任单位联络员 of its responsible unit. Other problem calls: session.canOnProject.
 */
export function mayOnProblem(session: Session, name: CallName, p: Problem): boolean {
  if (session.canOnProject(name, p.projectId)) return true
  return (
    contract[name].access.kind === 'unit' &&
    session.has('liaison') &&
    session.user?.unitId != null &&
    p.responsibleUnit.id === session.user.unitId
  )
}

/**
 * Whether the account may 完成 this milestone: as a project-scoped call, or as the 责任单位联络员 of the unit the
 * milestone names (its 责任单位 text is exactly the unit's name, as the main side compares them).
 */
export function mayCompleteMilestone(session: Session, m: Milestone): boolean {
  if (session.canOnProject('milestone.complete', m.projectId)) return true
  const unit = session.user?.unitName
  return session.has('liaison') && Boolean(unit) && m.responsibleUnit.trim() === unit
}

/** Whether the account may write a 领导批示: a 县领导 account linked to its leader record. */
export function mayInstruct(session: Session): boolean {
  return session.can('instruction.create') && session.has('leader') && session.user?.leaderId != null
}
