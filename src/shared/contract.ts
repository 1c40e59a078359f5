/**
 * The API contract: every call the renderer can make, declared once with its input schema and result type.
 * The main side implements exactly these (src/main/handlers.ts); both transports (Electron IPC and the local
 * HTTP host) carry exactly these; the renderer's client derives its types from here.
 */
import type { z } from 'zod'
import type { ExportedFile, ImportPreview, ImportResult } from './excel'
import type { AttachmentContent, AttachmentInfo } from './attachments'
import type { ReminderSettingsState, SentReminder, Todos } from './reminders'
import * as s from './schemas'
import { ADMIN, INSTRUCTION, OFFICE, PUBLIC, READ, SESSION, ofProject, ofUnit, type Access } from './access'
import type {
  AuthStatus,
  CurrentUser,
  RoleMatrixRow,
  SecurityLogEntry,
  SecurityPolicyState,
  UserAccount,
} from './accounts'
import type {
  AnnualPlan,
  AuditEntry,
  BackupEntry,
  BackupListing,
  DemoRemoval,
  DictItem,
  DictUsage,
  InvestmentFigures,
  Instruction,
  LedgerDetail,
  Leader,
  LeaderOptions,
  LeaderUsage,
  MilestoneTemplate,
  Milestone,
  MonthlyReport,
  Person,
  Plan,
  Problem,
  ProblemPage,
  Project,
  ProjectDetail,
  ProjectPage,
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
  KanbanBoard,
  LeaderPage,
  KanbanColumnPage,
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
  /** Who may make it (access.ts); App.invoke checks it before the handler runs. */
  access: Access
}

// The access argument is required: a call without an access declaration does not compile.
function read<I extends z.ZodType>(input: I, access: Access) {
  return { returns: <R>(): CallSpec<I, R> => ({ input, result: undefined as R, write: false, access }) }
}
function write<I extends z.ZodType>(input: I, access: Access) {
  return { returns: <R>(): CallSpec<I, R> => ({ input, result: undefined as R, write: true, access }) }
}

export const contract = {
  /** Before logging in: whether the first administrator must be created (or, upgraded, given a password). */
  'auth.status': read(s.emptyInput, PUBLIC).returns<AuthStatus>(),
  /**
   * First run only (state create-admin or set-password, else RULE): creates the 系统管理员 account (also 重点项目办
   * unless `alsoOffice` is false) or sets the upgraded administrator's password, and logs it in.
   */
  'auth.setup': write(s.setupInput, PUBLIC).returns<CurrentUser>(),
  /**
   * Logs in (the transport keeps the session). UNAUTHENTICATED for a wrong name or password (how many tries are
   * left), a locked account (until when) or a disabled one; every outcome is in the security log.
   */
  'auth.login': write(s.loginInput, PUBLIC).returns<CurrentUser>(),
  /** The logged-in account, or null (not logged in, or the session ended). */
  'auth.me': read(s.emptyInput, PUBLIC).returns<CurrentUser | null>(),
  /** Ends the tab's / window's session; with none (already ended, idle) it succeeds and does nothing. */
  'auth.logout': write(s.emptyInput, PUBLIC).returns<{ ok: true }>(),
  /** Changes the caller's own password (the old one checked; the rule of accounts.ts passwordProblem). */
  'auth.changePassword': write(s.changePasswordInput, SESSION).returns<CurrentUser>(),
  /** The role matrix derived from this contract: every call and which roles may make it. */
  'auth.roles': read(s.emptyInput, READ).returns<RoleMatrixRow[]>(),

  /** 领导批示 of a project (or of one problem), newest first; at most 200 a call (offset/limit). */
  'instruction.list': read(s.instructionListInput, READ).returns<Instruction[]>(),
  /**
   * A 县领导 writes a 批示 on a project or one of its problems, under its own leader record (RULE when the account
   * is linked to none; NOT_FOUND for a problem of another project; a date after today refused). Never changed.
   */
  'instruction.create': write(s.instructionCreateInput, INSTRUCTION).returns<Instruction>(),

  'user.list': read(s.emptyInput, ADMIN).returns<UserAccount[]>(),
  /** A new account with an initial password it must change at first login; DUPLICATE for a taken login name. */
  'user.create': write(s.userCreateInput, ADMIN).returns<UserAccount>(),
  /** Changes an account (roles, links, 停用); RULE when it would leave no active 系统管理员. */
  'user.update': write(s.userUpdateInput, ADMIN).returns<UserAccount>(),
  /** Sets a new initial password (to be changed at next login) and unlocks. */
  'user.resetPassword': write(s.userResetPasswordInput, ADMIN).returns<UserAccount>(),
  'user.unlock': write(s.userUnlockInput, ADMIN).returns<UserAccount>(),
  /** The security log, newest first: logins, failures, lockouts, logouts, refusals, account changes. */
  'security.log': read(s.securityLogInput, ADMIN).returns<SecurityLogEntry[]>(),
  'security.policy': read(s.emptyInput, ADMIN).returns<SecurityPolicyState>(),
  'security.updatePolicy': write(s.securityPolicyInput, ADMIN).returns<SecurityPolicyState>(),

  'system.info': read(s.emptyInput, READ).returns<SystemInfo>(),
  'demo.load': write(s.demoLoadInput, OFFICE).returns<{ projects: number; milestones: number; reports: number }>(),
  /**
   * Removes the demo district's rows and only them (after a backup; audited): see src/main/demo/remove.ts for
   * what goes, what stays and when it is refused (RULE: no demo data; a frozen month mixing demo and own projects).
   */
  'demo.remove': write(s.emptyInput, OFFICE).returns<DemoRemoval>(),

  'settings.get': read(s.emptyInput, READ).returns<Settings>(),
  'settings.updateRules': write(s.rulesUpdateInput, OFFICE).returns<Settings>(),
  /**
   * The 排名通报's settings (发文机关, 行政层级, 发文字号, 成文日期, 附注) with their version; never saved: defaults
   * derived from the data (`saved: false`).
   */
  'settings.report': read(s.emptyInput, READ).returns<ReportSettingsState>(),
  /**
   * Saves them whole, audited (one row per changed field). INVALID_INPUT for a 文号 not shaped 〔2026〕12号, a
   * level word not 县/区/市/旗/州/盟, a date not YYYY-MM-DD, text over its limit; CONFLICT for a stale version.
   */
  'settings.updateReport': write(s.reportSettingsInput, OFFICE).returns<ReportSettingsState>(),

  'dict.list': read(s.dictListInput, READ).returns<DictItem[]>(),
  'dict.create': write(s.dictCreateInput, OFFICE).returns<DictItem>(),
  'dict.update': write(s.dictUpdateInput, OFFICE).returns<DictItem>(),
  /** Projects and problems that use a dictionary item (the confirmation before deactivating it says so). */
  'dict.usage': read(s.dictUsageInput, READ).returns<DictUsage>(),

  'template.list': read(s.emptyInput, READ).returns<MilestoneTemplate[]>(),
  'template.create': write(s.templateCreateInput, OFFICE).returns<MilestoneTemplate>(),
  'template.update': write(s.templateUpdateInput, OFFICE).returns<MilestoneTemplate>(),

  /** Leaders in official order, at most 200 a call (offset/limit); screens search with leader.options. */
  'leader.list': read(s.leaderListInput, READ).returns<Leader[]>(),
  /**
   * Leaders to pick from, searched on the main side (at most 200; a province has thousands): by text in
   * official order, or the ones of `ids`; with how many are active and in all.
   */
  'leader.options': read(s.leaderOptionsInput, READ).returns<LeaderOptions>(),
  /**
   * The 领导 screen a page at a time (at most 200, by 排序号): each leader with their projects and lights as of
   * today and last month's average score and rank (from the kept computations, versioned-cache.ts).
   */
  'leader.page': read(s.leaderPageInput, READ).returns<LeaderPage>(),
  'leader.create': write(s.leaderCreateInput, OFFICE).returns<Leader>(),
  'leader.update': write(s.leaderUpdateInput, OFFICE).returns<Leader>(),
  'leader.delete': write(s.leaderDeleteInput, OFFICE).returns<{ id: number }>(),
  /** Projects (current and past) and problems of a leader (the confirmation before deactivating says so). */
  'leader.usage': read(s.leaderUsageInput, READ).returns<LeaderUsage>(),

  /** Projects matching the filters, in board order, at most 200 a call (offset/limit). */
  'project.list': read(s.projectListInput, READ).returns<ProjectSummary[]>(),
  /** Projects matching project.list's filters by 项目编号, a page at a time with the count (一览表, exports). */
  'project.page': read(s.projectPageInput, READ).returns<ProjectPage>(),
  /** The ledger's remaining columns, by project id, at most 200 projects a call (offset/limit). */
  'project.ledgerDetails': read(s.sliceInput, READ).returns<LedgerDetail[]>(),
  'project.get': read(s.projectGetInput, READ).returns<ProjectDetail>(),
  'project.create': write(s.projectCreateInput, OFFICE).returns<ProjectDetail>(),
  'project.update': write(s.projectUpdateInput, OFFICE).returns<Project>(),
  'project.reassignLeader': write(s.reassignLeaderInput, OFFICE).returns<ProjectDetail>(),
  'project.move': write(s.moveStageInput, OFFICE).returns<Project>(),
  'project.setAnnualPlan': write(s.annualPlanSetInput, OFFICE).returns<AnnualPlan>(),
  /**
   * 调出: the project leaves the key-project list on `date` (not after today, not before it entered the list or
   * its last change) for `reason`; RULE if it is not on the list, CONFLICT on a stale version. It leaves the
   * kanban and lists at once and the rankings from the month after `date`; its records stay.
   */
  'project.remove': write(s.projectRemoveInput, OFFICE).returns<ProjectDetail>(),
  /** 归档: as project.remove, only for a project in 竣工投产 or with an actual end (not dated before that end). */
  'project.archive': write(s.projectArchiveInput, OFFICE).returns<ProjectDetail>(),
  /** 恢复: a removed or archived project back on the list from `date` (ranked again from the month after). */
  'project.restore': write(s.projectRestoreInput, OFFICE).returns<ProjectDetail>(),

  'taskForce.update': write(s.taskForceUpdateInput, OFFICE).returns<TaskForce>(),
  'taskForce.addMember': write(s.memberAddInput, OFFICE).returns<TaskForceMember>(),
  'taskForce.updateMember': write(s.memberUpdateInput, OFFICE).returns<TaskForceMember>(),
  'taskForce.removeMember': write(s.memberRemoveInput, OFFICE).returns<{ id: number }>(),
  /** People (专班成员 and contacts) matching a name or unit, or by ids; at most 200 a call (offset/limit). */
  'person.list': read(s.personListInput, READ).returns<Person[]>(),
  /** The 专班通讯录: task-force members by project code, then 专班长, 联络员, 成员; 200 a call (offset/limit). */
  'taskForce.contacts': read(s.sliceInput, READ).returns<TaskForceContact[]>(),
  'person.update': write(s.personUpdateInput, OFFICE).returns<Person>(),

  'plan.update': write(s.planUpdateInput, ofProject('plan')).returns<Plan>(),
  'milestone.create': write(s.milestoneCreateInput, ofProject('plan', 'planId')).returns<Milestone>(),
  'milestone.createFromTemplate': write(s.milestoneFromTemplateInput, ofProject('plan', 'planId')).returns<
    Milestone[]
  >(),
  'milestone.update': write(s.milestoneUpdateInput, ofProject('milestone')).returns<Milestone>(),
  'milestone.reorder': write(s.milestoneReorderInput, ofProject('plan', 'planId')).returns<Milestone[]>(),
  'milestone.complete': write(s.milestoneCompleteInput, ofUnit('milestone')).returns<Milestone>(),
  'milestone.reopen': write(s.milestoneReopenInput, ofProject('milestone')).returns<Milestone>(),
  'milestone.remove': write(s.milestoneRemoveInput, ofProject('milestone')).returns<{ id: number }>(),

  /** Monthly reports by project and month, at most 200 a call (offset/limit). */
  'report.list': read(s.reportListInput, READ).returns<MonthlyReport[]>(),
  'report.figures': read(s.reportFiguresInput, READ).returns<InvestmentFigures[]>(),
  'report.save': write(s.reportSaveInput, ofProject('project', 'projectId')).returns<MonthlyReport>(),

  /** Problems matching the filters, by 办结时限, at most 200 a call (offset/limit); the 问题 screen uses problem.page. */
  'problem.list': read(s.problemListInput, READ).returns<Problem[]>(),
  /**
   * The 问题清单 a page at a time (at most 200), by deadline then id: the filters of problem.list and a search
   * in the problem's description, its project's name or code; with the count, the closed count and the 批示.
   */
  'problem.page': read(s.problemPageInput, READ).returns<ProblemPage>(),
  'problem.create': write(s.problemCreateInput, ofProject('project', 'projectId')).returns<Problem>(),
  'problem.update': write(s.problemUpdateInput, ofProject('problem')).returns<Problem>(),
  'problem.start': write(s.problemStartInput, ofUnit('problem')).returns<Problem>(),
  'problem.escalate': write(s.problemEscalateInput, ofProject('problem')).returns<Problem>(),
  'problem.close': write(s.problemCloseInput, ofUnit('problem')).returns<Problem>(),
  'problem.reopen': write(s.problemReopenInput, ofProject('problem')).returns<Problem>(),

  /** Today's kanban cards in board order, at most 200 a call (offset/limit); the screen uses kanban.board/column. */
  'kanban.cards': read(s.sliceInput, READ).returns<KanbanData>(),
  /**
   * The kanban as of today without its cards: how many match the filters, per column and (lanes) per 包联领导.
   * Computed from one set of cards per day and data version (versioned-cache.ts).
   */
  'kanban.board': read(s.kanbanBoardInput, READ).returns<KanbanBoard>(),
  /** A window of one column's cards (at most 200; filters as kanban.board), in board order, as of today. */
  'kanban.column': read(s.kanbanColumnInput, READ).returns<KanbanColumnPage>(),
  /** The county at a glance (mine: only the caller's own projects, as 我的项目); 我的待办 always the caller's. */
  'overview.get': read(s.overviewInput, READ).returns<Overview>(),
  'overview.ranking': read(s.emptyInput, READ).returns<OverviewRanking>(),
  /** The 总览's 从这里开始 steps: what a new installation already has (counts; active items only). */
  'overview.setup': read(s.emptyInput, READ).returns<SetupProgress>(),
  'lights.get': read(s.lightsGetInput, READ).returns<LightRow[]>(),
  'ranking.projects': read(s.rankingProjectsInput, READ).returns<ProjectRanking>(),
  'ranking.groups': read(s.rankingGroupsInput, READ).returns<GroupRanking>(),
  'ranking.breakdown': read(s.breakdownInput, READ).returns<Breakdown>(),
  'ranking.frozenMonths': read(s.emptyInput, READ).returns<FrozenMonth[]>(),
  'ranking.freeze': write(s.freezeInput, OFFICE).returns<FrozenMonth>(),
  'ranking.unfreeze': write(s.unfreezeInput, OFFICE).returns<{ period: string }>(),

  'excel.export': read(s.excelExportInput, OFFICE).returns<ExportedFile>(),
  'excel.preview': read(s.excelImportInput, OFFICE).returns<ImportPreview>(),
  'excel.import': write(s.excelImportInput, OFFICE).returns<ImportResult>(),
  'excel.importProgress': read(s.emptyInput, OFFICE).returns<{ running: boolean; done: number; total: number }>(),
  // Asks a running import to stop before it commits (it then rolls back): changes no data itself.
  'excel.cancelImport': read(s.emptyInput, OFFICE).returns<{ cancelled: boolean }>(),

  // Backups change no data (they copy it), so they are not audited writes.
  'backup.list': read(s.emptyInput, ADMIN).returns<BackupListing>(),
  'backup.create': read(s.emptyInput, ADMIN).returns<BackupEntry>(),
  /** Replaces the open database with a backup (the replaced one is kept as a pre-restore backup). */
  'backup.restore': write(s.backupRestoreInput, ADMIN).returns<{ restored: BackupEntry; kept: BackupEntry }>(),
  /**
   * Back to the default backup folder. Another folder is chosen only in the desktop's folder dialog or on the
   * command line: a page never hands the host a path to write copies of the database into.
   */
  'backup.resetFolder': write(s.emptyInput, ADMIN).returns<BackupListing>(),

  /**
   * 佐证材料 of a project, newest first (of one milestone / report / problem when `owner` and `ownerId` say so), at
   * most 200 a call (offset/limit); never their bytes.
   */
  'attachment.list': read(s.attachmentListInput, READ).returns<AttachmentInfo[]>(),
  /** A file's bytes as base64, or its 320 px JPEG thumbnail (`thumb`; NOT_FOUND for a PDF's). */
  'attachment.get': read(s.attachmentGetInput, READ).returns<AttachmentContent>(),
  /**
   * Attaches a file (JPEG, PNG, HEIC → JPEG, PDF; by content; ≤ 20 MB) to a milestone, a monthly report or a
   * problem: INVALID_INPUT for another kind, a damaged or cut-short file; RULE past 12 files on the record or the
   * database's total (shared/attachments.ts ATTACHMENT_LIMITS); FROZEN for a report of a frozen month. Audited with
   * the file's SHA-256. Photos are kept upright, at most 2048 px, with the camera's capture time and place.
   */
  'attachment.addToMilestone': write(
    s.attachmentToMilestoneInput,
    ofUnit('milestone', 'milestoneId'),
  ).returns<AttachmentInfo>(),
  'attachment.addToReport': write(s.attachmentToReportInput, ofProject('report', 'reportId')).returns<AttachmentInfo>(),
  'attachment.addToProblem': write(
    s.attachmentToProblemInput,
    ofUnit('problem', 'problemId'),
  ).returns<AttachmentInfo>(),
  /** Removes a file (FROZEN for a frozen month's report); the audit row keeps its name, hash, who and why. */
  'attachment.remove': write(s.attachmentRemoveInput, ofUnit('attachment')).returns<{ ok: true }>(),

  /**
   * The caller's 待办 (shared/reminders.ts): 催报 not done, milestones due within the warning window or overdue,
   * last month's report not filed (by the office's deadline day), problems past 限期, 批示 not answered — of its
   * own projects and unit (重点项目办: the whole county). The first 200 items, the counts of all.
   */
  'reminder.mine': read(s.emptyInput, READ).returns<Todos>(),
  /** 催报 sent (newest first; of one project, only the open ones), at most 200 a call (offset/limit). */
  'reminder.sent': read(s.reminderSentInput, READ).returns<SentReminder[]>(),
  /** 重点项目办 sends a 催报 to a project's 专班 (shown in their 待办 until one marks it done); audited. */
  'reminder.send': write(s.reminderSendInput, OFFICE).returns<SentReminder>(),
  /** A 专班 marks a 催报 done (RULE when already done); audited. */
  'reminder.done': write(s.reminderDoneInput, ofProject('reminder')).returns<SentReminder>(),
  /** The 专班 answers a 批示 with its 落实情况 (once; a date not after today nor before the 批示); audited. */
  'instruction.answer': write(s.instructionAnswerInput, ofProject('instruction')).returns<Instruction>(),
  /** 催报与推送 settings: the report's deadline day and the daily digest (the robot's secret never returned). */
  'settings.reminders': read(s.emptyInput, OFFICE).returns<ReminderSettingsState>(),
  'settings.updateReminders': write(s.reminderSettingsInput, OFFICE).returns<ReminderSettingsState>(),
  /**
   * Posts the county's digest to the robot now (发送测试); the outcome, also kept for 设置. RULE without an address.
   * Changes no data of the office (it sends it), so it is not an audited write.
   */
  'reminder.sendDigest': read(s.emptyInput, OFFICE).returns<{ ok: boolean; message: string }>(),

  'audit.list': read(s.auditListInput, READ).returns<AuditEntry[]>(),
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
