/**
 * The office's lists every screen picks from: leaders (official order), townships, units, categories …
 *
 * Deactivated (停用) items are loaded too, so that a project, a 专班 or a filter that still uses one shows its
 * name (「城关镇（已停用）」), never its number; they are not offered for new choices. `leaders` and `dicts` are
 * the active ones (what a picker offers); `allLeaders` and `allDicts` include the deactivated ones (the lists
 * in 设置 → 基础名录 and 领导 with 显示已停用, and every lookup of a name by id).
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { DICT_KINDS, type DictItem, type DictKind, type Leader, type MilestoneTemplate } from '../../shared/domain'
import { api } from '../api'

/** What a deactivated item is called where it is shown as a current value: 「城关镇（已停用）」. */
export const INACTIVE_SUFFIX = '（已停用）'

const emptyDicts = (): Record<DictKind, DictItem[]> =>
  Object.fromEntries(DICT_KINDS.map((k) => [k, [] as DictItem[]])) as Record<DictKind, DictItem[]>

export const useRefsStore = defineStore('refs', () => {
  // shallowRef: a province lists thousands of leaders; the list is replaced on load, never edited in place.
  const allLeaders = shallowRef<Leader[]>([])
  const allDicts = shallowRef<Record<DictKind, DictItem[]>>(emptyDicts())
  const templates = ref<MilestoneTemplate[]>([])
  const loaded = ref(false)

  /** The leaders that can be chosen (active), in official order. */
  const leaders = computed(() => allLeaders.value.filter((l) => l.active))
  /** Per kind, the items that can be chosen (active), in their order. */
  const dicts = computed(
    () =>
      Object.fromEntries(DICT_KINDS.map((k) => [k, allDicts.value[k].filter((d) => d.active)])) as Record<
        DictKind,
        DictItem[]
      >,
  )
  const dictById = computed(() => new Map(DICT_KINDS.flatMap((k) => allDicts.value[k].map((d) => [d.id, d]))))
  const leaderById = computed(() => new Map(allLeaders.value.map((l) => [l.id, l])))

  async function load() {
    const [leaderList, templateList, ...lists] = await Promise.all([
      api.call('leader.list', { includeInactive: true }),
      api.call('template.list', {}),
      ...DICT_KINDS.map((kind) => api.call('dict.list', { kind, includeInactive: true })),
    ])
    allLeaders.value = leaderList
    templates.value = templateList
    allDicts.value = Object.fromEntries(DICT_KINDS.map((k, i) => [k, lists[i]!])) as Record<DictKind, DictItem[]>
    loaded.value = true
  }

  /** The item's name (deactivated ones included), '—' when there is none. */
  const name = (kind: DictKind, id: number | null | undefined) => {
    const item = id === null || id === undefined ? undefined : dictById.value.get(id)
    return item && item.kind === kind ? item.name : '—'
  }
  /** As `name`, with （已停用） after a deactivated item: for a current value shown in a picker or a form. */
  const label = (kind: DictKind, id: number | null | undefined) => {
    const item = id === null || id === undefined ? undefined : dictById.value.get(id)
    if (!item || item.kind !== kind) return '—'
    return item.active ? item.name : `${item.name}${INACTIVE_SUFFIX}`
  }
  /** A leader's name (deactivated ones included, with （已停用）), '—' when there is none. */
  const leaderLabel = (id: number | null | undefined) => {
    const leader = id === null || id === undefined ? undefined : leaderById.value.get(id)
    if (!leader) return '—'
    return leader.active ? leader.name : `${leader.name}${INACTIVE_SUFFIX}`
  }

  return {
    leaders,
    allLeaders,
    dicts,
    allDicts,
    dictById,
    leaderById,
    templates,
    loaded,
    load,
    name,
    label,
    leaderLabel,
  }
})
