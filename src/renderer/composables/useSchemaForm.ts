/**
 * Form validation with the contract's own schemas: the form shows the very message the main side would send,
 * before anything is sent — under its field (`<el-form-item :error="errors.name">`), and the first one also
 * as a message, in case its field is scrolled out of view.
 */
import { ref, watch, type Ref } from 'vue'
import type { z } from 'zod'
import { ElMessage, type MessageHandler } from 'element-plus'
import { contract, type CallName } from '../../shared/contract'
import type { FieldIssue } from '../../shared/errors'
import { issuesOf } from '../../shared/validate'

/**
 * Puts issues under their fields: each is kept under its whole path ('person.name') and under its first
 * segment ('person'), the first message of a field winning; an issue of the whole input goes under '_'.
 */
export function showIssues(errors: Ref<Record<string, string>>, issues: FieldIssue[]): void {
  const shown: Record<string, string> = {}
  for (const issue of issues) {
    const key = issue.path || '_'
    shown[key] ??= issue.message
    shown[key.split('.')[0]!] ??= issue.message
  }
  errors.value = shown
}

/**
 * `form`, when given, is the reactive object the inputs edit: a field's message goes away as soon as the user
 * changes that field (a stale 不能为空 under a field now filled in reads as if the form were still wrong).
 */
export function useSchemaForm<K extends CallName>(name: K, form?: object) {
  const errors = ref<Record<string, string>>({})
  if (form) {
    const values = form as Record<string, unknown>
    watch(
      () => Object.keys(values).map((k) => [k, JSON.stringify(values[k] ?? null)] as const),
      (now, before) => {
        const was = new Map(before)
        const changed = now.filter(([k, v]) => was.get(k) !== v && errors.value[k] !== undefined).map(([k]) => k)
        if (changed.length)
          errors.value = Object.fromEntries(Object.entries(errors.value).filter(([k]) => !changed.includes(k)))
      },
    )
  }
  /** True when the input passes the call's schema; otherwise its messages are shown under their fields. */
  let message: MessageHandler | undefined
  function validate(input: unknown): input is z.input<(typeof contract)[K]['input']> {
    const result = contract[name].input.safeParse(input)
    errors.value = {}
    // The message of an earlier attempt goes once the input passes: it must not outlive the mistake.
    message?.close()
    message = undefined
    if (result.success) return true
    const issues = issuesOf(result.error)
    showIssues(errors, issues)
    message = ElMessage({ type: 'error', message: issues[0]!.message, duration: 5000, showClose: true })
    return false
  }
  /** Forgets the messages (the form was reset or closed). */
  function clear() {
    errors.value = {}
  }
  return { errors, validate, clear }
}
