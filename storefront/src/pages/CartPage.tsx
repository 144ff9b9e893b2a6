import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useCart, useCartActions } from '../api/cart.ts';
import { userErrorMessage } from '../api/errors.ts';
import { useSession } from '../api/session-react.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { formatMoney } from '../lib/money.ts';

export default function CartPage() {
  const session = useSession();
  const { cart, loading, error, refetch } = useCart();
  const { update, remove, busy } = useCartActions();
  const [params] = useSearchParams();
  const [message, setMessage] = useState<string | null>(
    // Set by sign-in when merging the guest cart capped a line at the stock left.
    params.get('capped') ? 'Some quantities were reduced to what is in stock.' : null,
  );
  const [failure, setFailure] = useState<unknown>(null);

  const run = (change: Promise<{ userErrors: readonly { code: string; message: string }[] }>): void => {
    setMessage(null);
    setFailure(null);
    change.then(
      ({ userErrors }) => {
        const [first] = userErrors;
        if (first) setMessage(userErrorMessage(first));
      },
      (problem: unknown) => {
        setFailure(problem);
      },
    );
  };

  if (loading && !cart) return <p className="loading">Loading your cart…</p>;
  return (
    <section className="cart-page" aria-labelledby="cart-heading">
      <h1 id="cart-heading">Your cart</h1>
      {error !== undefined && !cart && <ErrorNotice error={error} onRetry={refetch} />}
      {failure !== null && <ErrorNotice error={failure} />}
      <div role="status">{message && <p className="error-text">{message}</p>}</div>
      {!cart || cart.lines.length === 0 ? (
        <p>
          Your cart is empty. <Link to="/">Find something you like</Link>
        </p>
      ) : (
        <>
          <ul className="cart-lines">
            {cart.lines.map((line) => (
              <li key={line.id} className="cart-line">
                <Link to={`/products/${line.product.id}`} className="product-name">
                  {line.product.name}
                </Link>
                <span className="price">{formatMoney(line.product.price)}</span>
                <label>
                  <span className="visually-hidden">Quantity of {line.product.name}</span>
                  <select
                    value={line.quantity}
                    disabled={busy}
                    onChange={(event) => {
                      run(update(line.id, Number(event.target.value)));
                    }}
                  >
                    {Array.from(
                      { length: Math.max(line.quantity, Math.min(10, line.product.inventory.available)) },
                      (_, index) => (
                        <option key={index + 1} value={index + 1}>
                          {index + 1}
                        </option>
                      ),
                    )}
                  </select>
                </label>
                <button
                  type="button"
                  className="link-button"
                  disabled={busy}
                  onClick={() => {
                    run(remove(line.id));
                  }}
                >
                  Remove<span className="visually-hidden"> {line.product.name}</span>
                </button>
              </li>
            ))}
          </ul>
          <p className="subtotal">
            Subtotal ({cart.totalQuantity} {cart.totalQuantity === 1 ? 'item' : 'items'}):{' '}
            <strong data-testid="subtotal">{formatMoney(cart.subtotal)}</strong>
          </p>
          {session ? (
            <Link to="/checkout" className="button">
              Proceed to checkout
            </Link>
          ) : (
            <p>
              <Link to="/signin?next=/checkout" className="button">
                Sign in to check out
              </Link>{' '}
              <Link to="/register?next=/checkout">or create an account</Link>. Your cart comes with you.
            </p>
          )}
        </>
      )}
    </section>
  );
}
