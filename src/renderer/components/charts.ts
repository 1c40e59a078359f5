/**
 * ECharts, registered once with only the charts the app draws (bar and pie), rendered as SVG: crisp at any
 * zoom and on paper, and its labels are text in the page (the browser tests read them). The options of the
 * 总览's two charts are built here, pure, so that they are tested on their own.
 */
import { use } from 'echarts/core'
import { BarChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components'
import { SVGRenderer } from 'echarts/renderers'
import { STAGES, STAGE_LABELS, type Stage } from '../../shared/domain'
import type { Light } from '../../shared/rules/types'
import { LIGHT_COLOR, LIGHT_TEXT } from '../format'

use([BarChart, PieChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, SVGRenderer])

export { default as Echarts } from 'vue-echarts'

/** The init options every chart of the app is created with (only the SVG renderer is registered). */
export const CHART_INIT = { renderer: 'svg' } as const

/** A stage name on two lines (谋划\n包装): all five fit under their bars even in a third of a 1366 px screen. */
function twoLines(label: string): string {
  return label.length > 2
    ? `${label.slice(0, Math.ceil(label.length / 2))}\n${label.slice(Math.ceil(label.length / 2))}`
    : label
}

/**
 * The 五个一批 bar chart: one bar per stage in the kanban's order, its count on top. Every stage is labelled
 * (interval 0: ECharts would otherwise drop labels it thinks too close). No animation: an office tool shows the
 * figures at once (and prints and screenshots them complete).
 */
export function stageChartOption(counts: Record<Stage, number>) {
  return {
    animation: false,
    grid: { left: 36, right: 8, top: 18, bottom: 36 },
    tooltip: {},
    xAxis: {
      type: 'category',
      data: STAGES.map((s) => STAGE_LABELS[s]),
      axisTick: { alignWithLabel: true },
      axisLabel: { interval: 0, hideOverlap: false, fontSize: 12, lineHeight: 14, formatter: twoLines },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        data: STAGES.map((s) => counts[s] ?? 0),
        itemStyle: { color: '#1f4e8c' },
        label: { show: true, position: 'top' },
      },
    ],
  }
}

/**
 * The lights donut. With no project at all it is an empty grey ring saying 暂无项目 — never three equal thirds
 * (ECharts' default for a sum of zero); a light with no project gets no label of its own (no "0个" piled up).
 */
export function lightChartOption(counts: Record<Light, number>) {
  const lights = ['red', 'yellow', 'green'] as const
  const total = lights.reduce((s, l) => s + (counts[l] ?? 0), 0)
  return {
    animation: false,
    title:
      total === 0
        ? { text: '暂无项目', left: 'center', top: '38%', textStyle: { fontSize: 13, color: '#5b6472' } }
        : undefined,
    tooltip: { formatter: '{b}：{c}个（{d}%）' },
    legend: { bottom: 0 },
    series: [
      {
        type: 'pie',
        radius: ['40%', '68%'],
        center: ['50%', '44%'],
        stillShowZeroSum: false,
        showEmptyCircle: true,
        emptyCircleStyle: { color: '#eef0f3' },
        label: { formatter: '{b}\n{c}个' },
        data: lights.map((l) => ({
          name: LIGHT_TEXT[l],
          value: counts[l] ?? 0,
          itemStyle: { color: LIGHT_COLOR[l] },
          label: { show: (counts[l] ?? 0) > 0 },
          labelLine: { show: (counts[l] ?? 0) > 0 },
        })),
      },
    ],
  }
}
