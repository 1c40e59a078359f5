/**
 * Kept computations (versioned-cache.ts) and the change feed's memory of what each version touched
 * (store/changes.ts): brought up to date for the projects named, computed whole when that is not known.
 */
import { describe, expect, it } from 'vitest'
import { ChangeFeed, REMEMBERED_CHANGES } from '../../src/main/store/changes'
import { VersionedCache } from '../../src/main/versioned-cache'

describe('ChangeFeed.touchedBetween', () => {
  it('unites the projects of every version in between, heard or recorded', () => {
    const feed = new ChangeFeed()
    feed.record({ version: 5, projectIds: [1, 2], by: null })
    feed.emit({ version: 6, projectIds: [2, 3], by: 7 })
    expect(feed.touchedBetween(4, 6)).toEqual(new Set([1, 2, 3]))
    expect(feed.touchedBetween(5, 6)).toEqual(new Set([2, 3]))
  })

  it('says "not known" for a version not heard, one of no project or of anything, and for no span', () => {
    const feed = new ChangeFeed()
    feed.record({ version: 5, projectIds: [1], by: null })
    feed.record({ version: 7, projectIds: [2], by: null })
    expect(feed.touchedBetween(4, 7)).toBeNull() // 6 was not heard (another process, nobody listening)
    feed.record({ version: 8, projectIds: null, by: null })
    expect(feed.touchedBetween(7, 8)).toBeNull() // a dictionary, the rules, an import
    feed.record({ version: 9, projectIds: [], by: null })
    expect(feed.touchedBetween(8, 9)).toBeNull()
    expect(feed.touchedBetween(7, 7)).toBeNull()
    expect(feed.touchedBetween(8, 7)).toBeNull()
  })

  it('forgets the oldest beyond what it remembers', () => {
    const feed = new ChangeFeed()
    for (let v = 1; v <= REMEMBERED_CHANGES + 10; v++) feed.record({ version: v, projectIds: [v], by: null })
    expect(feed.touchedBetween(0, 2)).toBeNull()
    expect(feed.touchedBetween(REMEMBERED_CHANGES, REMEMBERED_CHANGES + 2)).toEqual(
      new Set([REMEMBERED_CHANGES + 1, REMEMBERED_CHANGES + 2]),
    )
  })
})

describe('VersionedCache', () => {
  const feed = new ChangeFeed()
  feed.record({ version: 2, projectIds: [7], by: null })
  feed.record({ version: 4, projectIds: [8], by: null }) // 3 was not heard
  const cache = () => new VersionedCache<string>(2, (a, b) => feed.touchedBetween(a, b))
  const whole = (v: number) => async () => `whole@${v}`
  const patch = async (kept: string, touched: Set<number>) => `${kept}+${[...touched].join(',')}`

  it('keeps a value per version, patches it when the projects in between are known, else computes whole', async () => {
    const c = cache()
    expect(await c.get('k', 1, whole(1), patch)).toBe('whole@1')
    expect(await c.get('k', 1, whole(1), patch)).toBe('whole@1')
    expect(await c.get('k', 2, whole(2), patch)).toBe('whole@1+7')
    expect(await c.get('k', 4, whole(4), patch)).toBe('whole@4') // 3 unknown
    expect([c.computations, c.patches]).toEqual([2, 1])
    // Without a patch every new version is computed whole.
    expect(await c.get('k', 5, whole(5))).toBe('whole@5')
  })

  it('serves a reader whose snapshot is older than the newest kept version without dropping the newest', async () => {
    const c = cache()
    await c.get('k', 1, whole(1), patch)
    await c.get('k', 2, whole(2), patch) // kept: 2 and 1
    expect(await c.get('k', 1, whole(1), patch)).toBe('whole@1') // the older one, still kept
    expect(await c.get('k', 0, whole(0), patch)).toBe('whole@0') // older than both: computed, not kept
    expect(await c.get('k', 2, whole(2), patch)).toBe('whole@1+7')
    expect(c.computations).toBe(2)
  })

  it('computes whole when the kept value it would patch fails, and keeps no failure', async () => {
    const c = cache()
    const first = c.get('k', 1, () => Promise.reject(new Error('坏')), patch)
    const second = c.get('k', 2, whole(2), patch) // 1 → 2 is known, but 1 fails: computed whole instead
    await expect(first).rejects.toThrow('坏')
    expect(await second).toBe('whole@2')
    expect([c.computations, c.patches]).toEqual([2, 1])
    expect(await c.get('k', 1, whole(1), patch)).toBe('whole@1') // the failure was not kept
  })
})
