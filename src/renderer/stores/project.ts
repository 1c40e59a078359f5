/** The open project's workspace: its detail (the four "ones"), reports, problems and audit log. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AuditEntry, MonthlyReport, Problem, ProjectDetail } from '../../shared/domain'
import type { LightResult } from '../../shared/rules/types'
import { localToday } from '../../shared/dates'
import { api } from '../api'

export const useProjectStore = defineStore('project', () => {
  const detail = ref<ProjectDetail | null>(null)
  const light = ref<LightResult | null>(null)
  const reports = ref<MonthlyReport[]>([])
  const problems = ref<Problem[]>([])
  const audit = ref<AuditEntry[]>([])
  const loading = ref(false)

  async function load(id: number) {
    loading.value = true
    try {
      const [d, lights, r, p, a] = await Promise.all([
        api.call('project.get', { id }),
        api.call('lights.get', { date: localToday(), projectIds: [id] }),
        api.call('report.list', { projectId: id }),
        api.call('problem.list', { projectId: id }),
        api.call('audit.list', { projectId: id, limit: 200 }),
      ])
      detail.value = d
      light.value = lights[0] ?? null
      reports.value = r
      problems.value = p
      audit.value = a
    } finally {
      loading.value = false
    }
  }

  const reload = () => (detail.value ? load(detail.value.project.id) : Promise.resolve())

  return { detail, light, reports, problems, audit, loading, load, reload }
})
