/**
 * The daily digest's schedule: every minute the process looks whether the digest is on and its time has come;
 * the first process to claim the day (a settings row, in a transaction: on the county server several processes
 * run this) posts it, once. A day whose time passed while the program was closed is posted at its next start.
 */
import { localToday } from '../../shared/dates'
import { readTx, writeTx, type Deps } from '../context'
import { readReminderSettings, sendDigest } from '../services/reminders'

const DAY_KEY = 'digest_day'

/** "HH:MM" of `now` in this computer's time zone (the county's). */
const localTime = (now: Date) =>
  `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`

/** Claims `today` for the digest: true for the one caller that moved the mark to today. */
async function claimDay(deps: Deps, today: string): Promise<boolean> {
  return writeTx(
    deps,
    async (w) => {
      const row = await w.db.selectFrom('settings').select('value').where('key', '=', DAY_KEY).executeTakeFirst()
      if (row && row.value === JSON.stringify(today)) return false
      const value = JSON.stringify(today)
      await w.db
        .insertInto('settings')
        .values({ key: DAY_KEY, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute()
      return true
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
    if (!(await claimDay(deps, localToday(now)))) return { posted: false }
    return { posted: true, ...(await sendDigest(deps)) }
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
