/**
 * `zhuanban server`: the county server process. Reads the configuration (config.ts), opens the PostgreSQL
 * database (the migrations run once, by whichever process takes the advisory lock first; the others wait,
 * store/postgres/migrate.ts), serves the contract and the renderer on the county's network (http/server-host.ts)
 * until SIGTERM or Ctrl+C, then stops gracefully: no new requests, those in flight finished, the database closed.
 */
import { openAppAt, type App } from '../app'
import { AppError } from '../../shared/errors'
import { describeUrl } from '../store/postgres/store'
import { startServerHost } from '../http/server-host'
import type { RunningHost } from '../http/host'
import { warmFirstScreen } from '../warm'
import { startDigestSchedule } from '../reminders/schedule'
import { ConfigError, readServerConfig } from './config'

/**
 * The database of the configuration. What starting again will not mend — an address that cannot be read, a
 * refused login, no such database, one of another program or a newer version — is a configuration error (exit
 * 78: the service is not restarted over and over); a server that does not answer yet is not (it is retried).
 */
async function openDatabase(url: string, sessionHours: number): Promise<App> {
  try {
    return await openAppAt(url, { sessionHours })
  } catch (error) {
    const transient =
      error instanceof AppError &&
      error.code === 'DB_UNREADABLE' &&
      /无法连接数据库服务器|找不到数据库服务器|连接中断|等待超时/.test(error.message)
    if (error instanceof AppError && !transient) throw new ConfigError(error.message)
    throw error
  }
}

export interface ServerRun {
  host: RunningHost
  app: App
  /** Stops as SIGTERM does; resolves once the database is closed. */
  stop(): Promise<void>
}

/** Starts the server of the configuration `configFile` (and the environment); `port` overrides the configured one. */
export async function startCountyServer(
  configFile: string | undefined,
  options: { port?: number; staticDir?: string; out?: (line: string) => void } = {},
): Promise<ServerRun> {
  const config = readServerConfig(configFile)
  const out = options.out ?? ((line: string) => console.log(line))
  const app = await openDatabase(config.database, config.sessionHours)
  let host: RunningHost
  try {
    host = await startServerHost({
      app,
      host: config.listen,
      port: options.port ?? config.port,
      staticDir: options.staticDir,
      tls: config.tls ?? undefined,
      trustProxy: config.trustProxy,
      loginLimit: config.loginLimit,
      logLevel: config.logLevel,
    })
  } catch (error) {
    await app.close()
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE')
      throw new ConfigError(`端口 ${options.port ?? config.port} 已被其他程序占用，请换一个端口（port）`)
    if (code === 'EADDRNOTAVAIL') throw new ConfigError(`本机没有地址 ${config.listen}，请检查 listen 设置`)
    if (code === 'EACCES')
      throw new ConfigError(`没有权限使用端口 ${options.port ?? config.port}（1024 以下的端口需要特别授权）`)
    throw error
  }
  out(`专班县服务器已启动：${host.url}（数据库：${describeUrl(config.database)}）`)
  // 总览's figures before the first leader opens it (warm.ts).
  setImmediate(() => void warmFirstScreen(app))
  // The daily digest to the group robot, when the office turned it on (one process of several posts it).
  const stopDigest = startDigestSchedule(app.deps, out)
  let stopping: Promise<void> | null = null
  return {
    host,
    app,
    stop: () =>
      (stopping ??= (async () => {
        out('正在停止：不再接受新请求，等待进行中的请求完成…')
        stopDigest()
        await host.close()
        await app.close()
        out('专班县服务器已停止。')
      })()),
  }
}
