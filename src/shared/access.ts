/**
 * Who may make a call: the five roles of DOMAIN.md "Who uses it" and the access every contract call declares.
 * The matrix of who may do what is not written anywhere else: it is derived from these declarations
 * (`roleMatrix`), checked by the main side in one place (src/main/auth/policy.ts) and shown in 账号管理.
 */

export const ROLES = ['admin', 'office', 'leader', 'member', 'liaison'] as const
export type Role = (typeof ROLES)[number]
export const ROLE_LABELS: Record<Role, string> = {
  admin: '系统管理员',
  office: '重点项目办',
  leader: '县领导',
  member: '专班成员',
  liaison: '责任单位联络员',
}

/** The record whose project (and responsible unit) decides a scoped call: the input's id names one of these. */
export type Scope =
  | 'project'
  | 'plan'
  | 'milestone'
  | 'problem'
  | 'taskForce'
  | 'member'
  | 'report'
  | 'attachment'
  | 'reminder'
  | 'instruction'

/** Records with a responsible unit (a 佐证材料 has its milestone's or problem's; a report's has none). */
export type UnitScope = 'milestone' | 'problem' | 'attachment'

/**
 * - public: anyone, before logging in (login, first-run setup, the program's version);
 * - session: any logged-in account, even one that must still change its password (logout, change password);
 * - read: every role reads everything;
 * - office / admin: that role;
 * - project: 重点项目办, or a 专班成员 of the project the input names (through `scope` and `key`);
 * - unit: as project, and a 责任单位联络员 whose unit is the record's responsible unit;
 * - instruction: a 县领导 (领导批示).
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'session' }
  | { kind: 'read' }
  | { kind: 'office' }
  | { kind: 'admin' }
  | { kind: 'project'; scope: Scope; key: string }
  | { kind: 'unit'; scope: UnitScope; key: string }
  | { kind: 'instruction' }

export const PUBLIC: Access = { kind: 'public' }
export const SESSION: Access = { kind: 'session' }
export const READ: Access = { kind: 'read' }
export const OFFICE: Access = { kind: 'office' }
export const ADMIN: Access = { kind: 'admin' }
export const INSTRUCTION: Access = { kind: 'instruction' }
export const ofProject = (scope: Scope, key = 'id'): Access => ({ kind: 'project', scope, key })
export const ofUnit = (scope: UnitScope, key = 'id'): Access => ({ kind: 'unit', scope, key })

/** The roles that may make a call of this access at all (scoped ones only on their own projects / unit). */
export function rolesFor(access: Access): { role: Role; scoped: boolean }[] {
  switch (access.kind) {
    case 'public':
    case 'session':
    case 'read':
      return ROLES.map((role) => ({ role, scoped: false }))
    case 'office':
      return [{ role: 'office', scoped: false }]
    case 'admin':
      return [{ role: 'admin', scoped: false }]
    case 'instruction':
      return [{ role: 'leader', scoped: false }]
    case 'project':
      return [
        { role: 'office', scoped: false },
        { role: 'member', scoped: true },
      ]
    case 'unit':
      return [
        { role: 'office', scoped: false },
        { role: 'member', scoped: true },
        { role: 'liaison', scoped: true },
      ]
  }
}

/**
 * Whether any of `roles` may make a call of this access at all (for a scoped one: on some project / unit; the
 * main side then checks which). The main side's first check and the renderer's show/hide both use this.
 */
export function rolesAllow(roles: readonly Role[], access: Access): boolean {
  return rolesFor(access).some((r) => roles.includes(r.role))
}

/** What a refusal says: the role(s) the call needs, in Chinese. */
export function neededRolesText(access: Access): string {
  switch (access.kind) {
    case 'project':
      return '「重点项目办」或该项目专班的「专班成员」'
    case 'unit':
      return '「重点项目办」、该项目专班的「专班成员」或责任单位的「责任单位联络员」'
    default:
      return rolesFor(access)
        .map((r) => `「${ROLE_LABELS[r.role]}」`)
        .join('或')
  }
}

/** Roles that may not be held together with 系统管理员 when the installation keeps the administrator apart. */
export function adminApartProblem(roles: readonly Role[], separateAdmin: boolean): string | null {
  if (separateAdmin && roles.includes('admin') && roles.length > 1)
    return '本单位要求「系统管理员」单独设账号（设置 → 安全策略）：系统管理员账号不能同时担任其他角色'
  return null
}
