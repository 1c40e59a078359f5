/**
 * The card being dragged. Kept here as well as in dataTransfer: some drag sources (a link inside the card,
 * synthetic drags) deliver an empty dataTransfer on drop.
 */
let current: number | null = null

export const drag = {
  start(id: number, e?: DragEvent) {
    current = id
    e?.dataTransfer?.setData('text/plain', String(id))
    if (e?.dataTransfer) e.dataTransfer.effectAllowed = 'move'
  },
  take(e: DragEvent): number | null {
    const fromData = Number(e.dataTransfer?.getData('text/plain'))
    const id = fromData || current
    current = null
    return id || null
  },
  end() {
    current = null
  },
}
