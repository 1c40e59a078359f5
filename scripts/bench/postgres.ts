/**
 * The PostgreSQL server the benchmark measures on: the one named by ZHUANBAN_BENCH_PG (a URL whose role may
 * create databases), or a throwaway cluster of the bench's own (scripts/pg/cluster.sh on a port of its own,
 * as tests/setup/postgres.ts does), stopped at the end. Every database the bench makes is dropped at the end.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { describeUrl } from '../../src/main/store/postgres/store'

const CLUSTER = path.resolve(import.meta.dirname, '..', 'pg', 'cluster.sh')

/** The server's URL with another database name. */
function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

export interface BenchServer {
  /** Where the server is (no password), and how it was set up: for the table and the JSON. */
  describe: { location: string; version: string; own: boolean; settings: Record<string, string> }
  /** A new, empty database (the App's store migrates it when it opens); its URL. */
  createDatabase(what: string): Promise<string>
  /** What the database takes on the server, in bytes. */
  databaseBytes(url: string): Promise<number>
  /**
   * After a bulk load: VACUUM ANALYZE, as the server's autovacuum does by itself a minute after a million
   * inserted rows (the throwaway cluster has autovacuum off, so it is done here, once, before measuring).
   */
  settle(url: string): Promise<void>
  /** Drops the bench's databases, and stops the throwaway cluster; never throws. */
  close(): Promise<void>
}

/**
 * The settings that decide what a commit and a scan cost, shown with the figures (the throwaway cluster runs
 * with the durable defaults: makeDurable).
 */
const SHOWN = ['fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'autovacuum'] as const

/** What cluster.sh starts the tests' cluster with to make commits cheap, and a county server does not. */
const NOT_DURABLE = new Set(['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'])

/**
 * Restarts the throwaway cluster (socket folder `base`) with the options it was started with (its
 * postmaster.opts) except NOT_DURABLE: every commit then waits for its WAL to reach the disk, as on a county
 * server and as SQLite's synchronous = FULL does — else the write figures would compare a synced file with an
 * unsynced server.
 */
export function makeDurable(base: string): void {
  const data = path.join(base, 'data')
  const [binary, ...args] = [
    ...fs.readFileSync(path.join(data, 'postmaster.opts'), 'utf8').matchAll(/"([^"]*)"|(\S+)/g),
  ].map((m) => m[1] ?? m[2]!)
  const kept: string[] = []
  // (-D and its folder: pg_ctl passes the data folder itself.)
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-D') i++
    else if (args[i] === '-c' && NOT_DURABLE.has(args[i + 1]!)) i++
    else kept.push(args[i]!)
  }
  const quoted = kept.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')
  // As the postgres user, from a folder it may enter; -l, or the postmaster keeps this process's stdout open.
  execFileSync(
    'runuser',
    [
      '-u',
      'postgres',
      '--',
      path.join(path.dirname(binary!), 'pg_ctl'),
      'restart',
      '-D',
      data,
      '-m',
      'fast',
      '-w',
      '-t',
      '60',
      '-l',
      path.join(base, 'server.log'),
      '-o',
      quoted,
    ],
    { cwd: '/', stdio: 'ignore' },
  )
}

/** Starts or connects to the bench's server. `onStarted` gets the cluster's stop, for a signal handler. */
export async function openBenchServer(onStarted: (stopNow: () => void) => void): Promise<BenchServer> {
  const given = process.env.ZHUANBAN_BENCH_PG
  const env = { ...process.env, ZHUANBAN_PG_PORT: String(20000 + (process.pid % 30000)) }
  let url: string
  let stopCluster: (() => void) | null = null
  if (given) url = given
  else {
    try {
      url = execFileSync(CLUSTER, ['start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env }).trim()
    } catch (error) {
      throw new Error(
        '基准测试需要 PostgreSQL：请设置 ZHUANBAN_BENCH_PG=postgres://用户@主机/postgres（该用户可建库），' +
          `或以 root 身份安装 Debian 的 postgresql 软件包（基准测试会自动启动临时数据库）。启动失败：${(error as Error).message}`,
        { cause: error },
      )
    }
    let stopped = false
    stopCluster = () => {
      if (stopped) return
      stopped = true
      try {
        execFileSync(CLUSTER, ['stop'], { stdio: 'ignore', env })
      } catch (error) {
        console.error(`临时 PostgreSQL 未能停止：${(error as Error).message}`)
      }
    }
    onStarted(stopCluster)
  }
  const admin = new pg.Client({ connectionString: url })
  const created: string[] = []
  try {
    if (stopCluster) makeDurable(new URL(url).searchParams.get('host')!)
    await admin.connect()
    const settings: Record<string, string> = {}
    for (const name of SHOWN) settings[name] = (await admin.query(`SHOW ${name}`)).rows[0][name] as string
    const version = (await admin.query('SHOW server_version')).rows[0].server_version as string
    return {
      describe: { location: describeUrl(url), version, own: stopCluster !== null, settings },
      async createDatabase(what) {
        const name = `zb_bench_${process.pid}_${what}`
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await admin.query(`CREATE DATABASE ${name}`)
        created.push(name)
        return withDatabase(url, name)
      },
      async databaseBytes(dbUrl) {
        const name = new URL(dbUrl).pathname.slice(1)
        return Number((await admin.query('SELECT pg_database_size($1) AS n', [name])).rows[0].n)
      },
      async settle(dbUrl) {
        const client = new pg.Client({ connectionString: dbUrl })
        await client.connect()
        try {
          await client.query('VACUUM (ANALYZE)')
        } finally {
          await client.end()
        }
      },
      async close() {
        for (const name of created.splice(0))
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((error: Error) => {
            console.error(`未能删除基准测试数据库 ${name}：${error.message}`)
          })
        await admin.end().catch(() => {})
        stopCluster?.()
      },
    }
  } catch (error) {
    await admin.end().catch(() => {})
    stopCluster?.()
    throw error
  }
}
