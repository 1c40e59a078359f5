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

  /** Counts for `next` filters (and lanes), or again for the same; every column then asks for its cards anew. */
  async function load(next?: { query: KanbanQuery; lanes: boolean }) {
    if (next) ({ query, lanes } = next)
    loading.value = true
    try {
      const answer = await api.call('kanban.board', { ...query, lanes })
      board.value = answer
      asOf.value = answer.asOf
      known.clear()
      generation.value++
    } finally {
      loading.value = false
    }
  }

  /** Cards `offset`… of a column (of one 包联领导's lane when `leaderId`), with the board's filters. */
  async function window(stage: Stage, offset: number, limit: number, leaderId?: number): Promise<KanbanCard[]> {
    const answer = await api.call('kanban.column', {
      ...query,
      ...(leaderId === undefined ? {} : { leaderId }),
      stage,
      offset,
      limit,
    })
    for (const card of answer.rows) known.set(card.id, card)
    return answer.rows
  }

  async function move(card: KanbanCard, toStage: Stage, beforeId: number | null, date?: string) {
    await api.call('project.move', { id: card.id, version: card.version, toStage, beforeId, ...(date ? { date } : {}) })
    await load()
  }

  return { board, asOf, loading, generation, load, window, move, card: (id: number) => known.get(id) }
})
