/**
 * The domain's vocabulary (五个一批, roles, levels, states) and the types that cross the contract.
 * Codes are stable English words; what a person reads is in the *_LABELS maps.
 */
import type { Money } from './money'
import type { IsoDate, Period } from './dates'
import type { Page } from './paging'

export const STAGES = ['planning', 'investment', 'signed', 'construction', 'production'] as const
export type Stage = (typeof STAGES)[number]
export const STAGE_LABELS: Record<Stage, string> = {
  planning: '谋划包装',
  investment: '招商洽谈',
  signed: '签约落地',
  construction: '开工建设',
  production: '竣工投产',
}

export const PROJECT_LEVELS = ['province', 'city', 'county'] as const
export type ProjectLevel = (typeof PROJECT_LEVELS)[number]
export const PROJECT_LEVEL_LABELS: Record<ProjectLevel, string> = {
  province: '省级重点',
  city: '市级重点',
  county: '县级重点',
}

export const MEMBER_ROLES = ['head', 'liaison', 'member'] as const
export type MemberRole = (typeof MEMBER_ROLES)[number]
export const MEMBER_ROLE_LABELS: Record<MemberRole, string> = {
  head: '专班长',
  liaison: '联络员',
  member: '成员',
}

export const SERVICE_CONTENTS = ['approval', 'progress', 'financing', 'environment', 'production'] as const
export type ServiceContent = (typeof SERVICE_CONTENTS)[number]
export const SERVICE_CONTENT_LABELS: Record<ServiceContent, string> = {
  approval: '审批落地',
  progress: '项目进度',
  financing: '融资落地',
  environment: '环境优化',
  production: '投产达效',
}

export const PROBLEM_LEVELS = ['task_force', 'leader', 'county'] as const
export type ProblemLevel = (typeof PROBLEM_LEVELS)[number]
export const PROBLEM_LEVEL_LABELS: Record<ProblemLevel, string> = {
  task_force: '专班',
  leader: '包联领导',
  county: '县调度会',
}

export const PROBLEM_STATUSES = ['open', 'in_progress', 'closed'] as const
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number]
export const PROBLEM_STATUS_LABELS: Record<ProblemStatus, string> = {
  open: '待办',
  in_progress: '办理中',
  closed: '已销号',
}

/** Kinds of the office-editable lists (docs/rules.md: the 〔设置〕 values and 设置 → 基础名录). */
export const DICT_KINDS = ['category', 'industry_tag', 'township', 'unit', 'problem_category'] as const
export type DictKind = (typeof DICT_KINDS)[number]
export const DICT_KIND_LABELS: Record<DictKind, string> = {
  category: '项目类别',
  industry_tag: '产业标签',
  township: '乡镇/街道',
  unit: '单位',
  problem_category: '问题类别',
}

export interface DictItem {
  id: number
  kind: DictKind
  name: string
  sortOrder: number
  active: boolean
  version: number
}

/** A leader as a select offers them (leader.options). */
export interface LeaderOption {
  id: number
  name: string
  title: string
  active: boolean
}

/** Leaders to pick from (leader.options), and how many there are. */
export interface LeaderOptions {
  rows: LeaderOption[]
  /** Leaders matching the search (the rows are the first of them). */
  total: number
  /** Active leaders in all (none: the select says where leaders are added). */
  active: number
  /** Leaders in all, 停用 ones included. */
  all: number
}

export interface Leader {
  id: number
  name: string
  /** 职务, e.g. 区委常委、副区长 */
  title: string
  unit: string
  phone: string
  /** 排序号: official order, smallest first; leaders are never listed alphabetically. */
  sortOrder: number
  active: boolean
  /** Projects this leader currently owns. */
  projectCount: number
  version: number
}

export interface Ref {
  id: number
  name: string
}

/**
 * How much a dictionary item is in use (asked before it is deactivated): projects that carry it (乡镇/街道,
 * 项目类别, 产业标签; for 单位 the projects whose 专班 it leads) and problems that carry it (问题类别; for 单位
 * the problems it is responsible for). Deactivated items keep their name wherever they are used.
 */
export interface DictUsage {
  id: number
  kind: DictKind
  name: string
  active: boolean
  projects: number
  problems: number
}

/** How much a leader is in use: projects owned now, projects owned before (history), problems assigned. */
export interface LeaderUsage {
  id: number
  name: string
  active: boolean
  currentProjects: number
  pastProjects: number
  problems: number
  openProblems: number
}

/** One line of the 专班通讯录: a member of a project's task force, with the project and its 包联领导. */
export interface TaskForceContact {
  projectId: number
  projectCode: string
  projectName: string
  /** The project's current 包联领导. */
  leader: string
  role: MemberRole
  name: string
  unit: string
  duty: string
  /** As stored (numbers saved before the phone rule are shown as they were). */
  phone: string
}

export interface LeaderAssignment {
  id: number
  leader: Ref
  /** First day the leader owns the project. */
  startDate: IsoDate
  /** First day the leader no longer owns it; null while current. */
  endDate: IsoDate | null
  note: string
}

export interface ProjectSummary {
  id: number
  code: string
  name: string
  stage: Stage
  /** Sparse order inside the kanban column. */
  position: number
  level: ProjectLevel
  category: Ref | null
  industryTag: Ref | null
  township: Ref
  leader: Ref
  leadUnit: Ref
  totalInvestment: Money
  milestonesTotal: number
  milestonesDone: number
  /** Its place on the key-project list (在库 / 已调出 / 已归档) with the date and reason of the last change. */
  listing: ProjectListing
  version: number
}

/** The columns of the project ledger (台账) that a summary does not carry, for every project in one call. */
export interface LedgerDetail {
  projectId: number
  constructionUnit: string
  content: string
  startYear: number
  endYear: number
  plannedStart: IsoDate | null
  plannedEnd: IsoDate | null
  /** 专班 head (组长), if named. */
  head: string | null
}

export interface Project {
  id: number
  code: string
  name: string
  categoryId: number | null
  industryTagId: number | null
  level: ProjectLevel
  townshipId: number
  constructionUnit: string
  content: string
  totalInvestment: Money
  startYear: number
  endYear: number
  stage: Stage
  position: number
  plannedStart: IsoDate | null
  plannedEnd: IsoDate | null
  actualStart: IsoDate | null
  actualEnd: IsoDate | null
  createdAt: string
  updatedAt: string
  version: number
}

export interface AnnualPlan {
  projectId: number
  year: number
  amount: Money
  version: number
}

export interface Person {
  id: number
  name: string
  unit: string
  phone: string
  version: number
}

export interface TaskForceMember {
  id: number
  person: Person
  role: MemberRole
  duty: string
  version: number
}

export interface TaskForce {
  id: number
  projectId: number
  leadUnit: Ref
  members: TaskForceMember[]
  version: number
}

export interface Milestone {
  id: number
  planId: number
  projectId: number
  name: string
  plannedDate: IsoDate
  weight: number
  responsibleUnit: string
  responsiblePerson: string
  actualDate: IsoDate | null
  evidence: string
  position: number
  version: number
}

export interface Plan {
  id: number
  projectId: number
  goals: string
  serviceContent: ServiceContent[]
  milestones: Milestone[]
  version: number
}

export interface StageMove {
  id: number
  fromStage: Stage
  toStage: Stage
  movedOn: IsoDate
  operator: string
  createdAt: string
}

export interface ProjectDetail {
  project: Project
  category: Ref | null
  industryTag: Ref | null
  township: Ref
  leader: Ref
  leaderHistory: LeaderAssignment[]
  taskForce: TaskForce
  plan: Plan
  annualPlans: AnnualPlan[]
  stageMoves: StageMove[]
  /** Its place on the key-project list now (调出 / 归档 / 恢复 are dated; see ProjectListing). */
  listing: ProjectListing
  /** The earliest date a change of its place may carry now: not before it entered the list or its last change. */
  listingEarliest: IsoDate
}

/**
 * A project's place on the key-project list (重点项目名单). 调出 (removed: it left the list) and 归档 (archived:
 * finished and filed) take it off the kanban, the 总览 counts and the lists at once, and out of the rankings
 * from the month after the date (the month of the date still ranks it); its records all stay. 恢复 puts it
 * back (ranked again from the month after that date).
 */
export const LISTING_STATUSES = ['listed', 'removed', 'archived'] as const
export type ListingStatus = (typeof LISTING_STATUSES)[number]
export const LISTING_STATUS_LABELS: Record<ListingStatus, string> = {
  listed: '在库',
  removed: '已调出',
  archived: '已归档',
}

export interface ProjectListing {
  status: ListingStatus
  /** The date of its last change (调出 / 归档 / 恢复); null when it never left the list. */
  date: IsoDate | null
  /** Why (the reason given with the last change); '' when it never left the list. */
  reason: string
}

/** What demo.remove removed (counts) and kept, and the backup made before it. */
export interface DemoRemoval {
  projects: number
  leaders: number
  people: number
  dictItems: number
  /** Months frozen with only demo projects in their ranking, unfrozen with them (YYYY-MM). */
  frozenMonths: Period[]
  /** Demo leaders, people, townships and units kept because the office's own records use them (names). */
  kept: string[]
  /** The file name of the backup made just before (设置 → 数据备份 restores it): a .db copy, or a server's .dump. */
  backup: string
}

export interface MonthlyReport {
  id: number
  projectId: number
  period: Period
  investment: Money
  narrative: string
  frozen: boolean
  updatedAt: string
  version: number
}

/**
 * A project's investment figures as of a date (report.figures), computed once on the main side for the
 * project page, the ledger export and the 一项目一档 print. Amounts in 万元 as integer-cent Money.
 */
export interface InvestmentFigures {
  projectId: number
  /** The date's year: 本年 and the annual plan are of this year. */
  year: number
  /** The annual planned investment of `year`; null when none is entered (never 0 in its place). */
  annualPlan: Money | null
  /** 本年完成: the monthly reports of `year`, months up to and including the date's month. */
  completedThisYear: Money
  /** 开累: every monthly report of the project since its start, up to and including the date's month. */
  completedToDate: Money
  /** `year` is one of the construction years and has no annual plan: the project page asks for it. */
  planMissing: boolean
}

export interface Problem {
  id: number
  projectId: number
  projectCode: string
  projectName: string
  category: Ref
  description: string
  raisedOn: IsoDate
  responsibleUnit: Ref
  responsibleLeader: Ref | null
  deadline: IsoDate
  level: ProblemLevel
  status: ProblemStatus
  resolution: string
  closedOn: IsoDate | null
  version: number
}

/** A page of projects by 项目编号 (project.page): the rows asked for and how many match. */
export type ProjectPage = Page<ProjectSummary>

/** A page of the 问题清单 (problem.page): the problems asked for, how many match, and their 批示. */
export interface ProblemPage extends Page<Problem> {
  /** Of those, how many are 已办结 (the 办结率). */
  closed: number
  /** The 领导批示 on the page's problems, newest first. */
  instructions: Instruction[]
}

/** 领导批示: a 县领导's dated instruction on a project (or one of its problems), shown to its 专班 and printed. */
export interface Instruction {
  id: number
  projectId: number
  projectCode: string
  projectName: string
  /** The problem it is about, or null for the project as a whole. */
  problemId: number | null
  problemText: string | null
  leader: { id: number; name: string; title: string }
  /** The day it was given (ISO). */
  givenOn: IsoDate
  text: string
  createdAt: string
  /** The 专班's answer (落实情况), once given: one per 批示, never changed. */
  answer: { text: string; answeredOn: IsoDate; operator: string } | null
}

export interface TemplateItem {
  name: string
  weight: number
  /** Where the milestone falls between the project's planned start (0) and planned end (100). */
  share: number
}

export interface MilestoneTemplate {
  id: number
  name: string
  items: TemplateItem[]
  version: number
}

export interface Thresholds {
  /** A milestone this many days overdue turns the light red. */
  redOverdueDays: number
  /** A milestone due within this many days turns the light yellow. */
  upcomingDays: number
  /** Completed investment below this share (%) of the pro-rata plan is red. */
  redInvestmentPercent: number
  /** … and below this share (%) is yellow. */
  yellowInvestmentPercent: number
}

export interface Weights {
  milestones: number
  investment: number
  problems: number
}

export interface Rules {
  thresholds: Thresholds
  weights: Weights
}

export interface Settings {
  rules: Rules
  rulesVersion: number
}

export const DEFAULT_RULES: Rules = {
  thresholds: { redOverdueDays: 30, upcomingDays: 7, redInvestmentPercent: 50, yellowInvestmentPercent: 80 },
  weights: { milestones: 50, investment: 30, problems: 20 },
}

/** The administrative level word of the 排名通报's body: 全县, 全区, 全市, 全旗, 全州, 全盟. */
export const ADMIN_LEVELS = ['县', '区', '市', '旗', '州', '盟'] as const
export type AdminLevel = (typeof ADMIN_LEVELS)[number]
export const ADMIN_LEVEL_LABELS: Record<AdminLevel, string> = {
  县: '县',
  区: '区',
  市: '市',
  旗: '旗',
  州: '州',
  盟: '盟',
}

/** The office's 排名通报 settings (settings key 'report'), printed in their GB/T 9704-2012 places. */
export interface ReportSettings {
  /** 发文机关, e.g. 某某县重点项目建设指挥部办公室; '' = not set: no 发文机关标志 or 署名 is printed. */
  issuer: string
  /** The level word of 全县/全区/…. */
  level: AdminLevel
  /** 发文字号, e.g. 〔2026〕12号 or 某重办〔2026〕12号; '' = none. */
  docNumber: string
  /** 成文日期 (YYYY-MM-DD); '' = the day it is printed. */
  date: IsoDate | ''
  /** 附注, printed in brackets under the 成文日期; '' = none. */
  remarks: string
}

export interface ReportSettingsState {
  report: ReportSettings
  /** The version to send with the next save (1 while never saved). */
  version: number
  /** false: never saved — `report` holds defaults derived from the data (the level word from titles and units). */
  saved: boolean
}

export interface AuditEntry {
  id: number
  at: string
  /** The account's name when it made the change (or, before accounts, the operator typed in then). */
  operator: string
  operatorUnit: string
  entity: string
  entityId: number
  projectId: number | null
  action: string
  field: string | null
  oldValue: string | null
  newValue: string | null
  note: string
}

export interface SystemInfo {
  appVersion: string
  schemaVersion: number
  databasePath: string
  projectCount: number
  /** Rows of the demo district still in the database (projects, leaders, people, list items); 0 when none. */
  demoRows: number
  /** Things the office should know about where the data lives (a network drive, …), in Chinese. */
  warnings: string[]
}

/**
 * How far a new installation has come, for the 总览's 从这里开始 steps: the number of active accounts, and counts of active townships, active lead units (牵头单位), active leaders, projects and monthly reports.
 */
export interface SetupProgress {
  accounts: number
  townships: number
  units: number
  leaders: number
  projects: number
  reports: number
}

export interface BackupEntry {
  name: string
  path: string
  /** When it was made (UTC ISO). */
  at: string
  /** auto (daily at start), manual, pre-migration, pre-import, pre-restore */
  reason: string
  bytes: number
}

export interface BackupListing {
  /** Where backups go now. */
  folder: string
  /** True when no folder was chosen (backups/ beside the database). */
  isDefault: boolean
  backups: BackupEntry[]
  /**
   * True for a server database: its backups are pg_dump files (.dump) on the machine 专班 runs on, the
   * default folder being <data folder>/server-backups/<database> there. Absent on a SQLite file.
   */
  server?: boolean
}
