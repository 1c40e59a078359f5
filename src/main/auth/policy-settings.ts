/** The security policy as stored (settings key 'security'), with the defaults of accounts.ts for what is unset. */
import type { Kysely } from 'kysely'
import { DEFAULT_SECURITY_POLICY, type SecurityPolicyState } from '../../shared/accounts'
import type { Database } from '../db/schema'
import { parseSecurityPolicySetting } from '../db/json'

export async function readSecurityPolicy(db: Kysely<Database>): Promise<SecurityPolicyState> {
  const row = await db
    .selectFrom('settings')
    .select(['value', 'version'])
    .where('key', '=', 'security')
    .executeTakeFirst()
  if (!row) return { policy: { ...DEFAULT_SECURITY_POLICY }, version: 1 }
  return { policy: parseSecurityPolicySetting(row.value), version: row.version }
}
