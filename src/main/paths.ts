/**
 * Where 专班 keeps its data when nobody says otherwise: the same folder Electron's userData resolves to for
 * this app (we set it to "zhuanban" there), so the desktop app and browser mode share one database.
 */
import os from 'node:os'
import path from 'node:path'

export const DATA_FOLDER_NAME = 'zhuanban'
export const DATABASE_FILE_NAME = 'zhuanban.db'

export function defaultAppDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') return env.APPDATA ?? path.join(home, 'AppData', 'Roaming')
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support')
  return env.XDG_CONFIG_HOME ?? path.join(home, '.config')
}

export function defaultDatabasePath(appDataDir: string = defaultAppDataDir()): string {
  return path.join(appDataDir, DATA_FOLDER_NAME, DATABASE_FILE_NAME)
}

/** `--db <file>` or `--db=<file>` on the command line, then ZHUANBAN_DB, then the default. */
export function resolveDatabasePath(argv: readonly string[], env: NodeJS.ProcessEnv, fallback: string): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--db' && argv[i + 1]) return path.resolve(argv[i + 1]!)
    if (arg.startsWith('--db=') && arg.length > 5) return path.resolve(arg.slice(5))
  }
  if (env.ZHUANBAN_DB) return path.resolve(env.ZHUANBAN_DB)
  return fallback
}
