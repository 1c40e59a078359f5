/**
 * A long list shown a page at a time, searched and sorted over all its rows (a province has 10,000 projects and
 * thousands of leaders: a table with every row at once is a million DOM nodes).
 */
import { computed, reactive, watch, type Ref } from 'vue'
import { normalizeText } from '../../shared/names'

export function usePagedRows<T>(
  rows: Ref<readonly T[]>,
  options: {
    size: number
    /** Whether a row matches the search text (never empty; normalised as names are: names.ts `normalizeText`). */
    matches: (row: T, text: string) => boolean
    /** The table's sortable columns (sortable="custom"): prop → sort key. */
    sortKeys?: Record<string, (row: T) => number | string>
  },
) {
  const table = reactive({
    page: 1,
    size: options.size,
    text: '',
    sort: null as null | { prop: string; order: string },
  })
  const filtered = computed(() => {
    const text = normalizeText(table.text)
    const found = text ? rows.value.filter((r) => options.matches(r, text)) : rows.value
    const key = table.sort && options.sortKeys?.[table.sort.prop]
    if (!key) return found
    const dir = table.sort!.order === 'descending' ? -1 : 1
    return [...found].sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : 0))
  })
  const pageRows = computed(() => filtered.value.slice((table.page - 1) * table.size, table.page * table.size))
  // A new search, page size or list starts again at the first page.
  watch([() => table.text, () => table.size, rows], () => (table.page = 1))
  /** For the table's @sort-change. */
  function onSort({ prop, order }: { prop: string; order: string | null }) {
    table.sort = order ? { prop, order } : null
  }
  return { table, filtered, pageRows, onSort }
}
