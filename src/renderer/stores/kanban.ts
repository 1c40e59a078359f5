/** The kanban's cards (as of today) and the stage moves made on it. */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { Stage } from '../../shared/domain'
import type { KanbanCard } from '../../shared/rules/types'
import { api } from '../api'

export const useKanbanStore = defineStore('kanban', () => {
  // shallowRef: thousands of cards need no deep reactivity; a load replaces the whole array.
  const cards = shallowRef<KanbanCard[]>([])
  const asOf = ref('')
  const loading = ref(false)

  async function load() {
    loading.value = true
    try {
      const data = await api.call('kanban.cards', {})
      cards.value = data.cards
      asOf.value = data.asOf
    } finally {
      loading.value = false
    }
  }

  async function move(card: KanbanCard, toStage: Stage, beforeId: number | null, date?: string) {
    await api.call('project.move', { id: card.id, version: card.version, toStage, beforeId, ...(date ? { date } : {}) })
    await load()
  }

  return { cards, asOf, loading, load, move }
})
