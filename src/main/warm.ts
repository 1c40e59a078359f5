/**
 * What the first screen after a login (总览) waits for, computed before anyone asks: today's office-wide
 * counts and last month's whole ranking (its best and worst five), kept per state of the data (Deps.overviews,
 * Deps.rankings). About a second at 10,000 projects, which the first user would otherwise wait for after
 * logging in; the login that follows keeps them valid (logins do not change the state of the data, context.ts
 * loginTx).
 *
 * On SQLite the computation holds the process (better-sqlite3 is synchronous): a request that arrives
 * meanwhile waits for it. So `serve` starts it as it prints its address (before anyone can have opened it) and
 * the desktop once its window has loaded (the login screen is up; the office types its password meanwhile).
 *
 * Runs as the local caller and reads only. A failure is not reported here: the page's own call meets it and
 * says what to do.
 */
import type { App } from './app'

export async function warmFirstScreen(app: App): Promise<void> {
  // One after the other, yielding between them: a request that came during the first is answered before the
  // second starts.
  await app.call('overview.get', { mine: false }).catch(() => {})
  await new Promise((resolve) => setImmediate(resolve))
  await app.call('overview.ranking', {}).catch(() => {})
}
