/**
 * Trusted documents: the storefront runs only the contract's operations, each sent as the exact
 * text codegen hashed into persisted-documents.json together with that SHA-256 hash
 * (`extensions.persistedQuery`), so a router that allows only listed hashes accepts it and one
 * that checks the hash against the text finds them equal.
 */
import { Kind, type ASTNode } from 'graphql';
import manifest from '../generated/persisted-documents.json' with { type: 'json' };

export interface TrustedDocument {
  /** Hex SHA-256 of `query`. */
  sha256Hash: string;
  query: string;
}

const byName = new Map<string, TrustedDocument>();
for (const [key, query] of Object.entries(manifest as Record<string, string>)) {
  // Fragments come first in each text; the operation's keyword and name follow them.
  const name = /\b(?:query|mutation|subscription)\s+(\w+)/.exec(query)?.[1];
  if (name) byName.set(name, { sha256Hash: key.replace(/^sha256:/, ''), query });
}

/** The listed document of an operation; anything else is a bug in the storefront, not a request to send. */
export function trustedDocument(operationName: string | undefined): TrustedDocument {
  const document = operationName === undefined ? undefined : byName.get(operationName);
  if (!document) throw new Error(`operation ${operationName ?? '(anonymous)'} is not a trusted document`);
  return document;
}

/** The name of the operation a document node holds. */
export function operationNameOf(node: ASTNode): string | undefined {
  if (node.kind !== Kind.DOCUMENT) return undefined;
  for (const definition of node.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) return definition.name?.value;
  }
  return undefined;
}
