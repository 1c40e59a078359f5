/** The security policy as stored (settings key 'security'), with the defaults of accounts.ts for what is unset. */
import type { Kysely } from 'kysely'
import { DEFAULT_SECURITY_POLICY, type SecurityPolicyState } from '../../shared/accounts'
import type { Database } from '../db/schema'

export async function readSecurityPolicy(db: Kysely<Database>): Promise<SecurityPolicyState> {
  const row = await db
    .selectFrom('settings')
    .select(['value', 'version'])
    .where('key', '=', 'security')
    .executeTakeFirst()
  if (!row) return { policy: { ...DEFAULT_SECURITY_POLICY }, version: 1 }
  let saved: Record<string, unknown> = {}
  try {
    saved = JSON.parse(row.value) as Record<string, unknown>
  } catch {
    // A damaged value: the defaults hold (the strictest ones are the defaults' own), the next save replaces it.
  }
  const policy = { ...DEFAULT_SECURITY_POLICY }
  for (const key of Object.keys(policy) as (keyof typeof policy)[])
    if (typeof saved[key] === typeof policy[key]) (policy as Record<string, unknown>)[key] = saved[key]
  return { policy, version: row.version }
}
