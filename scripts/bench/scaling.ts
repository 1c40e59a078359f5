/**
 * `npm run bench -- --scaling 1000,10000,30000`: the main side's figures at each size, on both stores — the
 * ranking's first computation (with its floor) and again, the lights, the kanban data, each screen's calls
 * through App.call, opening a project, completing a milestone — and per figure how much it grew from one size
 * to the next against how much the data grew. A figure that grows faster than the data is flagged (issue 19:
 * "no figure grows faster than the data").
 */
import type { App } from '../../src/main/app'
import { STAGES } from '../../src/shared/domain'
import { samplesOf, type Samples, CALL_BYTES_BUDGET } from './call-sizes'
import {
  median,
  round,
  STORE_NAMES,
  STORES,
  type BenchStore,
  type Figure,
  type Measured,
  type StoreFigure,
} from './measure'
import {
  BENCH_TODAY,
  kanbanFigure,
  lightsFigure,
  milestoneFigure,
  PERIOD,
  perStore,
  projectOpenFigure,
  rankingAgain,
  rankingFirst,
} from './services'
import { performance } from 'node:perf_hooks'

/** The calls each screen makes when it opens (as the renderer asks them: src/renderer/views, stores). */
export function screenCalls(s: Samples): { key: string; label: string; calls: [string, unknown][] }[] {
  const project = { projectId: s.projectId }
  return [
    {
      key: 'overview',
      label: '总览',
      calls: [
        ['overview.setup', {}],
        ['overview.get', {}],
        ['overview.ranking', {}],
      ],
    },
    {
      key: 'kanban',
      label: '看板',
      calls: [
        ['kanban.board', { lanes: false }],
        ...STAGES.map((stage): [string, unknown] => ['kanban.column', { stage, offset: 0, limit: 50 }]),
      ],
    },
    { key: 'ranking', label: '排名', calls: [['ranking.projects', { period: PERIOD, offset: 0, limit: 100 }]] },
    { key: 'problems', label: '问题', calls: [['problem.page', { offset: 0, limit: 50 }]] },
    { key: 'leaders', label: '领导', calls: [['leader.page', { offset: 0, limit: 50 }]] },
    {
      key: 'project',
      label: '项目',
      calls: [
        ['project.get', { id: s.projectId }],
        ['lights.get', { date: BENCH_TODAY, projectIds: [s.projectId] }],
        ['report.list', project],
        ['problem.list', project],
        ['instruction.list', project],
        ['audit.list', { ...project, limit: 200 }],
      ],
    },
  ]
}

/** A screen's calls through App.call, one after the other: their total time (median) and the largest answer. */
async function screenCallsFigure(
  app: App,
  runs: number,
  screen: ReturnType<typeof screenCalls>[number],
): Promise<StoreFigure> {
  const totals: number[] = []
  let largest = { name: '', bytes: 0 }
  for (let i = -1; i < runs; i++) {
    let total = 0
    for (const [name, input] of screen.calls) {
      const start = performance.now()
      const result = await app.call(name as 'auth.status', input)
      total += performance.now() - start
      const bytes = Buffer.byteLength(JSON.stringify(result) ?? '')
      if (bytes > largest.bytes) largest = { name, bytes }
    }
    if (i >= 0) totals.push(total)
  }
  return {
    key: `calls.${screen.key}`,
    label: `${screen.label}的接口调用（主进程）`,
    unit: 'ms',
    budget: 300,
    measured: {
      value: median(totals),
      floor: null,
      runs,
      note: `最大应答 ${largest.name} ${(largest.bytes / 1024).toFixed(1)} KB`,
      check: {
        ok: largest.bytes <= CALL_BYTES_BUDGET,
        text: `最大应答 ${largest.name} ${Math.round(largest.bytes / 1024)} KB`,
      },
    },
  }
}

/** The scaling figures on one size's databases. */
export async function scalingFigures(apps: Record<BenchStore, App>, runs: number): Promise<Figure[]> {
  const { both, figures } = perStore(apps)
  const paired = Math.max(runs, 15)
  await both((app) => rankingFirst(app, paired))
  await both((app) => rankingAgain(app, paired))
  await both((app) => lightsFigure(app, paired))
  await both((app) => kanbanFigure(app, paired))
  const samples = await samplesOf(apps.sqlite)
  for (const screen of screenCalls(samples)) await both((app) => screenCallsFigure(app, runs, screen))
  await both((app) => projectOpenFigure(app, runs))
  await both((app, store) => milestoneFigure(app, store, runs))
  return figures()
}

/** One size's figures, as the scaling table takes them. */
export interface SizeResult {
  projects: number
  figures: Figure[]
}

/**
 * The growth table: per figure and store, the value at each size and its growth from the size before, against
 * the data's growth; a figure growing faster than the data is marked. Returns the rows for the JSON.
 */
export function printScaling(results: SizeResult[]) {
  // Each figure, and for one with a floor its ratio to the floor too (issue 19: the ranking's ratio grew with
  // the size): a ratio that grows means the figure grows faster than the rows it reads.
  const series = results[0]!.figures.flatMap((f, i) => {
    const value = { key: f.key, label: f.label, unit: f.unit as string, of: (m: Measured) => m.value }
    const hasFloor = results.every((r) => STORES.every((s) => r.figures[i]!.stores[s].floor))
    const ratio = {
      key: `${f.key}.ratio`,
      label: `${f.label}：对下限的倍数`,
      unit: '×',
      of: (m: Measured) => m.value / m.floor!,
    }
    return (hasFloor ? [value, ratio] : [value]).map((x) => ({ ...x, i }))
  })
  const rows = series.map((f) => {
    const perStoreRow = Object.fromEntries(
      STORES.map((store) => {
        const values = results.map((r) => f.of(r.figures[f.i]!.stores[store]))
        // A ratio to the floor should not grow at all: its "data" grows as much as the floor's rows.
        const growth = values.slice(1).map((v, k) => ({
          data: f.unit === '×' ? 1 : results[k + 1]!.projects / results[k]!.projects,
          figure: v / values[k]!,
        }))
        return [
          store,
          {
            values: values.map(round),
            growth: growth.map((g) => ({
              data: Math.round(g.data * 100) / 100,
              figure: Math.round(g.figure * 100) / 100,
              faster: g.figure > g.data,
            })),
          },
        ]
      }),
    ) as Record<BenchStore, { values: number[]; growth: { data: number; figure: number; faster: boolean }[] }>
    return { key: f.key, label: f.label, unit: f.unit, ...perStoreRow }
  })
  const sizes = results.map((r) => r.projects.toLocaleString('en-US'))
  console.log('')
  console.log(`规模扩展（${sizes.join(' → ')} 个项目）：每格为数值，括号内为相对上一规模的增长倍数 / 数据增长倍数`)
  console.log(
    `| 指标 | ${STORES.map((s) => STORE_NAMES[s]).join(' | ')} | 结果 ${STORES.map((s) => STORE_NAMES[s]).join(' / ')} |`,
  )
  console.log(`|---|${STORES.map(() => '---:').join('|')}|---|`)
  for (const r of rows) {
    const cell = (store: BenchStore) =>
      r[store].values
        .map((v, k) =>
          k === 0 ? `${v} ${r.unit}` : `${v}（${r[store].growth[k - 1]!.figure}× / ${r[store].growth[k - 1]!.data}×）`,
        )
        .join(' → ')
    const grew = r.unit === '×' ? ['**倍数变大**', '倍数未变大'] : ['**快于数据增长**', '不快于数据']
    const verdict = (store: BenchStore) => (r[store].growth.some((g) => g.faster) ? grew[0] : grew[1])
    console.log(`| ${r.label} | ${STORES.map(cell).join(' | ')} | ${STORES.map(verdict).join(' / ')} |`)
  }
  return rows
}
