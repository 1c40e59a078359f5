/** The errors that cross the contract: a stable code and a Chinese message that says what to do. */

export const ERROR_CODES = [
  'INVALID_INPUT', // the request does not match the call's schema
  'NOT_FOUND', // a referenced record does not exist
  'CONFLICT', // stale version: someone else changed the record first
  'DUPLICATE', // a unique value (project code, name) is already taken
  'RULE', // the request breaks a rule of the domain (一个项目一名领导, 销号需办理结果 …)
  'FROZEN', // the month is frozen (月度封账)
  'UNKNOWN_CALL', // no such call in the contract
  'UNAUTHORIZED', // browser mode: missing or wrong token, or a foreign host or page
  'UNAUTHENTICATED', // not logged in, the session ended (idle), or a login refused
  'PASSWORD_CHANGE', // logged in, but the password must be changed before anything else
  'FORBIDDEN', // logged in, but the account's roles do not allow the call (or not on this project / unit)
  'CSRF', // county server: the page's anti-forgery token is missing or stale (fetch a new one, send again)
  'RATE_LIMITED', // county server: too many logins from one address or for one account in a short time
  'DB_LOCKED',
  'DB_UNREADABLE',
  'DB_NOT_DATABASE',
  'DB_TOO_NEW',
  'DB_READONLY',
  'DB_FULL',
  'DB_DAMAGED', // quick_check failed: the file is ours but damaged (offer the newest good backup)
  'DB_MIGRATION', // an upgrade step failed and was rolled back
  'INTERNAL',
  'UNREACHABLE', // the page could not reach the main side at all (network, server down): nothing was done
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface FieldIssue {
  path: string
  message: string
}

/** The plain object that crosses IPC and HTTP in place of a thrown error. */
export interface ApiErrorBody {
  code: ErrorCode
  message: string
  issues?: FieldIssue[]
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly issues?: FieldIssue[]

  constructor(code: ErrorCode, message: string, issues?: FieldIssue[]) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.issues = issues
  }

  toBody(): ApiErrorBody {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message }
  }
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiErrorBody).code === 'string' &&
    typeof (value as ApiErrorBody).message === 'string'
  )
}

export const notFound = (what: string, id: number | string) =>
  new AppError('NOT_FOUND', `${what}（编号 ${id}）不存在，可能已被删除，请刷新后重试`)

export const staleVersion = (what: string) =>
  new AppError('CONFLICT', `${what}已被他人修改，您看到的不是最新内容。请刷新后重新操作`)
