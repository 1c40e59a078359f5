/** The project the crash test creates (the parent's target and the child's stream of new ones). */
import type { CallInput } from '../../src/shared/contract'

export function crashProject(
  refs: { categoryId: number; townshipId: number; leaderId: number; unitId: number },
  code: string,
  name: string,
  totalInvestment: number,
): CallInput<'project.create'> {
  return {
    code,
    name,
    categoryId: refs.categoryId,
    level: 'county',
    townshipId: refs.townshipId,
    constructionUnit: '测试建设单位',
    content: '崩溃测试',
    totalInvestment,
    startYear: 2026,
    endYear: 2027,
    plannedStart: '2026-03-01',
    plannedEnd: '2027-06-30',
    leaderId: refs.leaderId,
    leaderFrom: '2026-01-01',
    leadUnitId: refs.unitId,
  }
}
