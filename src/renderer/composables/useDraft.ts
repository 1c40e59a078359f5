/**
 * What the user typed survives the record being reloaded under the form.
 *
 * A form edits a reactive object loaded from a record (the "source": the record as last read). When the
 * source changes — the user pressed 重新载入 after a save conflict (someone else saved first), or another
 * action reloaded the record — the form shows the fresh copy, and the fields the user had changed are kept
 * beside it as a draft: `DraftBar.vue` says 「您刚才填写的内容已保留」 and 「查看并重新应用」 puts exactly those
 * fields back on top of the fresh copy, listing which of them differ from it (and which someone else changed
 * too). A fresh copy that touches none of the fields the user changed is merged quietly: the untouched fields
 * take the fresh values, the typed ones stay.
 *
 * Use: `const draft = useDraft({ form, source: () => valuesOf(record), labels: { name: '项目名称' } })`, pass
 * `{ draft }` to `runAction` (it calls `draft.keep()` before a conflict's reload and `draft.clear()` after a
 * successful save), and put `<DraftBar :draft="draft" />` above the form's fields.
 */
import { computed, ref, watch, type ComputedRef, type Ref } from 'vue'

type Values = Record<string, unknown>

export interface DraftOptions<T extends Values> {
  /** The reactive object the form's inputs edit (extra keys, e.g. `open`, are left alone). */
  form: T
  /**
   * The record's values as last loaded, with the form's keys (plus any the form needs refreshed, such as the
   * version); undefined while there is no record (a new one).
   */
  source: () => Partial<T> | undefined
  /** The fields the user types into, with the labels the form shows. Only these are kept and re-applied. */
  labels: Partial<Record<keyof T & string, string>>
  /** Which record the form is on (a milestone's id, a month): a change is a new record, loaded whole. */
  key?: () => unknown
  /** How a field's value reads in the bar (default: the text, 「（空）」 for nothing, lists joined with 、). */
  show?: Partial<Record<keyof T & string, (value: unknown) => string>>
}

/** One field the user had changed, beside the fresh copy. */
export interface DraftField {
  key: string
  label: string
  /** What the user typed, and what the record now holds, as they read on screen. */
  mine: string
  fresh: string
  /** The user's value is not the record's: re-applying changes the field. */
  differs: boolean
  /** Someone else changed this field too (the fresh copy is not what the user started from). */
  changedByOthers: boolean
}

export interface Draft {
  /** A draft is kept for the record the form is on (the bar shows). */
  readonly active: ComputedRef<boolean>
  /** The kept fields against the record as it is now. */
  readonly fields: ComputedRef<DraftField[]>
  /** The kept fields have been put back into the form (the bar lists them for checking before saving). */
  readonly applied: Ref<boolean>
  /** Remembers the user's changed fields; the next fresh copy then replaces the whole form. */
  keep(): void
  /** Puts the kept fields back on top of the form ('查看并重新应用'). */
  apply(): void
  /** Puts the record's values back in place of the re-applied ones. */
  undo(): void
  /** Forgets the draft (saved, or given up). */
  clear(): void
}

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
const copy = <V>(value: V): V => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as V))

/**
 * Sets only the keys whose values differ (as copies): a source that reads the form (a dialog's record found by
 * the form's id) then settles instead of being triggered again by its own assignment.
 */
function assignChanged(target: Values, values: Values) {
  for (const [k, v] of Object.entries(values)) if (!same(target[k], v)) target[k] = copy(v)
}

function defaultShow(value: unknown): string {
  if (value === null || value === undefined || value === '') return '（空）'
  if (Array.isArray(value)) return value.length ? value.join('、') : '（空）'
  return String(value)
}

export function useDraft<T extends Values>(options: DraftOptions<T>): Draft {
  const { form } = options
  const keys = Object.keys(options.labels) as (keyof T & string)[]
  const keyOf = options.key ?? (() => null)
  /** What the user had changed (`mine`) and what they had started from (`base`), for one record. */
  const kept = ref<{ record: unknown; base: Values; mine: Values } | null>(null)
  const applied = ref(false)
  let reloading = false

  const snapshot = (values: Partial<T> | T, only = keys) =>
    Object.fromEntries(only.map((k) => [k, copy(values[k])])) as Values

  function keep() {
    const base = options.source()
    if (!base) return
    const changed = keys.filter((k) => !same(form[k], base[k]))
    if (!changed.length) return
    kept.value = { record: keyOf(), base: snapshot(base, changed), mine: snapshot(form, changed) }
    applied.value = false
    reloading = true
  }

  // The record under the form changed: load it, keeping what the user typed.
  watch(
    () => [keyOf(), options.source()] as const,
    ([record, fresh], previous) => {
      if (!fresh) return
      const [oldRecord, old] = previous ?? [undefined, undefined]
      const sameRecord = previous !== undefined && same(record, oldRecord) && old !== undefined
      if (!sameRecord || reloading) {
        reloading = false
        assignChanged(form, fresh)
        return
      }
      const typed = keys.filter((k) => !same(form[k], old[k]))
      const clash = typed.some((k) => !same(fresh[k], old[k]) && !same(fresh[k], form[k]))
      if (clash) {
        // Someone else changed a field the user is changing: show the fresh copy, keep the user's beside it.
        kept.value = { record, base: snapshot(old, typed), mine: snapshot(form, typed) }
        applied.value = false
        assignChanged(form, fresh)
        return
      }
      const untouched = Object.keys(fresh).filter((k) => !typed.includes(k as keyof T & string))
      assignChanged(form, Object.fromEntries(untouched.map((k) => [k, fresh[k]])))
    },
  )

  const active = computed(() => kept.value !== null && same(kept.value.record, keyOf()))

  const fields = computed<DraftField[]>(() => {
    const k = kept.value
    const fresh = options.source()
    if (!k || !fresh) return []
    return Object.keys(k.mine).map((key) => {
      const show = options.show?.[key as keyof T & string] ?? defaultShow
      return {
        key,
        label: options.labels[key as keyof T & string] ?? key,
        mine: show(k.mine[key]),
        fresh: show(fresh[key]),
        differs: !same(k.mine[key], fresh[key]),
        changedByOthers: !same(fresh[key], k.base[key]),
      }
    })
  })

  function apply() {
    if (!kept.value) return
    assignChanged(form, kept.value.mine)
    applied.value = true
  }

  function undo() {
    const fresh = options.source()
    if (!kept.value || !fresh) return
    assignChanged(form, snapshot(fresh, Object.keys(kept.value.mine) as (keyof T & string)[]))
    applied.value = false
  }

  function clear() {
    kept.value = null
    applied.value = false
    reloading = false
  }

  return { active, fields, applied, keep, apply, undo, clear }
}
