/**
 * Each screen as the page sees it: opened inside the running app (the router, as the menu does), from the
 * start of its first /api/call to its data being in the page, with the sizes of the calls it made (resource
 * timing: bytes on the wire, compressed, and decoded). Budget: 300 ms, and no call over 200 KB (decoded JSON,
 * as the main side's check counts it).
 */
import type { Page } from 'playwright-core'
import { median, type StoreFigure } from './measure'
import { DATA_SELECTORS, visitScreen, type PageCall } from './page'
import { CALL_BYTES_BUDGET } from './call-sizes'

/** The screens of the menu and a project's workspace, with the element that shows their data. */
export function screens(projectId: number) {
  return [
    { key: 'overview', label: '总览', hash: '#/overview', selector: DATA_SELECTORS.overview },
    { key: 'kanban', label: '看板', hash: '#/kanban', selector: DATA_SELECTORS.card },
    { key: 'ranking', label: '排名', hash: '#/ranking', selector: DATA_SELECTORS.table },
    { key: 'problems', label: '问题', hash: '#/problems', selector: DATA_SELECTORS.table },
    { key: 'leaders', label: '领导', hash: '#/leaders', selector: DATA_SELECTORS.table },
    { key: 'project', label: '项目', hash: `#/projects/${projectId}`, selector: DATA_SELECTORS.project },
  ] as const
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KB`

/**
 * Every screen `runs` times (after one round not counted, which loads the screens' code), one after the
 * other, so each is opened from another screen.
 */
export async function screenFigures(page: Page, runs: number, projectId: number): Promise<StoreFigure[]> {
  const list = screens(projectId)
  const times = new Map<string, number[]>(list.map((s) => [s.key, []]))
  const callTimes = new Map<string, number[]>(list.map((s) => [s.key, []]))
  const calls = new Map<string, Map<string, PageCall>>(list.map((s) => [s.key, new Map()]))
  const counts = new Map<string, number>()
  // Overview last: the page is on 总览 after the start, and a screen is always opened from another one.
  const order = [...list.slice(1), list[0]]
  for (let i = -1; i < runs; i++)
    for (const s of order) {
      const visit = await visitScreen(page, s.hash, s.selector)
      if (i < 0) continue
      times.get(s.key)!.push(visit.ms)
      callTimes.get(s.key)!.push(visit.callsMs)
      counts.set(s.key, visit.calls.length)
      // Per call name, the largest answer seen (a column asks several windows of the same call).
      const seen = calls.get(s.key)!
      for (const c of visit.calls) if ((seen.get(c.name)?.bytes ?? -1) < c.bytes) seen.set(c.name, c)
    }
  return list.map((s) => {
    const largest = [...calls.get(s.key)!.values()].sort((a, b) => b.bytes - a.bytes)[0]!
    return {
      key: `screen.${s.key}`,
      label: `页面：${s.label}（调用开始到数据显示）`,
      unit: 'ms',
      budget: 300,
      measured: {
        value: median(times.get(s.key)!),
        floor: null,
        runs,
        note: `${s.hash}，${counts.get(s.key)} 个调用，调用用时 ${Math.round(median(callTimes.get(s.key)!))} ms（其余为页面渲染）；最大的应答 ${largest.name}：传输 ${kb(largest.wireBytes)}，解压后 ${kb(largest.bytes)}`,
        check: {
          ok: largest.bytes <= CALL_BYTES_BUDGET,
          text: `最大应答 ${largest.name} ${kb(largest.bytes)}（预算 ${CALL_BYTES_BUDGET / 1024} KB）`,
        },
        largestCall: { name: largest.name, wireBytes: largest.wireBytes, bytes: largest.bytes },
      },
    }
  })
}
