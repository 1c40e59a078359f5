/** shared/paging.ts: whole lists read page by page, of one state of the data (issue 19). */
import { describe, expect, it } from 'vitest'
import { allPages, everySlice, ofOneState } from '../../src/shared/paging'
import { PAGE_LIMIT_MAX } from '../../src/shared/schemas'

/** A list of `n` rows at data version `version()`, answered a page at a time. */
function paged(rows: () => number[], version: () => number) {
  return async (offset: number, limit: number) => ({
    rows: rows().slice(offset, offset + limit),
    total: rows().length,
    version: version(),
  })
}

describe('allPages', () => {
  it('reads every row once, and starts over when the version changes between pages', async () => {
    let version = 1
    let data = Array.from({ length: 450 }, (_, i) => i)
    let calls = 0
    const fetch = paged(
      () => data,
      () => version,
    )
    const { rows } = await allPages(async (offset, limit) => {
      calls++
      const page = await fetch(offset, limit)
      // A write after the second page of the first reading: one row fewer from then on.
      if (calls === 2) {
        version = 2
        data = data.slice(1)
      }
      return page
    })
    expect(rows).toEqual(data)
    // Three pages of the first reading (the third at the new version), then all three again.
    expect(calls).toBe(3 + 3)
  })

  it('gives up with CONFLICT when every reading is disturbed', async () => {
    let version = 0
    const fetch = paged(
      () => Array.from({ length: 300 }, (_, i) => i),
      () => version++,
    )
    await expect(allPages(fetch)).rejects.toMatchObject({ code: 'CONFLICT' })
  })
})

describe('ofOneState', () => {
  it('reads all lists again when they come from two states of the data', async () => {
    const versions = [
      [3, 4],
      [4, 4],
    ]
    let reads = 0
    const value = await ofOneState(async () => ({ value: reads, versions: versions[reads++]! }))
    expect(value).toBe(1)
    expect(reads).toBe(2)
  })

  it('gives up with CONFLICT in Chinese after five readings of mixed states', async () => {
    let reads = 0
    const outcome = ofOneState(async () => ({ value: null, versions: [reads++, reads] }))
    await expect(outcome).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('请稍后重试') })
    expect(reads).toBe(5)
  })
})

describe('everySlice', () => {
  it('reads slices until a short one', async () => {
    const data = Array.from({ length: PAGE_LIMIT_MAX * 2 }, (_, i) => i)
    let calls = 0
    const rows = await everySlice(async (offset, limit) => {
      calls++
      return data.slice(offset, offset + limit)
    })
    expect(rows).toEqual(data)
    expect(calls).toBe(3) // two full slices, then an empty one
  })
})
