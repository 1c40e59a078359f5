// @vitest-environment happy-dom
/**
 * 我的待办 in the renderer: the count in the window's title, and the desktop's system notification once a day per
 * account (stores/todos.ts) — not again the same day, again the next day or for another account, never for none.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { installClient } from '../../src/renderer/api'
import { useTodosStore } from '../../src/renderer/stores/todos'
import type { Todos } from '../../src/shared/reminders'

const todos = (total: number): Todos => ({
  asOf: '2026-11-21',
  items: [],
  counts: { reminder: 1, milestone: total - 1, report: 0, problem: 0, instruction: 0 },
  total,
  scope: 'mine',
})

let answer: Todos
const notify = vi.fn(async () => ({ ok: true as const, result: true }))

beforeEach(() => {
  setActivePinia(createPinia())
  localStorage.clear()
  notify.mockClear()
  answer = todos(3)
  installClient({ call: async () => answer as never })
  ;(window as unknown as { zhuanban: unknown }).zhuanban = { notify }
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-11-21T01:00:00Z'))
})
afterEach(() => {
  vi.useRealTimers()
  delete (window as unknown as { zhuanban?: unknown }).zhuanban
})

describe('我的待办 (stores/todos.ts)', () => {
  it('puts the count in the title and notifies once a day per account', async () => {
    const store = useTodosStore()
    store.start(7)
    await vi.waitFor(() => expect(notify).toHaveBeenCalledTimes(1))
    expect(document.title).toBe('专班（待办3）')
    expect(notify).toHaveBeenCalledWith('专班：您有3项待办', '催报1项、节点2项')
    await store.load()
    await store.load()
    expect(notify).toHaveBeenCalledTimes(1)
    // The next day: again.
    vi.setSystemTime(new Date('2026-11-22T01:00:00Z'))
    await store.load()
    expect(notify).toHaveBeenCalledTimes(2)
    // Another account on this computer, the same day: its own.
    store.end()
    expect(document.title).toBe('专班')
    store.start(8)
    await vi.waitFor(() => expect(notify).toHaveBeenCalledTimes(3))
    store.end()
  })

  it('does not notify when nothing is due', async () => {
    answer = todos(0)
    answer.counts.reminder = 0
    const store = useTodosStore()
    store.start(9)
    await vi.waitFor(() => expect(store.todos).not.toBeNull())
    expect(document.title).toBe('专班')
    expect(notify).not.toHaveBeenCalled()
    store.end()
  })

  it('reads again after others’ writes at most once a minute, however many there are', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
    vi.setSystemTime(new Date('2026-11-21T01:00:00Z'))
    let calls = 0
    installClient({
      call: async () => {
        calls++
        return answer as never
      },
    })
    const store = useTodosStore()
    store.start(7)
    await vi.waitFor(() => expect(store.todos).not.toBeNull())
    expect(calls).toBe(1)
    for (let i = 0; i < 20; i++) store.loadSoon()
    await vi.advanceTimersByTimeAsync(59_000)
    expect(calls).toBe(1)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(calls).toBe(2)
    // A minute later, a write reads it at once.
    await vi.advanceTimersByTimeAsync(60_000)
    store.loadSoon()
    await vi.advanceTimersByTimeAsync(0)
    expect(calls).toBe(3)
    store.end()
  })
})
