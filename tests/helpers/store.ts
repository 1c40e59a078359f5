/**
 * Which store the main-side tests run on: vitest.config.ts runs tests/main twice, once per store (project
 * "sqlite" and project "postgres", ZHUANBAN_TEST_STORE). On PostgreSQL every test gets a new database of its
 * own (about 0.2 s with migrations), dropped afterwards.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, afterEach, inject } from 'vitest'

export type TestStore = 'sqlite' | 'postgres'
export const TEST_STORE: TestStore = process.env.ZHUANBAN_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite'

// A server database's backups go under the app's data folder (backup/server.ts): in tests, a temporary one,
// never the user's ~/.config.
if (TEST_STORE === 'postgres')
  process.env.XDG_CONFIG_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-test-config-'))

/** The server's URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

let admin: pg.Client | null = null
const created: string[] = []

async function adminClient(): Promise<pg.Client> {
  if (!admin) {
    admin = new pg.Client({ connectionString: inject('pgUrl') })
    await admin.connect()
  }
  return admin
}

/** A new, migrated, empty PostgreSQL database for one test; its URL. Dropped after the test. */
export async function newPgDatabase(): Promise<string> {
  const client = await adminClient()
  const name = `zb_t_${process.pid}_${randomBytes(4).toString('hex')}`
  // Empty; the App's store migrates it when it opens (as a county server's new database).
  await client.query(`CREATE DATABASE ${name}`)
  created.push(name)
  return withDatabase(inject('pgUrl'), name)
}

/** Drops the test's databases; the App must be closed first (the helper closes it in its own afterEach). */
export async function dropPgDatabases(): Promise<void> {
  for (const name of created.splice(0)) {
    // A server's background worker in the database can make the first attempt fail (it may not be ended by
    // a role without pg_signal_backend): once more after a moment.
    const drop = async () => (await adminClient()).query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await drop().catch(async () => {
      await new Promise((resolve) => setTimeout(resolve, 500))
      await drop()
    })
  }
}

afterEach(async () => {
  if (created.length) await dropPgDatabases()
})

afterAll(async () => {
  if (TEST_STORE === 'postgres' && process.env.XDG_CONFIG_HOME?.includes('zhuanban-test-config-'))
    fs.rmSync(process.env.XDG_CONFIG_HOME, { recursive: true, force: true })
  if (!admin) return
  await admin.end()
  admin = null
})
