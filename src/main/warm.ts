/**
 * What the first screen after a start (总览) waits for, computed as soon as the database is open: today's
 * office-wide counts and last month's whole ranking (its best and worst five), kept per state of the data
 * (Deps.overviews, Deps.rankings). The window or browser is still loading meanwhile, so the first user finds
 * them ready instead of waiting about a second for them at 10,000 projects. Logins do not change the state of
 * the data (context.ts loginTx), so the login that follows keeps them valid.
 *
 * Runs as the local caller and reads only. A failure is not reported here: the page's own call meets it and
 * says what to do.
 */
import type { App } from './app'

export async function warmFirstScreen(app: App): Promise<void> {
  // One after the other, yielding between them: requests that came meanwhile (the page's files, the login)
  // are answered between the two computations.
  await app.call('overview.get', { mine: false }).catch(() => {})
  await new Promise((resolve) => setImmediate(resolve))
  await app.call('overview.ranking', {}).catch(() => {})
}
