/**
 * PostgreSQL's errors and node-postgres's connection errors as the Chinese AppErrors the screens and the command
 * line show (store/postgres/errors.ts): what each means for the user and what to do, the server named without
 * its password.
 */
import { describe, expect, it } from 'vitest'
import { translatePgError, isRetryable } from '../../src/main/store/postgres/errors'
import { checkServerVersion, describeUrl } from '../../src/main/store/postgres/store'

const WHERE = describeUrl('postgres://zhuanban:S3cret@10.1.2.3:5432/zhuanban')
const sqlState = (code: string, message = 'x') => Object.assign(new Error(message), { code })
const node = (code: string) => Object.assign(new Error(`connect ${code}`), { code })

describe('translatePgError', () => {
  it('says a connection the server ended mid-command (also as the failed rollback reports it) did not finish', () => {
    for (const message of [
      'Connection terminated unexpectedly',
      'Client has encountered a connection error and is not queryable',
    ]) {
      const error = translatePgError(new Error(message), WHERE)!
      expect(error.code, message).toBe('DB_UNREADABLE')
      expect(error.message).toBe(
        '与数据库服务器（postgres://zhuanban@10.1.2.3:5432/zhuanban）的连接中断，操作未完成。请稍后重试',
      )
    }
    expect(translatePgError(sqlState('57P01'), WHERE)!.message).toContain('连接中断')
  })

  it('tells a server it cannot reach from one that refuses the login, and says what to check', () => {
    expect(translatePgError(node('ECONNREFUSED'), WHERE)!.message).toContain(
      '请检查服务器是否已启动、地址和端口是否正确',
    )
    expect(translatePgError(new Error('timeout exceeded when trying to connect'), WHERE)!.message).toContain(
      '请检查服务器地址、端口和网络（防火墙）',
    )
    expect(translatePgError(node('ENOTFOUND'), WHERE)!.message).toContain('找不到数据库服务器')
    expect(translatePgError(sqlState('28P01'), WHERE)!.message).toContain('请向服务器管理员核对账号、密码')
    expect(translatePgError(sqlState('3D000'), WHERE)!.message).toContain('没有这个数据库')
  })

  it('maps conflicts, full disks and read-only servers as SQLite’s are; serialization failures may run again', () => {
    expect(translatePgError(sqlState('40001'))!.code).toBe('DB_LOCKED')
    expect(isRetryable(sqlState('40001'))).toBe(true)
    expect(isRetryable(sqlState('40P01'))).toBe(true)
    expect(isRetryable(sqlState('23505'))).toBe(false)
    expect(translatePgError(sqlState('53100'))!.code).toBe('DB_FULL')
    expect(translatePgError(sqlState('25006'))!.code).toBe('DB_READONLY')
    expect(translatePgError(sqlState('23505'))!.code).toBe('RULE')
  })

  it('leaves a programming error alone (null: the caller logs it and shows 程序内部错误)', () => {
    expect(translatePgError(new TypeError('x is not a function'))).toBeNull()
    expect(translatePgError(sqlState('42P01'))).toBeNull()
    expect(WHERE).not.toContain('S3cret')
  })
})

describe('the PostgreSQL version served', () => {
  const serverOf = (version: string) =>
    ({ query: async () => ({ rows: [{ server_version_num: version }] }) }) as unknown as Parameters<
      typeof checkServerVersion
    >[0]

  it('refuses a server older than 13 before anything is created on it, saying which version it is', async () => {
    await expect(checkServerVersion(serverOf('120011'))).rejects.toMatchObject({
      code: 'DB_UNREADABLE',
      message: expect.stringContaining('PostgreSQL 版本是 12，专班需要 13 或更新的版本'),
    })
    await expect(checkServerVersion(serverOf('130000'))).resolves.toBeUndefined()
    await expect(checkServerVersion(serverOf('170002'))).resolves.toBeUndefined()
  })
})
