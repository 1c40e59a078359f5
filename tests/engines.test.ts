/**
 * Every package the lock file installs supports the Node versions package.json promises (20.19 and 22.13, the
 * oldest of each line): `npm ci` on them prints no EBADENGINE warning, and nothing needs a newer Node than
 * the README says. A dependency that moves to Node 22 only shows up here, with the package that pulled it
 * in; pin that one (see the pins below and in TOOLCHAIN.md).
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import pkg from '../package.json' with { type: 'json' }

const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean
}
const OLDEST = ['20.19.0', '22.13.0']

interface Locked {
  version?: string
  engines?: { node?: string } | string[]
  optional?: boolean
  os?: string[]
  cpu?: string[]
}
/**
 * The systems the program runs on (README "Packaging"): a prebuilt package for another one (sharp's
 * @img/sharp-win32-ia32, darwin …) is never installed, by npm ci nor by `npm run dist`.
 */
const TARGETS = [
  { os: 'linux', cpu: 'x64' },
  { os: 'linux', cpu: 'arm64' },
  { os: 'win32', cpu: 'x64' },
]
const installedSomewhere = (p: Locked) =>
  TARGETS.some((t) => (!p.os || p.os.includes(t.os)) && (!p.cpu || p.cpu.includes(t.cpu)))
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, Locked> }

describe('the installed packages and the Node versions promised', () => {
  it('promises Node 20.19+ and 22.13+ in package.json', () => {
    for (const v of OLDEST) expect(semver.satisfies(v, pkg.engines.node), v).toBe(true)
    expect(semver.satisfies('20.18.0', pkg.engines.node)).toBe(false)
    expect(semver.satisfies('22.12.0', pkg.engines.node)).toBe(false)
  })

  it.each(OLDEST)('needs nothing newer than Node %s (npm ci prints no EBADENGINE)', (node) => {
    const unsupported = Object.entries(lock.packages)
      .filter(
        ([name, p]) => name !== '' && installedSomewhere(p) && p.engines && !Array.isArray(p.engines) && p.engines.node,
      )
      .filter(([, p]) => !semver.satisfies(node, (p.engines as { node: string }).node))
      .map(
        ([name, p]) =>
          `${name.replace(/^.*node_modules\//, '')}@${p.version} wants node ${(p.engines as { node: string }).node}`,
      )
    expect(unsupported).toEqual([])
  })

  it('keeps the pins that hold Node 20 dependencies back', () => {
    const dev = pkg.devDependencies as Record<string, string>
    // electron-builder 26.1+ needs @electron/rebuild 4 (Node 22.12+); 26.0's rebuild 3 names its node-gyp by
    // a GitHub address, replaced by the same fork's npm release.
    expect(dev['electron-builder']).toMatch(/^~26\.0\./)
    expect((pkg.overrides as Record<string, string>)['@electron/node-gyp']).toMatch(/^10\.2\.0-electron/)
    expect(dev['element-plus']).toBe('2.14.5') // 2.14.6+: @vueuse/core 15 (Node 22)
    expect((pkg.dependencies as Record<string, string>)['@fastify/cookie']).toMatch(/^~11\.0\./) // 11.1+: cookie 2 (Node 22)
    expect(dev['vue-router']).toMatch(/^~5\.3\./) // 5.4+: ast-walker-scope 0.10 / Babel 8, 5.5.1: chokidar 6
    expect(dev['@vue/test-utils']).toMatch(/^~2\.4\./) // 2.5+: js-beautify 2 → nopt 10 (Node 22.22)
    expect((pkg.overrides as Record<string, string>)['light-my-request']).toMatch(/^~6\.6\./) // 6.8: cookie 2
  })
})
