// heic-convert ships no types: the one call used (README of heic-convert 2.x).
declare module 'heic-convert' {
  interface Options {
    buffer: Uint8Array | ArrayBuffer
    format: 'JPEG' | 'PNG'
    /** 0–1, JPEG only. */
    quality?: number
  }
  export default function convert(options: Options): Promise<ArrayBuffer>
}
