/**
 * Who is logged in, which database is open, and the rules in force. The renderer shows what the account may do
 * (`can`, `canOnProject`) and hides the rest — but the main side is the guard (App.invoke checks every call).
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { rolesAllow, type Role } from '../../shared/access'
import type { AuthStatus, CurrentUser } from '../../shared/accounts'
import { contract, type CallName } from '../../shared/contract'
import type { Settings, SystemInfo } from '../../shared/domain'
import { api, ApiError } from '../api'

/** The last login name, offered on the login screen (the password is never kept). */
export const LAST_LOGIN_KEY = 'zhuanban.lastLogin'

export const useSessionStore = defineStore('session', () => {
  const auth = ref<AuthStatus | null>(null)
  const user = ref<CurrentUser | null>(null)
  const info = ref<SystemInfo | null>(null)
  const settings = ref<Settings | null>(null)
  const loading = ref(false)
  const error = ref('')
  /**
   * The session ended while the page was open (idle, or the server was restarted): the lock screen asks for the
   * password again and the page underneath stays as it was.
   */
  const locked = ref(false)

  const roles = computed<Role[]>(() => user.value?.roles ?? [])
  const needsSetup = computed(() => auth.value !== null && auth.value.state !== 'ready')
  const needsLogin = computed(() => auth.value?.state === 'ready' && user.value === null)
  const needsPasswordChange = computed(() => user.value?.mustChangePassword != null)

  /** Whether the account's roles allow the call at all (scoped ones: see canOnProject). */
  function can(name: CallName): boolean {
    return rolesAllow(roles.value, contract[name].access)
  }

  /** Whether the account may make a project-scoped call on this project (重点项目办, or in its 专班). */
  function canOnProject(name: CallName, projectId: number): boolean {
    const access = contract[name].access
    if (!can(name)) return false
    if (access.kind !== 'project' && access.kind !== 'unit') return true
    return roles.value.includes('office') || (user.value?.memberProjectIds.includes(projectId) ?? false)
  }

  function has(role: Role): boolean {
    return roles.value.includes(role)
  }

  /** Where the app starts: the login state first, then (logged in, password current) the data. */
  async function load() {
    loading.value = true
    error.value = ''
    try {
      auth.value = await api.call('auth.status', {})
      user.value = auth.value.state === 'ready' ? await api.call('auth.me', {}) : null
      if (user.value && !user.value.mustChangePassword) {
        // Asked together: the start waits for the slower one, not for both in turn.
        const [systemInfo, current] = await Promise.all([api.call('system.info', {}), api.call('settings.get', {})])
        info.value = systemInfo
        settings.value = current
      }
    } catch (e) {
      error.value = (e as Error).message
    } finally {
      loading.value = false
    }
  }

  /** After a login, a setup or a password change: the account as the main side answered. */
  function loggedIn(current: CurrentUser) {
    user.value = current
    locked.value = false
    try {
      localStorage.setItem(LAST_LOGIN_KEY, current.login)
    } catch {
      // Private windows may refuse storage: the login name is then simply not offered next time.
    }
  }

  async function refreshUser() {
    user.value = await api.call('auth.me', {})
  }

  /** 退出登录 / 切换用户: ends the session; the login screen follows (nothing of the last account stays shown). */
  async function logout() {
    await api.call('auth.logout', {}).catch((e: unknown) => {
      if (!(e instanceof ApiError)) throw e
    })
    user.value = null
    info.value = null
    settings.value = null
    locked.value = false
  }

  return {
    auth,
    user,
    info,
    settings,
    loading,
    error,
    locked,
    roles,
    needsSetup,
    needsLogin,
    needsPasswordChange,
    can,
    canOnProject,
    has,
    load,
    loggedIn,
    refreshUser,
    logout,
  }
})
