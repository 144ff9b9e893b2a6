import { hash } from 'node:crypto';

/**
 * A deterministic UUID for the `index`-th record of a namespace, so that separate seed
 * processes (identity and product) agree on ids without sharing any state. It is the first
 * 128 bits of sha256(`namespace:index`) with the version and variant bits of a name-based
 * (version 5) UUID, which every UUID validator accepts.
 */
export function seedUuid(namespace: string, index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`invalid seed index ${index}`);
  const hex = hash('sha256', `${namespace}:${index}`, 'hex');
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The RFC 9562 textual form, lower-case, of any version and the RFC variant. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
