/**
 * What the insert payload encoders (csv-rows.ts, row-binary.ts) share. Each keeps its buffer and
 * offset in closure locals on its hot path and calls here only to grow or to check a string.
 */

/** A buffer of at least `needed` bytes (doubling `buf`'s size) holding `buf`'s first `used`. */
export function grownBuffer(
  buf: Buffer<ArrayBuffer>,
  used: number,
  needed: number,
): Buffer<ArrayBuffer> {
  let size = buf.length * 2;
  while (size < needed) size *= 2;
  const grown = Buffer.allocUnsafe(size);
  buf.copy(grown, 0, 0, used);
  return grown;
}

interface WellFormed {
  isWellFormed(): boolean;
}

/**
 * False for a string with a lone surrogate: UTF-8 has no encoding for it (Node writes U+FFFD),
 * while JSON escapes it, so that batch goes as JSON. Node 20 has the method; TS's lib here not.
 */
export function isWellFormedString(text: string): boolean {
  return (text as unknown as WellFormed).isWellFormed();
}
