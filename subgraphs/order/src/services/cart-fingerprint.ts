import { createHash } from 'node:crypto';
import type { CartSnapshotLine } from '@emporium/service-api';

/**
 * What a checkout bought, as one hash: the sorted `productId:quantity:unitPrice` lines. A
 * retried checkout with the same idempotency key compares it to tell "the same request
 * again" (same order back) from "a different cart under a reused key" (refused). Line ids
 * and order are left out: they do not change what is bought.
 */
export function cartFingerprint(
  lines: readonly Pick<CartSnapshotLine, 'productId' | 'quantity' | 'unitPrice'>[],
): string {
  const entries = lines
    .map((line) => {
      const price = line.unitPrice ? `${line.unitPrice.amountMinor}${line.unitPrice.currencyCode}` : 'null';
      return `${line.productId.toLowerCase()}:${line.quantity}:${price}`;
    })
    .sort();
  return createHash('sha256').update(entries.join('\n')).digest('hex');
}

/**
 * Which state of the cart a checkout took: its lines' ids and quantities. Unlike the
 * fingerprint it changes when the shopper changes the cart (a line re-added after the cart
 * was emptied is a new line), so two checkouts of one unchanged cart share it, and the
 * orders table lets only one of them through.
 */
export function cartClaim(lines: readonly Pick<CartSnapshotLine, 'lineId' | 'quantity'>[]): string {
  const entries = lines.map((line) => `${line.lineId.toLowerCase()}:${line.quantity}`).sort();
  return createHash('sha256').update(entries.join('\n')).digest('hex');
}
