/**
 * The PostgreSQL server the load test runs against: the one named by ZHUANBAN_BENCH_PG (a URL whose role may
 * create databases, as for `npm run bench`), or a throwaway cluster of the load test's own (scripts/pg/cluster.sh
 * on a port of its own), restarted durable — every commit waits for its WAL on disk, as on a county server — and
 * stopped at the end. Every database is named zb_load_…; the run's are dropped at the end. A generated database
 * (the 10,000 projects take minutes) is kept as a template on a given server when asked (`--keep-template`) and
 * copied for the next run (CREATE DATABASE … TEMPLATE: seconds).
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import pg from 'pg'
import { describeUrl } from '../../src/main/store/postgres/store'
import { makeDurable } from '../bench/postgres'

const CLUSTER = path.resolve(import.meta.dirname, '..', 'pg', 'cluster.sh')
/** What a complete template says on itself (COMMENT ON DATABASE): a half-generated one is never copied. */
const READY = 'zhuanban load template ready'

export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

export interface LoadDatabaseServer {
  describe: { location: string; version: string; own: boolean; settings: Record<string, string> }
  /** Whether the template exists and was completed. */
  templateReady(name: string): Promise<boolean>
  /** A new empty database `name` (dropped first if left over), its URL. */
  createEmpty(name: string): Promise<string>
  /** Marks a generated database complete, so that a later run may copy it. */
  markReady(name: string): Promise<void>
  /** A copy of `template` named `name`, its URL. */
  copy(template: string, name: string): Promise<string>
  drop(name: string): Promise<void>
  /** VACUUM ANALYZE after the bulk load, as autovacuum does by itself soon after (the own cluster has it off). */
  settle(url: string): Promise<void>
  /** Drops the databases made for this run (not a kept template); stops the own cluster. Never throws. */
  close(keep?: string): Promise<void>
}

const SHOWN = ['fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'max_connections'] as const

/** Starts or connects to the server. `onStarted` gets the own cluster's stop, for a signal handler. */
export async function openLoadServer(onStarted: (stopNow: () => void) => void): Promise<LoadDatabaseServer> {
  const given = process.env.ZHUANBAN_BENCH_PG
  const env = { ...process.env, ZHUANBAN_PG_PORT: String(20000 + ((process.pid + 7919) % 30000)) }
  let url: string
  let stopCluster: (() => void) | null = null
  if (given) url = given
  else {
    try {
      url = execFileSync(CLUSTER, ['start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env }).trim()
    } catch (error) {
      throw new Error(
        'The load test needs PostgreSQL: set ZHUANBAN_BENCH_PG=postgres://user@host/postgres (a role that may ' +
          `create databases), or run as root with Debian's postgresql installed. Starting one failed: ${(error as Error).message}`,
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
        console.error(`The throwaway PostgreSQL did not stop: ${(error as Error).message}`)
      }
    }
    onStarted(stopCluster)
  }
  const admin = new pg.Client({ connectionString: url })
  const made = new Set<string>()
  const quote = (name: string) => {
    if (!/^zb_load_[a-z0-9_]+$/.test(name)) throw new Error(`not a load test database name: ${name}`)
    return `"${name}"`
  }
  try {
    if (stopCluster) makeDurable(new URL(url).searchParams.get('host')!)
    await admin.connect()
    const settings: Record<string, string> = {}
    for (const name of SHOWN) settings[name] = (await admin.query(`SHOW ${name}`)).rows[0][name] as string
    const version = (await admin.query('SHOW server_version')).rows[0].server_version as string
    const server: LoadDatabaseServer = {
      describe: { location: describeUrl(url), version, own: stopCluster !== null, settings },
      async templateReady(name) {
        const { rows } = await admin.query(
          'SELECT shobj_description(oid, $2) AS note FROM pg_database WHERE datname = $1',
          [name, 'pg_database'],
        )
        return rows[0]?.note === READY
      },
      async createEmpty(name) {
        await admin.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`)
        made.add(name)
        await admin.query(`CREATE DATABASE ${quote(name)}`)
        return withDatabase(url, name)
      },
      async markReady(name) {
        await admin.query(`COMMENT ON DATABASE ${quote(name)} IS '${READY}'`)
      },
      async copy(template, name) {
        await admin.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`)
        made.add(name)
        // (No session may be connected to the template while it is copied: the generator's App is closed.)
        await admin.query(`CREATE DATABASE ${quote(name)} TEMPLATE ${quote(template)}`)
        return withDatabase(url, name)
      },
      async drop(name) {
        await admin.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`)
        made.delete(name)
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
      async close(keep) {
        for (const name of made)
          if (name !== keep)
            await admin.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`).catch((error: Error) => {
              console.error(`Could not drop ${name}: ${error.message}`)
            })
        made.clear()
        await admin.end().catch(() => {})
        stopCluster?.()
      },
    }
    return server
  } catch (error) {
    await admin.end().catch(() => {})
    stopCluster?.()
    throw error
  }
}
