import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** An account. The email is stored normalised (trimmed, lower-cased) and unique. */
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    email: p.string().length(254).unique(),
    displayName: p.string().length(60),
    /** scrypt parameters, salt and hash; never leaves this subgraph. */
    passwordHash: p.string().hidden().lazy(),
    roles: p.array().columnType('text[]'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type User = InferEntity<typeof UserSchema>;
