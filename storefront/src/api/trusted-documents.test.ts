import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import contractText from '../../../schema/contract/operations.graphql?raw';
import manifest from '../generated/persisted-documents.json' with { type: 'json' };
import { operationNameOf, trustedDocument } from './trusted-documents.ts';

const operationNames = parse(contractText).definitions.flatMap((definition) =>
  definition.kind === Kind.OPERATION_DEFINITION && definition.name ? [definition.name.value] : [],
);

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

describe('trusted documents', () => {
  it('lists every contract operation, each under the SHA-256 of the exact text the storefront sends', async () => {
    expect(operationNames.length).toBeGreaterThan(20);
    for (const name of operationNames) {
      const { query, sha256Hash } = trustedDocument(name);
      expect(await sha256(query), name).toBe(sha256Hash);
      expect((manifest as Record<string, string>)[`sha256:${sha256Hash}`]).toBe(query);
      expect(operationNameOf(parse(query))).toBe(name);
    }
  });

  it('refuses an operation that is not listed', () => {
    expect(() => trustedDocument('DropEverything')).toThrow('not a trusted document');
    expect(() => trustedDocument(undefined)).toThrow('not a trusted document');
  });
});
