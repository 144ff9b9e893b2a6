import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A provider webhook event applied once: a redelivery of the same event id changes nothing. */
export const ProviderEventSchema = defineEntity({
  name: 'ProviderEvent',
  tableName: 'provider_events',
  properties: {
    /** The provider's event id (evt_...). */
    id: p.string().primary(),
    type: p.string(),
    receivedAt: p.datetime(),
  },
});

export type ProviderEvent = InferEntity<typeof ProviderEventSchema>;
