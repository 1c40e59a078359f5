/**
 * Packaging smoke test. No Electron binary can be fetched here, so electron-builder packs the app around a
 * stand-in (TOOLCHAIN.md): that checks the asar layout — the app's files in, the native module unpacked —
 * not a runnable program. Fuses cannot be flipped on a stand-in and are checked in the config instead.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import yaml from 'js-yaml'
import { build as viteBuild } from 'vite'
import { Arch, Platform, build } from 'electron-builder'
import { listPackage } from '@electron/asar'
import { buildFolders } from '../helpers/untouched'

const config = yaml.load(fs.readFileSync('build/electron-builder.yml', 'utf8')) as Record<string, unknown>
// Under the project's .tmp/ (gitignored), on the same disk as node_modules, so that it can be hard-linked.
fs.mkdirSync('.tmp', { recursive: true })
const work = fs.mkdtempSync(path.resolve('.tmp', 'package-test-'))
const before = buildFolders()
let unpacked = ''

beforeAll(async () => {
  // A project folder of its own, laid out as the real one after `npm run build` (package.json, build/, dist/,
  // dist-electron/, node_modules), so that the project's own build — the app that may be open while the tests
  // run — is never rebuilt in place.
  const project = path.join(work, 'project')
  fs.mkdirSync(project)
  for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(f, path.join(project, f))
  fs.cpSync('build', path.join(project, 'build'), { recursive: true })
  linkTree(path.resolve('node_modules'), path.join(project, 'node_modules'))
  const out = (dir: string, emptyOutDir: boolean) => ({ outDir: path.join(project, dir), emptyOutDir })
  await viteBuild({ configFile: 'vite.config.ts', logLevel: 'silent', build: out('dist/renderer', true) })
  await viteBuild({ configFile: 'vite.node.config.ts', logLevel: 'silent', build: out('dist-electron', true) })
  await viteBuild({ configFile: 'vite.preload.config.ts', logLevel: 'silent', build: out('dist-electron', false) })
  const standIn = path.join(work, 'electron-stand-in')
  fs.mkdirSync(standIn)
  fs.writeFileSync(path.join(standIn, 'electron'), '#!/bin/sh\necho stand-in\n', { mode: 0o755 })
  await build({
    projectDir: project,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    config: {
      ...config,
      directories: { ...(config.directories as object), output: path.join(work, 'release') },
      electronDist: standIn,
      npmRebuild: false, // would rebuild better-sqlite3 in place for the wrong ABI (TOOLCHAIN.md)
      electronFuses: undefined,
    },
  })
  unpacked = path.join(work, 'release', 'linux-unpacked', 'resources')
}, 300_000)

afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

/**
 * A copy of a folder made of hard links (a few seconds for node_modules, no data copied). Not a symbolic link
 * to the folder: electron-builder refuses files that resolve to outside the project.
 */
function linkTree(from: string, to: string) {
  fs.mkdirSync(to)
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const [source, target] = [path.join(from, entry.name), path.join(to, entry.name)]
    if (entry.isDirectory()) linkTree(source, target)
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), target)
    else
      try {
        fs.linkSync(source, target)
      } catch {
        fs.copyFileSync(source, target) // another disk
      }
  }
}
export { work }

describe('the Linux package layout', () => {
  it('has the app in an asar archive with its entry, preload, renderer and runtime dependencies', () => {
    const files = listPackage(path.join(unpacked, 'app.asar'), { isPack: false }).map((f) => f.replaceAll('\\', '/'))
    for (const f of [
      '/package.json',
      '/dist-electron/main.cjs',
      '/dist-electron/preload.cjs',
      '/dist/renderer/index.html',
      '/build/icon.png',
    ])
      expect(files, f).toContain(f)
    for (const dep of ['kysely', 'zod', 'fastify', 'better-sqlite3', 'exifr', 'heic-convert', 'sharp'])
      expect(files).toContain(`/node_modules/${dep}`)
    // No sources, tests or dev tooling in the package.
    expect(files.filter((f) => /^\/(src|tests|electron)\//.test(f))).toEqual([])
    expect(
      files.filter((f) => /^\/node_modules\/(electron|electron-builder|vitest|vite|typescript)\//.test(f)),
    ).toEqual([])
    expect(files.filter((f) => f.startsWith('/dist-electron') && f.endsWith('.map'))).toEqual([])
  })

  it('puts better-sqlite3 outside the asar, native module included', () => {
    const native = path.join(
      unpacked,
      'app.asar.unpacked',
      'node_modules',
      'better-sqlite3',
      'build',
      'Release',
      'better_sqlite3.node',
    )
    expect(fs.existsSync(native)).toBe(true)
    expect(fs.statSync(native).size).toBeGreaterThan(100_000)
  })

  it("puts sharp and its system's libvips outside the asar (佐证材料's photos)", () => {
    const img = path.join(unpacked, 'app.asar.unpacked', 'node_modules', '@img')
    const natives = fs.readdirSync(path.join(img, 'sharp-linux-x64', 'lib')).filter((f) => f.endsWith('.node'))
    expect(natives.length).toBe(1)
    const libvips = fs.readdirSync(path.join(img, 'sharp-libvips-linux-x64', 'lib'))
    expect(libvips.some((f) => f.startsWith('libvips-cpp'))).toBe(true)
    expect(fs.existsSync(path.join(unpacked, 'app.asar.unpacked', 'node_modules', 'sharp', 'package.json'))).toBe(true)
  })

  it('puts what the attachment worker loads by path outside the asar, with what those load', () => {
    // The worker thread requires heic-convert and pdf-lib by their unpacked path: every file they load must come
    // from the unpacked folder (plain Node cannot read the asar; a file found in a folder above the package — the
    // project's own node_modules here — would not be there on an office PC).
    const modules = path.join(unpacked, 'app.asar.unpacked', 'node_modules')
    const load = [
      `require(${JSON.stringify(path.join(modules, 'heic-convert'))})`,
      `require(${JSON.stringify(path.join(modules, 'pdf-lib'))})`,
      `console.log(JSON.stringify(Object.keys(require.cache)))`,
    ].join(';')
    const run = spawnSync(process.execPath, ['-e', load], { encoding: 'utf8', cwd: work })
    expect(run.stderr).toBe('')
    const loaded = JSON.parse(run.stdout) as string[]
    expect(loaded.length).toBeGreaterThan(5)
    expect(loaded.filter((file) => !file.startsWith(modules + path.sep))).toEqual([])
  })

  it('configures the fuses, the Chinese installer and the arm64 Linux targets', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    })
    expect(config.nsis).toMatchObject({ installerLanguages: ['zh_CN'], language: '2052' })
    const linux = (config.linux as { target: { target: string; arch: string[] }[] }).target
    expect(linux).toEqual([
      { target: 'deb', arch: ['x64', 'arm64'] },
      { target: 'AppImage', arch: ['x64', 'arm64'] },
    ])
    expect((config.win as { target: { target: string; arch: string[] }[] }).target).toEqual([
      { target: 'nsis', arch: ['x64'] },
    ])
  })

  it("leaves the project's own dist/, dist-electron/ and release/ untouched (an open app keeps running)", () => {
    expect(buildFolders()).toEqual(before)
  })
})
