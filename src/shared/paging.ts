/**
 * Reading every row of a paged call (exports, prints, the command line): page after page through the same
 * call a screen makes, each at most PAGE_LIMIT_MAX rows. The pages must come from one state of the data: each
 * answer carries its data version, and when a write lands between two pages the reading starts over.
 */
import { AppError } from './errors'
import { PAGE_LIMIT_MAX } from './schemas'

export interface Page<R> {
  rows: R[]
  /** Rows matching, all pages together. */
  total: number
  /** The data version the page was read at (src/main/store/data-version.ts). */
  version: number
}

/** Attempts before giving up when the data keeps changing under the reading. */
const ATTEMPTS = 5

/**
 * All rows of a paged call, and the first page's answer (for what the call says besides its rows). Throws
 * CONFLICT when the data changed under every one of five attempts.
 */
export async function allPages<P extends Page<unknown>>(
  fetch: (offset: number, limit: number) => Promise<P>,
  onProgress?: (done: number, total: number) => void,
): Promise<{ first: P; rows: P['rows'] }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const first = await fetch(0, PAGE_LIMIT_MAX)
    const rows: P['rows'] = [...first.rows]
    onProgress?.(rows.length, first.total)
    let changed = false
    while (rows.length < first.total) {
      const next = await fetch(rows.length, PAGE_LIMIT_MAX)
      if (next.version !== first.version || next.total !== first.total || next.rows.length === 0) {
        changed = true
        break
      }
      rows.push(...next.rows)
      onProgress?.(rows.length, first.total)
    }
    if (!changed) return { first, rows }
  }
  throw changing()
}

/**
 * Every row of a bounded list call (at most PAGE_LIMIT_MAX a call, no count): slice after slice until a short
 * one. For the lists of one project (its problems, its 批示), which a single slice holds in practice; a
 * whole-office list pages with allPages, whose version check keeps its pages from one state of the data.
 */
export async function everySlice<R>(fetch: (offset: number, limit: number) => Promise<R[]>): Promise<R[]> {
  const rows: R[] = []
  for (;;) {
    const slice = await fetch(rows.length, PAGE_LIMIT_MAX)
    rows.push(...slice)
    if (slice.length < PAGE_LIMIT_MAX) return rows
  }
}

/**
 * Several paged lists of one state of the data (a print's tables, each read with allPages): `read` reads them
 * all and says the data version of each; when they differ, a write landed between two of them and all are read
 * again. Throws CONFLICT when the data changed under every one of five attempts.
 */
export async function ofOneState<T>(read: () => Promise<{ value: T; versions: number[] }>): Promise<T> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { value, versions } = await read()
    if (versions.every((v) => v === versions[0])) return value
  }
  throw changing()
}

const changing = () => new AppError('CONFLICT', '数据在读取过程中一直在变化（其他人正在修改），请稍后重试')
