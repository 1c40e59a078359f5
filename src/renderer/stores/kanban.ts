/**
 * The kanban as of today: its counts (kanban.board) and, per column, the windows of cards in view
 * (kanban.column) — a province's 10,000 cards never cross at once (issue 19). A load (a new filter, a move)
 * starts a new generation: the columns drop the windows they hold and ask again.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { Stage } from '../../shared/domain'
import type { KanbanBoard, KanbanCard } from '../../shared/rules/types'
import type { CallInput } from '../../shared/contract'
import { api } from '../api'

export type KanbanQuery = Omit<CallInput<'kanban.board'>, 'lanes'>

export const useKanbanStore = defineStore('kanban', () => {
  const board = shallowRef<KanbanBoard | null>(null)
  const asOf = ref('')
  const loading = ref(false)
  const generation = ref(0)
  let query: KanbanQuery = {}
  let lanes = false
  /** The cards fetched in this generation, by id (a drop names a card by id). */
  const known = new Map<number, KanbanCard>()

  let asked = 0

  /**
   * Counts for `next` filters (and lanes), or again for the same; every column then asks for its cards anew.
   * Only the newest question's answer is taken: an older one arriving late (a slow search) is dropped.
   */
  async function load(next?: { query: KanbanQuery; lanes: boolean }) {
    if (next) ({ query, lanes } = next)
    const ticket = ++asked
    loading.value = true
    try {
      const answer = await api.call('kanban.board', { ...query, lanes })
      if (ticket !== asked) return
      board.value = answer
      asOf.value = answer.asOf
      known.clear()
      generation.value++
    } finally {
      if (ticket === asked) loading.value = false
    }
  }

  /**
   * Cards `offset`… of a column (of one 包联领导's lane when `leaderId`), with the board's filters. A window of
   * another state of the data than the board's (someone wrote meanwhile) is not shown with it: the board is
   * loaded again (a new generation) and the columns ask anew, so no card shows twice or goes missing.
   */
  async function window(stage: Stage, offset: number, limit: number, leaderId?: number): Promise<KanbanCard[]> {
    const started = generation.value
    const answer = await api.call('kanban.column', {
      ...query,
      ...(leaderId === undefined ? {} : { leaderId }),
      stage,
      offset,
      limit,
    })
    if (started !== generation.value) return [] // the board was loaded again meanwhile
    if (board.value && answer.version !== board.value.version) {
      void load()
      return []
    }
    for (const card of answer.rows) known.set(card.id, card)
    return answer.rows
  }

  /**
   * The next lanes of 按包联领导分行 (the board asks for the first ones): appended, the lanes already shown keep
   * their cards. Lanes of another state of the data than the board's load the board again.
   */
  async function moreLanes() {
    const current = board.value
    if (!current || current.lanes.length >= current.laneTotal) return
    const started = generation.value
    const answer = await api.call('kanban.board', { ...query, lanes: true, laneOffset: current.lanes.length })
    if (started !== generation.value || board.value !== current) return
    if (answer.version !== current.version) return load()
    board.value = { ...current, lanes: [...current.lanes, ...answer.lanes], laneTotal: answer.laneTotal }
  }

  /** Saves a move, then loads the board again; true when saved (the stage dialog then closes). */
  async function move(card: KanbanCard, toStage: Stage, beforeId: number | null, date?: string): Promise<true> {
    await api.call('project.move', { id: card.id, version: card.version, toStage, beforeId, ...(date ? { date } : {}) })
    await load()
    return true
  }

  return { board, asOf, loading, generation, load, window, moreLanes, move, card: (id: number) => known.get(id) }
})
