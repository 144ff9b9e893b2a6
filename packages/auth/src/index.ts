/**
 * Who is calling, and how services prove it to each other.
 *
 * Shoppers and admins hold user tokens issued by the identity subgraph (asymmetric JWTs the
 * router verifies against identity's JWKS). The router never forwards those to subgraphs:
 * for each subgraph request it signs a short-lived *router assertion* naming the caller and
 * that subgraph (see assertion.ts). A subgraph accepts no request without a valid assertion,
 * so neither a direct call nor a forged identity header gets through.
 */

export { ROLES, isRole } from './caller.ts';
export type { Caller, Role } from './caller.ts';

/** Issuer and audience of user tokens; identity signs with them, the router checks them. */
export const USER_TOKEN_ISSUER = 'emporium-identity';
export const USER_TOKEN_AUDIENCE = 'emporium';
/** The only algorithm user tokens use; anything else (including `none`) is rejected. */
export const USER_TOKEN_ALGORITHM = 'ES256';

export {
  ASSERTION_ALGORITHM,
  ASSERTION_MAX_AGE_SECONDS,
  InvalidAssertionError,
  ORDER_SERVICE_ISSUER,
  ROUTER_ASSERTION_HEADER,
  ROUTER_ISSUER,
  assertionSigningKey,
  assertionVerificationKey,
  generateAssertionKeyPair,
  signRouterAssertion,
  verifyRouterAssertion,
} from './assertion.ts';
export type { AssertionKeyPair, AssertionSigningKey, AssertionVerificationKey, RouterAssertion } from './assertion.ts';
