// @vitest-environment happy-dom
/**
 * What a user sees on the first day (issue 16, D1), component by component: the 总览's charts (rendered by
 * ECharts to SVG, as in the app), the 从这里开始 steps of an empty database, a kanban card's light reasons and
 * long name, and the project page's list of reasons.
 */
import { describe, expect, it } from 'vitest'
import { defineComponent } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import { init } from 'echarts/core'
import { lightChartOption, stageChartOption } from '../../src/renderer/components/charts'
import KanbanCard from '../../src/renderer/views/kanban/KanbanCard.vue'
import LightReasons from '../../src/renderer/components/LightReasons.vue'
import Overview from '../../src/renderer/views/overview/index.vue'
import { installClient } from '../../src/renderer/api'
import { useProjectStore } from '../../src/renderer/stores/project'
import { STAGES, STAGE_LABELS, type SetupProgress } from '../../src/shared/domain'
import type { KanbanCard as Card, LightReason, Overview as OverviewData } from '../../src/shared/rules/types'

/** An option drawn by ECharts as the app draws it (SVG), at a given size, as SVG text. */
function draw(option: object, width: number, height = 200): string {
  const chart = init(null, undefined, { renderer: 'svg', ssr: true, width, height })
  chart.setOption(option as never)
  const svg = chart.renderToSVGString()
  chart.dispose()
  return svg
}
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!)
/** The pie's sectors (not the legend's icons): an arc (A) in a sector's path means it is drawn. */
const sectors = (svg: string) =>
  [...svg.matchAll(/<path d="([^"]*)"[^>]*ecmeta_ssr_type="chart"/g)].map((m) => m[1]!).filter((d) => d.includes('A'))

describe('the 总览 charts', () => {
  it('a donut of no project is an empty ring saying 暂无项目, not three equal thirds', () => {
    const svg = draw(lightChartOption({ red: 0, yellow: 0, green: 0 }), 380)
    expect(sectors(svg)).toEqual([])
    expect(texts(svg)).toContain('暂无项目')
    expect(texts(svg)).not.toContain('0个')
  })

  it('a light with no project gets no label of its own; the others are drawn and labelled', () => {
    const svg = draw(lightChartOption({ red: 2, yellow: 0, green: 5 }), 380)
    expect(sectors(svg)).toHaveLength(2)
    expect(texts(svg)).toEqual(expect.arrayContaining(['2个', '5个']))
    expect(texts(svg)).not.toContain('0个')
    expect(texts(svg)).not.toContain('暂无项目')
  })

  it.each([300, 380, 600])('the 五个一批 bars label all five stages at %i px', (width) => {
    const svg = draw(
      stageChartOption({ planning: 3, investment: 1, signed: 0, construction: 20, production: 4 }),
      width,
    )
    const shown = texts(svg).join('')
    for (const s of STAGES) expect(shown).toContain(STAGE_LABELS[s])
  })
})

function fakeApi(answers: Record<string, unknown>) {
  installClient({
    async call(name: string) {
      if (!(name in answers)) throw new Error(`unexpected ${name}`)
      return answers[name] as never
    },
  })
}

const emptyOverview: OverviewData = {
  asOf: '2026-11-21',
  reportPeriod: '2026-10',
  stages: { planning: 0, investment: 0, signed: 0, construction: 0, production: 0 },
  lights: { red: 0, yellow: 0, green: 0 },
  investment: { completed: 0, annualPlan: 0, expected: 0, months: 10 },
  missingReports: [],
  overdueProblems: [],
  todos: { unit: '区发改局', milestones: [], reports: [], problems: [] },
  counts: { missingReports: 0, overdueProblems: 0, todos: 0 },
}

async function mountOverview(setup: SetupProgress, overview: OverviewData = emptyOverview) {
  setActivePinia(createPinia())
  fakeApi({
    'overview.setup': setup,
    'overview.get': overview,
    'overview.ranking': { period: '2026-10', frozen: false, best: [], worst: [] },
  })
  const blank = defineComponent({ render: () => null })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: blank },
      { path: '/:rest(.*)*', component: blank },
    ],
  })
  const w = mount(Overview, { global: { plugins: [ElementPlus, router], stubs: { Echarts: true } } })
  await flushPromises()
  return w
}

const steps = (w: Awaited<ReturnType<typeof mountOverview>>) =>
  w.findAll('.start-here li').map((li) => ({
    text: li.text(),
    done: li.attributes('data-done') === 'true',
    to: li.find('a').attributes('href'),
  }))

describe('总览 on the first day', () => {
  it('an empty database: the five steps with their links and done marks, and no chart', async () => {
    const w = await mountOverview({ accounts: 2, townships: 0, units: 3, leaders: 0, projects: 0, reports: 0 })
    const shown = steps(w)
    expect(shown.map((s) => s.done)).toEqual([true, false, false, false, false])
    expect(shown[0]!.text).toContain('为同事建立账号')
    expect(shown[0]!.text).toContain('已有账号 2 个')
    expect(shown[1]!.text).toContain('添加乡镇/街道与牵头单位')
    expect(shown[1]!.text).toContain('已有乡镇/街道 0 个、牵头单位 3 个')
    expect(shown[2]!.text).toContain('添加包联领导')
    expect(shown[3]!.text).toContain('新建项目或导入Excel台账')
    expect(shown[4]!.text).toContain('每月填报')
    expect(shown.map((s) => s.to)).toEqual(['/accounts', '/settings?tab=dicts', '/leaders', '/kanban', '/kanban'])
    expect(w.find('.start-here').text()).toContain('还没有项目')
    expect(w.find('.overview').classes()).toContain('empty')
    expect(w.findAll('.chart')).toHaveLength(0)
  })

  it('with projects but no monthly report yet: the steps stay (four ticked) above the charts', async () => {
    const w = await mountOverview(
      { accounts: 5, townships: 2, units: 2, leaders: 3, projects: 4, reports: 0 },
      { ...emptyOverview, stages: { ...emptyOverview.stages, planning: 4 }, lights: { red: 0, yellow: 1, green: 3 } },
    )
    expect(steps(w).map((s) => s.done)).toEqual([true, true, true, true, false])
    expect(w.find('.start-here').text()).not.toContain('还没有项目')
    expect(w.find('.overview').classes()).not.toContain('empty')
    expect(w.findAll('.chart')).toHaveLength(2)
  })

  it('everything done: no steps, the 总览 as usual', async () => {
    const w = await mountOverview(
      { accounts: 5, townships: 2, units: 2, leaders: 3, projects: 4, reports: 9 },
      { ...emptyOverview, stages: { ...emptyOverview.stages, planning: 4 } },
    )
    expect(w.find('.start-here').exists()).toBe(false)
    expect(w.findAll('.chart')).toHaveLength(2)
  })
})

const reasons: LightReason[] = [
  { light: 'red', kind: 'milestone_overdue', text: '节点「用地预审」计划2026-09-01完成，已逾期81天' },
  { light: 'red', kind: 'problem_overdue', text: '问题「征地补偿未到位」限2026-10-31办结，已超期21天' },
  { light: 'red', kind: 'investment_behind', text: '本年完成投资12.0%，不足50%' },
]

const NAME = '离石区新能源装备制造产业园基础设施及配套道路管网建设工程'.repeat(4).slice(0, 100)

function card(overrides: Partial<Card> = {}): Card {
  return {
    id: 7,
    code: 'XM-007',
    name: NAME,
    stage: 'planning',
    position: 1,
    level: 'county',
    categoryId: null,
    industryTagId: null,
    township: { id: 1, name: '城东街道' },
    leader: { id: 1, name: '张建国' },
    leaderOrder: 1,
    leadUnit: { id: 1, name: '区发改局' },
    milestones: { done: 1, due: 3, total: 8 },
    light: 'red',
    reasons,
    investmentRate: 1200,
    version: 1,
    ...overrides,
  }
}

describe('a kanban card', () => {
  const make = (c: Card) => mount(KanbanCard, { props: { card: c }, global: { plugins: [ElementPlus] } })

  it('shows the first reason under the name, 等N项 when there are more, all of them in its title', () => {
    const w = make(card())
    const why = w.find('.why')
    expect(why.find('.first').text()).toBe(reasons[0]!.text)
    expect(why.find('.more').text()).toBe('等3项')
    expect(why.attributes('title')).toBe(reasons.map((r) => r.text).join('\n'))
    expect(why.classes()).toContain('red')
  })

  it('one reason: no 等; a green light: says there is nothing to warn of', () => {
    expect(
      make(card({ reasons: reasons.slice(0, 1) }))
        .find('.why .more')
        .exists(),
    ).toBe(false)
    const green = make(card({ light: 'green', reasons: [] }))
    expect(green.find('.why').text()).toBe('无预警事项')
  })

  it('keeps the whole name in the title and opens on keyboard focus or a tap, not on a mouse click', async () => {
    const w = make(card())
    expect(w.find('.name').attributes('title')).toBe(NAME)
    expect(w.find('.name').text()).toBe(NAME)

    await w.trigger('focusin')
    expect(w.classes()).toContain('opened')
    expect(w.findAll('.why.all li').map((li) => li.text())).toEqual(reasons.map((r) => r.text))
    await w.trigger('focusout', { relatedTarget: null })
    expect(w.classes()).not.toContain('opened')

    await w.trigger('pointerdown', { pointerType: 'mouse' })
    await w.trigger('focusin')
    expect(w.classes()).not.toContain('opened')
    await w.trigger('focusout', { relatedTarget: null })

    await w.trigger('pointerdown', { pointerType: 'touch' })
    await w.trigger('focusin')
    expect(w.classes()).toContain('opened')
  })
})

describe('the project page', () => {
  it('lists every reason of a red or yellow light; nothing for a green one', async () => {
    setActivePinia(createPinia())
    const store = useProjectStore()
    store.light = { light: 'yellow', reasons: reasons.slice(0, 2).map((r) => ({ ...r, light: 'yellow' as const })) }
    const w = mount(LightReasons, { global: { plugins: [ElementPlus] } })
    expect(w.findAll('li').map((li) => li.text())).toEqual(reasons.slice(0, 2).map((r) => r.text))
    expect(w.text()).toContain('黄灯')
    expect(w.text()).toContain('原因（2项）')
    store.light = { light: 'green', reasons: [] }
    await flushPromises()
    expect(w.find('.light-reasons').exists()).toBe(false)
  })
})
