/**
 * Latencies and errors as the users saw them: every call's time from sending to the whole answer read, by call
 * name, and every answer that was not ok (a refusal, a conflict, a timeout, a dropped connection) by call and
 * code, with the first few messages to say what it was.
 */

export interface CallFigures {
  name: string
  kind: 'read' | 'write'
  count: number
  errors: number
  p50: number
  p95: number
  p99: number
  max: number
  mean: number
}

/** The nearest-rank percentile of sorted values (0 when there are none). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

const round1 = (x: number) => Math.round(x * 10) / 10

export function figuresOf(name: string, kind: 'read' | 'write', times: number[], errors: number): CallFigures {
  const sorted = [...times].sort((a, b) => a - b)
  return {
    name,
    kind,
    count: sorted.length,
    errors,
    p50: round1(percentile(sorted, 50)),
    p95: round1(percentile(sorted, 95)),
    p99: round1(percentile(sorted, 99)),
    max: round1(sorted.at(-1) ?? 0),
    mean: round1(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  }
}

export interface ErrorGroup {
  call: string
  code: string
  count: number
  /** Up to three different messages, as the server said them. */
  examples: string[]
}

export class Recorder {
  /** Whether calls are counted now (logins and the end's stragglers are timed apart). */
  measuring = false
  readonly times = new Map<string, number[]>()
  readonly kinds = new Map<string, 'read' | 'write'>()
  readonly errorCounts = new Map<string, number>()
  readonly errors = new Map<string, ErrorGroup>()

  record(call: string, kind: 'read' | 'write', ms: number, error?: { code: string; message: string }) {
    if (!this.measuring) return
    this.kinds.set(call, kind)
    let list = this.times.get(call)
    if (!list) this.times.set(call, (list = []))
    list.push(ms)
    if (!error) return
    this.errorCounts.set(call, (this.errorCounts.get(call) ?? 0) + 1)
    const key = `${call} ${error.code}`
    let group = this.errors.get(key)
    if (!group) this.errors.set(key, (group = { call, code: error.code, count: 0, examples: [] }))
    group.count++
    if (group.examples.length < 3 && !group.examples.includes(error.message)) group.examples.push(error.message)
  }

  /** Every call's figures, in name order. */
  calls(): CallFigures[] {
    return [...this.times.keys()]
      .sort()
      .map((name) => figuresOf(name, this.kinds.get(name)!, this.times.get(name)!, this.errorCounts.get(name) ?? 0))
  }

  /** All calls of the kinds (and names) `which` picks, together. */
  together(label: string, kind: 'read' | 'write', which: (name: string) => boolean): CallFigures {
    const times: number[] = []
    let errors = 0
    for (const [name, list] of this.times)
      if (this.kinds.get(name) === kind && which(name)) {
        times.push(...list)
        errors += this.errorCounts.get(name) ?? 0
      }
    return figuresOf(label, kind, times, errors)
  }

  total(): number {
    let n = 0
    for (const list of this.times.values()) n += list.length
    return n
  }
}
