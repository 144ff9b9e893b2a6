// Apollo Client's cache selects `__typename` in every selection set. The generated documents,
// and so the manifest of their hashes, carry it too: what the storefront sends is then exactly
// the text that was hashed, and the cache still gets the type names it normalises by.
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

export const { transform } = addTypenameSelectionDocumentTransform;
