/**
 * Where the database lives, as far as safety goes: SQLite's WAL needs shared memory that network file
 * systems do not provide reliably (https://sqlite.org/wal.html), so a database on a network drive is a
 * warning the office must see.
 */
import fs from 'node:fs'
import path from 'node:path'

/** statfs f_type values of network file systems (Linux magic numbers: NFS, SMB, CIFS, SMB2, Coda, AFS, 9P). */
const NETWORK_FS_TYPES = new Set([0x6969, 0x517b, 0xff534d42, 0xfe534d42, 0x73757245, 0x5346414f, 0x01021997])

export interface LocationProbe {
  platform: NodeJS.Platform
  /** The file system type of the folder (statfs f_type), when the platform reports one. */
  fsType: (dir: string) => number | null
}

const realProbe: LocationProbe = {
  platform: process.platform,
  fsType: (dir) => {
    try {
      return Number(fs.statfsSync(dir).type)
    } catch {
      return null
    }
  },
}

export function isNetworkLocation(file: string, probe: LocationProbe = realProbe): boolean {
  if (file === ':memory:') return false
  // Windows: a UNC path (\\server\share\…) is always a network share.
  if (probe.platform === 'win32' && /^(\\\\|\/\/)[^\\/]/.test(file)) return true
  if (probe.platform === 'win32') return false // mapped drive letters are not told apart here (see README)
  const type = probe.fsType(path.dirname(path.resolve(file)))
  return type !== null && NETWORK_FS_TYPES.has(type)
}

export function locationWarnings(file: string, probe: LocationProbe = realProbe): string[] {
  return isNetworkLocation(file, probe)
    ? [
        `数据库位于网络共享文件夹（${file}）。在网络驱动器上，数据库的日志模式（WAL）无法保证安全，断网或多人同时打开可能损坏数据。请把数据库放在本机硬盘上，用备份功能把备份保存到网络位置。`,
      ]
    : []
}
