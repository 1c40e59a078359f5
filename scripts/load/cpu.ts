/**
 * Where the machine's CPU went during the run, from /proc (Linux): the server process, the PostgreSQL processes,
 * the load generator (this process) and the machine as a whole. On 2 cores the three share the machine: a
 * saturated CPU, not the code, can be why a budget is missed, and these figures say so.
 */
import fs from 'node:fs'
import os from 'node:os'

/** Linux's clock ticks per second for /proc's times (USER_HZ, 100 on every usual kernel). */
const TICKS = 100

/**
 * utime + stime of a process, in seconds, and with `children` its waited-for children's too (cutime + cstime:
 * PostgreSQL's backends end with their connections, and their time then moves to the postmaster's); null when
 * it is gone or /proc is not there.
 */
function processSeconds(pid: number, children = false): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command's closing parenthesis (the command may contain spaces).
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number)
    return (f[11]! + f[12]! + (children ? f[13]! + f[14]! : 0)) / TICKS
  } catch {
    return null
  }
}

/** Every process named postgres (the server's backends, writer, WAL writer …) and those ended, summed. */
function postgresSeconds(): number {
  let total = 0
  for (const entry of fs.existsSync('/proc') ? fs.readdirSync('/proc') : []) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue
    } catch {
      continue
    }
    total += processSeconds(Number(entry), true) ?? 0
  }
  return total
}

/** Busy and total CPU seconds of the whole machine (all cores). */
function machineSeconds(): { busy: number; total: number } {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!
    const n = line.trim().split(/\s+/).slice(1).map(Number)
    const idle = (n[3] ?? 0) + (n[4] ?? 0)
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0)
    return { busy: (total - idle) / TICKS, total: total / TICKS }
  } catch {
    return { busy: 0, total: 0 }
  }
}

export interface CpuSample {
  at: number
  server: number | null
  postgres: number
  generator: number
  machine: { busy: number; total: number }
}

export function sampleCpu(serverPid: number): CpuSample {
  const own = process.cpuUsage()
  return {
    at: performance.now(),
    server: processSeconds(serverPid),
    postgres: postgresSeconds(),
    generator: (own.user + own.system) / 1e6,
    machine: machineSeconds(),
  }
}

/** Each part's share of one core (1.0 = one core busy the whole time) between two samples, and the machine's. */
export interface CpuUse {
  cores: number
  /** In cores (0–cores). */
  server: number | null
  postgres: number
  generator: number
  /** The machine's busy share, 0–1 (1 = every core busy). */
  machineBusy: number
  /** In cores: what the rest of the machine used (other programs; on a shared machine, other people's tests). */
  others: number
}

export function cpuBetween(a: CpuSample, b: CpuSample): CpuUse {
  const seconds = (b.at - a.at) / 1000
  const r = (x: number) => Math.round(x * 100) / 100
  const total = b.machine.total - a.machine.total
  const cores = os.cpus().length
  const machineBusy = total > 0 ? (b.machine.busy - a.machine.busy) / total : 0
  const server = a.server === null || b.server === null ? null : (b.server - a.server) / seconds
  const postgres = (b.postgres - a.postgres) / seconds
  const generator = (b.generator - a.generator) / seconds
  return {
    cores,
    server: server === null ? null : r(server),
    postgres: r(postgres),
    generator: r(generator),
    machineBusy: r(machineBusy),
    others: r(Math.max(0, machineBusy * cores - (server ?? 0) - postgres - generator)),
  }
}
