/**
 * The daily digest's schedule: every minute the process looks whether the digest is on and its time has come;
 * the first process to claim the day (a settings row, in a transaction: on the county server several processes
 * run this) posts it, once. A day whose time passed while the program was closed is posted at its next start;
 * a digest the robot did not take is tried again half an hour later, three tries a day at most.
 */
import { localToday } from '../../shared/dates'
import { readTx, writeTx, type Deps } from '../context'
import { readReminderSettings, sendDigest } from '../services/reminders'

const DAY_KEY = 'digest_day'

/** "HH:MM" of `now` in this computer's time zone (the county's). */
const localTime = (now: Date) =>
  `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`

/** A day's claim: the day, how many tries were made, and (after a failed one) when the next may be made. */
interface Claim {
  day: string
  tries: number
  retryAt: number | null
}
/** A robot that did not take the digest is tried again this often, this many times a day. */
const RETRY_MS = 30 * 60_000
const TRIES = 3

function readClaim(text: string | undefined): Claim | null {
  try {
    const v = JSON.parse(text ?? 'null') as Partial<Claim> | string | null
    // Written by the first version as the bare day.
    if (typeof v === 'string') return { day: v, tries: 1, retryAt: null }
    return v && typeof v.day === 'string'
      ? { day: v.day, tries: Number(v.tries) || 1, retryAt: v.retryAt ?? null }
      : null
  } catch {
    return null
  }
}

async function writeClaim(deps: Deps, claim: Claim): Promise<void> {
  const value = JSON.stringify(claim)
  await writeTx(
    deps,
    (w) =>
      w.db
        .insertInto('settings')
        .values({ key: DAY_KEY, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute(),
    { keepDataVersion: true },
  )
}

/**
 * Claims `today` for the digest: the claim for the one caller that may post now (today's first try, or a retry
 * whose time has come after a failed one), null for the others.
 */
async function claimDay(deps: Deps, today: string, now: number): Promise<Claim | null> {
  return writeTx(
    deps,
    async (w) => {
      const row = await w.db.selectFrom('settings').select('value').where('key', '=', DAY_KEY).executeTakeFirst()
      const last = readClaim(row?.value)
      let claim: Claim
      if (!last || last.day !== today) claim = { day: today, tries: 1, retryAt: null }
      else if (last.retryAt !== null && now >= last.retryAt && last.tries < TRIES)
        claim = { day: today, tries: last.tries + 1, retryAt: null }
      else return null
      const value = JSON.stringify(claim)
      await w.db
        .insertInto('settings')
        .values({ key: DAY_KEY, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute()
      return claim
    },
    { keepDataVersion: true },
  )
}

/**
 * One look: posts the digest when it is on, its time has come today and no process has posted today's. Returns
 * what was done (for the log and the tests); never throws.
 */
export async function digestTick(deps: Deps): Promise<{ posted: boolean; ok?: boolean; message?: string }> {
  try {
    const now = deps.clock()
    const { settings } = await readTx(deps, readReminderSettings)
    if (!settings.digest.enabled || !settings.digest.url || localTime(now) < settings.digest.time)
      return { posted: false }
    const claim = await claimDay(deps, localToday(now), now.getTime())
    if (!claim) return { posted: false }
    const outcome = await sendDigest(deps)
    // Not taken (the robot down, the network cut): tried again in half an hour, three times a day at most.
    if (!outcome.ok && claim.tries < TRIES) await writeClaim(deps, { ...claim, retryAt: now.getTime() + RETRY_MS })
    return { posted: true, ...outcome }
  } catch (error) {
    return { posted: false, ok: false, message: (error as Error).message }
  }
}

/** Starts the schedule (a look every `everyMs`); returns the stop. The timer never keeps the process alive. */
export function startDigestSchedule(deps: Deps, log: (message: string) => void, everyMs = 60_000): () => void {
  let busy = false
  const look = async () => {
    if (busy) return
    busy = true
    const outcome = await digestTick(deps)
    busy = false
    if (outcome.posted) log(outcome.ok ? '每日待办已推送到群机器人' : `每日待办推送失败：${outcome.message}`)
    else if (outcome.ok === false) log(`每日待办推送未进行：${outcome.message}`)
  }
  const timer = setInterval(() => void look(), everyMs)
  timer.unref()
  void look()
  return () => clearInterval(timer)
}
