/**
 * The figures seen through Chromium, against browser mode as an office runs it (`serve`, the built
 * renderer): start to first useful paint, the kanban of every card (first paint, a scroll frame), the
 * renderer's heap, the main side's RSS, and the 1,000-row ranking 通报 to PDF — on the SQLite file, then with
 * `serve --db postgres://…` on PostgreSQL. Each page figure has its floor: the same number of elements as a
 * plain static page.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { TOKEN_HEADER } from '../../src/shared/bridge'
import { launchChromium } from '../../tests/browser/chromium'
import { openAppAt } from '../../src/main/app'
import { startHttpHost } from '../../src/main/http/host'
import {
  logFigure,
  median,
  percentile,
  sideBySide,
  STORES,
  time,
  type BenchStore,
  type Figure,
  type StoreFigure,
} from './measure'

/** A built app: `<dir>/dist-electron/cli.cjs` and `<dir>/dist/renderer` (see run.ts). */
export function builtApp(dir: string) {
  return { cli: path.join(dir, 'dist-electron', 'cli.cjs'), renderer: path.join(dir, 'dist', 'renderer') }
}

/** The account the bench's databases have (run.ts sets it up); every served page logs in as it first. */
export const BENCH_ACCOUNT = { login: 'bench', password: 'Bench#20261121' }

/** Logs the browser context in on the host of `url` (its token from the address), as the login screen would. */
async function login(context: BrowserContext, url: string): Promise<void> {
  const { origin, hash } = new URL(url)
  const res = await context.request.post(`${origin}/api/call/auth.login`, {
    headers: { [TOKEN_HEADER]: hash.replace('#token=', '') },
    data: BENCH_ACCOUNT,
  })
  if (!res.ok()) throw new Error(`登录失败：${await res.text()}`)
}

interface Served {
  child: ChildProcess
  url: string
  /** ms from spawn to the URL being printed */
  ready: number
}

function serve(app: { cli: string; renderer: string }, db: string): Promise<Served> {
  const started = performance.now()
  const child = spawn(process.execPath, [app.cli, 'serve', '--db', db], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ZHUANBAN_RENDERER_DIR: app.renderer },
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const url = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out)?.[1]
      if (url) resolve({ child, url, ready: performance.now() - started })
    })
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    child.on('exit', (code) => reject(new Error(`serve 退出（${code}）：${out}`)))
  })
}

async function stop(s: Served) {
  s.child.removeAllListeners('exit')
  if (s.child.exitCode !== null || s.child.signalCode !== null) return
  const exited = new Promise((r) => s.child.once('exit', r))
  s.child.kill('SIGTERM')
  await exited
}

/** Peak and current resident memory of a process, from /proc (Linux), in MB. */
function rssOf(pid: number): { peak: number; now: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN)
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 }
}

async function jsHeapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  await cdp.send('HeapProfiler.collectGarbage')
  const { metrics } = await cdp.send('Performance.getMetrics')
  return metrics.find((m) => m.name === 'JSHeapUsedSize')!.value / 1024 / 1024
}

/** A plain static page with `count` elements shaped like cards in scrolling columns: the paint floor. */
function staticPage(dir: string, count: number): string {
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

/** The little of the DOM the in-page functions use. */
interface InPage {
  document: {
    querySelector(selector: string): { scrollTop: number; dispatchEvent(event: unknown): void } | null
    getElementsByTagName(tag: string): { length: number }
    body: { getBoundingClientRect(): { height: number } }
  }
  requestAnimationFrame(callback: (time: number) => void): void
  Event: new (type: string) => unknown
}

/**
 * Installed in every page: notes (ms since the navigation started) when the 总览's figures, the first kanban
 * card and the static page's first card are in the page — the page's own clock, without the automation's
 * polling delay.
 */
const FIRST_SEEN = `(() => {
  const seen = (window.__firstSeen = {})
  const probes = {
    overview: () => document.body && document.body.innerText.includes('五个一批（'),
    card: () => document.querySelector('[data-card]'),
    staticCard: () => document.querySelector('.card'),
  }
  new MutationObserver(() => {
    for (const [key, probe] of Object.entries(probes)) if (!(key in seen) && probe()) seen[key] = performance.now()
  }).observe(document, { subtree: true, childList: true, characterData: true })
})()`

/** When the probe first held: epoch ms (navigation start + the page's own time). */
async function firstSeen(page: Page, key: string): Promise<{ epoch: number; sinceNavigation: number }> {
  await page.waitForFunction((k) => k in ((globalThis as unknown as { __firstSeen: object }).__firstSeen ?? {}), key)
  return page.evaluate((k) => {
    const g = globalThis as unknown as { __firstSeen: Record<string, number>; performance: { timeOrigin: number } }
    return { epoch: g.performance.timeOrigin + g.__firstSeen[k]!, sinceNavigation: g.__firstSeen[k]! }
  }, key)
}

/** The script + layout time of one scroll step of a column (scroll handler, Vue's patch, forced layout). */
async function scrollSteps(page: Page, selector: string, steps: number): Promise<number[]> {
  return page.evaluate(
    async ({ selector, steps }) => {
      // In the page (this file is compiled without the DOM's types).
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

/** Where one store's figures are measured: the benchmark database and the 1,000-project one (a file or a URL). */
export interface BrowserTarget {
  db: string
  smallDb: string
}

export async function browserFigures(options: {
  /** the built command line and renderer */
  app: { cli: string; renderer: string }
  targets: Record<BenchStore, BrowserTarget>
  projects: number
  runs: number
  workDir: string
}): Promise<Figure[]> {
  const per: Record<BenchStore, StoreFigure[]> = { sqlite: [], postgres: [] }
  const browser: Browser = await launchChromium()
  try {
    // Each store in a context of its own (its own cache and cookies), one after the other.
    for (const store of STORES)
      await storeFigures(browser, store, { ...options, ...options.targets[store] }, (f) => {
        per[store].push(f)
        logFigure(store, f)
      })
  } finally {
    await browser.close()
  }
  return sideBySide(per)
}

async function storeFigures(
  browser: Browser,
  store: BenchStore,
  options: { app: { cli: string; renderer: string }; projects: number; runs: number; workDir: string } & BrowserTarget,
  add: (f: StoreFigure) => void,
): Promise<void> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  let served: Served | undefined
  try {
    await context.addInitScript(FIRST_SEEN)
    const page = await context.newPage()
    const startRuns = Math.min(options.runs, 5)

    // Start to first useful paint: the 总览 with its five stages, from the moment `serve` is launched.
    const starts: number[] = []
    const readies: number[] = []
    for (let i = -1; i < startRuns; i++) {
      if (served) await stop(served)
      served = undefined
      const spawned = Date.now()
      served = await serve(options.app, options.db)
      await login(context, served.url)
      await page.goto(served.url, { waitUntil: 'commit' })
      // Until the page shows its figures, by the page's clock (not until every resource has loaded).
      const seen = await firstSeen(page, 'overview')
      if (i >= 0) {
        starts.push(seen.epoch - spawned) // the first start (on a file: the day's backup) warms up
        readies.push(served.ready)
      }
    }
    add({
      key: 'browserStart',
      label: '浏览器模式：启动到首屏可用',
      unit: 'ms',
      budget: 1500,
      measured: {
        value: median(starts),
        floor: null,
        runs: startRuns,
        note:
          `从启动 serve 进程到总览的数字出现在页面中（页面自己的时钟）；其中 serve 打印地址前 ${Math.round(median(readies))} ms` +
          (store === 'sqlite'
            ? '（含完整性检查）。首次启动另有当天的自动备份，作为预热不计入'
            : '（连接数据库、检查迁移；服务器数据库无文件完整性检查和自动备份）。首次启动作为预热不计入'),
      },
    })
    const base = served!.url.replace(/#.*$/, '')

    // Kanban: a full load of #/kanban until the first card is shown.
    await page.goto(`${base}#/kanban`)
    await page.waitForSelector('[data-card]')
    const kanban: number[] = []
    for (let i = 0; i < options.runs; i++) {
      await page.reload({ waitUntil: 'commit' })
      kanban.push((await firstSeen(page, 'card')).sinceNavigation)
    }
    const elements = await page.evaluate(
      () => (globalThis as unknown as InPage).document.getElementsByTagName('*').length,
    )
    const stat = staticPage(options.workDir, elements)
    const floorPaint: number[] = []
    for (let i = 0; i < options.runs; i++) {
      await page.goto(`file://${stat}?${i}`, { waitUntil: 'commit' })
      floorPaint.push((await firstSeen(page, 'staticCard')).sinceNavigation)
    }
    add({
      key: 'kanbanPaint',
      label: `看板 ${options.projects} 张卡片：首次显示`,
      unit: 'ms',
      budget: 1000,
      measured: {
        value: median(kanban),
        floor: median(floorPaint),
        runs: options.runs,
        note: `从开始载入页面到第一张卡片出现（页面自己的时钟）；页面中 ${elements} 个元素（卡片按可见范围渲染）；下限：同样多元素的静态页面`,
      },
    })

    await page.goto(`${base}#/kanban`)
    await page.reload()
    await page.waitForSelector('[data-card]')
    const frames = await scrollSteps(page, '[data-stage="construction"] .body', 200)
    await page.goto(`file://${stat}`)
    const floorFrames = await scrollSteps(page, '.col', 200)
    add({
      key: 'kanbanScroll',
      label: '看板滚动一帧（脚本 + 布局），p95',
      unit: 'ms',
      budget: 16,
      measured: {
        value: percentile(frames, 95),
        floor: percentile(floorFrames, 95),
        runs: frames.length,
        note: '无界面的 Chromium 按 60 Hz 出帧，故测每帧内的工作时间；下限：静态页面同样滚动',
      },
    })

    // The renderer's heap after the biggest screens have been open.
    await page.goto(`${base}#/kanban`)
    await page.reload()
    await page.waitForSelector('[data-card]')
    await page.goto(`${base}#/ranking`)
    await page.waitForSelector('.el-table__row')
    add({
      key: 'rendererHeap',
      label: '内存：界面 JS 堆（看过看板和排名后）',
      unit: 'MB',
      budget: 300,
      measured: { value: await jsHeapMb(page), floor: null, runs: 1 },
    })
    const rss = rssOf(served!.child.pid!)
    add({
      key: 'mainRss',
      label: '内存：主进程常驻内存峰值（serve）',
      unit: 'MB',
      budget: 300,
      measured: {
        value: rss.peak,
        floor: null,
        runs: 1,
        note:
          `当前 ${rss.now.toFixed(0)} MB` +
          (store === 'postgres' ? '；只计 serve 进程，不含 PostgreSQL 服务器的进程' : ''),
      },
    })
    await stop(served!)
    served = undefined

    // The 1,000-row ranking 通报 as a PDF (a database of 1,000 projects).
    const small = await openAppAt(options.smallDb)
    const host = await startHttpHost({ app: small, staticDir: options.app.renderer })
    try {
      // The launch token comes with the first URL (kept for the origin, as in browser-mode use).
      await login(context, host.url)
      await page.goto(host.url)
      await page.waitForSelector('text=五个一批')
      const printBase = host.url.replace(/#.*$/, '')
      const pdfRuns = Math.min(options.runs, 3)
      const pdfs = await time(pdfRuns, async (i) => {
        await page.goto(`${printBase}#/print/ranking/2026-10`)
        await page.reload()
        await page.waitForSelector('body[data-print-ready="1"]', { timeout: 60_000 })
        await page.emulateMedia({ media: 'print' })
        await page.pdf({
          path: path.join(options.workDir, `tongbao-${store}-${i + 1}.pdf`),
          preferCSSPageSize: true,
          printBackground: true,
        })
        await page.emulateMedia({ media: 'screen' })
      })
      const rows = (await small.call('ranking.projects', { period: '2026-10' })).rows.length
      add({
        key: 'rankingPdf',
        label: `排名通报 ${rows} 行：生成 PDF`,
        unit: 'ms',
        budget: 5000,
        measured: { value: median(pdfs), floor: null, runs: pdfRuns },
      })
    } finally {
      await host.close()
      await small.close()
    }
  } finally {
    // A failure midway must not leave a serve process behind (it holds the database).
    if (served) await stop(served).catch(() => {})
    await context.close()
  }
}
