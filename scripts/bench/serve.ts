/**
 * Browser mode as an office runs it, for the page figures: `serve` of the built command line on a database,
 * the login, its resident memory, and the state "no backup made today" that makes the next start the first of
 * the day.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { BrowserContext } from 'playwright-core'
import { TOKEN_HEADER } from '../../src/shared/bridge'
import { defaultBackupDir } from '../../src/main/backup/backups'
import { defaultServerBackupDir } from '../../src/main/backup/server'

/** A built app: `<dir>/dist-electron/cli.cjs` and `<dir>/dist/renderer` (see run.ts). */
export function builtApp(dir: string) {
  return { cli: path.join(dir, 'dist-electron', 'cli.cjs'), renderer: path.join(dir, 'dist', 'renderer') }
}
export type BuiltApp = ReturnType<typeof builtApp>

/** The account the bench's databases have (run.ts sets it up); every served page logs in as it first. */
export const BENCH_ACCOUNT = { login: 'bench', password: 'Bench#20261121' }

/** Logs the browser context in on the host of `url` (its token from the address), as the login screen would. */
export async function login(context: BrowserContext, url: string): Promise<void> {
  const { origin, hash } = new URL(url)
  const res = await context.request.post(`${origin}/api/call/auth.login`, {
    headers: { [TOKEN_HEADER]: hash.replace('#token=', '') },
    data: BENCH_ACCOUNT,
  })
  if (!res.ok()) throw new Error(`登录失败：${await res.text()}`)
}

export interface Served {
  child: ChildProcess
  url: string
  /** The address without the token: `${base}#/kanban` opens a screen. */
  base: string
  /** ms from spawn to the URL being printed */
  ready: number
}

/** Launches `serve --db <db>` and resolves when it prints its address. */
export function serve(app: BuiltApp, db: string): Promise<Served> {
  const started = performance.now()
  const child = spawn(process.execPath, [app.cli, 'serve', '--db', db], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The office's time zone, as the browser context has it: "today" and "last month" are then the same day and
    // month on both sides (on a UTC machine after 16:00 they differ, and 总览 and 排名 would rank two months).
    env: { ...process.env, ZHUANBAN_RENDERER_DIR: app.renderer, TZ: 'Asia/Shanghai' },
  })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const url = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out)?.[1]
      if (url) resolve({ child, url, base: url.replace(/#.*$/, ''), ready: performance.now() - started })
    })
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    child.on('exit', (code) => reject(new Error(`serve 退出（${code}）：${out}`)))
  })
}

/** Stops `serve` (SIGTERM: it finishes the day's backup, then closes the database) and waits for it. */
export async function stop(s: Served): Promise<void> {
  s.child.removeAllListeners('exit')
  if (s.child.exitCode !== null || s.child.signalCode !== null) return
  const exited = new Promise((r) => s.child.once('exit', r))
  s.child.kill('SIGTERM')
  await exited
}

/** Peak and current resident memory of a process, from /proc (Linux), in MB. */
export function rssOf(pid: number): { peak: number; now: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN)
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 }
}

/**
 * Removes the database's backups, so that the next `serve` makes the day's backup (it makes one unless one
 * of this database is less than a day old: backup/backups.ts ensureDailyBackup, backup/server.ts). A file's
 * go beside it (backups/), a server database's under the app's data folder (XDG_CONFIG_HOME, the bench's own).
 */
export function forgetBackups(db: string): void {
  fs.rmSync(backupDir(db), { recursive: true, force: true })
}

/** How many backups of the database there are (after a first start: the day's, once `serve` has stopped). */
export function backupCount(db: string): number {
  const dir = backupDir(db)
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.(db|dump)$/.test(f)).length : 0
}

function backupDir(db: string): string {
  return db.startsWith('postgres') ? defaultServerBackupDir(new URL(db).pathname.slice(1)) : defaultBackupDir(db)
}
