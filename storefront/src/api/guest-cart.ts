/**
 * The guest cart's id: the only key to a cart filled without signing in, kept in this browser
 * until sign-in merges the cart into the shopper's own.
 */
import { useSyncExternalStore } from 'react';
import { readJson, writeJson } from './storage.ts';

const KEY = 'emporium.guestCartId';
const listeners = new Set<() => void>();

export const guestCartId = (): string | null => {
  const value = readJson(KEY);
  return typeof value === 'string' ? value : null;
};

export const rememberGuestCart = (id: string | null): void => {
  writeJson(KEY, id);
  for (const listener of listeners) listener();
};

const subscribe = (listener: () => void): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useGuestCartId = (): string | null => useSyncExternalStore(subscribe, guestCartId);
