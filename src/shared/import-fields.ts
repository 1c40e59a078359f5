/** The columns an import understands, and the many ways county ledgers title them. */

export const IMPORT_FIELDS = {
  seq: { label: '序号（不导入）', names: ['序号', '序', '顺序号', '排序'] },
  code: { label: '项目编号', names: ['项目编号', '编号', '项目代码', '项目代码编号', '项目编码', '统一项目代码'] },
  name: { label: '项目名称', names: ['项目名称', '名称', '项目', '项目名'] },
  content: {
    label: '建设内容及规模',
    names: [
      '建设内容及规模',
      '建设内容',
      '建设规模及内容',
      '主要建设内容',
      '建设规模',
      '建设内容和规模',
      '主要建设内容及规模',
    ],
  },
  totalInvestment: { label: '总投资', names: ['总投资', '计划总投资', '总投资额', '项目总投资', '估算总投资'] },
  annualPlan: {
    label: '年度计划投资',
    names: ['年度计划投资', '年度计划', '本年计划投资', '年计划投资', '年度投资计划', '计划投资', '年度计划完成投资'],
  },
  completedThisYear: {
    label: '本年完成投资（不导入）',
    names: ['本年完成投资', '累计完成投资', '完成投资', '年度完成投资'],
  },
  /** 开累 (completed since the project's start): computed from the monthly reports, never imported. */
  completedToDate: {
    label: '开累完成投资（不导入）',
    names: ['开累完成投资', '开累完成', '开累投资', '开累', '自开工累计完成投资', '开工以来累计完成投资'],
  },
  leadUnit: {
    label: '牵头单位',
    names: ['牵头单位', '责任单位', '牵头责任单位', '主责单位', '责任部门', '牵头部门', '县直责任单位', '主管部门'],
  },
  leader: {
    label: '包联领导',
    names: ['包联领导', '联系领导', '分包领导', '包联县级领导', '包联区级领导', '县级包联领导', '区级包联领导'],
  },
  township: {
    label: '乡镇/街道',
    names: ['乡镇/街道', '乡镇街道', '所在乡镇', '乡镇', '街道', '所在乡镇街道', '所属乡镇', '属地乡镇', '镇街'],
  },
  constructionUnit: {
    label: '建设单位',
    names: ['建设单位', '业主单位', '项目单位', '建设单位/业主', '项目业主', '实施单位', '建设主体', '项目法人'],
  },
  level: { label: '项目级别', names: ['项目级别', '级别', '项目层级'] },
  category: { label: '项目类别', names: ['项目类别', '类别', '项目类型'] },
  industryTag: { label: '产业标签', names: ['产业标签', '产业类别', '所属产业'] },
  years: {
    label: '建设起止年限',
    names: ['建设起止年限', '建设年限', '起止年限', '建设期限', '建设周期', '建设起止年份'],
  },
  plannedStart: { label: '计划开工', names: ['计划开工时间', '计划开工日期', '计划开工', '开工时间'] },
  plannedEnd: {
    label: '计划竣工',
    names: ['计划竣工时间', '计划竣工日期', '计划竣工', '计划完工时间', '竣工时间', '计划投产时间'],
  },
  /** The 五个一批 stage of a new project: the five labels and their obvious short forms (see readStage). */
  stage: { label: '项目阶段', names: ['项目阶段', '阶段', '所处阶段', '进展阶段', '项目状态'] },
} as const

export type ImportField = keyof typeof IMPORT_FIELDS
export const IMPORT_FIELD_KEYS = Object.keys(IMPORT_FIELDS) as ImportField[]
/** Fields whose columns hold amounts (converted to 万元 by the column's unit). */
export const AMOUNT_FIELDS: readonly ImportField[] = ['totalInvestment', 'annualPlan', 'completedThisYear']

/**
 * A header cell as a bare title: spaces, line breaks and bracketed parts (units, notes) gone, a leading year
 * ("2026年计划投资", "2026年度计划") turned into 年度: "总投资\n（万元）" → "总投资".
 */
export function normaliseHeader(text: string): string {
  return text
    .replace(/[\s\u3000\u200b-\u200d\ufeff]/g, '')
    .replace(/[（(【[][^）)】\]]*[）)】\]]/g, '')
    .replace(/单位[:：].*$/, '')
    .replace(/[/／]?(亿元|万元|千元|百万元|千万元)$/, '')
    .replace(/^\d{4}年(度)?/, '年度')
    .replace(/[：:*＊]+$/, '')
}

/**
 * Titles that vary more than a list can hold, as rules (checked after the exact names). The leader column
 * is 包联 / 包抓 / 包保 / 挂包 / 联系 / 分管 / 责任 + 县（区）级 + 领导 in any order.
 */
const RULES: [ImportField, RegExp][] = [
  ['leader', /^(包联|包抓|包保|挂包|联系|分管|责任|牵头|县级|县|区级|区|市级|市|旗级)+领导(姓名)?$/],
  ['leadUnit', /^(县|区|市)?(直)?(牵头|责任|主责|主管|行业主管)+(单位|部门)$/],
  ['township', /^(所在|所属|属地)?(乡镇|街道|镇街|乡镇街道|乡镇园区|乡镇（街道）)(名称)?$/],
  ['totalInvestment', /总投资/],
  ['completedToDate', /开累/],
  ['completedThisYear', /完成(投资)?$|完成投资/],
  ['annualPlan', /^(年度|本年|当年)?(计划投资|投资计划|计划)(额)?$/],
  ['plannedStart', /^(计划)?开工(时间|日期|年月)?$/],
  ['plannedEnd', /^(计划)?(竣工|完工|投产)(时间|日期|年月)?$/],
  ['years', /起止|年限|建设期/],
]

/** The field a header title names, or null. */
export function fieldOf(header: string): ImportField | null {
  const h = normaliseHeader(header)
  if (!h) return null
  for (const key of IMPORT_FIELD_KEYS) if ((IMPORT_FIELDS[key].names as readonly string[]).includes(h)) return key
  for (const [key, rule] of RULES) if (rule.test(h)) return key
  for (const key of IMPORT_FIELD_KEYS)
    if ((IMPORT_FIELDS[key].names as readonly string[]).some((n) => n.length >= 3 && h.startsWith(n))) return key
  return null
}
