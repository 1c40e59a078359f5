// @vitest-environment happy-dom
/**
 * The frame after a login: when the office's lists (templates, dictionaries, leaders) cannot be read, the page
 * says so and offers 重试 — never an empty frame that waits forever.
 */
import { expect, it } from 'vitest'
import { defineComponent } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import App from '../../src/renderer/App.vue'
import { installClient } from '../../src/renderer/api'

it('says why the office lists could not be read, and 重试 reads them and shows the screen', async () => {
  setActivePinia(createPinia())
  let failing = true
  const answers: Record<string, unknown> = {
    'auth.status': { state: 'ready' },
    'auth.me': { id: 1, login: 'wang', name: '王办事', unit: '区发改局', roles: ['office'], memberProjectIds: [] },
    'system.info': { warnings: [] },
    'settings.get': {},
    'template.list': [],
    'leader.options': { rows: [], active: 0, all: 0 },
  }
  installClient({
    async call(name: string) {
      if (name === 'dict.list') {
        if (failing) throw new Error('数据库正忙，请稍后重试。')
        return [] as never
      }
      if (!(name in answers)) throw new Error(`unexpected ${name}`)
      return answers[name] as never
    },
  })
  const router = createRouter({
    history: createMemoryHistory(),
    // Every path (the frame's menu links to the real ones) shows one stand-in screen.
    routes: [{ path: '/:rest(.*)*', component: defineComponent({ template: '<div class="zb-page">看板</div>' }) }],
  })
  await router.push('/')
  const w = mount(App, { global: { plugins: [ElementPlus, router] }, attachTo: document.body })
  await flushPromises()
  expect(w.find('.frame').exists()).toBe(true)
  expect(w.find('.refs-error').text()).toContain('数据库正忙，请稍后重试。')
  expect(w.find('.main').attributes('aria-busy')).toBe('false') // not busy: the alert is read out
  expect(w.find('.zb-page').exists()).toBe(false)

  failing = false
  await w.find('.refs-error button').trigger('click')
  await flushPromises()
  expect(w.find('.refs-error').exists()).toBe(false)
  expect(w.find('.zb-page').text()).toBe('看板')
  expect(w.find('.main').attributes('aria-busy')).toBe('false')
  w.unmount()
})
