/**
 * Unusual dates (date-checks.ts: a planned start outside the project's 建设年限, a milestone planned years
 * before the project …): said under the field, and the form does not save until the user has confirmed each
 * one with 「确认无误」. The contract accepts them; only the impossible is refused there.
 *
 * `useDateWarnings(() => milestoneDateWarnings(form.plannedDate, years))` in the form; `<DateWarnings
 * :warn="warn" path="plannedDate" />` under the field; `if (warn.refuse()) return` before saving. A
 * component inside a form that provides typed errors (ProjectFields) passes `{ typed: true }` instead, so the
 * form's `refuseTyped()` holds the save. `accepted` lists the warnings of the record as saved: a date that
 * was already so is said, but does not hold the save.
 */
import { computed, reactive, watch, type ComputedRef } from 'vue'
import { ElMessage } from 'element-plus'
import type { DateIssue } from '../../shared/date-checks'
import { useTypedError } from './typedErrors'

export interface DateWarning {
  message: string
  /** Confirmed by the user, or already so in the saved record: it does not hold the save. */
  confirmed: boolean
}

export interface DateWarnings {
  /** The warnings under one field. */
  at(path: string): DateWarning[]
  /** The user confirms one (「确认无误」). */
  confirm(message: string): void
  /** Warnings not yet confirmed. */
  readonly pending: ComputedRef<DateIssue[]>
  /** True, with the first one said, while any is not confirmed: the form must not save. */
  refuse(): boolean
}

const ASK = '请核对；如确实如此，请点「确认无误」后再保存'

export function useDateWarnings(
  warnings: () => DateIssue[],
  options: { accepted?: () => DateIssue[]; typed?: boolean } = {},
): DateWarnings {
  const confirmed = reactive(new Set<string>())
  const all = computed(() => warnings())
  const isConfirmed = (w: DateIssue) =>
    confirmed.has(w.message) || (options.accepted?.() ?? []).some((a) => a.message === w.message)
  const pending = computed(() => all.value.filter((w) => !isConfirmed(w)))
  const say = (w: DateIssue) => `${w.message}，${ASK}`

  if (options.typed) {
    const report = useTypedError()
    watch(pending, (list) => report(list[0] ? say(list[0]) : ''), { immediate: true })
  }

  return {
    at: (path) =>
      all.value.filter((w) => w.path === path).map((w) => ({ message: w.message, confirmed: isConfirmed(w) })),
    confirm: (message) => void confirmed.add(message),
    pending,
    refuse() {
      const first = pending.value[0]
      if (first) ElMessage({ type: 'warning', message: say(first), duration: 6000, showClose: true })
      return Boolean(first)
    },
  }
}
