/** Which printed document belongs to the screen being looked at (for Ctrl+P and the 打印 menu). */
import type { RouteLocationNormalizedLoaded } from 'vue-router'
import { addMonths, localToday, periodOf } from '../shared/dates'

export function printRouteFor(route: Pick<RouteLocationNormalizedLoaded, 'name' | 'params' | 'query'>): string {
  switch (route.name) {
    case 'project':
      return `/print/project/${String(route.params.id)}`
    case 'ranking':
      return `/print/ranking/${typeof route.query.period === 'string' ? route.query.period : addMonths(periodOf(localToday()), -1)}`
    case 'problems':
      return '/print/problems'
    default:
      return '/print/ledger'
  }
}
