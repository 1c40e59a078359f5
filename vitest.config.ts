import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// CI asks for a JSON report as well (for its "N passed, N failed" line) by setting ZHUANBAN_TEST_REPORT.
const report = process.env.ZHUANBAN_TEST_REPORT

export default defineConfig({
  plugins: [vue()],
  // Electron cannot run here: the shell's code is tested against one mock of its API.
  resolve: { alias: { electron: fileURLToPath(new URL('./tests/mocks/electron.ts', import.meta.url)) } },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time: the browser tests each run a Chromium and a server, and on a 2-core machine two of
    // them side by side starve each other into timeouts.
    fileParallelism: false,
    reporters: report ? ['default', 'json'] : ['default'],
    outputFile: report ? { json: report } : undefined,
  },
})
