/**
 * `npm run dist [-- --win | --linux]`: packages with electron-builder (build/electron-builder.yml).
 * electron-builder recompiles better-sqlite3 for Electron inside node_modules; afterwards the Node build is
 * restored, so `npm test` and the command line keep working (TOOLCHAIN.md's trap), even when packaging fails.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const builder = path.join(root, 'node_modules', 'electron-builder', 'cli.js')

const platform = process.argv.includes('--win') ? ['--win'] : process.argv.includes('--linux') ? ['--linux'] : []
let status: number
try {
  status =
    spawnSync(
      process.execPath,
      [builder, '--config', 'build/electron-builder.yml', '--publish', 'never', ...platform],
      {
        cwd: root,
        stdio: 'inherit',
      },
    ).status ?? 1
} finally {
  console.log('恢复供 Node 使用的数据库模块（npm rebuild better-sqlite3）……')
  spawnSync(npm, ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
}
process.exit(status)
