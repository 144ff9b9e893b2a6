import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { JWK } from 'jose';

/**
 * A key pair that signs user tokens. Replicas sign with the newest key that has activated
 * and publish every key from its creation (ahead of activation, so routers know it before
 * any token names it) until every token it signed has expired. The private half is sealed
 * with the configured key-encryption key (AES-256-GCM); `privateJwk` is only ever set on
 * rows written before encryption, which identity seals at start-up.
 */
export const SigningKeySchema = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_keys',
  properties: {
    kid: p.string().primary(),
    /** Legacy plaintext private key; null once sealed. */
    privateJwk: p.json<JWK>().nullable().hidden(),
    /** `v1.<iv>.<tag>.<ciphertext>`, see KeyEncryption. */
    sealedPrivateJwk: p.text().nullable().hidden(),
    publicJwk: p.json<JWK>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** From when replicas sign with it. */
    activatesAt: p.datetime(),
    /** When its successor activated; it then signs nothing more, and is published until its tokens have expired. */
    retiredAt: p.datetime().nullable(),
  },
});

export type SigningKey = InferEntity<typeof SigningKeySchema>;
