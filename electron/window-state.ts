/** Remembers the window's size and position between runs, and never restores it off-screen. */
import fs from 'node:fs'

export interface WindowState {
  width: number
  height: number
  x?: number
  y?: number
  maximized: boolean
}

export interface Area {
  x: number
  y: number
  width: number
  height: number
}

export const DEFAULT_STATE: WindowState = { width: 1366, height: 800, maximized: false }
export const MIN_SIZE = { width: 1024, height: 640 }

const isInt = (v: unknown): v is number => Number.isInteger(v)

export function loadWindowState(file: string, workAreas: Area[]): WindowState {
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    return { ...DEFAULT_STATE }
  }
  const s = raw as Partial<WindowState>
  if (!isInt(s.width) || !isInt(s.height)) return { ...DEFAULT_STATE }
  const state: WindowState = {
    width: Math.max(MIN_SIZE.width, s.width),
    height: Math.max(MIN_SIZE.height, s.height),
    maximized: s.maximized === true,
  }
  // Keep the position only if the window's top-left area is on a display that still exists.
  if (isInt(s.x) && isInt(s.y)) {
    const visible = workAreas.some(
      (a) => s.x! >= a.x - 50 && s.y! >= a.y - 10 && s.x! + 200 <= a.x + a.width && s.y! + 100 <= a.y + a.height,
    )
    if (visible) Object.assign(state, { x: s.x, y: s.y })
  }
  return state
}

export function saveWindowState(file: string, state: WindowState): void {
  try {
    fs.writeFileSync(file, JSON.stringify(state))
  } catch {
    // Losing the window size is not worth an error message.
  }
}
