// @vitest-environment happy-dom
/**
 * Live updates in the renderer: the HTTP stream of changes (parsed, opened again after a break, a version gap
 * passed on as "anything may have changed"), and a view's reload on changes (gathered, filtered by project,
 * never two at once).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { mount } from '@vue/test-utils'
import type { DataChange } from '../../src/shared/changes'
import { streamChanges } from '../../src/renderer/api/transport'
import { installLive } from '../../src/renderer/api'
import { LIVE_PAUSE, touches, useLiveReload } from '../../src/renderer/composables/useLiveReload'
import { useLiveStore } from '../../src/renderer/stores/live'

/** A response whose body is the given server-sent-event chunks, then ends. */
function eventStream(chunks: string[]): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk))
      controller.close()
    },
  })
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
}

const change = (version: number, projectIds: number[] | null, by: number | null = 2): DataChange => ({
  version,
  projectIds,
  by,
})

describe('the stream of changes over HTTP', () => {
  it('passes on each change, split however it comes, and after a break reports a missed version', async () => {
    const answers = [
      eventStream([
        'retry: 3000\nevent: hello\ndata: {"version":5}\n\n',
        `data: ${JSON.stringify(change(6, [3]))}\n`,
        '\n: 心跳\n\ndata: not json\n\n',
        `data: ${JSON.stringify(change(7, []))}\n\n`,
      ]),
      // Reconnected: the data moved on to 9 meanwhile (two changes missed).
      eventStream(['event: hello\ndata: {"version":9}\n\n']),
      // And again with nothing missed.
      eventStream(['event: hello\ndata: {"version":9}\n\n']),
    ]
    const asked: RequestInit[] = []
    const fetcher = vi.fn(async (_url: string, init: RequestInit) => {
      asked.push(init)
      return answers.shift() ?? new Promise<Response>(() => {})
    })
    const heard: DataChange[] = []
    const stop = streamChanges(
      { 'x-zhuanban-token': 'tok' },
      (c) => heard.push(c),
      fetcher as unknown as typeof fetch,
      async () => {},
    )
    await vi.waitFor(() => expect(fetcher).toHaveBeenCalledTimes(4))
    expect(heard).toEqual([change(6, [3]), change(7, []), { version: 9, projectIds: null, by: null }])
    expect(fetcher.mock.calls[0]![0]).toBe('/api/events')
    expect((asked[0]!.headers as Record<string, string>)['x-zhuanban-token']).toBe('tok')
    stop()
    expect(asked[3]!.signal!.aborted).toBe(true)
  })

  it('says when the server is lost and found again (an answer, even a 401, is found)', async () => {
    const answers: (() => Promise<Response>)[] = [
      async () => eventStream(['event: hello\ndata: {"version":1}\n\n']),
      async () => Promise.reject(new TypeError('Failed to fetch')),
      async () => Promise.reject(new TypeError('Failed to fetch')),
      async () => new Response('{"ok":false}', { status: 401 }),
      async () => eventStream(['event: hello\ndata: {"version":1}\n\n']),
    ]
    const states: boolean[] = []
    const stop = streamChanges(
      {},
      () => {},
      (async () => (answers.shift() ?? (() => new Promise<Response>(() => {})))()) as unknown as typeof fetch,
      async () => {},
      (connected) => states.push(connected),
    )
    await vi.waitFor(() => expect(answers).toHaveLength(0))
    await new Promise((r) => setTimeout(r, 10))
    stop()
    expect(states).toEqual([true, false, true])
  })

  it('keeps trying while the server refuses (not logged in yet) or cannot be reached, and stops when told', async () => {
    let tries = 0
    const fetcher = vi.fn(async () => {
      tries++
      if (tries === 1) throw new TypeError('Failed to fetch')
      return new Response('{"ok":false}', { status: 401 })
    })
    const waits: number[] = []
    let stop = () => {}
    stop = streamChanges(
      {},
      () => {},
      fetcher as unknown as typeof fetch,
      async (ms) => {
        waits.push(ms)
        if (waits.length === 3) stop()
      },
    )
    await vi.waitFor(() => expect(waits).toHaveLength(3))
    await new Promise((r) => setTimeout(r, 10))
    expect(tries).toBe(3)
    expect(waits).toEqual([3000, 3000, 3000])
  })
})

describe('a view reloading on changes', () => {
  let emit: (c: DataChange) => void = () => {}
  beforeEach(() => {
    vi.useFakeTimers()
    setActivePinia(createPinia())
    installLive((listener) => {
      emit = listener
      return () => (emit = () => {})
    })
    useLiveStore().start()
  })
  afterEach(() => {
    useLiveStore().end()
    installLive(null)
    vi.useRealTimers()
  })

  function viewWith(reload: () => unknown, options: Parameters<typeof useLiveReload>[1] = {}) {
    return mount(
      defineComponent({
        setup() {
          useLiveReload(reload, options)
          return () => h('div')
        },
      }),
    )
  }

  it('gathers a burst of changes into one reload, after a short pause', async () => {
    const reload = vi.fn()
    viewWith(reload)
    emit(change(1, [1]))
    emit(change(2, [2]))
    emit(change(3, null))
    expect(reload).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(LIVE_PAUSE)
    expect(reload).toHaveBeenCalledTimes(1)
  })

  it('on a project’s page, reloads for changes of that project (or of none in particular) only, and tells who changed it', async () => {
    const reload = vi.fn()
    const told: DataChange[] = []
    viewWith(reload, { projectId: () => 7, onChange: (c) => told.push(c) })
    emit(change(1, [3, 4]))
    await vi.advanceTimersByTimeAsync(LIVE_PAUSE)
    expect(reload).not.toHaveBeenCalled()
    emit(change(2, [4, 7], 9))
    await vi.advanceTimersByTimeAsync(LIVE_PAUSE)
    expect(reload).toHaveBeenCalledTimes(1)
    expect(told).toEqual([change(2, [4, 7], 9)])
    expect([touches(change(3, null), 7), touches(change(3, []), 7), touches(change(3, [1]), 7)]).toEqual([
      true,
      true,
      false,
    ])
  })

  it('never reloads twice at once: a change during a reload makes one more after it', async () => {
    let finish: () => void = () => {}
    const reload = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)))
    viewWith(reload)
    emit(change(1, [1]))
    await vi.advanceTimersByTimeAsync(LIVE_PAUSE)
    emit(change(2, [1]))
    await vi.advanceTimersByTimeAsync(LIVE_PAUSE)
    emit(change(3, [1]))
    await vi.advanceTimersByTimeAsync(LIVE_PAUSE)
    expect(reload).toHaveBeenCalledTimes(1)
    finish()
    await vi.advanceTimersByTimeAsync(0)
    expect(reload).toHaveBeenCalledTimes(2)
  })

  it('stops listening when the view goes', async () => {
    const reload = vi.fn()
    viewWith(reload).unmount()
    emit(change(1, null))
    await vi.advanceTimersByTimeAsync(LIVE_PAUSE)
    expect(reload).not.toHaveBeenCalled()
  })
})
