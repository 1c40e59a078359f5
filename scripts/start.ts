/**
 * `npm start`: the desktop app where Electron can run, browser mode where it cannot.
 *
 * Electron's runtime is not downloaded by `npm install` (package.json blocks its install script so that
 * installing works offline); it is fetched here on the first start. The SQLite module is compiled for Node
 * (tests, command line); the desktop app gets its own build for Electron's ABI beside it, in
 * .electron-native/, loaded through better-sqlite3's `nativeBinding` — so `npm test` and `npm start` work
 * in any order without rebuilding anything by hand.
 */
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

const require = createRequire(import.meta.url)
const root = path.resolve(import.meta.dirname, '..')

export interface Probe {
  electronBinary(): string | null
  fetchElectron(): boolean
  nativeBinding(): string | null
  buildNative(): boolean
}

export type Plan = { mode: 'desktop'; electron: string; nativeBinding: string } | { mode: 'browser'; reason: string }

/** Decides how to start, fetching and building what is missing; every failure falls back to browser mode. */
export function planStart(probe: Probe, log: (line: string) => void = console.log): Plan {
  let electron = probe.electronBinary()
  if (!electron) {
    log('首次启动：正在获取 Electron 运行时……')
    electron = probe.fetchElectron() ? probe.electronBinary() : null
  }
  if (!electron) return { mode: 'browser', reason: '无法获取 Electron 运行时，可能没有网络' }
  let binding = probe.nativeBinding()
  if (!binding) {
    log('首次启动：正在为桌面版编译数据库模块（约需两分钟）……')
    binding = probe.buildNative() ? probe.nativeBinding() : null
  }
  if (!binding)
    return { mode: 'browser', reason: '无法为桌面版编译数据库模块，可能缺少编译工具或无法下载 Electron 头文件' }
  return { mode: 'desktop', electron, nativeBinding: binding }
}

function electronVersion(): string {
  return (require('electron/package.json') as { version: string }).version
}

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
    const result = spawnSync(process.execPath, [install], { encoding: 'utf8', timeout: 10 * 60_000 })
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
}

function run(): void {
  const plan = planStart(realProbe)
  const args = process.argv.slice(2)
  const child =
    plan.mode === 'desktop'
      ? spawn(plan.electron, [root, ...args], {
          stdio: 'inherit',
          env: { ...process.env, ZHUANBAN_NATIVE_BINDING: plan.nativeBinding },
        })
      : (console.log(`此电脑暂不能运行桌面版（${plan.reason}），改用浏览器模式：`),
        spawn(process.execPath, [path.join(root, 'dist-electron', 'cli.cjs'), 'serve', ...args], { stdio: 'inherit' }))
  child.on('exit', (code) => process.exit(code ?? 0))
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) run()
