/** Saves an exported file: the browser's (or Electron's) download, with the file name the main side chose. */
import type { ExportedFile } from '../../shared/excel'

export function saveFile(file: ExportedFile): void {
  saveBytes(file.base64, file.fileName, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
}

/** Saves base64 bytes under `fileName` (a 佐证材料's original, an export). */
export function saveBytes(base64: string, fileName: string, mime: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  const blob = new Blob([bytes], { type: mime })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** Reads a chosen file as base64 for the import calls. */
export function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(new Error('无法读取所选文件'))
    reader.readAsDataURL(file)
  })
}
