/** What crosses the contract for Excel import and export. */

export const EXPORT_KINDS = ['ledger', 'ranking', 'problems', 'milestones', 'template'] as const
export type ExportKind = (typeof EXPORT_KINDS)[number]

export interface ExportedFile {
  fileName: string
  /** The .xlsx file, base64-encoded (it crosses IPC and HTTP as JSON). */
  base64: string
}

export interface ImportRowIssue {
  /** The row in the sheet (0: the file as a whole). */
  row: number
  column: string
  message: string
}

export interface ImportPreview {
  sheet: string
  headerRows: number[]
  columns: { index: number; header: string; field: string | null }[]
  rows: number
  skipped: number
  creates: number
  updates: number
  newLeaders: string[]
  newTownships: string[]
  newUnits: string[]
  issues: ImportRowIssue[]
  issueCount: number
  sample: {
    row: number
    code: string | null
    name: string
    totalInvestment: number | null
    leader: string | null
    township: string | null
    leadUnit: string | null
  }[]
}

export interface ImportResult {
  created: number
  updated: number
  newLeaders: string[]
  newTownships: string[]
  newUnits: string[]
}
