import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { build as viteBuild } from 'vite'
import { buildIsStale, ensureBuilt, planStart, RETRY_FLAG, type Probe, type Remembered } from '../scripts/start'

function probe(
  overrides: Partial<Probe> & { state?: { electron: boolean; native: boolean }; memory?: Remembered },
): Probe & { calls: string[]; memory: Remembered } {
  const state = overrides.state ?? { electron: false, native: false }
  const calls: string[] = []
  const p = {
    calls,
    memory: overrides.memory ?? {},
    electronBinary: () => (state.electron ? '/opt/electron/electron' : null),
    fetchElectron: () => (calls.push('fetch'), false),
    nativeBinding: () => (state.native ? '/p/.electron-native/better_sqlite3.node' : null),
    buildNative: () => (calls.push('build'), false),
    remembered: () => p.memory,
    remember: (r: Remembered) => void (p.memory = r),
  }
  const { state: _state, memory: _memory, ...methods } = overrides
  return Object.assign(p, methods)
}

const RETRY = `npm start -- ${RETRY_FLAG}`

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
    expect(p.memory).toEqual({})
  })

  it('falls back to browser mode when Electron cannot be fetched (as here), says how to retry, and remembers it', () => {
    const p = probe({})
    const plan = planStart(p, () => {})
    expect(plan).toEqual({
      mode: 'browser',
      message: `此电脑暂不能运行桌面版（无法获取 Electron 运行时，可能没有网络），改用浏览器模式；联网后运行 ${RETRY} 可重试。`,
    })
    expect(p.calls).toEqual(['fetch'])
    expect(p.memory).toEqual({ electronFetchFailed: true })
  })

  it('after a failed fetch, later starts go to browser mode without the network, saying so in one line', () => {
    const p = probe({ memory: { electronFetchFailed: true } })
    const log: string[] = []
    const plan = planStart(p, (l) => log.push(l))
    expect(p.calls).toEqual([])
    expect(log).toEqual([]) // no 首次启动, no 正在获取
    expect(plan).toEqual({
      mode: 'browser',
      message: `此前未能获取桌面版所需的 Electron 运行时，本次直接使用浏览器模式；联网后运行 ${RETRY} 可重试。`,
    })
    expect(plan.mode === 'browser' && plan.message).not.toContain('\n')
  })

  it('uses an Electron that has appeared since (installed by hand) despite the remembered failure, and forgets it', () => {
    const p = probe({ state: { electron: true, native: true }, memory: { electronFetchFailed: true } })
    expect(planStart(p, () => {}).mode).toBe('desktop')
    expect(p.memory).toEqual({})
  })

  it(`tries again with ${RETRY_FLAG}, and forgets the failure when it works`, () => {
    const state = { electron: false, native: true }
    const p = probe({
      state,
      memory: { electronFetchFailed: true },
      fetchElectron: () => (p.calls.push('fetch'), (state.electron = true), true),
    })
    const log: string[] = []
    expect(planStart(p, (l) => log.push(l), { retry: true }).mode).toBe('desktop')
    expect(p.calls).toEqual(['fetch'])
    expect(log).toEqual(['正在重新获取 Electron 运行时……'])
    expect(p.memory).toEqual({})
  })

  it(`remembers a retry that fails again`, () => {
    const p = probe({ memory: { electronFetchFailed: true } })
    expect(planStart(p, () => {}, { retry: true }).mode).toBe('browser')
    expect(p.calls).toEqual(['fetch'])
    expect(p.memory).toEqual({ electronFetchFailed: true })
  })

  it('falls back to browser mode when the native module cannot be built for Electron, and remembers that too', () => {
    const p = probe({ state: { electron: true, native: false } })
    const plan = planStart(p, () => {})
    expect(plan).toMatchObject({ mode: 'browser', message: expect.stringContaining('数据库模块') })
    expect(plan).toMatchObject({ message: expect.stringContaining(RETRY) })
    expect(p.calls).toEqual(['build'])
    expect(p.memory).toEqual({ nativeBuildFailed: true })
    const later = probe({ state: { electron: true, native: false }, memory: p.memory })
    expect(planStart(later, () => {})).toMatchObject({ mode: 'browser', message: expect.stringMatching(/^此前未能/) })
    expect(later.calls).toEqual([])
  })

  it('goes to browser mode without looking for Electron for `npm run serve`', () => {
    const p = probe({ electronBinary: () => expect.unreachable('looked for Electron') })
    expect(planStart(p, () => {}, { browser: true })).toEqual({ mode: 'browser', message: null })
    expect(p.calls).toEqual([])
  })
})

describe('npm start builds only when the sources changed', () => {
  const dirs: string[] = []
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })))

  it('builds nothing and says nothing when the build is current', () => {
    const log: string[] = []
    let ran = false
    expect(
      ensureBuilt({ isStale: () => false, run: () => ((ran = true), { ok: true, output: '' }) }, (l) => log.push(l)),
    ).toBe(true)
    expect(ran).toBe(false)
    expect(log).toEqual([])
  })

  it('builds quietly, with one Chinese line, when it is stale; shows the output only when the build fails', () => {
    const log: string[] = []
    const output = 'vite v8.0.0 building for production...\n✓ 1520 modules transformed.'
    expect(ensureBuilt({ isStale: () => true, run: () => ({ ok: true, output }) }, (l) => log.push(l))).toBe(true)
    expect(log).toEqual(['源代码有改动，正在重新构建……'])
    log.length = 0
    expect(ensureBuilt({ isStale: () => true, run: () => ({ ok: false, output }) }, (l) => log.push(l))).toBe(false)
    expect(log).toEqual(['源代码有改动，正在重新构建……', output, '构建失败，专班未启动（构建的输出见上）。'])
  })

  it('finds the build stale when a built file is missing or older than a source, a build config or the lock file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-stale-'))
    dirs.push(dir)
    const write = (f: string, at: number) => {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true })
      fs.writeFileSync(path.join(dir, f), f)
      fs.utimesSync(path.join(dir, f), at, at)
    }
    const t0 = Date.now() / 1000 - 3600
    for (const f of [
      'src/main/app.ts',
      'src/renderer/App.vue',
      'electron/main.ts',
      'package.json',
      'package-lock.json',
    ])
      write(f, t0)
    fs.utimesSync(path.join(dir, 'src', 'main'), t0, t0)
    fs.utimesSync(path.join(dir, 'src', 'renderer'), t0, t0)
    fs.utimesSync(path.join(dir, 'src'), t0, t0)
    fs.utimesSync(path.join(dir, 'electron'), t0, t0)
    expect(buildIsStale(dir)).toBe(true) // never built
    const outputs = ['dist/renderer/index.html', 'dist-electron/main.cjs', 'dist-electron/cli.cjs']
    for (const f of outputs) write(f, t0 + 60)
    expect(buildIsStale(dir)).toBe(true) // the preload is missing
    write('dist-electron/preload.cjs', t0 + 60)
    expect(buildIsStale(dir)).toBe(false)
    for (const [i, source] of [
      'src/renderer/App.vue',
      'electron/main.ts',
      'vite.node.config.ts',
      'package-lock.json',
      'node_modules/.package-lock.json',
    ].entries()) {
      write(source, t0 + 120 + i * 60)
      expect(buildIsStale(dir), source).toBe(true)
      for (const f of [...outputs, 'dist-electron/preload.cjs']) write(f, t0 + 150 + i * 60)
      expect(buildIsStale(dir), source).toBe(false)
    }
    fs.rmSync(path.join(dir, 'src', 'main', 'app.ts')) // a deleted source changes its folder
    expect(buildIsStale(dir)).toBe(true)
  })
})

// Process groups and SIGINT are POSIX; on Windows the console delivers Ctrl+C to every program by itself.
describe.skipIf(process.platform === 'win32')('Ctrl+C under npm start (browser mode)', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-start-'))
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

  it('closes the database cleanly, says 专班已退出, and npm waits for it', { timeout: 120_000 }, async () => {
    // A project of its own: start.ts, package.json, node_modules linked, the command line built into it (the
    // project's dist/ is not touched), and the remembered failures, so no network is tried.
    const project = path.join(work, 'project')
    fs.mkdirSync(path.join(project, 'scripts'), { recursive: true })
    fs.copyFileSync('scripts/start.ts', path.join(project, 'scripts', 'start.ts'))
    fs.copyFileSync('package.json', path.join(project, 'package.json'))
    fs.symlinkSync(path.resolve('node_modules'), path.join(project, 'node_modules'), 'junction')
    const distElectron = path.join(project, 'dist-electron')
    await viteBuild({ configFile: 'vite.node.config.ts', logLevel: 'silent', build: { outDir: distElectron } })
    await viteBuild({ configFile: 'vite.preload.config.ts', logLevel: 'silent', build: { outDir: distElectron } })
    fs.mkdirSync(path.join(project, 'dist', 'renderer'), { recursive: true })
    fs.writeFileSync(path.join(project, 'dist', 'renderer', 'index.html'), '<!doctype html><title>专班</title>')
    // (electron/package.json is read from disk: the tests alias 'electron' to its mock)
    const electronVersion = (
      JSON.parse(fs.readFileSync('node_modules/electron/package.json', 'utf8')) as { version: string }
    ).version
    fs.mkdirSync(path.join(project, '.electron-native'))
    fs.writeFileSync(
      path.join(project, '.electron-native', 'start-state.json'),
      // Both failures, so that a machine with Electron installed also stays in browser mode.
      JSON.stringify({ electron: electronVersion, electronFetchFailed: true, nativeBuildFailed: true }),
    )
    const db = path.join(work, 'data', 'zhuanban.db')

    // As a terminal runs it: npm in a process group of its own, which Ctrl+C signals as a whole.
    const child = spawn('npm', ['start', '--', '--db', db, '--port', '0'], {
      cwd: project,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (out += c.toString()))
    const leftAtExit = () => fs.readdirSync(path.dirname(db)).filter((f) => /-(wal|shm)$/.test(f))
    const exited = new Promise<string[]>((resolve) => child.on('exit', () => resolve(leftAtExit())))
    const closed = new Promise((resolve) => child.on('close', resolve))
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`npm start did not start: ${out}`)), 60_000)
        // Up and listening for Ctrl+C: serve prints 按 Ctrl+C 退出 a moment before its handler is in place (while
        // the day's backup starts), so wait for the backup's line, as no person could press Ctrl+C sooner.
        child.stdout.on('data', () => out.includes('已自动备份') && (clearTimeout(timer), resolve()))
        child.on('exit', () => reject(new Error(`npm start ended: ${out}`)))
      })
      expect(fs.existsSync(`${db}-wal`)).toBe(true) // open, in WAL mode
      // One Ctrl+C reaches a process more than once (from the terminal, and passed on by npm and tsx), the
      // copies milliseconds apart.
      // When the app has closed and npm ended before the last copy, that copy reaches nobody (ESRCH): done.
      for (let copy = 0; copy < 8; copy++) {
        try {
          process.kill(-child.pid!, 'SIGINT')
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ESRCH' || copy === 0) throw error
          break
        }
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      // npm ended only after the app had closed the database.
      expect(await exited, out).toEqual([])
      await closed
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL')
    }
    expect(out).not.toContain('正在重新构建')
    expect(out).not.toContain('正在获取')
    // One line: what could not be done before, and how to try again.
    expect(out).toMatch(/\n此前未能[^\n]+，本次直接使用浏览器模式；[^\n]+npm start -- --retry-electron 可重试。\n/)
    expect(out).toContain('专班浏览器模式已启动')
    expect(out).toContain('专班已退出，数据已保存。')
    expect(leftAtExit()).toEqual([])
  })
})
