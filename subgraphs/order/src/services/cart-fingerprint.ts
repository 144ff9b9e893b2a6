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
