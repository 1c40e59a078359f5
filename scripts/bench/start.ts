/**
 * Start to a useful 总览, as an office starts browser mode: from launching `serve` (integrity check included
 * on a file) until 总览's figures and its best and worst five (overview.ranking: last month's whole ranking)
 * are in the page, by the page's clock. Two figures: the first start of the day — no backup of today yet, so
 * `serve` makes it while the page loads (a copy of the whole file, or a pg_dump) — and a warm start.
 */
import type { BrowserContext, Page } from 'playwright-core'
import { median, type BenchStore, type StoreFigure } from './measure'
import { seenAt } from './page'
import { backupCount, forgetBackups, login, serve, stop, type BuiltApp, type Served } from './serve'

export interface StartOptions {
  app: BuiltApp
  db: string
  runs: number
  store: BenchStore
}

/** One start: spawn, log in, open the address; ms from the spawn to the useful 总览. */
async function startOnce(context: BrowserContext, page: Page, o: StartOptions) {
  const spawned = Date.now()
  const served = await serve(o.app, o.db)
  try {
    await login(context, served.url)
    await page.goto(served.url, { waitUntil: 'commit' })
    const seen = await seenAt(page, 'start')
    return { served, ms: seen.epoch - spawned }
  } catch (error) {
    await stop(served)
    throw error
  }
}

/**
 * The two start figures (first of the day, warm), each a median of `runs` after one start not counted. Leaves
 * the last warm start's `serve` running for the next figures (returned).
 */
export async function startFigures(
  context: BrowserContext,
  page: Page,
  o: StartOptions,
): Promise<{ figures: StoreFigure[]; served: Served }> {
  const results: { first: boolean; starts: number[]; readies: number[] }[] = []
  let served: Served | undefined
  // Whether the serve running is a first start of the day, and how many first starts made the day's backup
  // (counted once that serve has stopped: it finishes the backup before it exits).
  let firstRunning = false
  let backupsMade = 0
  try {
    for (const first of [true, false]) {
      const starts: number[] = []
      const readies: number[] = []
      for (let i = -1; i < o.runs; i++) {
        if (served) {
          await stop(served)
          if (firstRunning && backupCount(o.db) > 0) backupsMade++
        }
        served = undefined
        firstRunning = first
        if (first) forgetBackups(o.db)
        const run = await startOnce(context, page, o)
        served = run.served
        if (i >= 0) {
          starts.push(run.ms)
          readies.push(served.ready)
        }
      }
      results.push({ first, starts, readies })
    }
  } catch (error) {
    if (served) await stop(served).catch(() => {})
    throw error
  }
  const figures = results.map(({ first, starts, readies }): StoreFigure => {
    const serveNote =
      `其中 serve 打印地址前 ${Math.round(median(readies))} ms` +
      (o.store === 'sqlite' ? '（含完整性检查）' : '（连接数据库、检查迁移）')
    return {
      key: first ? 'startFirst' : 'startWarm',
      label: first ? '启动到可用的总览：当天首次启动（含当天备份）' : '启动到可用的总览：再次启动',
      unit: 'ms',
      budget: 1500,
      measured: {
        value: median(starts),
        floor: null,
        runs: o.runs,
        note:
          `从启动 serve 进程到总览的数字和排名前五、后五出现在页面中（页面自己的时钟）；${serveNote}` +
          (first
            ? `；每次启动前删除该数据库的备份，serve 在页面载入的同时做当天的备份（${o.store === 'sqlite' ? '复制数据库文件' : 'pg_dump'}）`
            : '；当天的备份已有'),
        // Every first start (the one not counted too) made the day's backup: each was a first start indeed.
        ...(first
          ? {
              check: {
                ok: backupsMade === o.runs + 1,
                text: `${o.runs + 1} 次首次启动中 ${backupsMade} 次做了当天的备份`,
              },
            }
          : {}),
      },
    }
  })
  return { figures, served: served! }
}
