// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref, type Component, type Ref } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import MoneyInput from '../../src/renderer/components/MoneyInput.vue'
import LimitedInput from '../../src/renderer/components/LimitedInput.vue'
import { provideTypedErrors } from '../../src/renderer/composables/typedErrors'
import PersonNameInput from '../../src/renderer/components/PersonNameInput.vue'
import { PERSON_NAME_MAX } from '../../src/shared/names'
import { installClient } from '../../src/renderer/api'
import { useKanbanStore } from '../../src/renderer/stores/kanban'
import { useSessionStore } from '../../src/renderer/stores/session'
import type { Client } from '../../src/renderer/api/client'

/** An input inside a form that provides the typed-error registry (as the app's forms do). */
function inForm<T>(input: Component, props: Record<string, unknown>, value: Ref<T>) {
  let refuse: () => boolean = () => false
  const Form = defineComponent({
    setup() {
      refuse = provideTypedErrors()
      return () => h(input, { ...props, modelValue: value.value, 'onUpdate:modelValue': (v: T) => (value.value = v) })
    },
  })
  return { w: mount(Form, { global: { plugins: [ElementPlus] } }), refuse: () => refuse() }
}

describe('MoneyInput', () => {
  const make = (value: number | null) =>
    mount(MoneyInput, {
      props: { modelValue: value, label: '总投资', 'onUpdate:modelValue': () => {} },
      global: { plugins: [ElementPlus] },
    })

  it('reads 万元 as typed in an office (grouping, full-width digits) into 0.01 万元', async () => {
    const w = make(null)
    const input = w.find('input')
    await input.setValue('１,２３４.５')
    await input.trigger('blur')
    expect(w.emitted('update:modelValue')!.at(-1)).toEqual([123450])
    expect((input.element as HTMLInputElement).value).toBe('1234.50')
  })

  it('refuses a negative amount or three decimals with a Chinese message and keeps the value', async () => {
    const w = make(100)
    const input = w.find('input')
    await input.setValue('-5')
    await input.trigger('blur')
    expect(w.text()).toContain('「总投资」不能为负数')
    await input.setValue('1.234')
    await input.trigger('blur')
    expect(w.text()).toContain('超过两位小数')
    expect(w.emitted('update:modelValue')).toBeUndefined()
  })

  it('never guesses an amount that could mean two things ("12,3万" is not 123.00) and says how to write it', async () => {
    const w = make(null)
    const input = w.find('input')
    await input.setValue('12,3万')
    await input.trigger('blur')
    expect(w.emitted('update:modelValue')).toBeUndefined()
    expect(w.text()).toContain('逗号不是千位分隔')
    expect(w.text()).toContain('请写成 1234.56')
    await input.setValue('12.3万')
    await input.trigger('blur')
    expect(w.emitted('update:modelValue')!.at(-1)).toEqual([1230])
  })

  it('keeps the form around it from saving while its text cannot be read', async () => {
    const value = ref<number | null>(100)
    const { w, refuse } = inForm(MoneyInput, { label: '总投资' }, value)
    const input = w.find('input')
    await input.setValue('12,3万')
    await input.trigger('blur')
    expect(refuse()).toBe(true)
    await input.setValue('12.3')
    await input.trigger('blur')
    expect(refuse()).toBe(false)
  })
})

describe('LimitedInput', () => {
  it('never cuts a longer text: it keeps all of it, says by how much it is over, and the form does not save', async () => {
    const value = ref<string | null>('')
    const { w, refuse } = inForm(LimitedInput, { limit: 100 }, value)
    const long = '县城区污水处理厂提标改造及配套管网工程'.repeat(11) // 209 characters, pasted
    await w.find('input').setValue(long)
    expect(value.value).toBe(long)
    expect(w.text()).toContain('最多100个字，现有209个字，请删减后保存')
    expect(w.find('input').attributes('maxlength')).toBeUndefined()
    expect(refuse()).toBe(true)
    await w.find('input').setValue(long.slice(0, 90))
    expect(w.text()).toContain('90 / 100')
    expect(refuse()).toBe(false)
  })
})

describe('PersonNameInput', () => {
  const make = (value: string) => {
    let model = value
    const w = mount(PersonNameInput, {
      props: { modelValue: value, 'onUpdate:modelValue': (v: string) => (model = v) },
      global: { plugins: [ElementPlus] },
      attrs: { 'aria-label': '姓名' },
    })
    return { w, model: () => model }
  }

  it('counts characters as a person does (𠮷 is one) against the contract limit', () => {
    const { w } = make('𠮷庆林')
    expect(w.find('.el-input__count').text()).toBe(`3 / ${PERSON_NAME_MAX}`)
    expect(w.find('input').attributes('aria-label')).toBe('姓名')
  })

  it('takes 50 characters outside the BMP (100 UTF-16 units) and stops there', async () => {
    const { w, model } = make('')
    await w.find('input').setValue('𠮷'.repeat(PERSON_NAME_MAX + 10))
    expect(model()).toBe('𠮷'.repeat(PERSON_NAME_MAX))
    const minority = '阿卜杜热合曼·买买提依明·艾则孜江·吐尔逊'
    await w.find('input').setValue(minority)
    expect(model()).toBe(minority)
  })
})

function fakeClient(answers: Record<string, unknown>): Client & { calls: [string, unknown][] } {
  const calls: [string, unknown][] = []
  return {
    calls,
    async call(name, input) {
      calls.push([name, input])
      if (!(name in answers)) throw new Error(`unexpected ${name}`)
      return answers[name] as never
    },
  }
}

describe('stores', () => {
  it('the session store knows when the first run, a login or a password change is needed', async () => {
    setActivePinia(createPinia())
    installClient(fakeClient({ 'auth.status': { state: 'create-admin' } }))
    const session = useSessionStore()
    await session.load()
    expect([session.needsSetup, session.needsLogin, session.info]).toEqual([true, false, null])
    expect(session.loading).toBe(false)

    setActivePinia(createPinia())
    installClient(fakeClient({ 'auth.status': { state: 'ready' }, 'auth.me': null }))
    const out = useSessionStore()
    await out.load()
    expect([out.needsSetup, out.needsLogin, out.info]).toEqual([false, true, null])

    setActivePinia(createPinia())
    const user = { id: 2, login: 'li', name: '李四', roles: ['member'], memberProjectIds: [7], myProjectIds: [7] }
    installClient(
      fakeClient({ 'auth.status': { state: 'ready' }, 'auth.me': { ...user, mustChangePassword: 'first' } }),
    )
    const fresh = useSessionStore()
    await fresh.load()
    expect([fresh.needsLogin, fresh.needsPasswordChange, fresh.info]).toEqual([false, true, null])
    // What the account may do, as shown (the main side checks again): a member edits its own projects only.
    expect(fresh.can('ranking.freeze')).toBe(false)
    expect(fresh.canOnProject('milestone.complete', 7)).toBe(true)
    expect(fresh.canOnProject('milestone.complete', 8)).toBe(false)
  })

  it('the session store shows a load failure and resets its loading flag', async () => {
    setActivePinia(createPinia())
    installClient(fakeClient({}))
    const session = useSessionStore()
    await session.load()
    expect(session.error).toContain('unexpected auth.status')
    expect(session.loading).toBe(false)
  })

  it("the kanban store keeps the newest search's counts when an older answer arrives late", async () => {
    setActivePinia(createPinia())
    const waiting: ((board: unknown) => void)[] = []
    installClient({
      call: (name: string) => {
        if (name !== 'kanban.board') throw new Error(`unexpected ${name}`)
        return new Promise((resolve) => waiting.push(resolve as (board: unknown) => void)) as never
      },
    })
    const kanban = useKanbanStore()
    const older = kanban.load({ query: { text: '城' }, lanes: false })
    const newer = kanban.load({ query: { text: '城东' }, lanes: false })
    waiting[1]!({ asOf: '2026-11-21', version: 5, total: 151, stages: {}, lanes: [] })
    await newer
    waiting[0]!({ asOf: '2026-11-21', version: 5, total: 566, stages: {}, lanes: [] })
    await older
    expect(kanban.board?.total).toBe(151)
    expect(kanban.loading).toBe(false)
  })

  it('the kanban store loads the board again when a window is of another state of the data', async () => {
    setActivePinia(createPinia())
    const client = fakeClient({
      'kanban.board': { asOf: '2026-11-21', version: 4, total: 1, stages: { signed: 1 }, lanes: [] },
      'kanban.column': { asOf: '2026-11-21', version: 5, total: 1, rows: [{ id: 7, version: 3, stage: 'signed' }] },
    })
    installClient(client)
    const kanban = useKanbanStore()
    await kanban.load({ query: {}, lanes: false })
    const generation = kanban.generation
    expect(await kanban.window('signed', 0, 50)).toEqual([])
    await vi.waitFor(() => expect(kanban.generation).toBe(generation + 1))
    expect(client.calls.map((c) => c[0])).toEqual(['kanban.board', 'kanban.column', 'kanban.board'])
  })

  it('the kanban store asks for counts, then windows with the same filters; a move reloads', async () => {
    setActivePinia(createPinia())
    const card = { id: 7, version: 3, stage: 'signed' }
    const board = { asOf: '2026-11-21', version: 4, total: 1, stages: { signed: 1 }, lanes: [] }
    const client = fakeClient({
      'kanban.board': board,
      'kanban.column': { asOf: '2026-11-21', version: 4, total: 1, rows: [card] },
      'project.move': {},
    })
    installClient(client)
    const kanban = useKanbanStore()
    await kanban.load({ query: { light: 'red', text: '' }, lanes: false })
    expect(kanban.board?.total).toBe(1)
    const generation = kanban.generation
    const cards = await kanban.window('signed', 0, 50, 12)
    expect(kanban.card(7)).toEqual(cards[0])
    await kanban.move(kanban.card(7)!, 'construction', null, '2026-11-20')
    expect(kanban.generation).toBe(generation + 1)
    expect(client.calls.map((c) => c[0])).toEqual(['kanban.board', 'kanban.column', 'project.move', 'kanban.board'])
    expect(client.calls[0]![1]).toEqual({ light: 'red', text: '', lanes: false })
    expect(client.calls[1]![1]).toEqual({ light: 'red', text: '', leaderId: 12, stage: 'signed', offset: 0, limit: 50 })
    expect(client.calls[2]![1]).toEqual({
      id: 7,
      version: 3,
      toStage: 'construction',
      beforeId: null,
      date: '2026-11-20',
    })
    expect(client.calls[3]![1]).toEqual({ light: 'red', text: '', lanes: false })
  })
})
