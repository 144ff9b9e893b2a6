import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Session, SessionStore } from './session.ts';

export const SessionContext = createContext<SessionStore | null>(null);

export function useSessionStore(): SessionStore {
  const store = useContext(SessionContext);
  if (!store) throw new Error('useSessionStore outside SessionContext');
  return store;
}

/** The signed-in shopper, re-rendering on sign-in, sign-out and refresh (in any tab). */
export function useSession(): Session | null {
  const store = useSessionStore();
  return useSyncExternalStore(store.subscribe, store.current);
}

/**
 * The roles the access token names, to decide which links to show; the router enforces them.
 * The token is the server's JWT, whose payload is plain base64url JSON.
 */
export function rolesOf(session: Session | null): string[] {
  const payload = session?.token.split('.')[1];
  if (!payload) return [];
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((role): role is string => typeof role === 'string') : [];
  } catch {
    return [];
  }
}
