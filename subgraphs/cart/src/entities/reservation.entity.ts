import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const RESERVATION_STATUSES = ['HELD', 'COMMITTED', 'RELEASED', 'REJECTED'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** The units reserved for one order: quantities per product as they were held. */
export interface ReservedLine {
  productId: string;
  quantity: number;
}

/**
 * What inventory did with one order's stock. Only a HELD reservation can be committed (paid)
 * or released (cancelled, expired), so a late or repeated status change moves no stock.
 */
export const ReservationSchema = defineEntity({
  name: 'Reservation',
  tableName: 'reservations',
  properties: {
    orderId: p.uuid().primary(),
    userId: p.uuid(),
    lines: p.json<ReservedLine[]>(),
    status: p.string().length(16).$type<ReservationStatus>(),
    expiresAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type Reservation = InferEntity<typeof ReservationSchema>;
