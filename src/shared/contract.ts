/**
 * The API contract: every call the renderer can make, declared once with its input schema and result type.
 * The main side implements exactly these (src/main/handlers.ts); both transports (Electron IPC and the local
 * HTTP host) carry exactly these; the renderer's client derives its types from here.
 */
import type { z } from 'zod'
import type { ExportedFile, ImportPreview, ImportResult } from './excel'
import * as s from './schemas'
import type {
  AnnualPlan,
  AuditEntry,
  BackupEntry,
  BackupListing,
  DemoRemoval,
  DictItem,
  DictUsage,
  InvestmentFigures,
  LedgerDetail,
  Leader,
  LeaderUsage,
  MilestoneTemplate,
  Milestone,
  MonthlyReport,
  Operator,
  Person,
  Plan,
  Problem,
  Project,
  ProjectDetail,
  ProjectSummary,
  ReportSettingsState,
  Settings,
  SetupProgress,
  SystemInfo,
  TaskForce,
  TaskForceContact,
  TaskForceMember,
} from './domain'
import type {
  Breakdown,
  FrozenMonth,
  GroupRanking,
  KanbanData,
  LightRow,
  Overview,
  OverviewRanking,
  ProjectRanking,
} from './rules/types'

interface CallSpec<I extends z.ZodType, R> {
  input: I
  /** Phantom: carries the result type; never read at run time. */
  result: R
  /** Whether the call changes data (writes are serialised and audited). */
  write: boolean
}

function read<I extends z.ZodType>(input: I) {
  return { returns: <R>(): CallSpec<I, R> => ({ input, result: undefined as R, write: false }) }
}
function write<I extends z.ZodType>(input: I) {
  return { returns: <R>(): CallSpec<I, R> => ({ input, result: undefined as R, write: true }) }
}

export const contract = {
  'system.info': read(s.emptyInput).returns<SystemInfo>(),
  'demo.load': write(s.demoLoadInput).returns<{ projects: number; milestones: number; reports: number }>(),
  /**
   * Removes the demo district's rows and only them (after a backup; audited): see src/main/demo/remove.ts for
   * what goes, what stays and when it is refused (RULE: no demo data; a frozen month mixing demo and own projects).
   */
  'demo.remove': write(s.emptyInput).returns<DemoRemoval>(),

  'settings.get': read(s.emptyInput).returns<Settings>(),
  'settings.setOperator': write(s.operatorInput).returns<Operator>(),
  'settings.updateRules': write(s.rulesUpdateInput).returns<Settings>(),
  /**
   * The 排名通报's settings (发文机关, 行政层级, 发文字号, 成文日期, 附注) with their version; never saved: defaults
   * derived from the data (`saved: false`).
   */
  'settings.report': read(s.emptyInput).returns<ReportSettingsState>(),
  /**
   * Saves them whole, audited (one row per changed field). INVALID_INPUT for a 文号 not shaped 〔2026〕12号, a
   * level word not 县/区/市/旗/州/盟, a date not YYYY-MM-DD, text over its limit; CONFLICT for a stale version.
   */
  'settings.updateReport': write(s.reportSettingsInput).returns<ReportSettingsState>(),

  'dict.list': read(s.dictListInput).returns<DictItem[]>(),
  'dict.create': write(s.dictCreateInput).returns<DictItem>(),
  'dict.update': write(s.dictUpdateInput).returns<DictItem>(),
  /** Projects and problems that use a dictionary item (the confirmation before deactivating it says so). */
  'dict.usage': read(s.dictUsageInput).returns<DictUsage>(),

  'template.list': read(s.emptyInput).returns<MilestoneTemplate[]>(),
  'template.create': write(s.templateCreateInput).returns<MilestoneTemplate>(),
  'template.update': write(s.templateUpdateInput).returns<MilestoneTemplate>(),

  'leader.list': read(s.leaderListInput).returns<Leader[]>(),
  'leader.create': write(s.leaderCreateInput).returns<Leader>(),
  'leader.update': write(s.leaderUpdateInput).returns<Leader>(),
  'leader.delete': write(s.leaderDeleteInput).returns<{ id: number }>(),
  /** Projects (current and past) and problems of a leader (the confirmation before deactivating says so). */
  'leader.usage': read(s.leaderUsageInput).returns<LeaderUsage>(),

  'project.list': read(s.projectListInput).returns<ProjectSummary[]>(),
  /** The ledger's remaining columns for all projects (the Excel ledger export, without a call per project). */
  'project.ledgerDetails': read(s.emptyInput).returns<LedgerDetail[]>(),
  'project.get': read(s.projectGetInput).returns<ProjectDetail>(),
  'project.create': write(s.projectCreateInput).returns<ProjectDetail>(),
  'project.update': write(s.projectUpdateInput).returns<Project>(),
  'project.reassignLeader': write(s.reassignLeaderInput).returns<ProjectDetail>(),
  'project.move': write(s.moveStageInput).returns<Project>(),
  'project.setAnnualPlan': write(s.annualPlanSetInput).returns<AnnualPlan>(),
  /**
   * 调出: the project leaves the key-project list on `date` (not after today, not before it entered the list or
   * its last change) for `reason`; RULE if it is not on the list, CONFLICT on a stale version. It leaves the
   * kanban and lists at once and the rankings from the month after `date`; its records stay.
   */
  'project.remove': write(s.projectRemoveInput).returns<ProjectDetail>(),
  /** 归档: as project.remove, only for a project in 竣工投产 or with an actual end (not dated before that end). */
  'project.archive': write(s.projectArchiveInput).returns<ProjectDetail>(),
  /** 恢复: a removed or archived project back on the list from `date` (ranked again from the month after). */
  'project.restore': write(s.projectRestoreInput).returns<ProjectDetail>(),

  'taskForce.update': write(s.taskForceUpdateInput).returns<TaskForce>(),
  'taskForce.addMember': write(s.memberAddInput).returns<TaskForceMember>(),
  'taskForce.updateMember': write(s.memberUpdateInput).returns<TaskForceMember>(),
  'taskForce.removeMember': write(s.memberRemoveInput).returns<{ id: number }>(),
  'person.list': read(s.personListInput).returns<Person[]>(),
  /** The 专班通讯录: every project's task-force members (by project code, then 专班长, 联络员, 成员). */
  'taskForce.contacts': read(s.emptyInput).returns<TaskForceContact[]>(),
  'person.update': write(s.personUpdateInput).returns<Person>(),

  'plan.update': write(s.planUpdateInput).returns<Plan>(),
  'milestone.create': write(s.milestoneCreateInput).returns<Milestone>(),
  'milestone.createFromTemplate': write(s.milestoneFromTemplateInput).returns<Milestone[]>(),
  'milestone.update': write(s.milestoneUpdateInput).returns<Milestone>(),
  'milestone.reorder': write(s.milestoneReorderInput).returns<Milestone[]>(),
  'milestone.complete': write(s.milestoneCompleteInput).returns<Milestone>(),
  'milestone.reopen': write(s.milestoneReopenInput).returns<Milestone>(),
  'milestone.remove': write(s.milestoneRemoveInput).returns<{ id: number }>(),

  'report.list': read(s.reportListInput).returns<MonthlyReport[]>(),
  'report.figures': read(s.reportFiguresInput).returns<InvestmentFigures[]>(),
  'report.save': write(s.reportSaveInput).returns<MonthlyReport>(),

  'problem.list': read(s.problemListInput).returns<Problem[]>(),
  'problem.create': write(s.problemCreateInput).returns<Problem>(),
  'problem.update': write(s.problemUpdateInput).returns<Problem>(),
  'problem.start': write(s.problemStartInput).returns<Problem>(),
  'problem.escalate': write(s.problemEscalateInput).returns<Problem>(),
  'problem.close': write(s.problemCloseInput).returns<Problem>(),
  'problem.reopen': write(s.problemReopenInput).returns<Problem>(),

  'kanban.cards': read(s.emptyInput).returns<KanbanData>(),
  'overview.get': read(s.emptyInput).returns<Overview>(),
  'overview.ranking': read(s.emptyInput).returns<OverviewRanking>(),
  /** The 总览's 从这里开始 steps: what a new installation already has (counts; active items only). */
  'overview.setup': read(s.emptyInput).returns<SetupProgress>(),
  'lights.get': read(s.lightsGetInput).returns<LightRow[]>(),
  'ranking.projects': read(s.rankingProjectsInput).returns<ProjectRanking>(),
  'ranking.groups': read(s.rankingGroupsInput).returns<GroupRanking>(),
  'ranking.breakdown': read(s.breakdownInput).returns<Breakdown>(),
  'ranking.frozenMonths': read(s.emptyInput).returns<FrozenMonth[]>(),
  'ranking.freeze': write(s.freezeInput).returns<FrozenMonth>(),
  'ranking.unfreeze': write(s.unfreezeInput).returns<{ period: string }>(),

  'excel.export': read(s.excelExportInput).returns<ExportedFile>(),
  'excel.preview': read(s.excelImportInput).returns<ImportPreview>(),
  'excel.import': write(s.excelImportInput).returns<ImportResult>(),
  'excel.importProgress': read(s.emptyInput).returns<{ running: boolean; done: number; total: number }>(),
  // Asks a running import to stop before it commits (it then rolls back): changes no data itself.
  'excel.cancelImport': read(s.emptyInput).returns<{ cancelled: boolean }>(),

  // Backups change no data (they copy it), so they are not audited writes.
  'backup.list': read(s.emptyInput).returns<BackupListing>(),
  'backup.create': read(s.emptyInput).returns<BackupEntry>(),
  /** Replaces the open database with a backup (the replaced one is kept as a pre-restore backup). */
  'backup.restore': write(s.backupRestoreInput).returns<{ restored: BackupEntry; kept: BackupEntry }>(),
  /**
   * Back to the default backup folder. Another folder is chosen only in the desktop's folder dialog or on the
   * command line: a page never hands the host a path to write copies of the database into.
   */
  'backup.resetFolder': write(s.emptyInput).returns<BackupListing>(),

  'audit.list': read(s.auditListInput).returns<AuditEntry[]>(),
} as const

export type Contract = typeof contract
export type CallName = keyof Contract
/** What a caller passes (before defaults are applied). */
export type CallInput<K extends CallName> = z.input<Contract[K]['input']>
/** What a handler receives (validated, defaults applied). */
export type CallArgs<K extends CallName> = z.output<Contract[K]['input']>
export type CallResult<K extends CallName> = Contract[K]['result']

export const CALL_NAMES = Object.keys(contract) as CallName[]

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}

/** The one function both transports expose to the renderer. */
export type Invoke = <K extends CallName>(name: K, input: CallInput<K>) => Promise<CallResult<K>>
