/**
 * Form validation with the contract's own schemas: the form shows the very message the main side would send,
 * before anything is sent.
 */
import { ref } from 'vue'
import type { z } from 'zod'
import { contract, type CallName } from '../../shared/contract'
import { issuesOf } from '../../shared/validate'

export function useSchemaForm<K extends CallName>(name: K) {
  const errors = ref<Record<string, string>>({})
  function validate(input: unknown): input is z.input<(typeof contract)[K]['input']> {
    const result = contract[name].input.safeParse(input)
    errors.value = {}
    if (result.success) return true
    for (const issue of issuesOf(result.error)) {
      const key = issue.path.split('.')[0] || '_'
      errors.value[key] ??= issue.message
    }
    return false
  }
  return { errors, validate }
}
