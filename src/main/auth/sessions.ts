/**
 * Logged-in sessions, kept in the database (migration 9) so that every process serving it — the desktop's main
 * process, browser mode, or several county server processes behind one address — knows them: a login through
 * one server works through the other, and a logout or a disabled account ends the session everywhere.
 *
 * A session is a random token (32 bytes) that only its window or browser holds (an HttpOnly cookie, the IPC
 * sender's slot); the table keeps its SHA-256, so a backup or a copy of the database logs nobody in. It ends at
 * logout, after the security policy's idle minutes, at its lifetime (`AppOptions.sessionHours`), or when its
 * account is disabled, locked or its password reset. Its writes are a login's bookkeeping: they keep the data
 * version (store/port.ts WriteOptions), so sessions never make kept rankings be computed again.
 */
import crypto from 'node:crypto'
import type { Kysely, Selectable } from 'kysely'
import { DEFAULT_SECURITY_POLICY, type SecurityPolicy } from '../../shared/accounts'
import type { Database, UsersTable } from '../db/schema'
import { parseSecurityPolicySetting } from '../db/json'
import type { Store } from '../store/port'

/**
 * Where a transport keeps the session of one window / browser tab: the main side reads the token from it and
 * writes it on login and logout. The page never sees the token (an HttpOnly cookie, the IPC sender's slot).
 * `userId` is written back by App.invoke with the caller it resolved (a transport's request log names it).
 */
export interface SessionSlot {
  token: string | null
  userId?: number | null
}

/** The session's account; `expired`: why it has just been ended (idle too long, or past its lifetime), else null. */
export type Lookup = { userId: number; expired: 'idle' | 'lifetime' | null } | null

/** A session as a call finds it, with what every call needs besides: its account and the security policy. */
export interface FoundSession {
  userId: number
  /** Its last use and its end of life (ms since 1970). */
  lastSeen: number
  expires: number
  /** The account's row; undefined when the account no longer exists. */
  user: Selectable<UsersTable> | undefined
  /** The security policy as stored (settings 'security'), the defaults when never saved. */
  policy: SecurityPolicy
}

/** The last use of a session ended by time (sessions.check): idle since 1970, never brought back by a policy. */
const ENDED = 1 // the table allows no 0 (CHECK last_seen > 0)

/** A session's last use is written at most this often (each call reads it; a write per call would not scale). */
export const TOUCH_EVERY_MS = 60_000

/** The default lifetime of a session, idle or not: a working day and its evening. */
export const DEFAULT_SESSION_HOURS = 12

const hashOf = (token: string) => crypto.createHash('sha256').update(token).digest('hex')

/** Ends every session of an account, but `except` (the caller's own, after changing their password). Run in a write. */
export async function endUserSessions(db: Kysely<Database>, userId: number, except?: string | null): Promise<void> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId)
  if (except) query = query.where('token_hash', '<>', hashOf(except))
  await query.execute()
}

export class Sessions {
  /** `lifetimeHours`: how long a session lasts at most, idle or not. */
  constructor(
    private readonly store: Store,
    readonly lifetimeHours = DEFAULT_SESSION_HOURS,
  ) {}

  private keep<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.store.write(fn, { keepDataVersion: true })
  }

  /** Opens a session for `userId` (ending `replacing`, the slot's previous one) and returns its token. */
  async open(userId: number, now: Date, source: string, replacing: string | null = null): Promise<string> {
    const token = crypto.randomBytes(32).toString('base64url')
    const at = now.getTime()
    await this.keep(async (db) => {
      if (replacing) await db.deleteFrom('sessions').where('token_hash', '=', hashOf(replacing)).execute()
      // Sessions that ended by time and were never used again are cleared as others log in.
      await db.deleteFrom('sessions').where('expires', '<=', at).execute()
      await db
        .insertInto('sessions')
        .values({
          token_hash: hashOf(token),
          user_id: userId,
          created_at: now.toISOString(),
          last_seen: at,
          expires: at + this.lifetimeHours * 3_600_000,
          source: source.slice(0, 50),
        })
        .execute()
    })
    return token
  }

  /**
   * The session of `token` with its account and the security policy, in one query (every call of a logged-in
   * page asks: on the county server separate queries were as many round trips and pool checkouts per call).
   * Null when unknown. Reading is not a use: `check` decides whether it is still open.
   */
  async find(token: string | null): Promise<FoundSession | null> {
    if (!token || token.length > 100) return null
    const row = await this.store.db
      .selectFrom('sessions as s')
      .leftJoin('users as u', 'u.id', 's.user_id')
      .selectAll('u')
      .select(['s.user_id as session_user', 's.last_seen as session_last_seen', 's.expires as session_expires'])
      .select((eb) =>
        eb.selectFrom('settings').select('value').where('key', '=', 'security').as('session_security_policy'),
      )
      .where('s.token_hash', '=', hashOf(token))
      .executeTakeFirst()
    if (!row) return null
    const { session_user, session_last_seen, session_expires, session_security_policy, ...user } = row
    return {
      userId: session_user,
      lastSeen: Number(session_last_seen),
      expires: Number(session_expires),
      user: user.id === null ? undefined : (user as Selectable<UsersTable>),
      policy:
        session_security_policy === null
          ? { ...DEFAULT_SECURITY_POLICY }
          : parseSecurityPolicySetting(session_security_policy),
    }
  }

  /**
   * Whether a found session ends now: idle longer than `idleMinutes` or past its lifetime, it is marked ended
   * (its last use set to 1970: no later policy brings it back) and the reason returned, `first` for the one call
   * that marked it. Marked, not deleted: the calls of the same page already on their way find it ended for the
   * same reason instead of unknown, and only the first logs it. (Logins clear such rows once past their lifetime.)
   * Otherwise this call counts as a use, written at most every TOUCH_EVERY_MS (idle time is counted to within a
   * minute) as one statement on its own — not a serializable write: a page's parallel calls all touch the same
   * row, and as transactions they would refuse each other (PostgreSQL) until the retry limit.
   */
  async check(
    token: string,
    found: FoundSession,
    now: Date,
    idleMinutes: number,
  ): Promise<{ expired: 'idle' | 'lifetime' | null; first: boolean }> {
    const at = now.getTime()
    const expired = at >= found.expires ? 'lifetime' : at - found.lastSeen > idleMinutes * 60_000 ? 'idle' : null
    if (expired) {
      if (found.lastSeen === ENDED) return { expired, first: false }
      const marked = await this.keep((db) =>
        db
          .updateTable('sessions')
          .set({ last_seen: ENDED })
          .where('token_hash', '=', hashOf(token))
          .where('last_seen', '=', found.lastSeen)
          .executeTakeFirst(),
      )
      return { expired, first: Number(marked.numUpdatedRows) > 0 }
    }
    if (at - found.lastSeen >= TOUCH_EVERY_MS)
      await this.store.db
        .updateTable('sessions')
        .set({ last_seen: at })
        .where('token_hash', '=', hashOf(token))
        .where('last_seen', '<', at) // only ever forward
        .where('last_seen', '<>', ENDED)
        .execute()
    return { expired: null, first: false }
  }

  /** `find` and `check` in one: the session's account and whether it has just ended; null when unknown. */
  async lookup(token: string | null, now: Date, idleMinutes: number): Promise<Lookup> {
    const found = await this.find(token)
    if (!found) return null
    return { userId: found.userId, expired: (await this.check(token!, found, now, idleMinutes)).expired }
  }

  /** Whether the session is still open, without counting this as a use (a page's open stream of changes asks). */
  async alive(token: string | null, now: Date, idleMinutes: number): Promise<boolean> {
    if (!token || token.length > 100) return false
    const row = await this.store.db
      .selectFrom('sessions')
      .select(['last_seen', 'expires'])
      .where('token_hash', '=', hashOf(token))
      .executeTakeFirst()
    const at = now.getTime()
    return row !== undefined && at - Number(row.last_seen) <= idleMinutes * 60_000 && at < Number(row.expires)
  }

  /** Ends the session of `token` (logout, or ended by time). */
  async end(token: string | null): Promise<void> {
    if (token) await this.keep((db) => db.deleteFrom('sessions').where('token_hash', '=', hashOf(token)).execute())
  }

  /** Ends every session of an account (disabled, locked, password reset), but `except`. */
  async endUser(userId: number, except?: string | null): Promise<void> {
    await this.keep((db) => endUserSessions(db, userId, except))
  }

  /** Ends every session (a restore: the restored accounts log in again). */
  async endAll(): Promise<void> {
    await this.keep((db) => db.deleteFrom('sessions').execute())
  }
}
