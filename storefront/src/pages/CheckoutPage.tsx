/**
 * Checkout: the shopper confirms the total they see, which the server checks (`expectedTotal`);
 * when prices moved in the meantime nothing is ordered and the page says so plainly, showing
 * the new total to confirm. A retry after a lost answer reuses the attempt's idempotency key,
 * so it can never order twice.
 */
import { useMutation } from '@apollo/client/react';
import { useRef, useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';
import { useCart } from '../api/cart.ts';
import { userErrorMessage } from '../api/errors.ts';
import { useSession } from '../api/session-react.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { CheckoutDocument, MyCartDocument, type UserErrorFieldsFragment } from '../generated/graphql.ts';
import { newIdempotencyKey } from '../lib/keys.ts';
import { formatMoney } from '../lib/money.ts';

export default function CheckoutPage() {
  const session = useSession();
  const navigate = useNavigate();
  const { cart, loading, error, refetch } = useCart();
  const [checkout, { loading: placing }] = useMutation(CheckoutDocument);
  const attempt = useRef(newIdempotencyKey());
  const [errors, setErrors] = useState<readonly UserErrorFieldsFragment[]>([]);
  const [failure, setFailure] = useState<unknown>(null);

  if (!session) return <Navigate to="/signin?next=/checkout" replace />;
  if (loading && !cart) return <p className="loading">Loading…</p>;
  if (error !== undefined && !cart) return <ErrorNotice error={error} onRetry={refetch} />;
  if (!cart || cart.lines.length === 0) {
    return (
      <p>
        Your cart is empty. <Link to="/">Continue shopping</Link>
      </p>
    );
  }
  const priceChanged = errors.find((e) => e.code === 'PRICE_CHANGED');

  const place = (): void => {
    setErrors([]);
    setFailure(null);
    checkout({
      variables: {
        input: {
          idempotencyKey: attempt.current,
          expectedTotal: { amount: cart.subtotal.amount, currencyCode: cart.subtotal.currencyCode },
        },
      },
      // The ordered lines leave the cart.
      refetchQueries: [MyCartDocument],
    }).then(
      ({ data }) => {
        const payload = data?.checkout;
        if (!payload) return;
        // A definite answer: the next attempt is a new request with a new key.
        attempt.current = newIdempotencyKey();
        if (payload.order) {
          void navigate(`/orders/${payload.order.id}`);
          return;
        }
        setErrors(payload.userErrors);
        refetch();
      },
      (problem: unknown) => {
        setFailure(problem);
      },
    );
  };

  return (
    <section className="checkout-page" aria-labelledby="checkout-heading">
      <h1 id="checkout-heading">Checkout</h1>
      {priceChanged && (
        <div className="notice notice-warning" role="alert" data-code="PRICE_CHANGED">
          <p>
            <strong>Prices have changed since you added these items.</strong>
          </p>
          <p>{priceChanged.message}</p>
          <p>Nothing was ordered. Please check the new total below and place your order again.</p>
        </div>
      )}
      {errors
        .filter((e) => e.code !== 'PRICE_CHANGED')
        .map((e) => (
          <p key={e.code} className="notice notice-error" role="alert" data-code={e.code}>
            {userErrorMessage(e)}
          </p>
        ))}
      {failure !== null && <ErrorNotice error={failure} />}
      <table className="summary">
        <caption className="visually-hidden">Order summary</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Qty</th>
            <th scope="col">Price</th>
          </tr>
        </thead>
        <tbody>
          {cart.lines.map((line) => (
            <tr key={line.id}>
              <td>{line.product.name}</td>
              <td>{line.quantity}</td>
              <td>{formatMoney(line.product.price)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Total
            </th>
            <td data-testid="expected-total">
              <strong>{formatMoney(cart.subtotal)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
      <p className="muted small">Your items are reserved for you when you place the order, until you pay.</p>
      <button type="button" onClick={place} disabled={placing}>
        {placing ? 'Placing your order…' : `Place order · ${formatMoney(cart.subtotal)}`}
      </button>
    </section>
  );
}
