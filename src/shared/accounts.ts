/**
 * Accounts, the logged-in caller and the security policy: the shapes that cross the contract, and the password
 * rule written once for the forms and the main side (GB/T 22239-2019 第二级 8.1.4.1 身份鉴别: unique names,
 * complex passwords changed periodically, lockout after failures, idle sessions ended).
 */
import type { Role } from './access'

/** Who is calling, as the main side resolved it from the transport's session (never from the page). */
export interface Caller {
  /** null: the local command line / main-side code (trusted, all roles; audited under its name). */
  userId: number | null
  login: string
  name: string
  /** The unit shown with the name (text). */
  unit: string
  /** The 责任单位 (unit list item) a 责任单位联络员 acts for; null when not a liaison. */
  unitId: number | null
  roles: Role[]
  /** The 县领导 record a leader account is (its 我的项目 are that leader's projects). */
  leaderId: number | null
  /** The person in 专班 lists a 专班成员 account is (membership comes from the 专班 itself). */
  personId: number | null
  /** 'first': a new or reset account; 'expired': the password is older than the policy allows. */
  mustChangePassword: 'first' | 'expired' | null
}

/** What the renderer knows about the logged-in account (auth.me, auth.login): the caller, and its own projects. */
export interface CurrentUser extends Omit<Caller, 'userId'> {
  id: number
  /** Minutes without a call after which the session ends and the password is asked again. */
  idleMinutes: number
  /** The name of the liaison's unit (unitId), for 我的待办; null when none. */
  unitName: string | null
  /** 我的项目: the projects it leads (县领导) or whose 专班 it is in (专班成员). */
  myProjectIds: number[]
  /** The projects whose 专班 it is in: where a 专班成员 may edit milestones, reports, problems and the plan. */
  memberProjectIds: number[]
}

/** auth.status: what the start screen shows before anyone is logged in. */
export interface AuthStatus {
  /**
   * create-admin: no account yet (first run); set-password: an upgraded database whose first administrator (the
   * former operator) has no password yet; ready: log in.
   */
  state: 'create-admin' | 'set-password' | 'ready'
  /** For set-password: the administrator account's login name, name and unit (the former operator's). */
  login?: string
  name?: string
  unit?: string
  /** For create-admin: whether the database already holds projects (then no 开始方式 is offered). */
  hasProjects?: boolean
}

/** An account as 账号管理 lists it. */
export interface UserAccount {
  id: number
  login: string
  name: string
  unit: string
  unitId: number | null
  phone: string
  roles: Role[]
  leaderId: number | null
  personId: number | null
  active: boolean
  /** ISO time until which logins are refused after too many failures; null when not locked. */
  lockedUntil: string | null
  failedLogins: number
  mustChangePassword: boolean
  passwordChangedAt: string | null
  lastLoginAt: string | null
  version: number
}

/** The installation's security policy (settings key 'security'), set by the 系统管理员. */
export interface SecurityPolicy {
  /** Failed logins in a row that lock the account (default 5). */
  lockThreshold: number
  /** How long a locked account stays locked, minutes (default 15). */
  lockMinutes: number
  /** Minutes without use after which a session ends (default 30). */
  idleMinutes: number
  /** Days after which a password must be changed; 0 = never (default 90). */
  passwordMaxAgeDays: number
  /** true: the 系统管理员 role is held by accounts with no other role (三员分立 for stricter protection levels). */
  separateAdmin: boolean
}

export const DEFAULT_SECURITY_POLICY: SecurityPolicy = {
  lockThreshold: 5,
  lockMinutes: 15,
  idleMinutes: 30,
  passwordMaxAgeDays: 90,
  separateAdmin: false,
}

export interface SecurityPolicyState {
  policy: SecurityPolicy
  version: number
}

export const SECURITY_EVENTS = [
  'login',
  'login_failed',
  'locked',
  'logout',
  'session_ended',
  'denied',
  'password_changed',
  'password_reset',
  'unlocked',
  'account_created',
  'account_changed',
  'setup',
  'policy_changed',
] as const
export type SecurityEvent = (typeof SECURITY_EVENTS)[number]
export const SECURITY_EVENT_LABELS: Record<SecurityEvent, string> = {
  login: '登录',
  login_failed: '登录失败',
  locked: '账号锁定',
  logout: '退出登录',
  session_ended: '超时退出',
  denied: '越权被拒',
  password_changed: '修改密码',
  password_reset: '重置密码',
  unlocked: '解除锁定',
  account_created: '新建账号',
  account_changed: '修改账号',
  setup: '初始化管理员',
  policy_changed: '修改安全策略',
}

export interface SecurityLogEntry {
  id: number
  at: string
  event: SecurityEvent
  /** The account concerned (the caller, or the account an administrator acted on). */
  userId: number | null
  login: string
  name: string
  /** Where it came from: 桌面 / 浏览器 / 命令行. */
  source: string
  detail: string
}

/** One row of the role matrix (账号管理 → 角色权限): a call, what it does, and who may make it. */
export interface RoleMatrixRow {
  call: string
  label: string
  write: boolean
  /** Per role: 'all', 'scoped' (only its own projects / unit) or 'none'. */
  roles: Record<Role, 'all' | 'scoped' | 'none'>
}

export const PASSWORD_MIN_LENGTH = 8

/**
 * The password rule (GB/T 22239-2019 8.1.4.1 a: 口令具有复杂度要求): at least 8 characters, of at least three
 * of four kinds (capital letters, small letters, digits, other signs), not the login name (in any case).
 * Returns what is wrong in Chinese, or null.
 */
export function passwordProblem(password: string, login: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `密码至少${PASSWORD_MIN_LENGTH}位`
  if (password.length > 64) return '密码不能超过64位'
  if (/\s/.test(password)) return '密码不能包含空格'
  const kinds = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length
  if (kinds < 3) return '密码须包含大写字母、小写字母、数字、符号中的至少三种'
  if (login && password.toLowerCase() === login.trim().toLowerCase()) return '密码不能与登录名相同'
  return null
}
