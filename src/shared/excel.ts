/** What crosses the contract for Excel import and export. */
import type { Stage } from './domain'

/** contacts: the 专班通讯录 (every project's task-force members with unit, role and phone). */
export const EXPORT_KINDS = ['ledger', 'ranking', 'problems', 'milestones', 'template', 'contacts'] as const
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

/** The units an amount column can be declared in when its header's unit cannot be read. */
export const IMPORT_UNITS = ['元', '千元', '万元', '十万元', '百万元', '千万元', '亿元'] as const
export type ImportUnit = (typeof IMPORT_UNITS)[number]

export interface ImportColumn {
  index: number
  /** "D", as Excel names the column. */
  letter: string
  /** The header path from the top row down: "投资情况（万元） / 2026年 / 计划投资". */
  header: string
  field: string | null
  /** A year the header names (for 年度计划投资). */
  year: number | null
  /** For an amount column: its unit (null when it could not be read and none was chosen), and where it came from. */
  unit: ImportUnit | null
  unitSource: 'header' | 'sheet' | 'default' | 'chosen' | null
  /** The unit text as written, when it was written. */
  unitText: string | null
}

export interface ImportPreview {
  /** The sheet that was read, and every sheet of the workbook (hidden ones are never read unless chosen). */
  sheet: string
  sheets: { name: string; hidden: boolean; active: boolean }[]
  headerRows: number[]
  columns: ImportColumn[]
  /** How amounts were understood: "D列 总投资：亿元 → 万元（×10,000）", rounding, an assumed unit. */
  conversions: string[]
  /** The year the 年度计划投资 column is for. */
  annualYear: number | null
  rows: number
  /** Rows that are not projects (totals, group headings, notes under the table), each with why. */
  skipped: number
  skippedRows: { row: number; kind: 'total' | 'group' | 'note' | 'numbering' | 'empty' | 'hidden'; text: string }[]
  creates: number
  updates: number
  newLeaders: string[]
  /** Titles written beside new leaders' names in the ledger (周明远（副县长）): name → title. */
  newLeaderTitles: Record<string, string>
  newTownships: string[]
  newUnits: string[]
  /** The stage chosen in the preview for new projects whose row names none (null: none chosen yet). */
  stage: Stage | null
  /**
   * New projects whose row has no 项目阶段 (no such column, or an empty cell): they take the chosen stage.
   * While this is above 0 and no stage is chosen, the preview has an issue and nothing can be imported.
   */
  stageToChoose: number
  /** New projects by the stage they will be created in (from the 项目阶段 column or the choice). */
  newByStage: Partial<Record<Stage, number>>
  issues: ImportRowIssue[]
  issueCount: number
  sample: {
    row: number
    code: string | null
    /** The code the import will make for a new project whose row has none (IMP-00001 …). */
    autoCode: string | null
    /** The stage a new project will be created in (null: an update, or not chosen yet). */
    stage: Stage | null
    name: string
    totalInvestment: number | null
    annualPlan: number | null
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
