/**
 * The one numbering rule for codes the product makes for imported projects: IMP- and five digits from
 * IMP-00001, each the lowest number not in use. A second import continues after the codes in use, and a
 * code freed by a deleted project is given again only when no project has it.
 */

/** The prefix of codes made for imported projects. */
export const IMPORT_CODE_PREFIX = 'IMP-'

/** The code with number `n` (≥ 1): 1 → "IMP-00001"; past 99999 the number grows a digit (IMP-100000). */
export function importCode(n: number): string {
  return `${IMPORT_CODE_PREFIX}${String(n).padStart(5, '0')}`
}

/**
 * A generator of fresh codes: each call returns the lowest-numbered code neither in `used` nor returned
 * before. `used` holds every code in the database and every code the ledger gives itself; it is not changed.
 */
export function importCodes(used: ReadonlySet<string>): () => string {
  let n = 0
  return () => {
    let code = importCode(++n)
    while (used.has(code)) code = importCode(++n)
    return code
  }
}
