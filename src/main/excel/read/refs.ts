/**
 * Cell references as Excel writes and shows them ("AB12", column "AB"). Kept apart from the workbook reader so
 * that the command line can read `--map AB=…` without loading the zip and XML libraries at every start.
 */

/** "AB" → 28. */
export function columnNumber(letters: string): number {
  let column = 0
  for (const ch of letters.toUpperCase()) column = column * 26 + (ch.charCodeAt(0) - 64)
  return column
}

/** 28 → "AB": the column as Excel names it. */
export function columnName(column: number): string {
  let name = ''
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name
  return name
}

/** "AB12" or "$AB$12" → { row: 12, column: 28 }; null for anything else. */
export function parseRef(ref: string): { row: number; column: number } | null {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/.exec(ref)
  return m ? { row: Number(m[2]), column: columnNumber(m[1]!) } : null
}
