/**
 * What the order service records about a status change beyond the lifecycle itself (which
 * lives once for every service in @emporium/contracts' order-lifecycle): the reasons shown in
 * an order's history.
 */
/** The reason recorded when stock ran short: names every short product. */
export function rejectionReason(
  shortages: readonly { productId: string; requested: number; available: number }[],
): string {
  return shortages
    .map(
      (shortage) =>
        `Insufficient stock for ${shortage.productId} (requested ${shortage.requested}, available ${shortage.available})`,
    )
    .join('; ');
}

export const EXPIRED_REASON = 'Reservation expired';
export const CANCELLED_REASON = 'Cancelled by the shopper';
