/**
 * Starts the real, built desktop shell (dist-electron/main.cjs and preload.cjs, dist/renderer) on the Electron
 * stand-in, as one Electron process of a modelled machine: the main script is evaluated afresh for each
 * launch with `require('electron')` answered by the stand-in, its own argv and environment.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import vm from 'node:vm'
import { createRequire } from 'node:module'
import { build } from 'vite'
import type { Browser } from 'playwright-core'
import { StandInElectron, type Machine, type StandInBrowserWindow } from './electron'

const projectRequire = createRequire(path.resolve('package.json'))

/**
 * Builds the shell as it is packaged (dist-electron/ beside dist/renderer/) into a folder of its own; the
 * project's dist folders are never touched.
 */
export async function buildShell(): Promise<string> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-shell-'))
  const out = path.join(root, 'dist-electron')
  await build({ configFile: 'vite.node.config.ts', logLevel: 'silent', build: { outDir: out } })
  await build({ configFile: 'vite.preload.config.ts', logLevel: 'silent', build: { outDir: out, emptyOutDir: false } })
  await build({
    configFile: 'vite.config.ts',
    logLevel: 'silent',
    build: { outDir: path.join(root, 'dist', 'renderer'), emptyOutDir: true },
  })
  return root
}

export interface LaunchOptions {
  root: string
  browser: Browser
  machine: Machine
  appData: string
  args?: string[]
  env?: Record<string, string>
  isPackaged?: boolean
}

export interface Desktop {
  electron: StandInElectron
  /** The app's main window once it exists (the first window shown). */
  mainWindow(): Promise<StandInBrowserWindow>
  /** Quits the app (as 退出 would) and waits for the process to end. */
  quit(): Promise<number>
}

/** CommonJS, evaluated fresh: the bundle's own chunks share this launch's `require('electron')`. */
function loadModule(file: string, electron: StandInElectron, proc: NodeJS.Process, cache: Map<string, unknown>) {
  const cached = cache.get(file)
  if (cached) return cached
  const module = { exports: {} as unknown }
  cache.set(file, module.exports)
  const require = Object.assign(
    (id: string): unknown => {
      if (id === 'electron') return electron.module
      if (id.startsWith('.')) return loadModule(path.resolve(path.dirname(file), id), electron, proc, cache)
      return projectRequire(id)
    },
    { resolve: projectRequire.resolve },
  )
  const code = fs.readFileSync(file, 'utf8')
  const wrapped = vm.runInThisContext(
    `(function (exports, require, module, __filename, __dirname, process) {${code}\n})`,
    {
      filename: file,
    },
  ) as (...a: unknown[]) => void
  wrapped(module.exports, require, module, file, path.dirname(file), proc)
  cache.set(file, module.exports)
  return module.exports
}

export async function launchDesktop(options: LaunchOptions): Promise<Desktop> {
  const argv = ['/opt/专班/zhuanban', ...(options.args ?? [])]
  const env = { ...options.env }
  // Electron's renderer and main process share the PC's clock and time zone: the page gets this process's. (With
  // the page on Beijing time and the main side on UTC, the evening of 30 November UTC was 1 December in the page,
  // which asked for December's ranking, and the main side refused a month not yet come.)
  const timezoneId = Intl.DateTimeFormat().resolvedOptions().timeZone
  const context = await options.browser.newContext({ locale: 'zh-CN', timezoneId })
  const electron = new StandInElectron({
    context,
    machine: options.machine,
    appData: options.appData,
    isPackaged: options.isPackaged,
    argv,
  })
  await context.route(/.*/, (route, request) => electron.route(route, request))
  // The process the main script sees: its own argv and environment, the rest is Node's.
  const proc = new Proxy(process, {
    get: (target, key) => (key === 'argv' ? argv : key === 'env' ? env : Reflect.get(target, key)),
  })
  loadModule(path.join(options.root, 'dist-electron', 'main.cjs'), electron, proc, new Map())
  electron.app.markReady()
  void electron.whenExited().then(() => context.close().catch(() => {}))
  return {
    electron,
    async mainWindow() {
      for (let i = 0; i < 400; i++) {
        const win = [...electron.windows].find((w) => w.shown)
        if (win) return win
        if (electron.exited) throw new Error('the app quit without opening a window')
        await new Promise((r) => setTimeout(r, 50))
      }
      throw new Error('no window was shown within 20 s')
    },
    async quit() {
      electron.app.quit()
      return electron.whenExited()
    },
  }
}
