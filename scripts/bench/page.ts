/**
 * What the bench reads inside a page, by the page's own clock (performance.now, resource timing), never by the
 * automation's polling: when a screen's data is in the page, the calls it made with their sizes, a scroll
 * step's work, the JS heap. This file is compiled without the DOM's types: the in-page code names the little
 * it uses (InPage).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'

/** The little of the DOM the in-page functions use. */
interface InPage {
  document: {
    querySelector(selector: string): { scrollTop: number; dispatchEvent(event: unknown): void } | null
    getElementsByTagName(tag: string): { length: number }
    body: { getBoundingClientRect(): { height: number } }
  }
  requestAnimationFrame(callback: (time: number) => void): void
  Event: new (type: string) => unknown
  location: { hash: string }
  performance: {
    now(): number
    timeOrigin: number
    clearResourceTimings(): void
    getEntriesByType(type: 'resource'): ResourceEntry[]
  }
  __seen: Record<string, number>
  __watch(key: string, selector: string): void
}

interface ResourceEntry {
  name: string
  startTime: number
  responseEnd: number
  encodedBodySize: number
  decodedBodySize: number
}

/**
 * When each screen's data is in the page: an element the screen shows only with its data (rows, cards, the
 * project's code). 总览's best and worst five sit inside its figures' block, so its selector means both.
 */
export const DATA_SELECTORS = {
  overview: '.overview ol.rank li .name',
  card: '[data-card]',
  table: '.zb-page .el-table__row',
  project: '[aria-label="一个项目"] .code',
  staticCard: '.card',
} as const

/**
 * Installed in every page before its scripts: `__watch(key, selector)` notes in `__seen[key]` the page's time
 * (ms since its navigation started) at which an element matching `selector` that was not there when the watch
 * began is in the page. Watches for a full load (the start, the kanban's first paint) are begun at once.
 */
export const WATCHER = `(() => {
  const seen = (window.__seen = {})
  const watches = []
  window.__watch = (key, selector) => {
    delete seen[key]
    watches.push({ key, selector, before: new Set(document.querySelectorAll(selector)) })
    check()
  }
  function check() {
    for (let i = watches.length - 1; i >= 0; i--) {
      const w = watches[i]
      for (const el of document.querySelectorAll(w.selector))
        if (!w.before.has(el)) {
          seen[w.key] = performance.now()
          watches.splice(i, 1)
          break
        }
    }
  }
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true })
  window.__watch('start', ${JSON.stringify(DATA_SELECTORS.overview)})
  window.__watch('card', ${JSON.stringify(DATA_SELECTORS.card)})
  window.__watch('staticCard', ${JSON.stringify(DATA_SELECTORS.staticCard)})
})()`

/** When the watch `key` held: epoch ms (navigation start + the page's own time) and ms since navigation. */
export async function seenAt(page: Page, key: string, timeout = 60_000) {
  await page.waitForFunction((k) => k in ((globalThis as unknown as InPage).__seen ?? {}), key, { timeout })
  return page.evaluate((k) => {
    const g = globalThis as unknown as InPage
    return { epoch: g.performance.timeOrigin + g.__seen[k]!, sinceNavigation: g.__seen[k]! }
  }, key)
}

/** One /api/call the page made: its name, times (page clock, ms) and sizes (bytes; wire = compressed body). */
export interface PageCall {
  name: string
  start: number
  end: number
  wireBytes: number
  bytes: number
}

/** What one opening of a screen took, as the page saw it. */
export interface ScreenVisit {
  /** ms from the start of its first call to its data being in the page */
  ms: number
  /** ms from the start of its first call to the end of its last (the rest is the page's own work) */
  callsMs: number
  calls: PageCall[]
}

/**
 * Opens `hash` inside the running app (the router, as a click does) and waits for `selector`: the time from
 * the start of the first /api/call the screen made to its data being in the page, and the calls it made
 * until then (their sizes from resource timing: the host is the page's own origin).
 */
export async function visitScreen(page: Page, hash: string, selector: string): Promise<ScreenVisit> {
  const armed = await page.evaluate(
    ({ hash, selector }) => {
      const g = globalThis as unknown as InPage
      g.performance.clearResourceTimings()
      g.__watch('screen', selector)
      const at = g.performance.now()
      g.location.hash = hash
      return at
    },
    { hash, selector },
  )
  const done = (await seenAt(page, 'screen')).sinceNavigation
  // The calls still answering when the data showed are counted once they end.
  await page.waitForTimeout(300)
  const calls = await page.evaluate(
    ({ armed, done }) =>
      (globalThis as unknown as InPage).performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('/api/call/') && e.startTime >= armed && e.startTime <= done)
        .map((e) => ({
          name: decodeURIComponent(e.name.split('/api/call/')[1]!.split('?')[0]!),
          start: e.startTime,
          end: e.responseEnd,
          wireBytes: e.encodedBodySize,
          bytes: e.decodedBodySize,
        })),
    { armed, done },
  )
  if (!calls.length) throw new Error(`${hash}：没有看到页面的接口调用`)
  const first = Math.min(...calls.map((c) => c.start))
  return { ms: done - first, callsMs: Math.min(done, Math.max(...calls.map((c) => c.end))) - first, calls }
}

/** The script + layout time of one scroll step of a column (scroll handler, Vue's patch, forced layout). */
export async function scrollSteps(page: Page, selector: string, steps: number): Promise<number[]> {
  return page.evaluate(
    async ({ selector, steps }) => {
      const { document, requestAnimationFrame, Event } = globalThis as unknown as InPage
      const el = document.querySelector(selector)!
      const out: number[] = []
      for (let i = 0; i < steps; i++) {
        const start = performance.now()
        el.scrollTop = (i + 1) * 137
        el.dispatchEvent(new Event('scroll'))
        await Promise.resolve() // Vue flushes its update in the microtask queued by the handler
        await Promise.resolve()
        void document.body.getBoundingClientRect().height // layout now, not at the next frame
        out.push(performance.now() - start)
        await new Promise((r) => requestAnimationFrame(r))
      }
      return out
    },
    { selector, steps },
  )
}

export async function elementCount(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as InPage).document.getElementsByTagName('*').length)
}

/** Chromium's JS heap of the page after a forced GC, in MB. */
export async function jsHeapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  await cdp.send('HeapProfiler.collectGarbage')
  const { metrics } = await cdp.send('Performance.getMetrics')
  return metrics.find((m) => m.name === 'JSHeapUsedSize')!.value / 1024 / 1024
}

/** A plain static page with `count` elements shaped like cards in scrolling columns: the paint floor. */
export function staticPage(dir: string, count: number): string {
  const file = path.join(dir, `static-${count}.html`)
  const perColumn = Math.ceil(count / 5 / 4)
  const column = Array.from(
    { length: perColumn },
    (_, i) => `<div class="card"><b>XM-${i}</b><span>项目${i}</span><i>张三</i></div>`,
  ).join('')
  fs.writeFileSync(
    file,
    `<!doctype html><meta charset="utf-8"><style>
      body{margin:0;display:flex;height:100vh;font-family:sans-serif}
      .col{flex:1;overflow:auto;border-right:1px solid #ddd}.card{height:86px;border:1px solid #ccc;margin:6px}
    </style>${Array.from({ length: 5 }, () => `<div class="col">${column}</div>`).join('')}`,
  )
  return file
}
