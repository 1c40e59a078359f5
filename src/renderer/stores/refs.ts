/** The office's lists every screen picks from: leaders (official order), townships, units, categories … */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { DictItem, DictKind, Leader, MilestoneTemplate } from '../../shared/domain'
import { api } from '../api'

export const useRefsStore = defineStore('refs', () => {
  // shallowRef: a province lists thousands of leaders; the list is replaced on load, never edited in place.
  const leaders = shallowRef<Leader[]>([])
  const dicts = ref<Record<DictKind, DictItem[]>>({
    category: [],
    industry_tag: [],
    township: [],
    unit: [],
    problem_category: [],
  })
  const templates = ref<MilestoneTemplate[]>([])
  const loaded = ref(false)

  async function load() {
    const kinds = Object.keys(dicts.value) as DictKind[]
    const [leaderList, templateList, ...lists] = await Promise.all([
      api.call('leader.list', {}),
      api.call('template.list', {}),
      ...kinds.map((kind) => api.call('dict.list', { kind })),
    ])
    leaders.value = leaderList
    templates.value = templateList
    kinds.forEach((k, i) => (dicts.value[k] = lists[i]!))
    loaded.value = true
  }

  const name = (kind: DictKind, id: number | null | undefined) =>
    dicts.value[kind].find((d) => d.id === id)?.name ?? '—'

  return { leaders, dicts, templates, loaded, load, name }
})
