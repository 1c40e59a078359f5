/**
 * Runs a call from a view with what an office user expects: a Chinese message on failure, the failure's field
 * issues under their fields, and for a stale version an offer to reload the record that keeps what the user
 * typed. Returns the result, or undefined when it failed.
 */
import { ElMessage, ElMessageBox } from 'element-plus'
import type { Ref } from 'vue'
import { ApiError } from '../api'
import { showIssues } from './useSchemaForm'
import type { Draft } from './useDraft'

export interface ActionOptions {
  /** Said when the call succeeded, e.g. 已保存. */
  success?: string
  /**
   * Reloads the record after a CONFLICT (someone else saved first): the message box offers 重新载入. Without
   * it the conflict is only said.
   */
  reload?: () => unknown
  /**
   * The form's draft (useDraft): on 重新载入 the fields the user changed are kept beside the fresh copy
   * (DraftBar offers to apply them again); a successful call forgets it.
   */
  draft?: Pick<Draft, 'keep' | 'clear'>
  /**
   * The form's field errors (useSchemaForm's `errors`): a refusal that names fields (INVALID_INPUT, and the
   * date rules of date-checks.ts) is shown under those fields as well as in the message.
   */
  errors?: Ref<Record<string, string>>
  /** Hears the failure (after it was said), e.g. whether the connection was lost or the main side refused. */
  onError?: (error: unknown) => void
}

export async function runAction<T>(action: () => Promise<T>, options: ActionOptions = {}): Promise<T | undefined> {
  try {
    const result = await action()
    options.draft?.clear()
    if (options.errors) options.errors.value = {}
    if (options.success) ElMessage.success(options.success)
    return result
  } catch (error) {
    options.onError?.(error)
    const message = error instanceof Error ? error.message : String(error)
    if (error instanceof ApiError && error.code === 'CONFLICT' && options.reload) {
      await ElMessageBox.confirm(
        options.draft ? `${message}。重新载入后，您刚才填写的内容会保留在表单上方，可以重新应用。` : message,
        '内容已被他人修改',
        {
          confirmButtonText: '重新载入',
          cancelButtonText: '取消',
          type: 'warning',
        },
      )
        .then(() => {
          options.draft?.keep()
          return options.reload?.()
        })
        .catch(() => {})
    } else {
      if (error instanceof ApiError && error.issues?.length && options.errors) showIssues(options.errors, error.issues)
      ElMessage({ type: 'error', message, duration: 6000, showClose: true })
    }
    return undefined
  }
}
