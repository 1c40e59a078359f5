/**
 * `npm start`: the desktop app where Electron can run, browser mode where it cannot. `npm run serve` is the
 * same start in browser mode always (`--browser`).
 *
 * Builds only when needed: dist/ and dist-electron/ are rebuilt, quietly, when a source file, a build
 * configuration or the installed packages are newer than the oldest built file (a make-style check).
 *
 * Electron's runtime is not downloaded by `npm install` (package.json blocks its install script so that
 * installing works offline); it is fetched here on the first start. When that fails (no internet), the failure
 * is remembered in .electron-native/start-state.json, and later starts go straight to browser mode, saying so
 * in one line, without trying the network again; `npm start -- --retry-electron` tries again. A new Electron
 * version (after an update of the packages) is tried once by itself. The same holds for compiling the SQLite
 * module for Electron. (The module in node_modules is compiled for Node: tests, command line; the desktop app
 * gets its own build for Electron's ABI beside it, in .electron-native/, loaded through better-sqlite3's
 * `nativeBinding` — so `npm test` and `npm start` work in any order without rebuilding anything by hand.)
 *
 * Ctrl+C: the terminal sends SIGINT to every process of the foreground group (npm, its shell, this script
 * and, before, the app too), and npm passes it on to its shell once more (the tsx command line would pass it
 * on again and kill a child that does not answer within 30 ms, hence `node --import tsx` in package.json).
 * The app got it twice (from the terminal and from here), and a second SIGINT makes `serve` exit the default
 * way, before it has closed the database (the -wal and -shm files stayed, 专班已退出 was never printed). Now
 * the app runs in a process group of its own and gets the signal from this script only, once; this script
 * waits for it to finish and exits with its code.
 */
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

const require = createRequire(import.meta.url)
const root = path.resolve(import.meta.dirname, '..')

/** How to ask for another try after a remembered failure (README documents it). */
export const RETRY_FLAG = '--retry-electron'
const RETRY = `npm start -- ${RETRY_FLAG}`

/** What an earlier start could not do, remembered so that later starts do not try again by themselves. */
export interface Remembered {
  electronFetchFailed?: boolean
  nativeBuildFailed?: boolean
}

export interface Probe {
  electronBinary(): string | null
  fetchElectron(): boolean
  nativeBinding(): string | null
  buildNative(): boolean
  remembered(): Remembered
  /** Replaces what is remembered; `{}` forgets everything. */
  remember(state: Remembered): void
}

export interface StartOptions {
  /** Try to fetch Electron and build the native module again, despite a remembered failure. */
  retry?: boolean
  /** Browser mode without looking for Electron (`npm run serve`). */
  browser?: boolean
}

export type Plan =
  { mode: 'desktop'; electron: string; nativeBinding: string } | { mode: 'browser'; message: string | null }

/** Decides how to start, fetching and building what is missing; every failure falls back to browser mode. */
export function planStart(probe: Probe, log: (line: string) => void = console.log, options: StartOptions = {}): Plan {
  if (options.browser) return { mode: 'browser', message: null }
  const before = options.retry ? {} : probe.remembered()
  const browser = (message: string): Plan => ({ mode: 'browser', message })
  let electron = probe.electronBinary()
  if (!electron) {
    if (before.electronFetchFailed)
      return browser(`此前未能获取桌面版所需的 Electron 运行时，本次直接使用浏览器模式；联网后运行 ${RETRY} 可重试。`)
    log(options.retry ? '正在重新获取 Electron 运行时……' : '首次启动：正在获取 Electron 运行时……')
    electron = probe.fetchElectron() ? probe.electronBinary() : null
    if (!electron) {
      probe.remember({ electronFetchFailed: true })
      return browser(
        `此电脑暂不能运行桌面版（无法获取 Electron 运行时，可能没有网络），改用浏览器模式；联网后运行 ${RETRY} 可重试。`,
      )
    }
  }
  let binding = probe.nativeBinding()
  if (!binding) {
    if (before.nativeBuildFailed)
      return browser(
        `此前未能为桌面版编译数据库模块，本次直接使用浏览器模式；装好编译工具并联网后运行 ${RETRY} 可重试。`,
      )
    log('首次启动：正在为桌面版编译数据库模块（约需两分钟）……')
    binding = probe.buildNative() ? probe.nativeBinding() : null
    if (!binding) {
      probe.remember({ nativeBuildFailed: true })
      return browser(
        '此电脑暂不能运行桌面版（无法为桌面版编译数据库模块，可能缺少编译工具或无法下载 Electron 头文件），' +
          `改用浏览器模式；装好编译工具并联网后运行 ${RETRY} 可重试。`,
      )
    }
  }
  if (options.retry || before.electronFetchFailed || before.nativeBuildFailed) probe.remember({})
  return { mode: 'desktop', electron, nativeBinding: binding }
}

/** What the build reads (besides src/ and electron/): a change to any of them makes the built files stale. */
const BUILD_INPUTS = [
  'src',
  'electron',
  'package.json',
  'package-lock.json',
  'node_modules/.package-lock.json', // rewritten by every npm install / npm ci
  'vite.config.ts',
  'vite.node.config.ts',
  'vite.preload.config.ts',
  'tsconfig.json',
  'tsconfig.base.json',
  'tsconfig.node.json',
  'tsconfig.web.json',
]
/** One file of each build step; every step rewrites its files. */
const BUILD_OUTPUTS = [
  'dist/renderer/index.html',
  'dist-electron/main.cjs',
  'dist-electron/cli.cjs',
  'dist-electron/preload.cjs',
]

function newestMtime(file: string): number {
  let stat: fs.Stats
  try {
    stat = fs.statSync(file)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs // a deleted or renamed file changes its folder
  for (const entry of fs.readdirSync(file)) newest = Math.max(newest, newestMtime(path.join(file, entry)))
  return newest
}

/** Whether dist/ and dist-electron/ are missing or older than anything the build reads. */
export function buildIsStale(projectRoot: string): boolean {
  let oldestOutput = Infinity
  for (const f of BUILD_OUTPUTS) {
    try {
      oldestOutput = Math.min(oldestOutput, fs.statSync(path.join(projectRoot, f)).mtimeMs)
    } catch {
      return true
    }
  }
  return BUILD_INPUTS.some((f) => newestMtime(path.join(projectRoot, f)) > oldestOutput)
}

/** `npm run build` with its output kept back; shown only when the build fails. */
function runBuild(): { ok: boolean; output: string } {
  const npmCli = process.env.npm_execpath
  const [command, args] =
    npmCli && /npm-cli\.[cm]?js$/.test(npmCli)
      ? [process.execPath, [npmCli, 'run', 'build']]
      : [process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build']]
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    shell: process.platform === 'win32' && command !== process.execPath,
    maxBuffer: 64 * 1024 * 1024,
  })
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ?? ''}` }
}

/** Builds when the built files are stale; one line of Chinese instead of the build's output. */
export function ensureBuilt(
  build: { isStale(): boolean; run(): { ok: boolean; output: string } },
  log: (line: string) => void = console.log,
): boolean {
  if (!build.isStale()) return true
  log('源代码有改动，正在重新构建……')
  const result = build.run()
  if (result.ok) return true
  log(result.output.trimEnd())
  log('构建失败，专班未启动（构建的输出见上）。')
  return false
}

function electronVersion(): string {
  return (require('electron/package.json') as { version: string }).version
}

const stateFile = path.join(root, '.electron-native', 'start-state.json')

function nativeTarget(): string {
  return path.join(
    root,
    '.electron-native',
    `${electronVersion()}-${process.platform}-${process.arch}`,
    'better_sqlite3.node',
  )
}

export const realProbe: Probe = {
  electronBinary() {
    try {
      const binary = require('electron') as unknown as string
      return typeof binary === 'string' && fs.existsSync(binary) ? binary : null
    } catch {
      return null // "Electron failed to install correctly"
    }
  },
  fetchElectron() {
    const install = path.join(root, 'node_modules', 'electron', 'install.js')
    // The install script does nothing under ELECTRON_SKIP_BINARY_DOWNLOAD (set for `npm install`); here the
    // download is what is asked for.
    const env = { ...process.env }
    delete env.ELECTRON_SKIP_BINARY_DOWNLOAD
    const result = spawnSync(process.execPath, [install], { encoding: 'utf8', env, timeout: 10 * 60_000 })
    if (result.status === 0) return true
    // One line of the cause for the IT person, not the whole stack.
    const cause = `${result.stderr ?? ''}`.split('\n').find((l) => /Error|error/.test(l))
    if (cause) console.log(`（原因：${cause.trim().slice(0, 200)}）`)
    return false
  },
  nativeBinding() {
    const file = nativeTarget()
    return fs.existsSync(file) ? file : null
  },
  buildNative() {
    // Compile a copy of better-sqlite3 against Electron's headers; the Node build in node_modules stays.
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-native-'))
    try {
      const source = path.join(root, 'node_modules', 'better-sqlite3')
      fs.cpSync(source, work, { recursive: true, filter: (f) => !f.startsWith(path.join(source, 'build')) })
      const gyp = require.resolve('node-gyp/bin/node-gyp.js')
      const args = [
        gyp,
        'rebuild',
        '--release',
        `--target=${electronVersion()}`,
        `--arch=${process.arch}`,
        '--dist-url=https://electronjs.org/headers',
      ]
      if (spawnSync(process.execPath, args, { cwd: work, stdio: 'inherit', timeout: 15 * 60_000 }).status !== 0)
        return false
      const target = nativeTarget()
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), target)
      return true
    } catch {
      return false
    } finally {
      fs.rmSync(work, { recursive: true, force: true })
    }
  },
  remembered() {
    try {
      const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as Remembered & { electron?: string }
      // A failure with another Electron version says nothing about this one.
      return state.electron === electronVersion() ? state : {}
    } catch {
      return {}
    }
  },
  remember(state) {
    if (!state.electronFetchFailed && !state.nativeBuildFailed) return fs.rmSync(stateFile, { force: true })
    fs.mkdirSync(path.dirname(stateFile), { recursive: true })
    const content = { electron: electronVersion(), ...state, at: new Date().toISOString() }
    fs.writeFileSync(stateFile, `${JSON.stringify(content, null, 2)}\n`)
  },
}

function run(): void {
  const args = process.argv.slice(2).filter((a) => a !== RETRY_FLAG && a !== '--browser')
  const options = { retry: process.argv.includes(RETRY_FLAG), browser: process.argv.includes('--browser') }
  if (!ensureBuilt({ isStale: () => buildIsStale(root), run: runBuild })) process.exit(1)
  const plan = planStart(realProbe, console.log, options)
  if (plan.mode === 'browser' && plan.message) console.log(plan.message)
  // Windows has no process groups to leave: Ctrl+C reaches every program of the console by itself, and
  // child.kill() there would end the app at once. Elsewhere the app gets a group of its own (see above).
  const posix = process.platform !== 'win32'
  const child =
    plan.mode === 'desktop'
      ? spawn(plan.electron, [root, ...args], {
          stdio: 'inherit',
          detached: posix,
          env: { ...process.env, ZHUANBAN_NATIVE_BINDING: plan.nativeBinding },
        })
      : spawn(process.execPath, [path.join(root, 'dist-electron', 'cli.cjs'), 'serve', ...args], {
          stdio: 'inherit',
          detached: posix,
        })
  child.on('error', (e) => {
    console.error(`未能启动专班：${e.message}`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
  // One Ctrl+C arrives several times within milliseconds; a second press a moment later is passed on (the
  // app then stops at once, as `serve` does on a second Ctrl+C).
  let passedOn = 0
  const passOn = (signal: NodeJS.Signals) => {
    if (!posix || Date.now() - passedOn < 1000) return
    passedOn = Date.now()
    child.kill(signal)
  }
  process.on('SIGINT', () => passOn('SIGINT'))
  process.on('SIGTERM', () => passOn('SIGTERM'))
  process.on('SIGHUP', () => passOn('SIGTERM')) // the terminal was closed: stop and save
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) run()
