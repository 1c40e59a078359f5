/**
 * The figures seen through Chromium, against browser mode as an office runs it (`serve`, the built renderer):
 * the start (first of the day and warm: start.ts), every screen from the page (screens.ts), the kanban's first
 * paint and a scroll frame against a static page of as many elements, the main side's peak RSS over a defined
 * user scenario with the renderer's heap, and the 通报 of the benchmark database to PDF (print.ts) — on the
 * SQLite file, then with `serve --db postgres://…` on PostgreSQL, each store in a browser context of its own.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium } from '../../tests/browser/chromium'
import {
  logFigure,
  median,
  percentile,
  sideBySide,
  STORES,
  type BenchStore,
  type Figure,
  type StoreFigure,
} from './measure'
import { DATA_SELECTORS, elementCount, jsHeapMb, scrollSteps, seenAt, staticPage, visitScreen, WATCHER } from './page'
import { printFigure, printOnce } from './print'
import { screenFigures } from './screens'
import { login, rssOf, serve, stop, type BuiltApp, type Served } from './serve'
import { startFigures } from './start'

export { BENCH_ACCOUNT, builtApp } from './serve'

/** Where one store's figures are measured: the benchmark database (a file or a URL). */
export interface BrowserTarget {
  db: string
}

export interface BrowserOptions {
  /** the built command line and renderer */
  app: BuiltApp
  targets: Record<BenchStore, BrowserTarget>
  projects: number
  runs: number
  workDir: string
  /** A project whose workspace the 项目 screen opens. */
  projectId: number
}

export async function browserFigures(options: BrowserOptions): Promise<Figure[]> {
  const per: Record<BenchStore, StoreFigure[]> = { sqlite: [], postgres: [] }
  const browser: Browser = await launchChromium()
  try {
    for (const store of STORES)
      await storeFigures(browser, store, options, (f) => {
        per[store].push(f)
        logFigure(store, f)
      })
  } finally {
    await browser.close()
  }
  return sideBySide(per)
}

/** The kanban's first paint (a full load of #/kanban to the first card) and a scroll frame, with their floors. */
async function kanbanFigures(page: Page, served: Served, o: BrowserOptions): Promise<StoreFigure[]> {
  await page.goto(`${served.base}#/kanban`)
  await page.waitForSelector(DATA_SELECTORS.card)
  const paint: number[] = []
  for (let i = 0; i < o.runs; i++) {
    await page.reload({ waitUntil: 'commit' })
    paint.push((await seenAt(page, 'card')).sinceNavigation)
  }
  const elements = await elementCount(page)
  const stat = staticPage(o.workDir, elements)
  const floorPaint: number[] = []
  for (let i = 0; i < o.runs; i++) {
    await page.goto(`file://${stat}?${i}`, { waitUntil: 'commit' })
    floorPaint.push((await seenAt(page, 'staticCard')).sinceNavigation)
  }
  await page.goto(`${served.base}#/kanban`)
  await page.reload()
  await page.waitForSelector(DATA_SELECTORS.card)
  const frames = await scrollSteps(page, '[data-stage="construction"] .body', 200)
  await page.goto(`file://${stat}`)
  const floorFrames = await scrollSteps(page, '.col', 200)
  return [
    {
      key: 'kanbanPaint',
      label: `看板 ${o.projects} 个项目：整页载入到第一张卡片`,
      unit: 'ms',
      budget: 1000,
      measured: {
        value: median(paint),
        floor: median(floorPaint),
        runs: o.runs,
        note: `从开始载入页面到第一张卡片出现（页面自己的时钟）；页面中 ${elements} 个元素；下限：同样多元素的静态页面`,
      },
    },
    {
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
    },
  ]
}

/** The user scenario of the memory figures, as the docs and the note state it. */
export const RSS_SCENARIO =
  '启动 serve、登录、总览（含排名前五后五）、看板并滚动施工列 200 步、排名第 1–3 页、问题、领导、一个项目工作台、打开 2026-10 排名通报的打印页（至就绪，不生成 PDF）'

/** One pass of the scenario on a `serve` of its own: that process's peak RSS, and the renderer's heap. */
async function scenarioOnce(context: BrowserContext, page: Page, store: BenchStore, o: BrowserOptions) {
  const served = await serve(o.app, o.targets[store].db)
  try {
    await login(context, served.url)
    await page.goto(served.url)
    await seenAt(page, 'start')
    await visitScreen(page, '#/kanban', DATA_SELECTORS.card)
    await scrollSteps(page, '[data-stage="construction"] .body', 200)
    await visitScreen(page, '#/ranking', DATA_SELECTORS.table)
    // Pages 2 and 3 (as far as there are: a small database has one).
    const nextPage = page.locator('.zb-page .el-pagination .btn-next').first()
    for (let p = 2; p <= 3 && (await nextPage.isEnabled()); p++)
      // Together: a click that fails must not leave the wait for the answer pending (an unhandled rejection
      // would end the bench before it stops its serve and its PostgreSQL cluster).
      await Promise.all([page.waitForResponse((r) => r.url().includes('/api/call/ranking.projects')), nextPage.click()])
    const heap = await jsHeapMb(page)
    await visitScreen(page, '#/problems', DATA_SELECTORS.table)
    await visitScreen(page, '#/leaders', DATA_SELECTORS.table)
    await visitScreen(page, `#/projects/${o.projectId}`, DATA_SELECTORS.project)
    // The print view until it is ready: the main side's part of a print (the PDF is Chromium's work).
    await printOnce(page, served.base, null)
    return { heap, rss: rssOf(served.child.pid!) }
  } finally {
    await stop(served)
  }
}

/**
 * The scenario `runs` times, each on a `serve` of its own: the median of the peak RSS (VmHWM) of that process
 * over it, and of the renderer's heap after the kanban and the ranking were open.
 */
async function memoryFigures(
  context: BrowserContext,
  page: Page,
  store: BenchStore,
  o: BrowserOptions,
): Promise<StoreFigure[]> {
  const passes = []
  for (let i = 0; i < o.runs; i++) passes.push(await scenarioOnce(context, page, store, o))
  const peaks = passes.map((p) => p.rss.peak)
  return [
    {
      key: 'rendererHeap',
      label: '内存：界面 JS 堆（看过看板和排名后）',
      unit: 'MB',
      budget: 300,
      measured: {
        value: median(passes.map((p) => p.heap)),
        floor: null,
        runs: o.runs,
        note: '强制垃圾回收后',
      },
    },
    {
      key: 'mainRss',
      label: '内存：主进程常驻内存峰值（serve，一段使用过程）',
      unit: 'MB',
      budget: 300,
      measured: {
        value: median(peaks),
        floor: null,
        runs: o.runs,
        note:
          `过程：${RSS_SCENARIO}；最高 ${Math.max(...peaks).toFixed(0)} MB，结束时 ${median(passes.map((p) => p.rss.now)).toFixed(0)} MB` +
          (store === 'postgres' ? '；只计 serve 进程，不含 PostgreSQL 服务器的进程' : ''),
      },
    },
  ]
}

async function storeFigures(
  browser: Browser,
  store: BenchStore,
  o: BrowserOptions,
  add: (f: StoreFigure) => void,
): Promise<void> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  let served: Served | undefined
  try {
    await context.addInitScript(WATCHER)
    const page = await context.newPage()
    const db = o.targets[store].db
    const start = await startFigures(context, page, { app: o.app, db, runs: o.runs, store })
    served = start.served
    start.figures.forEach(add)
    ;(await screenFigures(page, o.runs, o.projectId)).forEach(add)
    ;(await kanbanFigures(page, served, o)).forEach(add)
    await stop(served)
    served = undefined
    ;(await memoryFigures(context, page, store, o)).forEach(add)
    add(await printFigure(context, page, { app: o.app, db, runs: o.runs, store, workDir: o.workDir }))
  } finally {
    // A failure midway must not leave a serve process behind (it holds the database).
    if (served) await stop(served).catch(() => {})
    await context.close()
  }
}
