import { defineConfig } from 'vitest/config'

// CI asks for a JSON report as well (for its "N passed, N failed" line) by setting ZHUANBAN_TEST_REPORT.
const report = process.env.ZHUANBAN_TEST_REPORT

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
    reporters: report ? ['default', 'json'] : ['default'],
    outputFile: report ? { json: report } : undefined,
  },
})
