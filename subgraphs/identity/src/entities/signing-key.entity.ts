import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { JWK } from 'jose';

/**
 * A key pair that signs user tokens. Every replica signs with the newest one and publishes
 * all unretired public keys in the JWKS, so a rotation never invalidates live tokens.
 * The private key sits in this database; a deployment with a KMS would keep it there instead.
 */
export const SigningKeySchema = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_keys',
  properties: {
    kid: p.string().primary(),
    privateJwk: p.json<JWK>().hidden(),
    publicJwk: p.json<JWK>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    retiredAt: p.datetime().nullable(),
  },
});

export type SigningKey = InferEntity<typeof SigningKeySchema>;
