/**
 * The office's lists every screen picks from: leaders (official order), townships, units, categories …
 *
 * Deactivated (停用) items are loaded too, so that a project, a 专班 or a filter that still uses one shows its
 * name (「城关镇（已停用）」), never its number; they are not offered for new choices. `dicts` are the active
 * ones (what a picker offers); `allDicts` include the deactivated ones.
 *
 * Leaders are not loaded whole (a province has thousands): a select searches them on the main side
 * (`searchLeaders`), and a name shown by id is asked for once and kept (`leaderLabel`, `leaderById`).
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import {
  DICT_KINDS,
  type DictItem,
  type DictKind,
  type LeaderOption,
  type MilestoneTemplate,
} from '../../shared/domain'
import { api } from '../api'

/** What a deactivated item is called where it is shown as a current value: 「城关镇（已停用）」. */
export const INACTIVE_SUFFIX = '（已停用）'

const emptyDicts = (): Record<DictKind, DictItem[]> =>
  Object.fromEntries(DICT_KINDS.map((k) => [k, [] as DictItem[]])) as Record<DictKind, DictItem[]>

export const useRefsStore = defineStore('refs', () => {
  const allDicts = shallowRef<Record<DictKind, DictItem[]>>(emptyDicts())
  const templates = ref<MilestoneTemplate[]>([])
  const loaded = ref(false)
  // The leaders met so far (searched or asked for by id), replaced whole on each addition (shallowRef).
  const leaderById = shallowRef(new Map<number, LeaderOption>())
  /** How many leaders are active and in all (a select with none says where leaders are added). */
  const leaderCounts = ref({ active: 0, all: 0 })

  /** Per kind, the items that can be chosen (active), in their order. */
  const dicts = computed(
    () =>
      Object.fromEntries(DICT_KINDS.map((k) => [k, allDicts.value[k].filter((d) => d.active)])) as Record<
        DictKind,
        DictItem[]
      >,
  )
  const dictById = computed(() => new Map(DICT_KINDS.flatMap((k) => allDicts.value[k].map((d) => [d.id, d]))))

  function remember(rows: LeaderOption[]) {
    if (rows.length === 0) return
    const next = new Map(leaderById.value)
    for (const r of rows) next.set(r.id, r)
    leaderById.value = next
  }

  /** Leaders matching `text` (name with any middle dot, or 职务), in official order: at most `limit`. */
  async function searchLeaders(text: string, includeInactive = false, limit = 50): Promise<LeaderOption[]> {
    const answer = await api.call('leader.options', { text, includeInactive, limit })
    remember(answer.rows)
    leaderCounts.value = { active: answer.active, all: answer.all }
    return answer.rows
  }

  // Names asked for by id, fetched together at the end of the tick (a table of accounts asks for many).
  let wanted = new Set<number>()
  let asking: Promise<void> | null = null
  function want(id: number) {
    wanted.add(id)
    asking ??= Promise.resolve().then(async () => {
      const ids = [...wanted].slice(0, 200)
      wanted = new Set([...wanted].slice(200))
      asking = null
      try {
        remember((await api.call('leader.options', { ids })).rows)
      } catch {
        // Shown as its number meanwhile; the next render asks again.
      }
      if (wanted.size) want([...wanted][0]!)
    })
  }

  async function load() {
    // Names may have changed: the leaders met so far are asked for again when next shown.
    leaderById.value = new Map()
    // All asked together (the start waits for the slowest, not for each in turn).
    const [templateList, , ...lists] = await Promise.all([
      api.call('template.list', {}),
      searchLeaders(''),
      ...DICT_KINDS.map((kind) => api.call('dict.list', { kind, includeInactive: true })),
    ])
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
  /**
   * A leader's name (deactivated ones included, with （已停用）), '—' when there is none; one not met yet is
   * asked for (shown as 「领导 12」 until its name comes).
   */
  const leaderLabel = (id: number | null | undefined) => {
    if (id === null || id === undefined) return '—'
    const leader = leaderById.value.get(id)
    if (!leader) {
      want(id)
      return `领导 ${id}`
    }
    return leader.active ? leader.name : `${leader.name}${INACTIVE_SUFFIX}`
  }

  return {
    leaderCounts,
    searchLeaders,
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
