/**
 * The county server under load: `zhuanban server` in a process of its own (as in production, and so that its
 * CPU is measured apart from the load generator's), on 127.0.0.1 and a free port, with a configuration file
 * whose login limit lets 200 accounts log in from the one loopback address within a minute. Stopped with
 * SIGTERM (graceful: requests in flight finish, the database is closed), killed if it does not stop in time.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const ROOT = path.resolve(import.meta.dirname, '..', '..')

export interface ServerChild {
  url: string
  pid: number
  /** The server's output so far (for a failure report). */
  output(): string
  stop(): Promise<void>
  /** Kills it at once (a signal handler's way out). */
  kill(): void
}

export async function startServerChild(database: string, workDir: string): Promise<ServerChild> {
  const config = path.join(workDir, 'server.json')
  fs.writeFileSync(
    config,
    JSON.stringify({
      listen: '127.0.0.1',
      database,
      loginLimit: { perAddress: 100_000, perAccount: 100_000, windowSeconds: 60 },
      logLevel: 'warn',
    }),
  )
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main/cli/index.ts', 'server', '--config', config, '--port', '0'],
    {
      cwd: ROOT,
      // Its backups (if any) go under the run's folder, never the user's ~/.config.
      // Only the file configures it: a ZHUANBAN_* variable of the caller's shell would win over the file.
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ZHUANBAN_'))),
        XDG_CONFIG_HOME: path.join(workDir, 'config'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let text = ''
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 120 s:\n${text}`)), 120_000)
    const look = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(text)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', look)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the server exited (${code}) before it started:\n${text}`))
    })
  }).catch((error: Error) => {
    child.kill('SIGKILL')
    throw error
  })
  return {
    url,
    pid: child.pid!,
    output: () => text,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      await exited
      clearTimeout(timer)
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    },
  }
}
