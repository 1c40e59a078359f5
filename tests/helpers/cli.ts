/** The command line run in-process: its exit code and what it printed to stdout and stderr. */
import { main } from '../../src/main/cli/index'

export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await main(
    args,
    (s) => out.push(s),
    (s) => err.push(s),
  )
  return { code, out: out.join('\n'), err: err.join('\n') }
}
