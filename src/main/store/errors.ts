/** Error classes the services react to, recognised on either store (store/port.ts). */

/**
 * A unique constraint or index refused the row (a name or login already taken): SQLite's
 * SQLITE_CONSTRAINT_UNIQUE, PostgreSQL's SQLSTATE 23505 unique_violation.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505'
}
