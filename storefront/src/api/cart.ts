/**
 * The cart on screen: the signed-in shopper's, or this browser's guest cart. Adding without a
 * token creates the guest cart, whose id is kept to find it again and to merge it on sign-in.
 */
import { skipToken, useMutation, useQuery } from '@apollo/client/react';
import { useCallback } from 'react';
import {
  AddToCartDocument,
  GuestCartDocument,
  MyCartDocument,
  RemoveCartLineDocument,
  UpdateCartLineDocument,
  type CartFieldsFragment,
  type UserErrorFieldsFragment,
} from '../generated/graphql.ts';
import { rememberGuestCart, useGuestCartId } from './guest-cart.ts';
import { useSession } from './session-react.ts';

export type Cart = CartFieldsFragment;

export interface CartState {
  cart: Cart | null;
  loading: boolean;
  error: unknown;
  refetch: () => void;
}

export function useCart(): CartState {
  const session = useSession();
  const guestId = useGuestCartId();
  const mine = useQuery(MyCartDocument, session === null ? skipToken : { fetchPolicy: 'cache-and-network' });
  const guest = useQuery(
    GuestCartDocument,
    session !== null || guestId === null ? skipToken : { variables: { id: guestId }, fetchPolicy: 'cache-and-network' },
  );
  const active = session === null ? guest : mine;
  const cart = session === null ? (guest.data?.cart ?? null) : (mine.data?.cart ?? null);
  const refetch = useCallback(() => {
    void active.refetch().catch(() => undefined);
  }, [active]);
  return { cart, loading: active.loading, error: active.error, refetch };
}

type CartMutationResult = { cart: Cart | null; userErrors: UserErrorFieldsFragment[] };

/** Cart changes that work the same for guests (by cart id) and signed-in shoppers. */
export function useCartActions(): {
  add: (productId: string, quantity: number) => Promise<CartMutationResult>;
  update: (lineId: string, quantity: number) => Promise<CartMutationResult>;
  remove: (lineId: string) => Promise<CartMutationResult>;
  busy: boolean;
} {
  const session = useSession();
  const guestId = useGuestCartId();
  const cartId = session === null ? (guestId ?? undefined) : undefined;
  const [addToCart, added] = useMutation(AddToCartDocument);
  const [updateLine, updated] = useMutation(UpdateCartLineDocument);
  const [removeLine, removed] = useMutation(RemoveCartLineDocument);

  const add = useCallback(
    async (productId: string, quantity: number): Promise<CartMutationResult> => {
      const { data } = await addToCart({ variables: { input: { productId, quantity, cartId } } });
      const payload = data?.addToCart ?? { cart: null, userErrors: [] };
      // The first guest add created the cart: its id is the only way back to it.
      if (session === null && payload.cart && payload.cart.id !== guestId) rememberGuestCart(payload.cart.id);
      return payload;
    },
    [addToCart, cartId, guestId, session],
  );
  const update = useCallback(
    async (lineId: string, quantity: number): Promise<CartMutationResult> => {
      const { data } = await updateLine({ variables: { input: { lineId, quantity, cartId } } });
      return data?.updateCartLine ?? { cart: null, userErrors: [] };
    },
    [updateLine, cartId],
  );
  const remove = useCallback(
    async (lineId: string): Promise<CartMutationResult> => {
      const { data } = await removeLine({ variables: { input: { lineId, cartId } } });
      return data?.removeCartLine ?? { cart: null, userErrors: [] };
    },
    [removeLine, cartId],
  );
  return { add, update, remove, busy: added.loading || updated.loading || removed.loading };
}
