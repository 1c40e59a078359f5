/**
 * Row types of the tables as Kysely sees them (snake_case), the same on both stores; domain types live in
 * src/shared. The column types say what the CHECKs (and the services, where there is none) let in:
 * - a code column (stage, level, status, role, kind) is its union from src/shared;
 * - a flag is `0 | 1`: an integer on both stores (SQLite INTEGER, PostgreSQL smallint, each with CHECK IN (0, 1);
 *   see src/main/store/postgres/migrations.ts), never a boolean — compare with 0/1, `bool()` turns it into one;
 * - a civil date is IsoDate ("YYYY-MM-DD"), a report month Period ("YYYY-MM"): plain strings (src/shared/dates.ts);
 *   moments (created_at, updated_at, at, …) are ISO timestamps, plain `string`;
 * - money is Money (src/shared/money.ts): an integer count of hundredths of 万元 (1234.56 万元 is 123456), read as a
 *   number on both stores (SQLite INTEGER; PostgreSQL bigint, parsed exactly by the store, never rounded);
 * - a JSON column is its text as stored (both stores give text back): read it only through src/main/db/json.ts,
 *   which parses and checks it once; write it with JSON.stringify.
 */
import type { Generated, Kysely } from 'kysely'
import type { Role } from '../../shared/access'
import type { SecurityEvent } from '../../shared/accounts'
import type { IsoDate, Period } from '../../shared/dates'
import type {
  DictKind,
  ListingStatus,
  MemberRole,
  ProblemLevel,
  ProblemStatus,
  ProjectLevel,
  Stage,
} from '../../shared/domain'
import type { Money } from '../../shared/money'
import type { GroupBy } from '../../shared/rules/types'

/** A 0/1 flag column (INTEGER / smallint with CHECK IN (0, 1)). */
export type Flag = 0 | 1

/** What a ranking_snapshots row ranks: the projects, or the groups of one GroupBy. */
export type RankingKind = 'project' | GroupBy

export interface DictItemsTable {
  id: Generated<number>
  kind: DictKind
  name: string
  sort_order: number
  active: Flag
  /** 1: added by the demo district (删除演示数据 removes it unless the office's own records use it). */
  demo: Generated<Flag>
  version: Generated<number>
}

export interface SettingsTable {
  key: string
  /** JSON (json.ts): the value of `key` — rules, report, security, or a backup setting. */
  value: string
  version: Generated<number>
}

export interface MilestoneTemplatesTable {
  id: Generated<number>
  name: string
  /** JSON (json.ts): TemplateItem[]. */
  items: string
  version: Generated<number>
}

export interface LeadersTable {
  id: Generated<number>
  name: string
  title: string
  unit: string
  phone: string
  sort_order: number
  active: Flag
  created_at: string
  updated_at: string
  /** 1: a leader of the demo district. */
  demo: Generated<Flag>
  version: Generated<number>
}

export interface ProjectsTable {
  id: Generated<number>
  code: string
  name: string
  category_id: number | null
  industry_tag_id: number | null
  level: ProjectLevel
  township_id: number
  construction_unit: string
  content: string
  total_investment: Money
  start_year: number
  end_year: number
  stage: Stage
  position: number
  planned_start: IsoDate | null
  planned_end: IsoDate | null
  actual_start: IsoDate | null
  actual_end: IsoDate | null
  created_at: string
  updated_at: string
  /** 1: a project of the demo district. */
  demo: Generated<Flag>
  version: Generated<number>
}

/** 调出 / 归档 / 恢复: a project's dated changes of place on the key-project list (append-only). */
export interface ListingChangesTable {
  id: Generated<number>
  project_id: number
  /** listed (back on the list), removed (调出), archived (归档) */
  status: ListingStatus
  on_date: IsoDate
  reason: string
  operator: string
  created_at: string
}

export interface LeaderAssignmentsTable {
  id: Generated<number>
  project_id: number
  leader_id: number
  start_date: IsoDate
  end_date: IsoDate | null
  note: string
  created_at: string
}

export interface TaskForcesTable {
  id: Generated<number>
  project_id: number
  lead_unit_id: number
  version: Generated<number>
}

export interface PeopleTable {
  id: Generated<number>
  name: string
  unit: string
  phone: string
  created_at: string
  /** 1: a person of the demo district. */
  demo: Generated<Flag>
  version: Generated<number>
}

export interface TaskForceMembersTable {
  id: Generated<number>
  task_force_id: number
  person_id: number
  role: MemberRole
  duty: string
  version: Generated<number>
}

export interface PlansTable {
  id: Generated<number>
  project_id: number
  goals: string
  /** JSON (json.ts): ServiceContent[]. */
  service_content: string
  version: Generated<number>
}

export interface MilestonesTable {
  id: Generated<number>
  plan_id: number
  project_id: number
  name: string
  planned_date: IsoDate
  weight: number
  responsible_unit: string
  responsible_person: string
  actual_date: IsoDate | null
  evidence: string
  position: number
  version: Generated<number>
}

export interface AnnualPlansTable {
  project_id: number
  year: number
  amount: Money
  version: Generated<number>
}

export interface StageMovesTable {
  id: Generated<number>
  project_id: number
  from_stage: Stage
  to_stage: Stage
  moved_on: IsoDate
  operator: string
  created_at: string
}

export interface MonthlyReportsTable {
  id: Generated<number>
  project_id: number
  period: Period
  investment: Money
  narrative: string
  created_at: string
  updated_at: string
  version: Generated<number>
}

export interface FrozenPeriodsTable {
  period: Period
  frozen_at: string
  operator: string
  /** The period's last day; '' in months frozen before snapshots (schema version 3), which have none. */
  as_of: IsoDate | ''
  /** JSON (json.ts): the Rules the snapshot was made with; '{}' in months frozen before snapshots. */
  rules: string
}

export interface RankingSnapshotsTable {
  period: Period
  kind: RankingKind
  key: number
  position: number
  rank: number | null
  /** JSON (json.ts): the project row (kind project) or the group row, without its change. */
  row: string
}

export interface BreakdownSnapshotsTable {
  period: Period
  project_id: number
  /** JSON (json.ts): the project's Breakdown. */
  breakdown: string
}

export interface ProblemsTable {
  id: Generated<number>
  project_id: number
  category_id: number
  description: string
  raised_on: IsoDate
  responsible_unit_id: number
  responsible_leader_id: number | null
  deadline: IsoDate
  level: ProblemLevel
  status: ProblemStatus
  resolution: string
  closed_on: IsoDate | null
  created_at: string
  updated_at: string
  version: Generated<number>
  /** The phone's id of the request that made it (a retry after a lost answer is the same problem); null on the desktop. */
  request_id: Generated<string | null>
}

export interface AuditLogTable {
  id: Generated<number>
  at: string
  operator: string
  operator_unit: string
  entity: string
  entity_id: number
  project_id: number | null
  action: string
  field: string | null
  old_value: string | null
  new_value: string | null
  note: string
  /** The account that made the change; null in rows written before accounts (issue 17) and by the command line. */
  user_id: Generated<number | null>
}

export interface UsersTable {
  id: Generated<number>
  login: string
  name: string
  unit: string
  unit_id: number | null
  phone: string
  leader_id: number | null
  person_id: number | null
  /** null: an upgraded administrator who has not set a password yet. */
  password_hash: string | null
  must_change: Flag
  password_changed_at: string | null
  failed_logins: Generated<number>
  locked_until: string | null
  last_login_at: string | null
  active: Generated<Flag>
  created_at: string
  updated_at: string
  version: Generated<number>
}

export interface UserRolesTable {
  user_id: number
  role: Role
}

export interface InstructionsTable {
  id: Generated<number>
  project_id: number
  problem_id: number | null
  leader_id: number
  user_id: number | null
  given_on: IsoDate
  text: string
  created_at: string
}

export interface SecurityLogTable {
  id: Generated<number>
  at: string
  event: SecurityEvent
  user_id: number | null
  login: string
  name: string
  source: string
  detail: string
}

/** The one row (id 1) whose version every write transaction advances, a login's bookkeeping excepted (store/data-version.ts). */
export interface DataVersionTable {
  id: number
  version: number
}

/** A logged-in session (auth/sessions.ts): kept by its token's SHA-256, never the token. Times in ms since 1970. */
export interface SessionsTable {
  token_hash: string
  user_id: number
  created_at: string
  last_seen: number
  expires: number
  source: string
}

/** The login rate limit's counters (http/rate-limit-store.ts): hits of a key until `reset_at` (ms since 1970). */
export interface RateLimitsTable {
  key: string
  hits: number
  reset_at: number
}

/** A long job (an Excel import) on the county server (store/postgres/jobs.ts): its owner, progress and cancel flag. */
export interface JobsTable {
  id: string
  user_id: number | null
  kind: string
  done: Generated<number>
  total: number
  cancelled: Generated<Flag>
  /** The last sign of life of the process running it (ms since 1970): a job not heard of for a while is over. */
  beat: number
}

export interface MigrationsTable {
  id: number
  name: string
  applied_at: string
}

export interface AttachmentsTable {
  id: Generated<number>
  project_id: number
  milestone_id: number | null
  report_id: number | null
  problem_id: number | null
  name: string
  mime: string
  bytes: number
  sha256: string
  width: number | null
  height: number | null
  taken_at: string | null
  latitude: number | null
  longitude: number | null
  converted: number
  added_at: string
  added_by: string
  user_id: number | null
}

/** The bytes of an attachment (apart, so that a list never reads them): Buffer on both stores. */
export interface AttachmentFilesTable {
  attachment_id: number
  content: Buffer
  thumb: Buffer | null
}

export interface RemindersTable {
  id: Generated<number>
  project_id: number
  note: string
  sent_at: string
  operator: string
  user_id: number | null
  done_at: string | null
  done_by: string | null
}

export interface InstructionAnswersTable {
  instruction_id: number
  text: string
  answered_on: IsoDate
  operator: string
  user_id: number | null
  created_at: string
}

export interface Database {
  dict_items: DictItemsTable
  settings: SettingsTable
  milestone_templates: MilestoneTemplatesTable
  leaders: LeadersTable
  projects: ProjectsTable
  listing_changes: ListingChangesTable
  leader_assignments: LeaderAssignmentsTable
  task_forces: TaskForcesTable
  people: PeopleTable
  task_force_members: TaskForceMembersTable
  plans: PlansTable
  milestones: MilestonesTable
  annual_plans: AnnualPlansTable
  stage_moves: StageMovesTable
  monthly_reports: MonthlyReportsTable
  frozen_periods: FrozenPeriodsTable
  ranking_snapshots: RankingSnapshotsTable
  breakdown_snapshots: BreakdownSnapshotsTable
  problems: ProblemsTable
  audit_log: AuditLogTable
  users: UsersTable
  user_roles: UserRolesTable
  security_log: SecurityLogTable
  instructions: InstructionsTable
  data_version: DataVersionTable
  sessions: SessionsTable
  rate_limits: RateLimitsTable
  jobs: JobsTable
  attachments: AttachmentsTable
  attachment_files: AttachmentFilesTable
  reminders: RemindersTable
  instruction_answers: InstructionAnswersTable
  migrations: MigrationsTable
}

export type Db = Kysely<Database>
