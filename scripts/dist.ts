/**
 * `npm run dist [-- --win | --linux]`: packages with electron-builder (build/electron-builder.yml).
 * electron-builder recompiles better-sqlite3 for Electron inside node_modules; afterwards the Node build is
 * restored, so `npm test` and the command line keep working (TOOLCHAIN.md's trap), even when packaging fails.
 * sharp (佐证材料's photos) loads a prebuilt binary per system (@img/sharp-<system>-<cpu> and its libvips): npm
 * installs only this machine's, so the other targets' are added first (`--force`: npm otherwise refuses a package
 * of another system), without touching package.json.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const builder = path.join(root, 'node_modules', 'electron-builder', 'cli.js')

const platform = process.argv.includes('--win') ? ['--win'] : process.argv.includes('--linux') ? ['--linux'] : []
/** The systems each target packages for (build/electron-builder.yml). */
const SYSTEMS = { win: ['win32-x64'], linux: ['linux-x64', 'linux-arm64'] }
const wanted = platform[0] === '--win' ? SYSTEMS.win : platform[0] === '--linux' ? SYSTEMS.linux : [hostSystem()]
function hostSystem(): string {
  return `${process.platform}-${process.arch}`
}
const sharpPkg = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'sharp', 'package.json'), 'utf8')) as {
  optionalDependencies: Record<string, string>
}
const missing = wanted
  .flatMap((system) => [`@img/sharp-${system}`, `@img/sharp-libvips-${system}`])
  .filter((name) => name in sharpPkg.optionalDependencies)
  .filter((name) => !fs.existsSync(path.join(root, 'node_modules', name, 'package.json')))
  .map((name) => `${name}@${sharpPkg.optionalDependencies[name]}`)
if (missing.length) {
  console.log(`为其他系统添加图片处理模块（sharp）：${missing.join(' ')}`)
  const added = spawnSync(npm, ['install', '--no-save', '--force', ...missing], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  })
  if (added.status !== 0) {
    console.error('无法下载其他系统的图片处理模块，打包未进行。请检查网络后重试。')
    process.exit(1)
  }
}

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
