/** Row types of the SQLite tables as Kysely sees them (snake_case); domain types live in src/shared. */
import type { Generated, Kysely } from 'kysely'

export interface DictItemsTable {
  id: Generated<number>
  kind: string
  name: string
  sort_order: number
  active: number
  /** 1: added by the demo district (删除演示数据 removes it unless the office's own records use it). */
  demo: Generated<number>
  version: Generated<number>
}

export interface SettingsTable {
  key: string
  value: string
  version: Generated<number>
}

export interface MilestoneTemplatesTable {
  id: Generated<number>
  name: string
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
  active: number
  created_at: string
  updated_at: string
  /** 1: a leader of the demo district. */
  demo: Generated<number>
  version: Generated<number>
}

export interface ProjectsTable {
  id: Generated<number>
  code: string
  name: string
  category_id: number | null
  industry_tag_id: number | null
  level: string
  township_id: number
  construction_unit: string
  content: string
  total_investment: number
  start_year: number
  end_year: number
  stage: string
  position: number
  planned_start: string | null
  planned_end: string | null
  actual_start: string | null
  actual_end: string | null
  created_at: string
  updated_at: string
  /** 1: a project of the demo district. */
  demo: Generated<number>
  version: Generated<number>
}

/** 调出 / 归档 / 恢复: a project's dated changes of place on the key-project list (append-only). */
export interface ListingChangesTable {
  id: Generated<number>
  project_id: number
  /** listed (back on the list), removed (调出), archived (归档) */
  status: string
  on_date: string
  reason: string
  operator: string
  created_at: string
}

export interface LeaderAssignmentsTable {
  id: Generated<number>
  project_id: number
  leader_id: number
  start_date: string
  end_date: string | null
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
  demo: Generated<number>
  version: Generated<number>
}

export interface TaskForceMembersTable {
  id: Generated<number>
  task_force_id: number
  person_id: number
  role: string
  duty: string
  version: Generated<number>
}

export interface PlansTable {
  id: Generated<number>
  project_id: number
  goals: string
  service_content: string
  version: Generated<number>
}

export interface MilestonesTable {
  id: Generated<number>
  plan_id: number
  project_id: number
  name: string
  planned_date: string
  weight: number
  responsible_unit: string
  responsible_person: string
  actual_date: string | null
  evidence: string
  position: number
  version: Generated<number>
}

export interface AnnualPlansTable {
  project_id: number
  year: number
  amount: number
  version: Generated<number>
}

export interface StageMovesTable {
  id: Generated<number>
  project_id: number
  from_stage: string
  to_stage: string
  moved_on: string
  operator: string
  created_at: string
}

export interface MonthlyReportsTable {
  id: Generated<number>
  project_id: number
  period: string
  investment: number
  narrative: string
  created_at: string
  updated_at: string
  version: Generated<number>
}

export interface FrozenPeriodsTable {
  period: string
  frozen_at: string
  operator: string
  as_of: string
  rules: string
}

export interface RankingSnapshotsTable {
  period: string
  kind: string
  key: number
  position: number
  rank: number | null
  row: string
}

export interface BreakdownSnapshotsTable {
  period: string
  project_id: number
  breakdown: string
}

export interface ProblemsTable {
  id: Generated<number>
  project_id: number
  category_id: number
  description: string
  raised_on: string
  responsible_unit_id: number
  responsible_leader_id: number | null
  deadline: string
  level: string
  status: string
  resolution: string
  closed_on: string | null
  created_at: string
  updated_at: string
  version: Generated<number>
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
  must_change: number
  password_changed_at: string | null
  failed_logins: Generated<number>
  locked_until: string | null
  last_login_at: string | null
  active: Generated<number>
  created_at: string
  updated_at: string
  version: Generated<number>
}

export interface UserRolesTable {
  user_id: number
  role: string
}

export interface InstructionsTable {
  id: Generated<number>
  project_id: number
  problem_id: number | null
  leader_id: number
  user_id: number | null
  given_on: string
  text: string
  created_at: string
}

export interface SecurityLogTable {
  id: Generated<number>
  at: string
  event: string
  user_id: number | null
  login: string
  name: string
  source: string
  detail: string
}

export interface MigrationsTable {
  id: number
  name: string
  applied_at: string
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
  migrations: MigrationsTable
}

export type Db = Kysely<Database>
