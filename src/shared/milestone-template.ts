/** Turning a milestone template into dated milestones: each item sits at its share of the planned period. */
import { addDays, daysBetween, type IsoDate } from './dates'
import type { TemplateItem } from './domain'

export interface PlannedMilestone {
  name: string
  weight: number
  plannedDate: IsoDate
}

export function spreadTemplate(items: TemplateItem[], start: IsoDate, end: IsoDate): PlannedMilestone[] {
  const span = daysBetween(start, end)
  return items.map((item) => ({
    name: item.name,
    weight: item.weight,
    plannedDate: addDays(start, Math.round((span * item.share) / 100)),
  }))
}
