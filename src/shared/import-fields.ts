/** The columns an import understands, and the many ways county ledgers title them. */

export const IMPORT_FIELDS = {
  code: { label: '项目编号', names: ['项目编号', '编号', '项目代码', '项目代码编号'] },
  name: { label: '项目名称', names: ['项目名称', '名称', '项目'] },
  content: {
    label: '建设内容及规模',
    names: ['建设内容及规模', '建设内容', '建设规模及内容', '主要建设内容', '建设规模'],
  },
  totalInvestment: { label: '总投资', names: ['总投资', '计划总投资', '总投资额', '项目总投资'] },
  annualPlan: {
    label: '年度计划投资',
    names: ['年度计划投资', '年度计划', '本年计划投资', '年计划投资', '年度投资计划'],
  },
  completedThisYear: { label: '本年完成投资', names: ['本年完成投资', '累计完成投资', '完成投资'] },
  leadUnit: { label: '牵头单位', names: ['牵头单位', '责任单位', '牵头责任单位', '主责单位'] },
  leader: {
    label: '包联领导',
    names: ['包联领导', '联系领导', '分包领导', '包联县级领导', '包联区级领导', '县级包联领导', '区级包联领导'],
  },
  township: { label: '乡镇/街道', names: ['乡镇/街道', '乡镇街道', '所在乡镇', '乡镇', '街道', '所在乡镇街道'] },
  constructionUnit: { label: '建设单位', names: ['建设单位', '业主单位', '项目单位', '建设单位/业主', '项目业主'] },
  level: { label: '项目级别', names: ['项目级别', '级别'] },
  category: { label: '项目类别', names: ['项目类别', '类别', '项目类型'] },
  industryTag: { label: '产业标签', names: ['产业标签', '产业类别', '所属产业'] },
  years: { label: '建设起止年限', names: ['建设起止年限', '建设年限', '起止年限', '建设期限'] },
  plannedStart: { label: '计划开工', names: ['计划开工时间', '计划开工日期', '计划开工'] },
  plannedEnd: { label: '计划竣工', names: ['计划竣工时间', '计划竣工日期', '计划竣工', '计划完工时间'] },
  stage: { label: '阶段', names: ['阶段', '项目阶段', '所处阶段', '进展阶段', '项目状态'] },
} as const

export type ImportField = keyof typeof IMPORT_FIELDS
export const IMPORT_FIELD_KEYS = Object.keys(IMPORT_FIELDS) as ImportField[]

/** "总投资\n（万元）" → "总投资"; "2026年计划投资" → "计划投资" (the year is read separately). */
export function normaliseHeader(text: string): string {
  return text
    .replace(/[\s\u3000]/g, '')
    .replace(/[（(][^）)]*[）)]/g, '')
    .replace(/^\d{4}年(度)?/, '年度')
    .replace(/[：:]$/, '')
}

export function fieldOf(header: string): ImportField | null {
  const h = normaliseHeader(header)
  if (!h) return null
  for (const key of IMPORT_FIELD_KEYS) if ((IMPORT_FIELDS[key].names as readonly string[]).includes(h)) return key
  for (const key of IMPORT_FIELD_KEYS)
    if ((IMPORT_FIELDS[key].names as readonly string[]).some((n) => n.length >= 3 && h.startsWith(n))) return key
  return null
}

/** Rows that a ledger adds between projects: totals, subtotals and category headings (一、产业类项目). */
export function isSubtotalRow(texts: string[]): boolean {
  const first = texts.find((t) => t.trim() !== '')?.trim() ?? ''
  return (
    /^(合计|小计|总计|共计)/.test(first.replace(/\s/g, '')) ||
    /^[一二三四五六七八九十]+[、.．]/.test(first) ||
    /^（[一二三四五六七八九十]+）/.test(first)
  )
}
