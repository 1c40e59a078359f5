/**
 * Deactivating an item of the office's lists or a leader (issue 16): the confirmation says how much it is used
 * and what deactivating does (its name stays wherever it is used; it is no longer offered; it can be re-enabled).
 */
import { ElMessageBox } from 'element-plus'
import { DICT_KIND_LABELS, type DictUsage, type LeaderUsage } from '../../shared/domain'

/** "2个项目、1个问题" — what uses a dictionary item; '' when nothing does. */
export function dictUsageText(u: DictUsage): string {
  return [u.projects > 0 ? `${u.projects}个项目` : '', u.problems > 0 ? `${u.problems}个问题` : '']
    .filter(Boolean)
    .join('、')
}

/** The confirmation's text before deactivating a dictionary item. */
export function dictDeactivateMessage(u: DictUsage): string {
  const label = DICT_KIND_LABELS[u.kind]
  const used = dictUsageText(u)
  const users = u.projects > 0 && u.problems > 0 ? '项目和问题' : u.projects > 0 ? '项目' : '问题'
  return (
    (used
      ? `${label}「${u.name}」正被${used}使用。停用后，这些${users}仍显示「${u.name}」，排名和历史记录不变；`
      : `${label}「${u.name}」目前没有项目或问题使用。停用后，`) +
    `新建或修改时不能再选择它。需要时可在「显示已停用」中重新启用。`
  )
}

/** The confirmation's text before deactivating a leader (who owns no project now). */
export function leaderDeactivateMessage(u: LeaderUsage): string {
  const history = [
    u.pastProjects > 0 ? `曾包联${u.pastProjects}个项目` : '',
    u.problems > 0 ? `负责${u.problems}个问题（其中${u.openProblems}个未销号）` : '',
  ].filter(Boolean)
  return (
    (history.length
      ? `领导「${u.name}」${history.join('，')}。停用后，这些记录仍显示「${u.name}」，往月排名不变；`
      : `领导「${u.name}」没有包联项目或问题的记录。停用后，`) +
    `不能再选为包联领导或责任领导。需要时可在「显示已停用」中重新启用。`
  )
}

/** Asks before deactivating; true when confirmed. */
export async function confirmDeactivate(title: string, message: string): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, {
      type: 'warning',
      confirmButtonText: '停用',
      cancelButtonText: '取消',
    })
    return true
  } catch {
    return false
  }
}
