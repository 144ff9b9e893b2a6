import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse } from 'graphql';
import { buildSchema } from '../src/schema.ts';
import { startIdentity, type IdentityHarness } from './support.ts';

/** Review authors on a product page arrive as one `_entities` call: one statement for any number. */
let identity: IdentityHarness;
const statements: string[] = [];
const ids = Array.from({ length: 20 }, () => randomUUID());

const ENTITIES = parse(`
  query Authors($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on User { id displayName email } }
  }
`);

beforeAll(async () => {
  identity = await startIdentity({ onQuery: (sql) => statements.push(sql) });
  for (const [i, id] of ids.entries()) {
    await identity.orm.em
      .fork()
      .execute(`INSERT INTO users (id, email, display_name, password_hash) VALUES (?, ?, ?, 'locked')`, [
        id,
        `author-${i}@example.com`,
        `Author ${i}`,
      ]);
  }
});

afterAll(async () => {
  await identity.close();
});

async function statementsFor(count: number): Promise<number> {
  const context = identity.context();
  statements.length = 0;
  const representations = ids.slice(0, count).map((id) => ({ __typename: 'User', id }));
  const result = await execute({
    schema: buildSchema(),
    document: ENTITIES,
    variableValues: { representations },
    contextValue: context,
  });
  expect(result.errors).toBeUndefined();
  const users = (result.data as { _entities: { id: string; displayName: string; email: string | null }[] })._entities;
  expect(users.map((user) => user.id)).toEqual(ids.slice(0, count));
  // Emails are private: an anonymous caller (here, a product page's viewer) never sees them.
  expect(users.every((user) => user.email === null && user.displayName.startsWith('Author'))).toBe(true);
  return statements.length;
}

describe('user references', () => {
  it('load 5 or 20 users with a single statement', async () => {
    expect(await statementsFor(5)).toBe(1);
    expect(await statementsFor(20)).toBe(1);
  });
});
