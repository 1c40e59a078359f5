/** The security log (GB/T 22239-2019 8.1.4.3 安全审计): logins, failures, lockouts, logouts, refusals, account changes. */
import type { Kysely } from 'kysely'
import type { SecurityEvent } from '../../shared/accounts'
import type { Database } from '../db/schema'

export interface SecurityRecord {
  event: SecurityEvent
  userId: number | null
  login: string
  name: string
  source: string
  detail?: string
}

/** Appends one row (inside the caller's transaction when `db` is one). */
export async function logSecurity(db: Kysely<Database>, at: string, record: SecurityRecord): Promise<void> {
  await db
    .insertInto('security_log')
    .values({
      at,
      event: record.event,
      user_id: record.userId,
      login: record.login,
      name: record.name,
      source: record.source,
      detail: record.detail ?? '',
    })
    .execute()
}
