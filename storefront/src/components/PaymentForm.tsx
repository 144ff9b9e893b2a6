/**
 * Paying an order. A card is exchanged for a single-use token directly at the payment provider
 * (its `tokenizationUrl`, with the publishable key), so card numbers never reach the router;
 * only the token goes into `payOrder`. UPI sends the shopper's VPA instead.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { userErrorMessage } from '../api/errors.ts';
import { PayOrderDocument, PaymentConfigDocument, type UserErrorFieldsFragment } from '../generated/graphql.ts';
import { formText } from '../lib/forms.ts';
import { newIdempotencyKey } from '../lib/keys.ts';
import { ErrorNotice } from './ErrorNotice.tsx';

interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** Why tokenization failed, in the provider's words (they are written for shoppers). */
class CardRejected extends Error {}

/** "12/30" or "12/2030" → month and four-digit year; null when it is not a date. */
export function parseExpiry(value: string): { expMonth: number; expYear: number } | null {
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(value);
  if (!match?.[1] || !match[2]) return null;
  const expMonth = Number(match[1]);
  const year = Number(match[2]);
  if (expMonth < 1 || expMonth > 12) return null;
  return { expMonth, expYear: year < 100 ? 2000 + year : year };
}

async function tokenize(url: string, publishableKey: string, card: CardInput): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${publishableKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ card }),
    });
  } catch {
    throw new CardRejected("We couldn't reach the payment service. Your card was not charged; please try again.");
  }
  const body = (await response.json().catch(() => ({}))) as { id?: unknown; error?: { message?: unknown } };
  if (response.ok && typeof body.id === 'string') return body.id;
  const message = typeof body.error?.message === 'string' ? body.error.message : 'Please check your card details.';
  throw new CardRejected(message);
}

export function PaymentForm({ orderId, onSubmitted }: { orderId: string; onSubmitted: () => void }) {
  const config = useQuery(PaymentConfigDocument);
  const [payOrder] = useMutation(PayOrderDocument);
  const [method, setMethod] = useState<'CARD' | 'UPI'>('CARD');
  const [busy, setBusy] = useState(false);
  const [rejected, setRejected] = useState<string | null>(null);
  const [errors, setErrors] = useState<readonly UserErrorFieldsFragment[]>([]);
  const [failure, setFailure] = useState<unknown>(null);

  const supported = config.data?.paymentConfig.supportedPaymentTypes ?? ['CARD'];

  const pay = async (form: HTMLFormElement): Promise<void> => {
    const paymentConfig = config.data?.paymentConfig;
    if (!paymentConfig) throw new CardRejected('The payment options are still loading. Please try again.');
    const fields = new FormData(form);
    const input = { orderId, idempotencyKey: newIdempotencyKey(), paymentMode: 'ONLINE' as const };
    let variables;
    if (method === 'CARD') {
      const expiry = parseExpiry(formText(fields, 'expiry'));
      if (!expiry) throw new CardRejected('Enter the expiry date as MM/YY.');
      const token = await tokenize(paymentConfig.tokenizationUrl, paymentConfig.publishableKey, {
        number: formText(fields, 'number').replace(/[\s-]/g, ''),
        cvc: formText(fields, 'cvc'),
        ...expiry,
      });
      // The card has done its job; nothing of it stays on the page.
      form.reset();
      variables = { input: { ...input, paymentType: 'CARD' as const, paymentMethodToken: token } };
    } else {
      variables = { input: { ...input, paymentType: 'UPI' as const, upiVpa: formText(fields, 'vpa') } };
    }
    const { data } = await payOrder({ variables });
    const payload = data?.payOrder;
    if (!payload) return;
    setErrors(payload.userErrors);
    if (payload.userErrors.length === 0) onSubmitted();
  };

  return (
    <form
      className="stacked-form payment-form"
      aria-labelledby="pay-heading"
      onSubmit={(event) => {
        event.preventDefault();
        setRejected(null);
        setErrors([]);
        setFailure(null);
        setBusy(true);
        pay(event.currentTarget)
          .catch((problem: unknown) => {
            if (problem instanceof CardRejected) setRejected(problem.message);
            else setFailure(problem);
          })
          .finally(() => {
            setBusy(false);
          });
      }}
    >
      <h2 id="pay-heading">Pay for your order</h2>
      {supported.includes('UPI') && (
        <fieldset className="choice">
          <legend>Payment method</legend>
          <label>
            <input
              type="radio"
              name="method"
              checked={method === 'CARD'}
              onChange={() => {
                setMethod('CARD');
              }}
            />{' '}
            Card
          </label>
          <label>
            <input
              type="radio"
              name="method"
              checked={method === 'UPI'}
              onChange={() => {
                setMethod('UPI');
              }}
            />{' '}
            UPI
          </label>
        </fieldset>
      )}
      {method === 'CARD' ? (
        <>
          <label>
            Card number
            <input
              name="number"
              inputMode="numeric"
              autoComplete="cc-number"
              required
              pattern="[0-9 \-]{12,23}"
              placeholder="1234 1234 1234 1234"
            />
          </label>
          <div className="row">
            <label>
              Expiry (MM/YY)
              <input
                name="expiry"
                autoComplete="cc-exp"
                required
                placeholder="MM/YY"
                pattern="\s*\d{1,2}\s*/\s*\d{2,4}\s*"
              />
            </label>
            <label>
              Security code
              <input
                name="cvc"
                inputMode="numeric"
                autoComplete="cc-csc"
                required
                pattern="\d{3,4}"
                placeholder="CVC"
              />
            </label>
          </div>
        </>
      ) : (
        <label>
          UPI ID
          <input name="vpa" autoComplete="off" required placeholder="name@bank" pattern="[^@\s]+@[^@\s]+" />
        </label>
      )}
      <div role="alert">
        {rejected && <p className="error-text">{rejected}</p>}
        {errors.map((error) => (
          <p key={error.code} className="error-text" data-code={error.code}>
            {userErrorMessage(error)}
          </p>
        ))}
      </div>
      {failure !== null && <ErrorNotice error={failure} />}
      {config.error && !config.data && <ErrorNotice error={config.error} />}
      <button type="submit" disabled={busy || !config.data}>
        {busy ? 'Paying…' : 'Pay now'}
      </button>
    </form>
  );
}
