/**
 * Sparse positions: kanban cards in a column and milestones in a plan are ordered by an integer `position` with
 * gaps (GAP) between neighbours, so that a move usually writes one row. When two neighbours have no room left
 * between them, the column is renumbered with fresh gaps.
 */

/** Gap between sparse positions: a move rarely needs to renumber (ten halvings fit in 1024). */
export const GAP = 1024

export interface Positioned {
  id: number
  position: number
}

/** The position after the last of `column` (ordered), or GAP for an empty one. */
export function positionAtEnd(column: readonly Positioned[]): number {
  return column.reduce((max, c) => Math.max(max, c.position), 0) + GAP
}

/** Positions 1·GAP, 2·GAP, … for ids in this order (a reorder or a renumbering). */
export function renumber(ids: readonly number[]): Positioned[] {
  return ids.map((id, i) => ({ id, position: (i + 1) * GAP }))
}

/**
 * Where `movingId` goes in `column` (the other items, ordered by position): before `beforeId`, or at the end
 * when it is null. Returns the moving item's position and the other items whose position must change (empty
 * unless there was no room and the column is renumbered); null when `beforeId` is not in the column.
 * Afterwards, ordering by position puts `movingId` right before `beforeId` and keeps the others' order.
 */
export function placeBefore(
  column: readonly Positioned[],
  movingId: number,
  beforeId: number | null,
): { position: number; renumbered: Positioned[] } | null {
  if (beforeId === null) return { position: positionAtEnd(column), renumbered: [] }
  const index = column.findIndex((c) => c.id === beforeId)
  if (index < 0) return null
  const prev = index > 0 ? column[index - 1]!.position : 0
  const position = Math.floor((prev + column[index]!.position) / 2)
  if (position > prev) return { position, renumbered: [] }
  // No room left between the neighbours: the whole column with fresh gaps.
  const order = [...column.slice(0, index).map((c) => c.id), movingId, ...column.slice(index).map((c) => c.id)]
  const fresh = renumber(order)
  return { position: fresh[index]!.position, renumbered: fresh.filter((p) => p.id !== movingId) }
}
