/**
 * Password hashing with scrypt from node:crypto (no native module to ship for Windows and arm64 Linux).
 * Stored as `scrypt$N$r$p$salt$hash` (base64url) so the cost can be raised later and old hashes still verify.
 * Cost N=2^15, r=8, p=1 (the OWASP Password Storage Cheat Sheet's scrypt minimum is N=2^17 with p=1 or
 * N=2^15 with r=8 p=3 for servers; one desktop and a county server with a few hundred logins a day: ~0.1 s each).
 */
import crypto from 'node:crypto'

const N = 2 ** 15
const R = 8
const P = 1
const KEY_LENGTH = 32

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    crypto.scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LENGTH,
      { N: n, r, p, maxmem: 128 * n * r + 2 ** 20 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  )
}

/** A new salted hash of `password` (async: does not block other calls for the ~0.1 s it takes). */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16)
  const key = await scrypt(password, salt, N, R, P)
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Whether `password` matches `stored`; false for a malformed stored value (never throws on bad data). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![n, r, p].every((v) => Number.isInteger(v) && v > 0) || n > 2 ** 17 || r > 16 || p > 16) return false
  const expected = Buffer.from(parts[5]!, 'base64url')
  if (expected.length !== KEY_LENGTH) return false
  const key = await scrypt(password, Buffer.from(parts[4]!, 'base64url'), n, r, p)
  return crypto.timingSafeEqual(key, expected)
}

/** A hash of nothing, verified against when a login name does not exist (the answer takes as long). */
let dummy: Promise<string> | null = null
export async function verifyNothing(password: string): Promise<void> {
  dummy ??= hashPassword('unused-' + crypto.randomUUID())
  await verifyPassword(password, await dummy)
}
