/**
 * SQLite's integrity checks (PRAGMA quick_check / integrity_check) for the office: SQLite answers in English
 * lines meant for programmers ("Tree 2 page 127 cell 55: invalid page number …"); the office gets a Chinese
 * summary (how many problems, of which kind, in which part of the ledger), the raw lines are kept only as
 * details for the technician.
 */
import type BetterSqlite3 from 'better-sqlite3'

export interface IntegrityResult {
  ok: boolean
  /** Chinese, for the office: empty when ok. */
  summary: string
  /** SQLite's own lines, for a details line or a log. */
  details: string[]
}

/** What each table holds, in the words of the screens. */
const TABLE_LABELS: Record<string, string> = {
  projects: '项目',
  plans: '方案',
  milestones: '节点',
  milestone_templates: '节点模板',
  monthly_reports: '月报',
  annual_plans: '年度计划',
  problems: '问题',
  leaders: '包联领导',
  leader_assignments: '包联记录',
  task_forces: '专班',
  task_force_members: '专班成员',
  people: '人员',
  stage_moves: '阶段变更',
  audit_log: '变更记录',
  settings: '设置',
  dict_items: '字典',
  frozen_periods: '封账',
  ranking_snapshots: '封账排名',
  breakdown_snapshots: '封账得分明细',
  attachments: '佐证材料',
  attachment_files: '佐证材料文件',
  reminders: '催报',
  instruction_answers: '批示落实情况',
  migrations: '升级记录',
}

const KINDS = [
  { label: '索引与数据不一致', test: /\bindex\b/i },
  { label: '数据不符合约束', test: /NULL value|CHECK constraint|non-numeric|TEXT value|NUMERIC value|malformed JSON/i },
  { label: '数据页损坏', test: /./ },
] as const

/** The tables (by their Chinese label where known) the lines point at; nothing when the schema is unreadable. */
function affectedTables(db: BetterSqlite3.Database, lines: string[]): string[] {
  const names = new Set<string>()
  try {
    const schema = db.prepare(`SELECT name, tbl_name, rootpage FROM sqlite_master`).all() as {
      name: string
      tbl_name: string
      rootpage: number
    }[]
    const byRoot = new Map(schema.map((r) => [r.rootpage, r.tbl_name]))
    const byName = new Map(schema.map((r) => [r.name, r.tbl_name]))
    for (const line of lines) {
      // "Tree 12 page 34 …" names a b-tree by its root page; "… index idx_x", "NULL value in t.c" by name.
      for (const m of line.matchAll(/\b(?:Tree|tree page) (\d+)/g)) names.add(byRoot.get(Number(m[1])) ?? '')
      for (const m of line.matchAll(/\b(?:index|in) ([A-Za-z_]\w*)/g)) names.add(byName.get(m[1]!) ?? '')
    }
  } catch {
    // the schema itself is damaged: the summary says so without naming tables
  }
  names.delete('')
  return [...names].map((n) => TABLE_LABELS[n] ?? n)
}

const STOPPED = '数据页结构受损，完整性检查无法进行到底'

/** Turns SQLite's lines into one Chinese sentence: how many problems of which kind, and where. */
export function summarizeIntegrity(lines: string[], tables: string[] = []): string {
  // SQLite frames its lines with "*** in database main ***", and ends with "database disk image is malformed"
  // when it had to stop; that last one alone means the structure is too damaged to check further.
  const problems = lines.filter((l) => !/^\*\*\* in database|^database disk image is malformed$/.test(l))
  if (!problems.length) return STOPPED
  const counts = new Map<string, number>()
  for (const line of problems) {
    const kind = KINDS.find((k) => k.test.test(line))!.label
    counts.set(kind, (counts.get(kind) ?? 0) + 1)
  }
  const kinds = [...counts].map(([label, n]) => `${label}${n}处`).join('、')
  const where = tables.length ? `，涉及${tables.join('、')}` : ''
  return `完整性检查发现${problems.length}处问题（${kinds}）${where}`
}

/**
 * Runs the check. A file damaged so badly that the check itself cannot finish (SQLite throws "malformed")
 * counts as damaged too, not as an error of the program.
 */
export function runIntegrityCheck(
  db: BetterSqlite3.Database,
  kind: 'quick_check' | 'integrity_check' = 'quick_check',
): IntegrityResult {
  let lines: string[]
  try {
    lines = (db.pragma(kind) as Record<string, string>[]).flatMap((row) => String(Object.values(row)[0]).split('\n'))
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (typeof code !== 'string' || !(code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')) throw error
    return { ok: false, summary: STOPPED, details: [(error as Error).message] }
  }
  if (lines.length === 1 && lines[0] === 'ok') return { ok: true, summary: '', details: [] }
  return { ok: false, summary: summarizeIntegrity(lines, affectedTables(db, lines)), details: lines }
}
