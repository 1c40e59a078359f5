/** The builds: Node-side bundles keep native and runtime dependencies external; the renderer ships its CSP. */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build } from 'vite'
import pkg from '../package.json' with { type: 'json' }
import { APP_VERSION } from '../src/main/version'
import { tempDir } from './helpers/app'

describe('builds', () => {
  it('bundles main, preload and the command line with better-sqlite3 left external', { timeout: 60_000 }, async () => {
    const out = tempDir()
    await build({ configFile: 'vite.node.config.ts', logLevel: 'silent', build: { outDir: out } })
    await build({ configFile: 'vite.preload.config.ts', logLevel: 'silent', build: { outDir: out } })
    for (const entry of ['main.cjs', 'preload.cjs', 'cli.cjs'])
      expect(fs.existsSync(path.join(out, entry)), entry).toBe(true)
    const code = fs
      .readdirSync(out, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.cjs'))
      .map((f) => fs.readFileSync(path.join(out, f), 'utf8'))
      .join('\n')
    expect(code).toMatch(/require\(["']better-sqlite3["']\)/)
    expect(code).toMatch(/require\(["']electron["']\)/)
    // better-sqlite3's own source (its Database constructor) must not be inlined.
    expect(code).not.toContain('Expected the "nativeBinding" option to be a string or addon object')
    // A sandboxed preload can load nothing but 'electron': it must be one self-contained file.
    const preload = fs.readFileSync(path.join(out, 'preload.cjs'), 'utf8')
    expect(preload).toContain('exposeInMainWorld')
    expect([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron'])
    // The package's `bin` is reached through a symlink (npm link, a global install): the command line runs there.
    // (The bundle beside the project's node_modules, as dist-electron is: its externals resolve from there.)
    const beside = fs.mkdtempSync(path.resolve('.tmp', 'cli-'))
    fs.cpSync(out, beside, { recursive: true })
    const link = path.join(tempDir(), 'zhuanban')
    fs.symlinkSync(path.join(beside, 'cli.cjs'), link)
    const help = spawnSync(process.execPath, [link, 'help'], { encoding: 'utf8', cwd: process.cwd() })
    expect(help.stderr).toBe('')
    expect(help.status).toBe(0)
    fs.rmSync(beside, { recursive: true, force: true })
    expect(help.stdout).toContain('用法：zhuanban <命令> [选项]')
  })

  it('builds the renderer with a Content-Security-Policy and no Node modules', { timeout: 60_000 }, async () => {
    const out = tempDir()
    await build({ configFile: 'vite.config.ts', logLevel: 'silent', build: { outDir: out, emptyOutDir: true } })
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8')
    expect(html).toContain('Content-Security-Policy')
    expect(html).toContain("script-src 'self'")
    expect(html).toContain('lang="zh-CN"')
    const js = fs
      .readdirSync(path.join(out, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => fs.readFileSync(path.join(out, 'assets', f), 'utf8'))
      .join('\n')
    expect(js).not.toMatch(/require\(["'](fs|node:fs|electron|better-sqlite3)["']\)/)
  })

  it('keeps the app version in step with package.json', () => {
    expect(APP_VERSION).toBe(pkg.version)
  })

  it('pins the toolchain majors TOOLCHAIN.md found working on Node 20', () => {
    const all = { ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>
    expect(all['better-sqlite3']).toMatch(/^\^12\./)
    expect(all.kysely).toMatch(/^\^0\.28/)
    expect(all.vitest).toMatch(/^\^4\./)
    expect(all.typescript).toMatch(/^~6\.0/)
    expect(all.exceljs).toBe('4.4.0')
    expect(pkg.overrides.traverse).toBe('0.3.9')
    expect(pkg.allowScripts).toMatchObject({ 'better-sqlite3': true, electron: false })
  })
})
