import { describe, expect, it } from 'vitest'
import { planStart, type Probe } from '../scripts/start'

function probe(
  overrides: Partial<Probe> & { state?: { electron: boolean; native: boolean } },
): Probe & { calls: string[] } {
  const state = overrides.state ?? { electron: false, native: false }
  const calls: string[] = []
  return {
    calls,
    electronBinary: () => (state.electron ? '/opt/electron/electron' : null),
    fetchElectron: () => (calls.push('fetch'), false),
    nativeBinding: () => (state.native ? '/p/.electron-native/better_sqlite3.node' : null),
    buildNative: () => (calls.push('build'), false),
    ...overrides,
  }
}

describe('npm start', () => {
  it('opens the desktop app when Electron and its native build are there, fetching nothing', () => {
    const p = probe({ state: { electron: true, native: true } })
    expect(planStart(p, () => {})).toEqual({
      mode: 'desktop',
      electron: '/opt/electron/electron',
      nativeBinding: '/p/.electron-native/better_sqlite3.node',
    })
    expect(p.calls).toEqual([])
  })

  it('fetches Electron on the first start, then builds the native module for it', () => {
    const state = { electron: false, native: false }
    const p = probe({
      state,
      fetchElectron: () => ((state.electron = true), true),
      buildNative: () => ((state.native = true), true),
    })
    const log: string[] = []
    expect(planStart(p, (l) => log.push(l)).mode).toBe('desktop')
    expect(log.join()).toContain('正在获取 Electron 运行时')
    expect(log.join()).toContain('正在为桌面版编译数据库模块')
  })

  it('falls back to browser mode, saying why in one sentence, when Electron cannot be fetched (as here)', () => {
    const p = probe({})
    const plan = planStart(p, () => {})
    expect(plan).toEqual({ mode: 'browser', reason: '无法获取 Electron 运行时，可能没有网络' })
    expect(p.calls).toEqual(['fetch'])
  })

  it('falls back to browser mode when the native module cannot be built for Electron', () => {
    const p = probe({ state: { electron: true, native: false } })
    expect(planStart(p, () => {})).toMatchObject({ mode: 'browser', reason: expect.stringContaining('数据库模块') })
    expect(p.calls).toEqual(['build'])
  })
})
