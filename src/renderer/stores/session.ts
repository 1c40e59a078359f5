/** Who is operating, which database is open, and the rules in force. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Settings, SystemInfo } from '../../shared/domain'
import { api } from '../api'

export const useSessionStore = defineStore('session', () => {
  const info = ref<SystemInfo | null>(null)
  const settings = ref<Settings | null>(null)
  const loading = ref(false)
  const error = ref('')

  const operator = computed(() => settings.value?.operator ?? null)
  const needsFirstRun = computed(() => info.value !== null && operator.value === null)

  async function load() {
    loading.value = true
    error.value = ''
    try {
      info.value = await api.call('system.info', {})
      settings.value = await api.call('settings.get', {})
    } catch (e) {
      error.value = (e as Error).message
    } finally {
      loading.value = false
    }
  }

  async function setOperator(name: string, unit: string) {
    await api.call('settings.setOperator', { name, unit })
    await load()
  }

  return { info, settings, loading, error, operator, needsFirstRun, load, setOperator }
})
