// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { reactive } from 'vue'
import { CSRF_HEADER, httpBridge, pickTransport, takeToken } from '../../src/renderer/api/transport'
import { ApiError, createClient, toPlain } from '../../src/renderer/api/client'
import { TOKEN_HEADER } from '../../src/shared/bridge'

describe('the renderer transport', () => {
  it('takes the token from the address once, keeps it for the tab and removes it from the address bar', () => {
    window.history.replaceState(null, '', '/#token=abc_DEF-123')
    expect(takeToken(window)).toBe('abc_DEF-123')
    expect(window.location.hash).toBe('')
    expect(takeToken(window)).toBe('abc_DEF-123') // from session storage after a reload
  })

  it('uses the preload bridge when there is one, HTTP otherwise', () => {
    const bridge = { invoke: vi.fn(), onCommand: vi.fn() }
    expect(pickTransport({ ...window, zhuanban: bridge } as unknown as Window)).toBe(bridge)
    expect(pickTransport(window)).not.toBe(bridge)
  })

  it('posts JSON with the token and returns the outcome', async () => {
    const fetcher = vi.fn(async () => new Response(JSON.stringify({ ok: true, result: 42 })))
    const outcome = await httpBridge('tok', fetcher as unknown as typeof fetch).invoke('leader.list', {
      includeInactive: true,
    })
    expect(outcome).toEqual({ ok: true, result: 42 })
    const [url, init] = fetcher.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('/api/call/leader.list')
    expect((init.headers as Record<string, string>)[TOKEN_HEADER]).toBe('tok')
    expect(init.body).toBe('{"includeInactive":true}')
  })

  it('on the county server (no launch token): fetches the anti-forgery token once, sends it, and renews it once when stale', async () => {
    let issued = 0
    const sent: (string | undefined)[] = []
    let refuseNext = false
    const fetcher = vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/csrf') return new Response(JSON.stringify({ token: `csrf-${++issued}` }))
      sent.push((init!.headers as Record<string, string>)[CSRF_HEADER])
      expect((init!.headers as Record<string, string>)[TOKEN_HEADER]).toBeUndefined()
      if (refuseNext) {
        refuseNext = false
        return new Response(JSON.stringify({ ok: false, error: { code: 'CSRF', message: '过期' } }), { status: 403 })
      }
      return new Response(JSON.stringify({ ok: true, result: sent.length }))
    })
    const bridge = httpBridge('', fetcher as unknown as typeof fetch)
    expect(await bridge.invoke('auth.me', {})).toEqual({ ok: true, result: 1 })
    expect(await bridge.invoke('auth.me', {})).toEqual({ ok: true, result: 2 })
    refuseNext = true
    expect(await bridge.invoke('auth.me', {})).toEqual({ ok: true, result: 4 })
    expect(sent).toEqual(['csrf-1', 'csrf-1', 'csrf-1', 'csrf-2'])
    // Refused twice in a row: said, not tried forever.
    const always = httpBridge('', (async (url: string) =>
      url === '/api/csrf'
        ? new Response(JSON.stringify({ token: 't' }))
        : new Response(JSON.stringify({ ok: false, error: { code: 'CSRF', message: '过期' } }), {
            status: 403,
          })) as unknown as typeof fetch)
    expect(await always.invoke('auth.me', {})).toMatchObject({ ok: false, error: { code: 'CSRF' } })
    const down = await httpBridge('', (async () =>
      Promise.reject(new TypeError('Failed to fetch'))) as unknown as typeof fetch).invoke('x', {})
    expect(down).toMatchObject({
      ok: false,
      error: { code: 'UNREACHABLE', message: expect.stringContaining('无法连接专班县服务器') },
    })
  })

  it('turns a dead server or a garbled answer into a Chinese error', async () => {
    const down = await httpBridge('t', (async () =>
      Promise.reject(new TypeError('Failed to fetch'))) as unknown as typeof fetch).invoke('x', {})
    expect(down).toMatchObject({ ok: false, error: { message: expect.stringContaining('无法连接专班后台服务') } })
    const garbled = await httpBridge(
      't',
      (async () => new Response('<html>', { status: 502 })) as unknown as typeof fetch,
    ).invoke('x', {})
    expect(garbled).toMatchObject({ ok: false, error: { message: expect.stringContaining('HTTP 502') } })
  })

  it('sends plain data (not Vue proxies) and throws ApiError with the code', async () => {
    const invoke = vi.fn(async () => ({
      ok: false as const,
      error: { code: 'CONFLICT' as const, message: '已被他人修改' },
    }))
    const client = createClient({ invoke })
    const input = reactive({ id: 1, version: 2, name: '甲' })
    await expect(client.call('leader.update', input)).rejects.toMatchObject({
      name: 'ApiError',
      code: 'CONFLICT',
      message: '已被他人修改',
    })
    const sent = (invoke.mock.calls[0] as unknown as [string, unknown])[1]
    expect(sent).toEqual({ id: 1, version: 2, name: '甲' })
    expect(sent).not.toBe(input)
    expect(toPlain(undefined)).toBeUndefined()
    expect(new ApiError({ code: 'RULE', message: 'x' })).toBeInstanceOf(Error)
  })
})
