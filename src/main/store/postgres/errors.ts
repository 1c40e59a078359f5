/**
 * PostgreSQL's errors (SQLSTATE codes, https://www.postgresql.org/docs/15/errcodes-appendix.html) and the
 * connection errors of node-postgres as what an office user can act on — the same AppErrors, in the same
 * words, as SQLite's (db/open.ts translateSqliteError), so that a screen cannot tell the stores apart.
 */
import { AppError } from '../../../shared/errors'

/** Serialization failure and deadlock: the transaction did nothing and may simply be run again. */
export const RETRYABLE = new Set(['40001', '40P01'])

const sqlState = (error: unknown): string | null => {
  const code = (error as { code?: unknown })?.code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null
}

/** Whether a failed transaction may be run again as it was. */
export function isRetryable(error: unknown): boolean {
  const code = sqlState(error)
  return code !== null && RETRYABLE.has(code)
}

/**
 * Maps a pg error to an AppError; null when it is not one of the store's (a programming error stays an
 * INTERNAL error with its detail in the log). `where` names the server for connection messages.
 */
export function translatePgError(error: unknown, where = ''): AppError | null {
  if (error instanceof AppError) return error
  const at = where ? `（${where}）` : ''
  const code = sqlState(error)
  const nodeCode = (error as { code?: unknown })?.code
  if (code === null) {
    if (nodeCode === 'ECONNREFUSED' || nodeCode === 'ENOENT' || nodeCode === 'ETIMEDOUT' || nodeCode === 'ECONNRESET')
      return new AppError(
        'DB_UNREADABLE',
        `无法连接数据库服务器${at}。请检查服务器是否已启动、地址和端口是否正确，稍后重试`,
      )
    if (nodeCode === 'ENOTFOUND' || nodeCode === 'EAI_AGAIN')
      return new AppError('DB_UNREADABLE', `找不到数据库服务器${at}。请检查服务器地址`)
    if (error instanceof Error && /SASL|password must be a string|password authentication/i.test(error.message))
      return new AppError(
        'DB_UNREADABLE',
        `数据库服务器${at}要求密码，但地址中没有密码或密码不对。请在地址中写上密码（postgres://账号:密码@服务器/数据库，特殊字符须按网址编码，如 @ 写作 %40），或设置环境变量 PGPASSWORD`,
      )
    if (error instanceof Error && /does not support SSL/i.test(error.message))
      return new AppError(
        'DB_UNREADABLE',
        `数据库服务器${at}不支持加密连接（SSL），但地址要求加密（sslmode=require）。请去掉地址中的 sslmode，或请服务器管理员开启 SSL`,
      )
    if (error instanceof Error && /timeout exceeded when trying to connect|connection timeout/i.test(error.message))
      return new AppError(
        'DB_UNREADABLE',
        `无法连接数据库服务器${at}（等待超时）。请检查服务器地址、端口和网络（防火墙），确认服务器已启动后重试`,
      )
    // (A rollback on a connection the server ended says "not queryable", in place of the first error.)
    if (error instanceof Error && /Connection terminated|is not queryable|Client was closed/i.test(error.message))
      return new AppError('DB_UNREADABLE', `与数据库服务器${at}的连接中断，操作未完成。请稍后重试`)
    return null
  }
  if (code === 'P0001') return new AppError('RULE', `${(error as Error).message}，操作未执行`)
  if (code === '23503') return new AppError('NOT_FOUND', '引用的记录不存在或仍被其他记录使用，操作未执行。请刷新后重试')
  if (code.startsWith('23') || code.startsWith('22'))
    return new AppError('RULE', '数据不符合规则（重复或超出范围），操作未执行。请检查输入后重试')
  if (RETRYABLE.has(code) || code === '55P03' || code === '53300')
    return new AppError('DB_LOCKED', `数据库${at}正忙（其他用户正在同时修改），操作未执行。请稍后重试`)
  if (code === '53100') return new AppError('DB_FULL', `数据库服务器的磁盘空间已满，修改未保存。请联系服务器管理员`)
  if (code === '25006')
    return new AppError('DB_READONLY', `数据库${at}当前只读（可能是只读副本），无法保存修改。请联系服务器管理员`)
  if (code === '28P01' || code === '28000')
    return new AppError(
      'DB_UNREADABLE',
      `数据库服务器${at}拒绝登录：用户名或密码不正确，或没有访问权限。请向服务器管理员核对账号、密码和允许连接的地址（pg_hba.conf）`,
    )
  if (code === '3D000') return new AppError('NOT_FOUND', `数据库服务器上没有这个数据库${at}。请检查数据库名称`)
  if (code === '42501') return new AppError('DB_READONLY', `数据库账号没有所需的权限${at}。请联系服务器管理员`)
  if (code.startsWith('08') || code.startsWith('57P'))
    return new AppError('DB_UNREADABLE', `与数据库服务器${at}的连接中断，操作未完成。请稍后重试`)
  if (code.startsWith('XX') || code === '58030')
    return new AppError('DB_DAMAGED', `数据库服务器${at}报告数据损坏或读写错误。请联系服务器管理员检查`)
  return null
}
