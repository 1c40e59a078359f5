/**
 * Chooses the store at start from where the data is: a postgres:// (or postgresql://) URL is the county
 * server's PostgreSQL, anything else a SQLite file on this PC.
 */
import type { OpenOptions } from '../db/open'
import type { Store } from './port'
import { openSqliteStore } from './sqlite'
import { openPostgresStore, type PostgresOptions } from './postgres/store'

/** Whether `target` names a PostgreSQL database rather than a SQLite file. */
export const isServerUrl = (target: string): boolean => /^postgres(ql)?:\/\//i.test(target)

/** Opens the store `target` names (a file path or a PostgreSQL URL); Chinese AppErrors when it cannot. */
export async function openStore(target: string, options: OpenOptions & PostgresOptions = {}): Promise<Store> {
  return isServerUrl(target) ? openPostgresStore(target, options) : openSqliteStore(target, options)
}
