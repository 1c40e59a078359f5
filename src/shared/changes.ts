/**
 * A committed change of the data, as the main side announces it to every page that is open (live updates):
 * the data version it made, and the projects it touched (null: any may have changed — an import, a restore).
 */
export interface DataChange {
  version: number
  projectIds: number[] | null
  /** The account that made it (a page tells its user only of others' changes); null: the command line, unknown. */
  by: number | null
}

/** The most project ids a change names; more are announced as projectIds null (src/main/store/changes.ts). */
export const MOST_IDS = 200

/** Whether `value` is a DataChange (a NOTIFY payload or an IPC message is checked before it is believed). */
export function isDataChange(value: unknown): value is DataChange {
  if (typeof value !== 'object' || value === null) return false
  const { version, projectIds, by } = value as Record<string, unknown>
  const id = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0
  return (
    Number.isSafeInteger(version) &&
    (by === null || id(by)) &&
    (projectIds === null || (Array.isArray(projectIds) && projectIds.length <= MOST_IDS && projectIds.every(id)))
  )
}
