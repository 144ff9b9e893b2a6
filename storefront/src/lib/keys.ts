/**
 * A fresh idempotency key per checkout or payment attempt. randomUUID needs a secure context;
 * a storefront served over plain HTTP on a LAN address falls back to the same randomness.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
