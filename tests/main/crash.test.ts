/**
 * The crash test (scripts/crash/run.ts) in CI: fewer kills than the full run (`npm run crash-test`, 200),
 * and a sabotaged run that shows the check does see a lost write.
 */
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

function crashTest(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/crash/run.ts', ...args], {
    encoding: 'utf8',
    timeout: 240_000,
  })
  const summary = /kills (\d+), acknowledged writes (\d+), corruptions (\d+), lost acknowledged writes (\d+)/.exec(
    run.stdout,
  )
  if (!summary) throw new Error(`no summary line:\n${run.stdout}\n${run.stderr}`)
  const [kills, acks, corruptions, lost] = summary.slice(1).map(Number)
  return { status: run.status, stderr: run.stderr, kills, acks, corruptions, lost }
}

describe('SIGKILL at random moments during writes', () => {
  it('leaves the database intact with every acknowledged write present', () => {
    const result = crashTest('--kills', '25', '--seed', '7')
    expect(result).toMatchObject({ status: 0, kills: 25, corruptions: 0, lost: 0 })
    expect(result.acks).toBeGreaterThan(100) // the children did write between the kills
  }, 240_000)

  it('would notice a lost write (one acknowledged row removed before the check)', () => {
    const result = crashTest('--kills', '2', '--seed', '7', '--sabotage')
    expect(result.status).toBe(1)
    expect(result.lost).toBe(1)
    expect(result.stderr).toContain('丢失已确认的写入：领导')
  }, 240_000)
})
