/**
 * Vitest global setup: the PostgreSQL server the main-side tests run on as their second store. Uses the
 * server named by ZHUANBAN_TEST_PG (a URL whose role may create databases: each test gets a database of its
 * own and drops it); without it, starts a throwaway cluster with scripts/pg/cluster.sh (needs Debian's
 * postgresql package and root, as in CI) and stops it at the end. Provides the URL as `pgUrl`.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'

const script = fileURLToPath(new URL('../../scripts/pg/cluster.sh', import.meta.url))

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string
  }
}

export default function setup(project: TestProject) {
  let url = process.env.ZHUANBAN_TEST_PG
  let started = false
  // A cluster of this run's own (its socket named by a port from the PID): two test runs at once on one
  // machine must not stop each other's server.
  const env = { ...process.env, ZHUANBAN_PG_PORT: String(20000 + (process.pid % 30000)) }
  if (!url) {
    try {
      url = execFileSync(script, ['start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env }).trim()
      started = true
    } catch (error) {
      throw new Error(
        '主进程测试需要 PostgreSQL：请设置 ZHUANBAN_TEST_PG=postgres://用户@主机/postgres（该用户可建库），' +
          `或以 root 身份安装 Debian 的 postgresql 软件包（测试会自动启动临时数据库）。启动失败：${(error as Error).message}`,
        { cause: error },
      )
    }
  }
  project.provide('pgUrl', url)
  return () => {
    if (started) execFileSync(script, ['stop'], { stdio: 'ignore', env })
  }
}
