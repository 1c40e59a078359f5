/** Test helpers for accounts: an account of given roles, logged in on its own session, ready to call as it. */
import type { App, CallFrom } from '../../src/main/app'
import type { CallInput } from '../../src/shared/contract'

export const PASSWORD = 'Zb#20261121'
/** What an account's password is after `loginAs` changed the initial one. */
export const CHANGED = 'Zb#20261122'

export type AccountInput = Omit<CallInput<'user.create'>, 'password' | 'login' | 'name' | 'unit'> &
  Partial<Pick<CallInput<'user.create'>, 'name' | 'unit'>>

export interface LoggedIn {
  from: Extract<CallFrom, { kind: 'session' }>
  userId: number
  login: string
}

/** A fresh session slot (a browser tab / desktop window with nobody logged in). */
export function newSession(source = '测试'): Extract<CallFrom, { kind: 'session' }> {
  return { kind: 'session', slot: { token: null }, source }
}

/**
 * Creates the account `login` (as the local caller), logs it in on a new session and changes its initial
 * password (as a new account must), so that the session can make every call its roles allow.
 */
export async function loginAs(app: App, login: string, input: AccountInput): Promise<LoggedIn> {
  const user = await app.call('user.create', {
    login,
    name: input.name ?? `测试${login}`,
    unit: input.unit ?? '区重点项目办',
    password: PASSWORD,
    ...input,
  })
  const from = newSession()
  await app.call('auth.login', { login, password: PASSWORD }, from)
  await app.call('auth.changePassword', { oldPassword: PASSWORD, password: CHANGED }, from)
  return { from, userId: user.id, login }
}
