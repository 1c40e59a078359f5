/**
 * The project's own build (dist/, dist-electron/) and packages (release/) are what `npm start` runs: a test
 * that builds must build into a folder of its own, or it breaks an app that is open while `npm test` runs.
 * `buildFolders()` lists every file there with its size and modification time; taken before and after such
 * a test, the two are equal when the test left them alone.
 */
import fs from 'node:fs'
import path from 'node:path'

const FOLDERS = ['dist', 'dist-electron', 'release']

export function buildFolders(root = process.cwd()): Record<string, string> {
  const files: Record<string, string> = {}
  for (const folder of FOLDERS) {
    const dir = path.join(root, folder)
    if (!fs.existsSync(dir)) continue
    const stat = fs.statSync(dir)
    files[folder] = `${stat.ino}` // emptied and made again is not the same folder
    for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      const s = fs.statSync(path.join(dir, f))
      files[path.join(folder, f)] = s.isDirectory() ? 'dir' : `${s.size} ${s.mtimeMs}`
    }
  }
  return files
}
