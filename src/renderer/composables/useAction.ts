/**
 * Runs a call from a view with what an office user expects: a Chinese message on failure, and for a stale
 * version an offer to reload the record. Returns the result, or undefined when it failed.
 */
import { ElMessage, ElMessageBox } from 'element-plus'
import { ApiError } from '../api'

export async function runAction<T>(
  action: () => Promise<T>,
  options: { success?: string; reload?: () => unknown } = {},
): Promise<T | undefined> {
  try {
    const result = await action()
    if (options.success) ElMessage.success(options.success)
    return result
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    if (error instanceof ApiError && error.code === 'CONFLICT' && options.reload) {
      await ElMessageBox.confirm(`${message}`, '内容已被他人修改', {
        confirmButtonText: '重新载入',
        cancelButtonText: '取消',
        type: 'warning',
      })
        .then(() => options.reload?.())
        .catch(() => {})
    } else {
      ElMessage({ type: 'error', message, duration: 6000, showClose: true })
    }
    return undefined
  }
}
