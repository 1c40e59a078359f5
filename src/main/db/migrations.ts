/**
 * The numbered migrations, bundled statically (a packaged app has no folder to read). Each runs in its own
 * transaction and is recorded in the `migrations` table. Never edit a migration that has shipped; add one.
 * The SQL is SQLite's; a PostgreSQL server will carry its own list with the same numbers.
 */

export interface Migration {
  id: number
  name: string
  sql: string
}

const MONEY = (col: string) => `${col} INTEGER NOT NULL CHECK (typeof(${col}) = 'integer' AND ${col} >= 0)`

const initial = `
CREATE TABLE dict_items (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('category', 'industry_tag', 'township', 'unit', 'problem_category')),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  sort_order INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (kind, name)
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value)),
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE milestone_templates (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  items TEXT NOT NULL CHECK (json_valid(items)),
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE leaders (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  title TEXT NOT NULL,
  unit TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  sort_order INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX leaders_order ON leaders (sort_order, id);

CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category_id INTEGER REFERENCES dict_items (id),
  industry_tag_id INTEGER REFERENCES dict_items (id),
  level TEXT NOT NULL CHECK (level IN ('province', 'city', 'county')),
  township_id INTEGER NOT NULL REFERENCES dict_items (id),
  construction_unit TEXT NOT NULL DEFAULT '',
  content TEXT NOT NULL DEFAULT '',
  ${MONEY('total_investment')},
  start_year INTEGER NOT NULL,
  end_year INTEGER NOT NULL CHECK (end_year >= start_year),
  stage TEXT NOT NULL CHECK (stage IN ('planning', 'investment', 'signed', 'construction', 'production')),
  position INTEGER NOT NULL,
  planned_start TEXT,
  planned_end TEXT CHECK (planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start),
  actual_start TEXT,
  actual_end TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX projects_stage_position ON projects (stage, position);
CREATE INDEX projects_township ON projects (township_id);

-- 包联领导 with dated history; the partial unique index is the rule "one leader at any time".
CREATE TABLE leader_assignments (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id),
  leader_id INTEGER NOT NULL REFERENCES leaders (id),
  start_date TEXT NOT NULL,
  end_date TEXT CHECK (end_date IS NULL OR end_date >= start_date),
  note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX leader_assignments_current ON leader_assignments (project_id) WHERE end_date IS NULL;
CREATE INDEX leader_assignments_project ON leader_assignments (project_id, start_date);
CREATE INDEX leader_assignments_leader ON leader_assignments (leader_id);

CREATE TABLE task_forces (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL UNIQUE REFERENCES projects (id),
  lead_unit_id INTEGER NOT NULL REFERENCES dict_items (id),
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX task_forces_lead_unit ON task_forces (lead_unit_id);

CREATE TABLE people (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE task_force_members (
  id INTEGER PRIMARY KEY,
  task_force_id INTEGER NOT NULL REFERENCES task_forces (id),
  person_id INTEGER NOT NULL REFERENCES people (id),
  role TEXT NOT NULL CHECK (role IN ('head', 'liaison', 'member')),
  duty TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (task_force_id, person_id)
);
CREATE UNIQUE INDEX task_force_one_head ON task_force_members (task_force_id) WHERE role = 'head';
CREATE INDEX task_force_members_person ON task_force_members (person_id);

CREATE TABLE plans (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL UNIQUE REFERENCES projects (id),
  goals TEXT NOT NULL DEFAULT '',
  service_content TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(service_content)),
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE milestones (
  id INTEGER PRIMARY KEY,
  plan_id INTEGER NOT NULL REFERENCES plans (id),
  project_id INTEGER NOT NULL REFERENCES projects (id),
  name TEXT NOT NULL,
  planned_date TEXT NOT NULL,
  weight INTEGER NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 100),
  responsible_unit TEXT NOT NULL DEFAULT '',
  responsible_person TEXT NOT NULL DEFAULT '',
  actual_date TEXT,
  evidence TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX milestones_plan ON milestones (plan_id, position);
CREATE INDEX milestones_project_planned ON milestones (project_id, planned_date);

CREATE TABLE annual_plans (
  project_id INTEGER NOT NULL REFERENCES projects (id),
  year INTEGER NOT NULL,
  ${MONEY('amount')},
  version INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (project_id, year)
);

CREATE TABLE stage_moves (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id),
  from_stage TEXT NOT NULL,
  to_stage TEXT NOT NULL,
  moved_on TEXT NOT NULL,
  operator TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX stage_moves_project ON stage_moves (project_id, id);

CREATE TABLE monthly_reports (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id),
  period TEXT NOT NULL,
  ${MONEY('investment')},
  narrative TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (project_id, period)
);
CREATE INDEX monthly_reports_period ON monthly_reports (period);

-- 月度封账: written by the ranking feature; reports of a period listed here are read-only.
CREATE TABLE frozen_periods (
  period TEXT PRIMARY KEY,
  frozen_at TEXT NOT NULL,
  operator TEXT NOT NULL
);

CREATE TABLE problems (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id),
  category_id INTEGER NOT NULL REFERENCES dict_items (id),
  description TEXT NOT NULL,
  raised_on TEXT NOT NULL,
  responsible_unit_id INTEGER NOT NULL REFERENCES dict_items (id),
  responsible_leader_id INTEGER REFERENCES leaders (id),
  deadline TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('task_force', 'leader', 'county')),
  status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'closed')),
  resolution TEXT NOT NULL DEFAULT '',
  closed_on TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  -- 销号 needs a resolution
  CHECK (status <> 'closed' OR (resolution <> '' AND closed_on IS NOT NULL))
);
CREATE INDEX problems_project ON problems (project_id);
CREATE INDEX problems_status_deadline ON problems (status, deadline);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  operator TEXT NOT NULL,
  operator_unit TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  project_id INTEGER,
  action TEXT NOT NULL,
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_project ON audit_log (project_id, id);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);

-- 一个项目、一名领导、一个专班、一套方案: the database itself refuses to lose any of the four.
CREATE TRIGGER projects_keep BEFORE DELETE ON projects
BEGIN SELECT RAISE(ABORT, '重点项目不能删除（一抓到底）'); END;
CREATE TRIGGER task_forces_keep BEFORE DELETE ON task_forces
BEGIN SELECT RAISE(ABORT, '每个项目必须有一个专班，专班不能删除'); END;
CREATE TRIGGER plans_keep BEFORE DELETE ON plans
BEGIN SELECT RAISE(ABORT, '每个项目必须有一套方案，方案不能删除'); END;
CREATE TRIGGER leader_assignments_keep BEFORE DELETE ON leader_assignments
BEGIN SELECT RAISE(ABORT, '包联领导的任职记录不能删除'); END;
CREATE TRIGGER leader_assignments_current_only BEFORE UPDATE OF end_date ON leader_assignments
WHEN OLD.end_date IS NOT NULL
BEGIN SELECT RAISE(ABORT, '已结束的包联记录不能修改'); END;
CREATE TRIGGER task_forces_fixed BEFORE UPDATE OF project_id ON task_forces
BEGIN SELECT RAISE(ABORT, '专班不能转给另一个项目'); END;
CREATE TRIGGER plans_fixed BEFORE UPDATE OF project_id ON plans
BEGIN SELECT RAISE(ABORT, '方案不能转给另一个项目'); END;
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, '变更记录不能修改'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, '变更记录不能删除'); END;
`

// The office's starting lists (the county's usual ones, docs/rules.md §1): every one is editable in 设置 afterwards.
const defaults = `
INSERT OR IGNORE INTO dict_items (kind, name, sort_order) VALUES
  ('category', '产业', 10), ('category', '基础设施', 20), ('category', '民生', 30), ('category', '社会事业', 40),
  ('industry_tag', '新能源', 10), ('industry_tag', '新装备', 20), ('industry_tag', '新材料', 30),
  ('industry_tag', '大健康', 40), ('industry_tag', '大农特', 50), ('industry_tag', '大商贸', 60),
  ('industry_tag', '大文旅', 70), ('industry_tag', '大数据', 80),
  ('problem_category', '用地', 10), ('problem_category', '融资', 20), ('problem_category', '审批', 30),
  ('problem_category', '环评', 40), ('problem_category', '拆迁', 50), ('problem_category', '水电路讯', 60),
  ('problem_category', '其他', 70);
INSERT OR IGNORE INTO milestone_templates (name, items) VALUES ('产业项目标准节点', json('[
  {"name": "立项", "weight": 1, "share": 0},
  {"name": "用地预审", "weight": 1, "share": 10},
  {"name": "环评批复", "weight": 1, "share": 20},
  {"name": "施工许可", "weight": 1, "share": 30},
  {"name": "开工", "weight": 2, "share": 35},
  {"name": "主体完工", "weight": 2, "share": 75},
  {"name": "竣工验收", "weight": 1, "share": 90},
  {"name": "投产", "weight": 2, "share": 100}
]'));
INSERT OR IGNORE INTO settings (key, value) VALUES ('rules', json('{
  "thresholds": {"redOverdueDays": 30, "upcomingDays": 7, "redInvestmentPercent": 50, "yellowInvestmentPercent": 80},
  "weights": {"milestones": 50, "investment": 30, "problems": 20}
}'));
`

// 月度封账: a frozen month keeps its ranking rows, each project's breakdown and the rules used, so later
// edits do not change what was handed out at the dispatch meeting.
const rankingSnapshots = `
ALTER TABLE frozen_periods ADD COLUMN as_of TEXT NOT NULL DEFAULT '';
ALTER TABLE frozen_periods ADD COLUMN rules TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(rules));

CREATE TABLE ranking_snapshots (
  period TEXT NOT NULL REFERENCES frozen_periods (period),
  kind TEXT NOT NULL CHECK (kind IN ('project', 'leader', 'township', 'unit')),
  key INTEGER NOT NULL,
  position INTEGER NOT NULL,
  rank INTEGER,
  row TEXT NOT NULL CHECK (json_valid(row)),
  PRIMARY KEY (period, kind, key)
);

CREATE TABLE breakdown_snapshots (
  period TEXT NOT NULL REFERENCES frozen_periods (period),
  project_id INTEGER NOT NULL,
  breakdown TEXT NOT NULL CHECK (json_valid(breakdown)),
  PRIMARY KEY (period, project_id)
);
`

// Province scale (10,000 projects): the per-project sums and counts behind the lights, the scores and the
// kanban read only these columns. With them in the index SQLite scans the narrow index and never visits the
// wide rows (names, evidence, narratives); each index replaces one with the same leading columns.
const coveringIndexes = `
DROP INDEX milestones_project_planned;
CREATE INDEX milestones_project_planned ON milestones (project_id, planned_date, actual_date, weight);
DROP INDEX problems_project;
CREATE INDEX problems_project ON problems (project_id, deadline, closed_on);
-- The lights' overdue problems as of a date: the range on deadline, closed_on checked in the index.
CREATE INDEX problems_deadline ON problems (deadline, closed_on);
DROP INDEX monthly_reports_period;
CREATE INDEX monthly_reports_period ON monthly_reports (period, project_id, investment);
`

// The ranking of a month (10,000 projects): the open items behind the lights are found from the side of
// "not done by D" (actual_date / closed_on NULL or after D), a few thousand entries instead of every row; the
// project references (code order, dated 包联领导, lead unit) are read from narrow indexes, not the wide rows.
const rankingIndexes = `
CREATE INDEX milestones_open ON milestones (actual_date, planned_date);
DROP INDEX problems_deadline;
CREATE INDEX problems_open ON problems (closed_on, deadline);
DROP INDEX leader_assignments_project;
CREATE INDEX leader_assignments_project ON leader_assignments (project_id, start_date, end_date, leader_id);
CREATE INDEX projects_refs ON projects (code, name, stage, township_id);
CREATE INDEX task_forces_project_unit ON task_forces (project_id, lead_unit_id);
-- one year's plans of all projects (the table keeps every year of every project)
CREATE INDEX annual_plans_year ON annual_plans (year, project_id, amount);
`

// 项目调出与归档 (the project's place on the key-project list) and the demo's marks.
// A project leaves the list (调出) or is filed when finished (归档) on a date and for a reason, and may come back
// (恢复): each change is a dated row, never edited or deleted, so a past month knows whether the project was on
// the list then (it leaves the rankings from the month after the date; its history stays). Its current place is
// its last change; a project without one is on the list.
// The demo district's own rows are marked (demo = 1) so that 删除演示数据 removes exactly them. Databases of
// earlier versions are marked from what only the demo generator leaves: its projects' creation rows in the
// audit log carry the operator 演示数据, and the leaders, people, townships and units it adds have no creation
// row at all (every one made through the program has one).
const listingAndDemo = `
CREATE TABLE listing_changes (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id),
  status TEXT NOT NULL CHECK (status IN ('listed', 'removed', 'archived')),
  on_date TEXT NOT NULL CHECK (on_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
  operator TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX listing_changes_project ON listing_changes (project_id, on_date, id, status);
CREATE TRIGGER listing_changes_keep BEFORE DELETE ON listing_changes
BEGIN SELECT RAISE(ABORT, '项目调出、归档和恢复的记录不能删除'); END;
CREATE TRIGGER listing_changes_fixed BEFORE UPDATE ON listing_changes
BEGIN SELECT RAISE(ABORT, '项目调出、归档和恢复的记录不能修改'); END;

ALTER TABLE projects ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1));
ALTER TABLE leaders ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1));
ALTER TABLE people ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1));
ALTER TABLE dict_items ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1));

UPDATE projects SET demo = 1 WHERE id IN (
  SELECT entity_id FROM audit_log WHERE entity = 'project' AND action = 'create' AND operator = '演示数据');
UPDATE leaders SET demo = 1 WHERE NOT EXISTS (
  SELECT 1 FROM audit_log a WHERE a.entity = 'leader' AND a.entity_id = leaders.id AND a.action = 'create');
UPDATE people SET demo = 1 WHERE NOT EXISTS (
  SELECT 1 FROM audit_log a WHERE a.entity = 'person' AND a.entity_id = people.id AND a.action = 'create');
UPDATE dict_items SET demo = 1 WHERE kind IN ('township', 'unit') AND NOT EXISTS (
  SELECT 1 FROM audit_log a WHERE a.entity = 'dict' AND a.entity_id = dict_items.id AND a.action = 'create');
`

// Accounts and roles (issue 17), and 领导批示 (a 县领导's dated instruction on a project or one of its problems;
// kept as given, like the paper it replaces: never changed or deleted). The operator of an earlier database becomes the first 系统管理员 (and 重点项目办,
// the work it did), login name admin, with no password: the start screen asks for one before anything else.
// Audit rows written before keep their operator text; new ones also carry the account's id. The security log is
// append-only like the audit log.
const accounts = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  login TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(login) BETWEEN 2 AND 32),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
  unit TEXT NOT NULL DEFAULT '',
  unit_id INTEGER REFERENCES dict_items (id),
  phone TEXT NOT NULL DEFAULT '',
  leader_id INTEGER REFERENCES leaders (id),
  person_id INTEGER REFERENCES people (id),
  password_hash TEXT,
  must_change INTEGER NOT NULL DEFAULT 1 CHECK (must_change IN (0, 1)),
  password_changed_at TEXT,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  last_login_at TEXT,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users (id),
  role TEXT NOT NULL CHECK (role IN ('admin', 'office', 'leader', 'member', 'liaison')),
  PRIMARY KEY (user_id, role)
);
CREATE TABLE security_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  event TEXT NOT NULL,
  user_id INTEGER REFERENCES users (id),
  login TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_log_user ON security_log (user_id, id);
CREATE TRIGGER security_log_append_only_update BEFORE UPDATE ON security_log
BEGIN SELECT RAISE(ABORT, '安全日志不能修改'); END;
CREATE TRIGGER security_log_append_only_delete BEFORE DELETE ON security_log
BEGIN SELECT RAISE(ABORT, '安全日志不能删除'); END;
ALTER TABLE audit_log ADD COLUMN user_id INTEGER REFERENCES users (id);

CREATE TABLE instructions (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id),
  problem_id INTEGER REFERENCES problems (id),
  leader_id INTEGER NOT NULL REFERENCES leaders (id),
  user_id INTEGER REFERENCES users (id),
  given_on TEXT NOT NULL CHECK (given_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
  created_at TEXT NOT NULL
);
CREATE INDEX instructions_project ON instructions (project_id, given_on, id);
CREATE INDEX instructions_problem ON instructions (problem_id);
CREATE TRIGGER instructions_keep BEFORE DELETE ON instructions
BEGIN SELECT RAISE(ABORT, '领导批示不能删除'); END;
CREATE TRIGGER instructions_fixed BEFORE UPDATE ON instructions
BEGIN SELECT RAISE(ABORT, '领导批示不能修改'); END;

INSERT INTO users (login, name, unit, must_change, created_at, updated_at)
SELECT 'admin', substr(trim(json_extract(value, '$.name')), 1, 50), coalesce(json_extract(value, '$.unit'), ''), 1,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM settings
WHERE key = 'operator' AND json_valid(value) AND trim(coalesce(json_extract(value, '$.name'), '')) <> '';
INSERT INTO user_roles (user_id, role) SELECT id, 'admin' FROM users;
INSERT INTO user_roles (user_id, role) SELECT id, 'office' FROM users;
DELETE FROM settings WHERE key = 'operator';
`

// One row (id 1) whose version every write transaction advances, a login's bookkeeping excepted (store/data-version.ts): what was computed from
// the data (a month's ranking) is kept under the version it was computed at. No row is inserted here: the first
// write makes it (an upsert), so a copied database (a new server's starting rows) never holds it twice.
const dataVersion = `
CREATE TABLE data_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL CHECK (typeof(version) = 'integer' AND version >= 1)
);
`

// Logged-in sessions, the login rate limit and the long jobs' progress, in the database so that several server
// processes share them (auth/sessions.ts, http/rate-limit-store.ts, store/postgres/jobs.ts; the single PC keeps
// its jobs in memory, store/jobs.ts, and leaves that table empty). A session is kept by the SHA-256 of its token: a copy of the
// database (a backup) holds no token that logs anyone in. Neither table is data of the office: not audited,
// not copied to a server (store/postgres/move.ts); their writes keep the data version.
const serverState = `
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id INTEGER NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  last_seen INTEGER NOT NULL CHECK (typeof(last_seen) = 'integer' AND last_seen > 0),
  expires INTEGER NOT NULL CHECK (typeof(expires) = 'integer' AND expires > 0),
  source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  hits INTEGER NOT NULL,
  reset_at INTEGER NOT NULL CHECK (typeof(reset_at) = 'integer' AND reset_at > 0)
);
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  user_id INTEGER REFERENCES users (id),
  kind TEXT NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL,
  cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
  beat INTEGER NOT NULL CHECK (typeof(beat) = 'integer' AND beat > 0)
);
CREATE INDEX jobs_user ON jobs (user_id);
`

// The office's problem list (问题清单, problem.page) is a page of all problems by 办结时限: read in that order from
// an index, the first 50 of 55,000 need not be sorted (at 10,000 projects it was most of the call's time).
const problemOrder = `
CREATE INDEX problems_order ON problems (deadline, id);
`

// 佐证材料 (issue 21): files on a milestone's completion, a monthly report or a problem's 办理结果, inside the
// database so that a backup and a restore carry them with the data (README "佐证材料"). What is listed apart
// from the bytes (a list never reads a file); a file belongs to exactly one record of its project, which cannot
// be deleted while it has files (the services say so first). Photos are kept at most 2048 px (thumbnails 320);
// the SHA-256 is of the file as received, the one the audit log names.
const attachments = `
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id),
  milestone_id INTEGER REFERENCES milestones (id),
  report_id INTEGER REFERENCES monthly_reports (id),
  problem_id INTEGER REFERENCES problems (id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'application/pdf')),
  bytes INTEGER NOT NULL CHECK (bytes > 0),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  width INTEGER,
  height INTEGER,
  taken_at TEXT,
  latitude REAL CHECK (latitude BETWEEN -90 AND 90),
  longitude REAL CHECK (longitude BETWEEN -180 AND 180),
  converted INTEGER NOT NULL DEFAULT 0 CHECK (converted IN (0, 1)),
  added_at TEXT NOT NULL,
  added_by TEXT NOT NULL,
  user_id INTEGER REFERENCES users (id),
  CHECK ((milestone_id IS NOT NULL) + (report_id IS NOT NULL) + (problem_id IS NOT NULL) = 1)
);
CREATE INDEX attachments_project ON attachments (project_id, id);
CREATE INDEX attachments_milestone ON attachments (milestone_id) WHERE milestone_id IS NOT NULL;
CREATE INDEX attachments_report ON attachments (report_id) WHERE report_id IS NOT NULL;
CREATE INDEX attachments_problem ON attachments (problem_id) WHERE problem_id IS NOT NULL;
CREATE TABLE attachment_files (
  attachment_id INTEGER PRIMARY KEY REFERENCES attachments (id) ON DELETE CASCADE,
  content BLOB NOT NULL,
  thumb BLOB
);
`

// 催报 (issue 21): the office's reminders to a project's 专班 (kept with who sent them and who marked them done),
// and a 专班's answer to a 领导批示 (落实情况: one per 批示, as the 批示 itself never changed). Both audited.
const reminders = `
CREATE TABLE reminders (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id),
  note TEXT NOT NULL CHECK (length(note) BETWEEN 1 AND 200),
  sent_at TEXT NOT NULL,
  operator TEXT NOT NULL,
  user_id INTEGER REFERENCES users (id),
  done_at TEXT,
  done_by TEXT,
  CHECK ((done_at IS NULL) = (done_by IS NULL))
);
CREATE INDEX reminders_project ON reminders (project_id, id);
CREATE INDEX reminders_open ON reminders (done_at, project_id);
CREATE TABLE instruction_answers (
  instruction_id INTEGER PRIMARY KEY REFERENCES instructions (id),
  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
  answered_on TEXT NOT NULL CHECK (answered_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  operator TEXT NOT NULL,
  user_id INTEGER REFERENCES users (id),
  created_at TEXT NOT NULL
);
-- A phone sends a problem again when the answer to the first try was lost: the same request is one problem.
ALTER TABLE problems ADD COLUMN request_id TEXT CHECK (request_id IS NULL OR length(request_id) BETWEEN 16 AND 64);
CREATE UNIQUE INDEX problems_request ON problems (request_id) WHERE request_id IS NOT NULL;
`

export const MIGRATIONS: readonly Migration[] = [
  { id: 1, name: 'initial', sql: initial },
  { id: 2, name: 'defaults', sql: defaults },
  { id: 3, name: 'ranking_snapshots', sql: rankingSnapshots },
  { id: 4, name: 'covering_indexes', sql: coveringIndexes },
  { id: 5, name: 'ranking_indexes', sql: rankingIndexes },
  { id: 6, name: 'listing_and_demo', sql: listingAndDemo },
  { id: 7, name: 'accounts_and_instructions', sql: accounts },
  { id: 8, name: 'data_version', sql: dataVersion },
  { id: 9, name: 'server_state', sql: serverState },
  { id: 10, name: 'problem_order', sql: problemOrder },
  { id: 11, name: 'attachments', sql: attachments },
  { id: 12, name: 'reminders', sql: reminders },
]

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.id
