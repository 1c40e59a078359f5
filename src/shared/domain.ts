/**
 * The domain's vocabulary (五个一批, roles, levels, states) and the types that cross the contract.
 * Codes are stable English words; what a person reads is in the *_LABELS maps.
 */
import type { Money } from './money'
import type { IsoDate, Period } from './dates'

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

/** Kinds of the office-editable lists (DOMAIN.md *settings*). */
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

export interface Operator {
  name: string
  unit: string
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
  operator: Operator | null
  rules: Rules
  rulesVersion: number
}

export const DEFAULT_RULES: Rules = {
  thresholds: { redOverdueDays: 30, upcomingDays: 7, redInvestmentPercent: 50, yellowInvestmentPercent: 80 },
  weights: { milestones: 50, investment: 30, problems: 20 },
}

export interface AuditEntry {
  id: number
  at: string
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
  operator: Operator | null
  projectCount: number
  /** Things the office should know about where the data lives (a network drive, …), in Chinese. */
  warnings: string[]
}

export interface Page<T> {
  items: T[]
  total: number
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
}
