/** Input schemas of every contract call, built from the labelled fields so refusals read as Chinese. */
import { z } from 'zod'
import * as f from './fields'
import { ROLES, ROLE_LABELS } from './access'
import { SECURITY_EVENTS, SECURITY_EVENT_LABELS, passwordProblem } from './accounts'
import {
  ADMIN_LEVELS,
  ADMIN_LEVEL_LABELS,
  DICT_KINDS,
  DICT_KIND_LABELS,
  MEMBER_ROLES,
  MEMBER_ROLE_LABELS,
  PROBLEM_LEVELS,
  PROBLEM_LEVEL_LABELS,
  PROBLEM_STATUSES,
  PROBLEM_STATUS_LABELS,
  PROJECT_LEVELS,
  PROJECT_LEVEL_LABELS,
  SERVICE_CONTENTS,
  SERVICE_CONTENT_LABELS,
  STAGES,
  STAGE_LABELS,
} from './domain'
import { EXPORT_KINDS } from './excel'
import { ATTACHMENT_OWNERS, ATTACHMENT_OWNER_LABELS, ATTACHMENT_LIMITS } from './attachments'
import { DIGEST_KINDS, DIGEST_KIND_LABELS } from './reminders'
import { normalizePhone, phoneProblem } from './phones'
import { isIsoDate } from './dates'
import { projectDateErrors, type DateIssue } from './date-checks'
import { IMPORT_FIELD_KEYS, type ImportField } from './import-fields'
import { IMPORT_UNITS } from './excel'

/**
 * A page of a list that the main side sorts, filters and searches over all its rows: rows `offset` to
 * `offset + limit` of those matching. At most 200 rows a call, so no answer outgrows a screen (issue 19).
 */
export const PAGE_LIMIT_MAX = 200
const page = {
  offset: f.int('起始行', 0, 10_000_000).default(0),
  limit: f.int('每页条数', 1, PAGE_LIMIT_MAX).default(100),
}
/**
 * A bounded list: rows `offset` to `offset + limit` in the list's own order, at most 200 a call (issue 19: no
 * answer outgrows a screen). Screens page through the `*.page` calls; these lists serve lookups by filter.
 */
const slice = {
  offset: f.int('起始行', 0, 10_000_000).default(0),
  limit: f.int('条数', 1, PAGE_LIMIT_MAX).default(PAGE_LIMIT_MAX),
}
/** Just a slice of a list (kanban.cards, taskForce.contacts, project.ledgerDetails). */
export const sliceInput = f.input(slice)
/** At most a page of projects by id (lights.get, report.figures). */
const someProjects = z
  .array(f.id('项目'), { error: '「项目」应为编号列表' })
  .max(PAGE_LIMIT_MAX, `一次最多查询${PAGE_LIMIT_MAX}个项目`)
const stage = (label = '阶段') => f.oneOf(label, STAGES, STAGE_LABELS)
const level = f.oneOf('项目级别', PROJECT_LEVELS, PROJECT_LEVEL_LABELS)
const role = f.oneOf('角色', MEMBER_ROLES, MEMBER_ROLE_LABELS)
const problemLevel = (label = '协调层级') => f.oneOf(label, PROBLEM_LEVELS, PROBLEM_LEVEL_LABELS)
const dictKind = f.oneOf('字典类别', DICT_KINDS, DICT_KIND_LABELS)
/**
 * A telephone number (phones.ts: an 11-digit mobile or a landline with its area code), stored in its one
 * normal form ('138 0000 0000' → '13800000000', '(0371)12345678' → '0371-12345678'); empty allowed.
 */
const phoneText = f
  .anyText('电话', 30)
  .overwrite(normalizePhone)
  .refine((v) => phoneProblem(v) === null, { error: (issue) => `「电话」${phoneProblem(String(issue.input))}` })
const phone = phoneText.default('')

const empty = f.input({})
const byId = (label: string) => f.input({ id: f.id(label) })
const byIdVersion = (label: string) => f.input({ id: f.id(label), version: f.version() })

/**
 * Refuses the impossible date combinations of date-checks.ts (an end before its start …), each under its
 * field. The merely unusual ones pass: the forms warn about those and the user confirms.
 */
function impossibleDates<T>(check: (v: T) => DateIssue[]) {
  return (v: T, ctx: z.RefinementCtx) => {
    for (const issue of check(v)) ctx.addIssue({ code: 'custom', message: issue.message, path: [issue.path] })
  }
}

// ---- settings and dictionaries

// ---- 领导批示

export const instructionListInput = f.input({
  projectId: f.id('项目').optional(),
  problemId: f.id('问题').optional(),
  ...slice,
})
export const instructionCreateInput = f.input({
  projectId: f.id('项目'),
  problemId: f.id('问题').nullable().default(null),
  givenOn: f.date('批示日期'),
  text: f.text('批示内容', 1000),
})

// ---- accounts and the security policy (src/shared/accounts.ts)

/**
 * A login name: 2–32 letters, digits, Chinese characters, '.', '_' or '-', no spaces; unique regardless of
 * capital letters (zhangsan and ZhangSan are one name).
 */
export const LOGIN_PATTERN = /^[\p{Script=Han}A-Za-z0-9._-]{2,32}$/u
const loginName = z
  .string({ error: '「登录名」应为文字' })
  .trim()
  .min(1, '「登录名」不能为空')
  .refine((v) => LOGIN_PATTERN.test(v), '「登录名」应为2–32位字母、数字、汉字或 . _ -，不含空格')
/** A password as typed: never trimmed or normalised (a space or a full-width letter is part of it). */
const passwordText = (label: string) =>
  z
    .string({ error: `「${label}」应为文字` })
    .min(1, `「${label}」不能为空`)
    .max(128, `「${label}」过长`)
const newPassword = (label = '新密码') => passwordText(label)
const roleList = z
  .array(f.oneOf('角色', ROLES, ROLE_LABELS), { error: '「角色」应为角色列表' })
  .min(1, '请至少选择一个角色')
  .max(ROLES.length)
  .refine((v) => new Set(v).size === v.length, '「角色」有重复')
function passwordRule(v: { login: string; password: string }, ctx: z.RefinementCtx) {
  const problem = passwordProblem(v.password, v.login)
  if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['password'] })
}
const accountFields = {
  name: f.personName('姓名'),
  unit: f.name('单位', 50),
  phone,
  roles: roleList,
  /** The 责任单位 a 责任单位联络员 acts for (a unit list item). */
  unitId: f.id('责任单位').nullable().default(null),
  leaderId: f.id('对应领导').nullable().default(null),
  personId: f.id('对应专班人员').nullable().default(null),
}

export const loginInput = f.input({ login: loginName, password: passwordText('密码') })
/** First run: the 系统管理员 (and, unless kept apart, 重点项目办) account; or the upgraded one's password. */
export const setupInput = f
  .input({
    login: loginName,
    name: f.personName('姓名'),
    unit: f.name('单位', 50),
    password: newPassword('密码'),
    /** Also 重点项目办 (a small office's clerk is often both). */
    alsoOffice: f.bool('同时担任重点项目办').default(true),
  })
  .superRefine(passwordRule)
export const changePasswordInput = f.input({
  oldPassword: passwordText('原密码'),
  password: newPassword(),
})
export const userCreateInput = f
  .input({ login: loginName, ...accountFields, password: newPassword('初始密码') })
  .superRefine(passwordRule)
export const userUpdateInput = f.input({
  id: f.id('账号'),
  version: f.version(),
  name: accountFields.name.optional(),
  unit: accountFields.unit.optional(),
  phone: phoneText.optional(),
  roles: roleList.optional(),
  unitId: f.id('责任单位').nullable().optional(),
  leaderId: f.id('对应领导').nullable().optional(),
  personId: f.id('对应专班人员').nullable().optional(),
  active: f.bool('启用').optional(),
})
export const userResetPasswordInput = f.input({
  id: f.id('账号'),
  version: f.version(),
  password: newPassword('新密码'),
})
export const userUnlockInput = byIdVersion('账号')
export const securityLogInput = f.input({
  event: f.oneOf('事件', SECURITY_EVENTS, SECURITY_EVENT_LABELS).optional(),
  userId: f.id('账号').optional(),
  beforeId: f.id('起始记录').optional(),
  limit: f.int('条数', 1, PAGE_LIMIT_MAX).default(PAGE_LIMIT_MAX),
})
export const securityPolicyInput = f.input({
  version: f.version(),
  lockThreshold: f.int('连续失败次数', 3, 10),
  lockMinutes: f.int('锁定时长（分钟）', 5, 1440),
  idleMinutes: f.int('无操作退出（分钟）', 5, 480),
  passwordMaxAgeDays: f.int('密码有效期（天）', 0, 365),
  separateAdmin: f.bool('系统管理员单独设账号'),
})

export const thresholdsInput = f.input({
  redOverdueDays: f.int('红灯逾期天数', 1, 365),
  upcomingDays: f.int('临期提醒天数', 1, 90),
  redInvestmentPercent: f.int('红灯投资完成比例', 1, 100),
  yellowInvestmentPercent: f.int('黄灯投资完成比例', 1, 100),
})
export const weightsInput = f.input({
  milestones: f.int('节点权重', 0, 100),
  investment: f.int('投资权重', 0, 100),
  problems: f.int('问题权重', 0, 100),
})
export const rulesUpdateInput = f
  .input({ version: f.version(), thresholds: thresholdsInput, weights: weightsInput })
  .refine((v) => v.weights.milestones + v.weights.investment + v.weights.problems === 100, {
    message: '三项权重之和应为100',
    path: ['weights'],
  })
  .refine((v) => v.thresholds.redInvestmentPercent < v.thresholds.yellowInvestmentPercent, {
    message: '「红灯投资完成比例」应小于「黄灯投资完成比例」',
    path: ['thresholds'],
  })

/**
 * 发文字号 after GB/T 9704-2012 7.2.5: an optional 机关代字, the year in 六角括号 〔〕, the number without 第 or
 * leading zeros, then 号 — 〔2026〕12号, 某重办〔2026〕12号.
 */
export const DOC_NUMBER_PATTERN = /^[\p{Script=Han}A-Za-z0-9]{0,20}〔(\d{4})〕[1-9]\d{0,5}号$/u
const DOC_NUMBER_MSG =
  '「发文字号」应写成 〔2026〕12号：年份用六角括号〔〕，序号不加“第”、不编虚位（1 不写作 01），前面可加机关代字（如 某重办〔2026〕12号）；没有文号请留空'
export const reportSettingsInput = f.input({
  version: f.version(),
  issuer: f.anyName('发文机关', 50),
  level: f.oneOf('行政层级', ADMIN_LEVELS, ADMIN_LEVEL_LABELS),
  docNumber: f.anyName('发文字号', 40).refine((v) => {
    const m = DOC_NUMBER_PATTERN.exec(v)
    return v === '' || (m !== null && Number(m[1]) >= 1990 && Number(m[1]) <= 2100)
  }, DOC_NUMBER_MSG),
  date: f
    .anyText('成文日期', 10)
    .refine((v) => v === '' || isIsoDate(v), '「成文日期」应为有效日期，如 2026-11-21；留空则按打印当天'),
  remarks: f.anyText('附注', 300),
})

export const dictListInput = f.input({ kind: dictKind, includeInactive: f.bool('含已停用').default(false) })
export const dictCreateInput = f.input({ kind: dictKind, name: f.name('名称', 50) })
export const dictUpdateInput = f.input({
  id: f.id('字典项'),
  version: f.version(),
  name: f.name('名称', 50).optional(),
  sortOrder: f.int('排序号', 0, 1_000_000).optional(),
  active: f.bool('启用').optional(),
})
/** How many projects and problems use a dictionary item (asked before deactivating it). */
export const dictUsageInput = byId('字典项')

const templateItem = f.input({
  name: f.name('节点名称', 50),
  weight: f.int('权重', 1, 100).default(1),
  share: f.int('时间位置（%）', 0, 100),
})
const templateItems = z
  .array(templateItem, { error: '「节点」应为列表' })
  .min(1, '模板至少要有一个节点')
  .max(50, '模板最多50个节点')
export const templateCreateInput = f.input({ name: f.name('模板名称', 50), items: templateItems })
export const templateUpdateInput = f.input({
  id: f.id('模板'),
  version: f.version(),
  name: f.name('模板名称', 50).optional(),
  items: templateItems.optional(),
})

// ---- leaders

/**
 * One project, one leader: a leader's name is one person's, never '周明远、郑佳宁' (the import refuses such a
 * cell too, names.ts `splitLeaderCell`), and the title goes into 「职务」, not into the name in brackets.
 */
const leaderName = f
  .personName('姓名')
  .refine((v) => !/[、，,；;/／]/.test(v), '「姓名」只能填一位领导：每个项目只有一名包联领导')
  .refine((v) => !/[（）()【】〔〕[\]]/.test(v), '「姓名」中不要加括号，职务请填在「职务」中')
export const leaderListInput = f.input({ includeInactive: f.bool('含已停用').default(false), ...slice })
/**
 * Leaders to pick from (a select searched on the main side): those matching `text` (part of a name, any middle
 * dot, or of a 职务) in official order, or exactly those of `ids` (the names of values already chosen).
 */
export const leaderOptionsInput = f.input({
  text: f.anyName('搜索文字', 50).default(''),
  ids: z.array(f.id('领导'), { error: '「领导」应为编号列表' }).max(PAGE_LIMIT_MAX, '一次最多查询200位领导').optional(),
  includeInactive: f.bool('含已停用').default(false),
  limit: f.int('条数', 1, PAGE_LIMIT_MAX).default(50),
})
/** The 领导 screen a page at a time; text: part of a name (any middle dot) or of a 职务. */
export const leaderPageInput = f.input({
  includeInactive: f.bool('含已停用').default(false),
  text: f.anyName('搜索文字', 50).default(''),
  ...page,
})
export const leaderCreateInput = f.input({
  name: leaderName,
  title: f.name('职务', 50),
  unit: f.anyName('单位', 50).default(''),
  phone,
  sortOrder: f.int('排序号', 0, 1_000_000),
})
export const leaderUpdateInput = f.input({
  id: f.id('领导'),
  version: f.version(),
  name: leaderName.optional(),
  title: f.name('职务', 50).optional(),
  unit: f.anyName('单位', 50).optional(),
  phone: phoneText.optional(),
  sortOrder: f.int('排序号', 0, 1_000_000).optional(),
  active: f.bool('启用').optional(),
})
export const leaderDeleteInput = byIdVersion('领导')
/** How many projects (now and before) and problems a leader has (asked before deactivating). */
export const leaderUsageInput = byId('领导')

// ---- projects

const projectFields = {
  code: f.text('项目编号', 30).refine((v) => /^[A-Za-z0-9\-_.]+$/.test(v), '「项目编号」只能包含字母、数字和 - _ .'),
  name: f.name('项目名称', 100),
  categoryId: f.id('项目类别').nullable().default(null),
  industryTagId: f.id('产业标签').nullable().default(null),
  level,
  townshipId: f.id('乡镇/街道'),
  constructionUnit: f.anyName('建设单位', 100).default(''),
  content: f.optionalText('建设内容及规模', 2000),
  totalInvestment: f.money('总投资'),
  startYear: f.year('建设起始年份'),
  endYear: f.year('建设结束年份'),
  plannedStart: f.date('计划开工日期').nullable().default(null),
  plannedEnd: f.date('计划竣工日期').nullable().default(null),
}

export const projectCreateInput = f
  .input({
    ...projectFields,
    stage: stage().default('planning'),
    leaderId: f.id('包联领导'),
    leaderFrom: f.date('包联起始日期').optional(),
    leadUnitId: f.id('牵头单位'),
    goals: f.optionalText('工作目标', 2000),
    serviceContent: z
      .array(f.oneOf('服务内容', SERVICE_CONTENTS, SERVICE_CONTENT_LABELS))
      .max(5)
      .default([]),
    templateId: f.id('节点模板').optional(),
  })
  .superRefine(impossibleDates(projectDateErrors))

export const projectUpdateInput = f
  .input({
    id: f.id('项目'),
    version: f.version(),
    code: projectFields.code.optional(),
    name: projectFields.name.optional(),
    categoryId: f.id('项目类别').nullable().optional(),
    industryTagId: f.id('产业标签').nullable().optional(),
    level: level.optional(),
    townshipId: projectFields.townshipId.optional(),
    constructionUnit: f.anyName('建设单位', 100).optional(),
    content: f.anyText('建设内容及规模', 2000).optional(),
    totalInvestment: projectFields.totalInvestment.optional(),
    startYear: projectFields.startYear.optional(),
    endYear: projectFields.endYear.optional(),
    plannedStart: f.date('计划开工日期').nullable().optional(),
    plannedEnd: f.date('计划竣工日期').nullable().optional(),
  })
  .superRefine(impossibleDates(projectDateErrors))

const projectFilters = {
  stage: stage().optional(),
  leaderId: f.id('包联领导').optional(),
  townshipId: f.id('乡镇/街道').optional(),
  leadUnitId: f.id('牵头单位').optional(),
  level: level.optional(),
  categoryId: f.id('项目类别').optional(),
  industryTagId: f.id('产业标签').optional(),
  text: f.anyName('搜索文字', 50).optional(),
  /** listed: the projects on the key-project list (the default); out: those 调出 or 归档. */
  listing: f.oneOf('项目状态', ['listed', 'out'], { listed: '在库', out: '已调出或已归档' }).default('listed'),
}
export const projectListInput = f.input({ ...projectFilters, ...slice })
/** The 重点项目一览表 a page at a time: project.list's filters, by 项目编号. */
export const projectPageInput = f.input({ ...projectFilters, ...page })
export const projectGetInput = byId('项目')
/** 调出 / 归档 / 恢复: the project (with the version read), the date (ISO, not after today) and why. */
const listingChange = (dateLabel: string, reasonLabel: string) =>
  f.input({ id: f.id('项目'), version: f.version(), date: f.date(dateLabel), reason: f.text(reasonLabel, 200) })
export const projectRemoveInput = listingChange('调出日期', '调出原因')
export const projectArchiveInput = listingChange('归档日期', '归档说明')
export const projectRestoreInput = listingChange('恢复日期', '恢复原因')
export const reassignLeaderInput = f.input({
  projectId: f.id('项目'),
  version: f.version(),
  leaderId: f.id('包联领导'),
  fromDate: f.date('调整日期'),
  note: f.optionalText('调整说明', 200),
})
export const moveStageInput = f.input({
  id: f.id('项目'),
  version: f.version(),
  toStage: stage('目标阶段'),
  /** The card it lands in front of; omitted or null puts it at the end of the column. */
  beforeId: f.id('目标位置').nullable().default(null),
  date: f.date('变更日期').optional(),
})
export const annualPlanSetInput = f.input({
  projectId: f.id('项目'),
  year: f.year('年度'),
  amount: f.money('年度计划投资'),
  version: f.version().optional(),
})

// ---- task forces and people

export const taskForceUpdateInput = f.input({ id: f.id('专班'), version: f.version(), leadUnitId: f.id('牵头单位') })
const newPerson = f.input({ name: f.personName('姓名'), unit: f.name('单位', 50), phone })
export const memberAddInput = f.input({
  taskForceId: f.id('专班'),
  personId: f.id('人员').optional(),
  person: newPerson.optional(),
  role,
  duty: f.optionalText('分工', 200),
})
export const memberUpdateInput = f.input({
  id: f.id('专班成员'),
  version: f.version(),
  role: role.optional(),
  duty: f.anyText('分工', 200).optional(),
})
export const memberRemoveInput = byIdVersion('专班成员')
/** People are searched by name or unit; the text is normalised as a person's name, so '阿不都•' finds '阿不都·'. */
/** People matching `text` (name or unit), or exactly those of `ids` (the names of people already chosen). */
export const personListInput = f.input({
  text: f.anyPersonName('搜索文字').optional(),
  ids: z.array(f.id('人员'), { error: '「人员」应为编号列表' }).max(PAGE_LIMIT_MAX, '一次最多查询200位人员').optional(),
  ...slice,
})
export const personUpdateInput = f.input({
  id: f.id('人员'),
  version: f.version(),
  name: f.personName('姓名').optional(),
  unit: f.name('单位', 50).optional(),
  phone: phoneText.optional(),
})

// ---- plans and milestones

export const planUpdateInput = f.input({
  id: f.id('方案'),
  version: f.version(),
  goals: f.anyText('工作目标', 2000).optional(),
  serviceContent: z
    .array(f.oneOf('服务内容', SERVICE_CONTENTS, SERVICE_CONTENT_LABELS))
    .max(5)
    .optional(),
})
const milestoneFields = {
  name: f.name('节点名称', 50),
  plannedDate: f.date('计划完成日期'),
  weight: f.int('权重', 1, 100).default(1),
  responsibleUnit: f.anyName('责任单位', 50).default(''),
  responsiblePerson: f.anyPersonName('责任人').default(''),
}
export const milestoneCreateInput = f.input({ planId: f.id('方案'), ...milestoneFields })
export const milestoneFromTemplateInput = f
  .input({
    planId: f.id('方案'),
    templateId: f.id('节点模板'),
    startDate: f.date('起始日期'),
    endDate: f.date('结束日期'),
  })
  .refine((v) => v.endDate >= v.startDate, { message: '「结束日期」不能早于「起始日期」', path: ['endDate'] })
export const milestoneUpdateInput = f.input({
  id: f.id('节点'),
  version: f.version(),
  name: milestoneFields.name.optional(),
  plannedDate: milestoneFields.plannedDate.optional(),
  weight: f.int('权重', 1, 100).optional(),
  responsibleUnit: f.anyName('责任单位', 50).optional(),
  responsiblePerson: f.anyPersonName('责任人').optional(),
})
export const milestoneReorderInput = f.input({
  planId: f.id('方案'),
  orderedIds: z.array(f.id('节点'), { error: '「节点顺序」应为编号列表' }).min(1, '「节点顺序」不能为空').max(500),
})
export const milestoneCompleteInput = f.input({
  id: f.id('节点'),
  version: f.version(),
  actualDate: f.date('实际完成日期'),
  evidence: f.optionalText('佐证说明', 500),
})
export const milestoneReopenInput = f.input({
  id: f.id('节点'),
  version: f.version(),
  reason: f.text('重新打开原因', 200),
})
export const milestoneRemoveInput = f.input({
  id: f.id('节点'),
  version: f.version(),
  reason: f.text('删除原因', 200),
})

// ---- monthly reports

export const reportListInput = f.input({
  projectId: f.id('项目').optional(),
  period: f.period('月份').optional(),
  year: f.year('年度').optional(),
  ...slice,
})
/** report.figures: 本年 and 开累 of some projects (at most 200) as of a date (default today). */
export const reportFiguresInput = f.input({
  projectIds: someProjects,
  date: f.date('日期').optional(),
})
export const reportSaveInput = f.input({
  projectId: f.id('项目'),
  period: f.period('月份'),
  investment: f.money('本月完成投资'),
  narrative: f.optionalText('形象进度', 2000),
  /** Omitted to create the month's report; the version read to change it. */
  version: f.version().optional(),
})

// ---- problems

const problemFilters = {
  projectId: f.id('项目').optional(),
  status: f.oneOf('状态', PROBLEM_STATUSES, PROBLEM_STATUS_LABELS).optional(),
  level: problemLevel().optional(),
  categoryId: f.id('问题类别').optional(),
  responsibleUnitId: f.id('责任单位').optional(),
  overdueOn: f.date('逾期判断日期').optional(),
}
export const problemListInput = f.input({ ...problemFilters, ...slice })
/** problem.list's and problem.page's filters, as the services get them. */
export type ProblemFilters = Omit<z.output<typeof problemListInput>, 'offset' | 'limit'>
/** The 问题清单 a page at a time: the filters of problem.list, a search (problem, project name or code), a page. */
export const problemPageInput = f.input({ ...problemFilters, text: f.anyName('搜索文字', 50).default(''), ...page })
export const problemCreateInput = f.input({
  projectId: f.id('项目'),
  categoryId: f.id('问题类别'),
  description: f.text('问题描述', 1000),
  raisedOn: f.date('提出日期'),
  responsibleUnitId: f.id('责任单位'),
  responsibleLeaderId: f.id('责任领导').nullable().default(null),
  deadline: f.date('办结时限'),
  level: problemLevel().default('task_force'),
  /**
   * The sender's id of this request (a phone's form keeps one): sent again after a lost answer, the problem it
   * already made is answered instead of a second one.
   */
  requestId: z
    .string()
    .regex(/^[0-9A-Za-z-]{16,64}$/, '「请求编号」格式不正确')
    .optional(),
})
export const problemUpdateInput = f.input({
  id: f.id('问题'),
  version: f.version(),
  categoryId: f.id('问题类别').optional(),
  description: f.text('问题描述', 1000).optional(),
  responsibleUnitId: f.id('责任单位').optional(),
  responsibleLeaderId: f.id('责任领导').nullable().optional(),
  deadline: f.date('办结时限').optional(),
})
export const problemStartInput = byIdVersion('问题')
export const problemEscalateInput = f.input({
  id: f.id('问题'),
  version: f.version(),
  toLevel: problemLevel('提级至'),
  note: f.text('提级说明', 500),
})
export const problemCloseInput = f.input({
  id: f.id('问题'),
  version: f.version(),
  resolution: f.text('办理结果', 1000),
  closedOn: f.date('销号日期'),
})
export const problemReopenInput = f.input({
  id: f.id('问题'),
  version: f.version(),
  reason: f.text('重新打开原因', 200),
})

// ---- lights and rankings

const groupBy = f.oneOf('排名方式', ['leader', 'township', 'unit'] as const, {
  leader: '按包联领导',
  township: '按乡镇/街道',
  unit: '按牵头单位',
})
export const lightsGetInput = f.input({
  date: f.date('日期'),
  /** At most 200 projects (a screen's); all projects' lights are the kanban's (kanban.board / kanban.column). */
  projectIds: someProjects,
})
export const RANKING_SORTS = ['rank', 'code', 'score'] as const
export type RankingSort = (typeof RANKING_SORTS)[number]
/** The kanban's filters (all optional; text: part of a name or code, any case; mine: the caller's 我的项目). */
const kanbanFilters = {
  leaderId: f.id('包联领导').optional(),
  townshipId: f.id('乡镇/街道').optional(),
  unitId: f.id('牵头单位').optional(),
  level: level.optional(),
  categoryId: f.id('项目类别').optional(),
  light: f
    .oneOf('预警', ['red', 'yellow', 'green'] as const, { red: '红灯', yellow: '黄灯', green: '绿灯' })
    .optional(),
  text: f.anyName('搜索文字', 50).default(''),
  mine: f.bool('只看我的项目').default(false),
}
/** lanes: counts per 包联领导 too, `laneLimit` lanes from `laneOffset` (a province has thousands of leaders). */
export const kanbanBoardInput = f.input({
  ...kanbanFilters,
  lanes: f.bool('按包联领导分行').default(false),
  laneOffset: f.int('起始行', 0, 10_000_000).default(0),
  laneLimit: f.int('每次领导数', 1, PAGE_LIMIT_MAX).default(30),
})
export const kanbanColumnInput = f.input({ ...kanbanFilters, stage: stage(), ...page })
export type KanbanFilters = z.output<z.ZodObject<typeof kanbanFilters>>

export const rankingProjectsInput = f.input({
  period: f.period('月份'),
  ...page,
  sort: f.oneOf('排序', RANKING_SORTS, { rank: '名次', code: '编号', score: '得分' }).default('rank'),
  descending: f.bool('倒序').default(false),
  /** Part of a project's name or code; empty: all. */
  text: f.anyName('搜索文字', 50).default(''),
  /** Only the caller's 我的项目 (with their county ranks). */
  mine: f.bool('只看我的项目').default(false),
})
/** A group ranking a page at a time, in rank order; text: part of the group's name (a leader, a township, a unit). */
export const rankingGroupsInput = f.input({
  period: f.period('月份'),
  by: groupBy,
  ...page,
  text: f.anyName('搜索文字', 50).default(''),
})
export const freezeInput = f.input({ period: f.period('月份') })
export const unfreezeInput = f.input({ period: f.period('月份'), reason: f.text('解除封账原因', 200) })
export const breakdownInput = f.input({ projectId: f.id('项目'), period: f.period('月份') })

// ---- Excel

/** A file as base64 (up to about 30 MB of .xlsx: a 50,000-row ledger fits). */
const fileData = z
  .string({ error: '「文件内容」应为文字（base64）' })
  .min(1, '「文件内容」不能为空')
  .max(40_000_000, '文件过大（超过30MB），请分成几个文件导入')
const fileName = f.text('文件名', 200)
const importField = z
  .enum(IMPORT_FIELD_KEYS as [ImportField, ...ImportField[]], { error: '「列对应」中有不认识的字段' })
  .nullable()
export const excelExportInput = f.input({
  what: f.oneOf('导出内容', EXPORT_KINDS, {
    ledger: '项目台账',
    ranking: '排名',
    problems: '问题清单',
    milestones: '节点计划',
    template: '导入模板',
    contacts: '专班通讯录',
  }),
  period: f.period('月份').optional(),
  projectId: f.id('项目').optional(),
})
export const excelImportInput = f.input({
  fileName,
  base64: fileData,
  /** Column number → field, where the user changed what the header detection chose. */
  mapping: z.record(z.string().regex(/^\d{1,3}$/), importField).default({}),
  /** The sheet to read, by name (default: the active sheet, or the first visible one with a ledger). */
  sheet: f.anyText('工作表', 100).optional(),
  /** Column number → unit, for amount columns whose unit the header does not say readably. */
  units: z
    .record(
      z.string().regex(/^\d{1,3}$/),
      z.enum(IMPORT_UNITS, { error: '「金额单位」只能是：' + IMPORT_UNITS.join('、') }),
    )
    .default({}),
  /**
   * The stage of the new projects whose row names none (no 项目阶段 column, or an empty cell). Never defaulted:
   * while such rows exist and no stage is given, the preview lists it as an issue and nothing is imported.
   */
  stage: stage('新项目的阶段').optional(),
})

// ---- audit, system, demo

/** 总览: the county's, or (mine) only the caller's own projects — a leader's 包联 projects, a 专班成员's. */
export const overviewInput = f.input({ mine: f.bool('只看我的项目').default(false) })
export const auditListInput = f.input({
  projectId: f.id('项目').optional(),
  entity: f.anyText('对象类型', 30).optional(),
  beforeId: f.id('起始记录').optional(),
  limit: f.int('条数', 1, PAGE_LIMIT_MAX).default(100),
})
export const demoLoadInput = f.input({
  seed: f.int('随机种子', 0, 2_147_483_647).default(20261121),
  /** Projects to generate: 55 is a district; benchmarks use 10,000. */
  projects: f.int('项目数量', 1, 20_000).default(55),
})

export const backupRestoreInput = f.input({
  /** A file name from backup.list (not a path: the renderer cannot point the restore at any file). */
  name: f.text('备份文件', 100).regex(/^zhuanban-[0-9a-z-]+\.(db|dump)$/, '「备份文件」应为备份列表中的文件名'),
})

export { empty as emptyInput }

// ---- 佐证材料

/** A file as base64: ATTACHMENT_LIMITS.fileBytes (20 MB) is about 27.3 million characters. */
const attachmentData = z
  .string({ error: '「文件内容」应为文字（base64）' })
  .min(1, '「文件内容」不能为空')
  .max(
    Math.ceil((ATTACHMENT_LIMITS.fileBytes * 4) / 3) + 4,
    `文件过大（超过${ATTACHMENT_LIMITS.fileBytes / 1024 / 1024}MB），请压缩后上传`,
  )
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, '「文件内容」不是有效的base64文字')
const attachmentName = f.text('文件名', 200)
export const attachmentListInput = f.input({
  projectId: f.id('项目'),
  owner: f.oneOf('所属', ATTACHMENT_OWNERS, ATTACHMENT_OWNER_LABELS).optional(),
  ownerId: f.id('所属记录').optional(),
  ...slice,
})
export const attachmentGetInput = f.input({ id: f.id('佐证材料'), thumb: f.bool('缩略图').default(false) })
export const attachmentToMilestoneInput = f.input({
  milestoneId: f.id('节点'),
  name: attachmentName,
  base64: attachmentData,
})
export const attachmentToReportInput = f.input({ reportId: f.id('月报'), name: attachmentName, base64: attachmentData })
export const attachmentToProblemInput = f.input({
  problemId: f.id('问题'),
  name: attachmentName,
  base64: attachmentData,
})
export const attachmentRemoveInput = f.input({ id: f.id('佐证材料'), reason: f.text('删除原因', 200) })

// ---- 催报 and 待办

export const reminderSentInput = f.input({
  projectId: f.id('项目').optional(),
  /** Only those not yet marked done. */
  open: f.bool('仅未办结').optional(),
  ...slice,
})
export const reminderSendInput = f.input({ projectId: f.id('项目'), note: f.text('催报内容', 200) })
export const reminderDoneInput = f.input({ id: f.id('催报') })
export const instructionAnswerInput = f.input({
  id: f.id('领导批示'),
  text: f.text('落实情况', 1000),
  answeredOn: f.date('答复日期'),
})
/** A robot's address: http or https only (never file:, data: or another scheme a page could make the host read). */
const robotUrl = z
  .string({ error: '「推送地址」应为文字' })
  .trim()
  .max(500, '「推送地址」不能超过500个字符')
  .refine((v) => v === '' || /^https?:\/\/[^\s/]+(\/\S*)?$/i.test(v), '「推送地址」应以 https:// 或 http:// 开头')
  // No user name or password in it (they would be sent to whoever answers), and not this machine's link-local
  // addresses (169.254.x.x: a cloud's metadata service), which no group robot has.
  .refine((v) => !/^https?:\/\/[^/?#]*@/i.test(v), '「推送地址」不能含用户名或密码（@）')
  .refine((v) => !/^https?:\/\/(169\.254\.|\[fe80:|0\.0\.0\.0)/i.test(v), '「推送地址」不能是本机链路地址')
export const reminderSettingsInput = f.input({
  version: f.version(),
  reportDueDay: f.int('月报截止日', 1, 28),
  digest: z.strictObject(
    {
      enabled: f.bool('每日推送'),
      kind: f.oneOf('机器人类型', DIGEST_KINDS, DIGEST_KIND_LABELS),
      url: robotUrl,
      secret: z.string().max(200, '「加签密钥」不能超过200个字符').default(''),
      /** Keep the stored secret (a page never sees it) instead of `secret`. */
      keepSecret: f.bool('保留原密钥').default(true),
      time: z
        .string({ error: '「推送时间」应为文字' })
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, '「推送时间」应为 08:30 这样的时间'),
    },
    { error: '「每日推送」设置不完整' },
  ),
})
