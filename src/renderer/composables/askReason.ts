/**
 * Asks for the reason a recorded action needs (reopen, delete, escalate, unfreeze). Resolves to the trimmed
 * text, or null when the user cancels — nothing is done then.
 */
import { ElMessageBox } from 'element-plus'

export async function askReason(
  message: string,
  title: string,
  confirm: string,
  warning = false,
): Promise<string | null> {
  try {
    const { value } = await ElMessageBox.prompt(message, title, {
      confirmButtonText: confirm,
      cancelButtonText: '取消',
      ...(warning && { type: 'warning' as const }),
      inputValidator: (v) => (v?.trim() ? true : '请填写原因或说明'),
    })
    return value.trim()
  } catch {
    return null
  }
}
