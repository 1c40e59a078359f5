/**
 * Thumbnails as data: URLs, each fetched once per page (a file's bytes never change: a changed file is a new id).
 * A failed fetch is not kept, so the next showing asks again.
 */
import { api } from '../../api'

const cache = new Map<number, Promise<string | null>>()
/** About 20 KB each: a long day of paging through projects stays a few MB. */
const KEPT = 400

export function thumbnailUrl(id: number): Promise<string | null> {
  let url = cache.get(id)
  if (!url) {
    url = api
      .call('attachment.get', { id, thumb: true })
      .then((t) => `data:${t.mime};base64,${t.base64}`)
      .catch(() => {
        cache.delete(id)
        return null
      })
    cache.set(id, url)
    if (cache.size > KEPT) cache.delete(cache.keys().next().value!)
  }
  return url
}
