/**
 * Logged-in sessions, kept in the memory of the process that serves them (the desktop's main process, the
 * browser-mode or county host): a random token per login, ended by logout, by the idle time of the security
 * policy, or when its account is disabled or its password reset. A restart ends every session (everyone logs
 * in again), which is what a desktop program does; a county server behind several processes would move this
 * map into the database — the store is this one class.
 */
import crypto from 'node:crypto'

/**
 * Where a transport keeps the session of one window / browser tab: the main side reads the token from it and
 * writes it on login and logout. The page never sees the token (an HttpOnly cookie, the IPC sender's slot).
 */
export interface SessionSlot {
  token: string | null
}

interface Entry {
  userId: number
  lastSeen: number
}

/** The session's account; `expired`: it was idle too long and has just been ended. */
export type Lookup = { userId: number; expired: boolean } | null

export class Sessions {
  private readonly entries = new Map<string, Entry>()

  open(userId: number, now: number): string {
    const token = crypto.randomBytes(32).toString('base64url')
    this.entries.set(token, { userId, lastSeen: now })
    return token
  }

  /** The session's account (ended, `expired`, when idle longer than `idleMinutes`), null when unknown. */
  lookup(token: string | null, now: number, idleMinutes: number): Lookup {
    if (!token) return null
    const entry = this.entries.get(token)
    if (!entry) return null
    if (now - entry.lastSeen > idleMinutes * 60_000) {
      this.entries.delete(token)
      return { userId: entry.userId, expired: true }
    }
    entry.lastSeen = now
    return { userId: entry.userId, expired: false }
  }

  end(token: string | null): void {
    if (token) this.entries.delete(token)
  }

  /** Ends every session of an account (disabled, password reset by the administrator). */
  endUser(userId: number, except?: string | null): void {
    for (const [token, entry] of this.entries)
      if (entry.userId === userId && token !== except) this.entries.delete(token)
  }
}
