// @vitest-environment happy-dom
/**
 * The pickers after issue 16: a deactivated item keeps its name where it is the current value, is not offered
 * anew, and an empty list says where its entries are added (with a button that goes there).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import ElementPlus from 'element-plus'
import { defineComponent, h } from 'vue'
import DictSelect from '../../src/renderer/components/DictSelect.vue'
import LeaderSelect from '../../src/renderer/components/LeaderSelect.vue'
import { useRefsStore } from '../../src/renderer/stores/refs'
import { installClient } from '../../src/renderer/api'
import type { Client } from '../../src/renderer/api/client'
import type { DictItem, DictKind, Leader } from '../../src/shared/domain'

const Blank = defineComponent({ render: () => h('div') })

function router(): Router {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: Blank },
      { path: '/settings', component: Blank },
      { path: '/leaders', component: Blank },
    ],
  })
}

const item = (id: number, kind: DictKind, name: string, active = true): DictItem => ({
  id,
  kind,
  name,
  sortOrder: id * 10,
  active,
  version: 1,
})
const leader = (id: number, name: string, active = true): Leader => ({
  id,
  name,
  title: '副县长',
  unit: '',
  phone: '',
  sortOrder: id,
  active,
  projectCount: 0,
  version: 1,
})

/** leader.options as the main side answers it, over `leaders` (ids, or text and includeInactive). */
function leaderOptions(leaders: Leader[], input: unknown) {
  const {
    ids,
    text = '',
    includeInactive = false,
  } = input as { ids?: number[]; text?: string; includeInactive?: boolean }
  const rows = leaders
    .filter((l) => (ids ? ids.includes(l.id) : (includeInactive || l.active) && l.name.includes(text)))
    .map((l) => ({ id: l.id, name: l.name, title: l.title, active: l.active }))
  return { rows, total: rows.length, active: leaders.filter((l) => l.active).length, all: leaders.length }
}

function stock(dicts: Partial<Record<DictKind, DictItem[]>>, leaders: Leader[] = []) {
  setActivePinia(createPinia())
  installClient({
    async call(name, input) {
      if (name === 'leader.options') return leaderOptions(leaders, input) as never
      throw new Error(`unexpected ${name}`)
    },
  })
  const refs = useRefsStore()
  refs.allDicts = { category: [], industry_tag: [], township: [], unit: [], problem_category: [], ...dicts }
  refs.loaded = true
  return refs
}

async function mountSelect(component: unknown, props: Record<string, unknown>, r = router()) {
  await r.push('/')
  const w = mount(component as never, {
    props: { teleported: false, ...props } as never,
    global: { plugins: [ElementPlus, r] },
    attachTo: document.body,
  })
  await flushPromises()
  return w
}

async function open(w: ReturnType<typeof mount>) {
  await w.find('.el-select__wrapper').trigger('click')
  await flushPromises()
}

const optionTexts = (w: ReturnType<typeof mount>) =>
  w.findAll('.el-select-dropdown__item').map((o) => [o.text(), o.classes().includes('is-disabled')])

afterEach(() => {
  document.body.innerHTML = ''
})

describe('DictSelect', () => {
  it('shows a deactivated current value by its name with （已停用）, never its number, and does not offer it anew', async () => {
    stock({ township: [item(21, 'township', '城关镇', false), item(22, 'township', '吴桥镇')] })
    const w = await mountSelect(DictSelect, { kind: 'township', modelValue: 21 })
    expect(w.find('.el-select__selection').text()).toBe('城关镇（已停用）')
    expect(w.text()).not.toContain('21')
    await open(w)
    expect(optionTexts(w)).toEqual([
      ['城关镇（已停用）', true],
      ['吴桥镇', false],
    ])
  })

  it('offers only active items for a new choice, and all of them with `with-inactive` (a filter)', async () => {
    stock({ township: [item(21, 'township', '城关镇', false), item(22, 'township', '吴桥镇')] })
    const w = await mountSelect(DictSelect, { kind: 'township', modelValue: undefined })
    await open(w)
    expect(optionTexts(w)).toEqual([['吴桥镇', false]])
    const f = await mountSelect(DictSelect, { kind: 'township', modelValue: undefined, withInactive: true })
    await open(f)
    expect(optionTexts(f)).toEqual([
      ['城关镇（已停用）', false],
      ['吴桥镇', false],
    ])
  })

  it('on an empty list says where to add entries, and its button goes to 设置 → 基础名录 of that kind', async () => {
    stock({})
    const r = router()
    const w = await mountSelect(DictSelect, { kind: 'township', modelValue: undefined, placeholder: '乡镇' }, r)
    // The placeholder says it before the list is opened (the caller's own placeholder gives way).
    expect(w.find('.el-select__selection').text()).toBe('暂无乡镇/街道')
    await open(w)
    const hint = w.find('.zb-empty-hint')
    expect(hint.text()).toContain('还没有乡镇/街道，请先到 设置 → 基础名录 添加')
    await hint.find('button').trigger('click')
    await flushPromises()
    expect(r.currentRoute.value.fullPath).toBe('/settings?tab=dicts&kind=township')
  })

  it('when every item is deactivated, says to re-enable or add one', async () => {
    stock({ unit: [item(5, 'unit', '区发改局', false)] })
    const w = await mountSelect(DictSelect, { kind: 'unit', modelValue: undefined })
    await open(w)
    expect(w.find('.zb-empty-hint').text()).toContain('单位都已停用，请先到 设置 → 基础名录 启用或添加')
  })
})

describe('LeaderSelect', () => {
  it('shows a deactivated current leader by name and offers only active ones', async () => {
    stock({}, [leader(1, '周明远', false), leader(2, '郑佳宁')])
    const w = await mountSelect(LeaderSelect, { modelValue: 1, withTitle: true })
    expect(w.find('.el-select__selection').text()).toBe('周明远（副县长）（已停用）')
    await open(w)
    const options = w.findAll('.el-select-dropdown__item').map((o) => o.text())
    expect(options).toEqual(['周明远（副县长）（已停用）', '郑佳宁（副县长）'])
    expect(w.findAll('.el-select-dropdown__item')[0]!.classes()).toContain('is-disabled')
  })

  it('with no leader says where leaders are added, and goes there', async () => {
    stock({}, [])
    const r = router()
    const w = await mountSelect(LeaderSelect, { modelValue: undefined }, r)
    await open(w)
    const hint = w.find('.zb-empty-hint')
    expect(hint.text()).toContain('还没有领导，请先到 领导 页面添加')
    await hint.find('button').trigger('click')
    await flushPromises()
    expect(r.currentRoute.value.fullPath).toBe('/leaders')
  })
})

describe('the refs store', () => {
  it('loads deactivated items too, offers the active ones, and names both', async () => {
    setActivePinia(createPinia())
    const calls: [string, unknown][] = []
    const client: Client = {
      async call(name, input) {
        calls.push([name, input])
        if (name === 'leader.options')
          return leaderOptions([leader(1, '周明远', false), leader(2, '郑佳宁')], input) as never
        if (name === 'template.list') return [] as never
        const kind = (input as { kind: DictKind }).kind
        return (
          kind === 'township' ? [item(21, 'township', '城关镇', false), item(22, 'township', '吴桥镇')] : []
        ) as never
      },
    }
    installClient(client)
    const refs = useRefsStore()
    await refs.load()
    // Leaders are not loaded whole: the first ones a select offers, and the counts.
    expect(calls.find((c) => c[0] === 'leader.options')![1]).toEqual({ text: '', includeInactive: false, limit: 50 })
    expect(calls.some((c) => c[0] === 'leader.list')).toBe(false)
    expect(
      calls.filter((c) => c[0] === 'dict.list').every((c) => (c[1] as { includeInactive: boolean }).includeInactive),
    ).toBe(true)
    expect(refs.leaderCounts).toEqual({ active: 1, all: 2 })
    expect(refs.dicts.township.map((d) => d.name)).toEqual(['吴桥镇'])
    expect(refs.name('township', 21)).toBe('城关镇')
    expect(refs.label('township', 21)).toBe('城关镇（已停用）')
    expect(refs.label('unit', 21)).toBe('—')
    // A leader not met yet is asked for by id; its name comes with the answer.
    expect(refs.leaderLabel(1)).toBe('领导 1')
    await flushPromises()
    expect(calls.at(-1)).toEqual(['leader.options', { ids: [1] }])
    expect(refs.leaderLabel(1)).toBe('周明远（已停用）')
  })
})
