import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// CI asks for a JSON report as well (for its "N passed, N failed" line) by setting ZHUANBAN_TEST_REPORT.
const report = process.env.ZHUANBAN_TEST_REPORT

/** Tests of a SQLite file as such: run on SQLite only. */
const SQLITE_FILE_ONLY = [
  'tests/main/data-safety.test.ts',
  'tests/main/database.test.ts',
  'tests/main/backups.test.ts',
  'tests/main/upgrades.test.ts',
  'tests/main/crash.test.ts',
  'tests/main/cli.test.ts',
  'tests/main/cli-rank.test.ts',
  'tests/main/cli-serve.test.ts',
  'tests/main/new-year.test.ts',
]
/** Tests that compare the two stores: they need the PostgreSQL server and run once. */
const ONLY_POSTGRES = [
  'tests/main/store-schemas.test.ts',
  'tests/main/move-to-server.test.ts',
  'tests/main/server-backups.test.ts',
  'tests/main/cli-server.test.ts',
  'tests/browser/county-server.test.ts',
  'node_modules/**',
]
// (Each project sets its own include: `extends` would merge a root include with the project's.)

export default defineConfig({
  plugins: [vue()],
  // Electron cannot run here: the shell's code is tested against one mock of its API.
  resolve: { alias: { electron: fileURLToPath(new URL('./tests/mocks/electron.ts', import.meta.url)) } },
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time: the browser tests each run a Chromium and a server, and on a 2-core machine two of
    // them side by side starve each other into timeouts.
    fileParallelism: false,
    reporters: report ? ['default', 'json'] : ['default'],
    // Two stores, one set of services: the main-side tests run once on SQLite (with everything else) and once
    // on PostgreSQL (tests/helpers/store.ts). Those of what only a SQLite file has (its pages, WAL, backups
    // beside it, upgrades of old files, the command line on a file) run on SQLite alone.
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['tests/**/*.test.ts'], exclude: ONLY_POSTGRES } },
      {
        extends: true,
        test: {
          name: 'postgres',
          // (and the county server in Chromium: two `zhuanban server` processes need the PostgreSQL server)
          include: ['tests/main/**/*.test.ts', 'tests/browser/county-server.test.ts'],
          exclude: [...SQLITE_FILE_ONLY, 'node_modules/**'],
          env: { ZHUANBAN_TEST_STORE: 'postgres' },
          globalSetup: ['tests/setup/postgres.ts'],
        },
      },
    ],
    outputFile: report ? { json: report } : undefined,
  },
})
