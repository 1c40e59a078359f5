/**
 * A long list paged, sorted and searched on the main side (issue 19): only the page on screen crosses the
 * transport, so a 10,000-row ranking answers in a few KB. The search waits for a pause in typing; an answer
 * that arrives after a newer question is dropped, so the table never shows an older page over a newer one.
 */
import { reactive, ref, shallowRef, watch } from 'vue'

export interface PageQuery<S extends string> {
  offset: number
  limit: number
  sort: S | undefined
  descending: boolean
  text: string
}

/** Milliseconds of no typing before a search is sent. */
const TYPING_PAUSE = 250

export function useServerPages<R, S extends string>(
  fetch: (query: PageQuery<S>) => Promise<{ rows: R[]; total: number } | undefined>,
  options: { size: number; sorts: readonly S[] },
) {
  const table = reactive({ page: 1, size: options.size, text: '', descending: false })
  // Kept apart from `table`: a reactive object would unwrap the type S.
  const sort = ref(null) as { value: S | null }
  const rows = shallowRef<R[]>([])
  const total = ref(0)
  const loading = ref(false)
  let asked = 0

  /** Asks for the current page again (after a period or a filter changed, or a write). */
  async function load(): Promise<void> {
    const ticket = ++asked
    loading.value = true
    const answer = await fetch({
      offset: (table.page - 1) * table.size,
      limit: table.size,
      sort: sort.value ?? undefined,
      descending: table.descending,
      text: table.text.trim(),
    })
    if (ticket !== asked) return // a newer question is on its way
    loading.value = false
    if (answer) {
      rows.value = answer.rows
      total.value = answer.total
    }
  }
  /** Back to the first page and asks (a new search, order or page size). */
  function restart() {
    if (table.page === 1) void load()
    else table.page = 1 // the page watcher asks
  }

  let typing: ReturnType<typeof setTimeout> | undefined
  watch(
    () => table.text,
    () => {
      clearTimeout(typing)
      typing = setTimeout(restart, TYPING_PAUSE)
    },
  )
  watch([() => table.size, () => sort.value, () => table.descending], restart)
  watch(
    () => table.page,
    () => void load(),
  )

  /** For the table's @sort-change (sortable="custom"): a column the main side cannot sort by is its default. */
  function onSort({ prop, order }: { prop: string; order: string | null }) {
    sort.value = order && (options.sorts as readonly string[]).includes(prop) ? (prop as S) : null
    table.descending = order === 'descending'
  }
  return { table, rows, total, loading, load, restart, onSort }
}
