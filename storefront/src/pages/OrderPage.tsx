/**
 * One order, live: its status timeline grows as `orderStatusChanged` delivers changes, with no
 * reload. After a dropped connection the socket comes back on its own and the page fetches the
 * order again, so nothing that happened meanwhile is missed. While the order holds stock unpaid,
 * a countdown shows how long is left to pay, and the payment form is at hand.
 */
import { skipToken, useApolloClient, useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { Link, Navigate, useParams } from 'react-router';
import { onSubscriptionsReconnected } from '../api/client.ts';
import { paymentFailureMessage } from '../api/errors.ts';
import { useSession } from '../api/session-react.ts';
import { Countdown } from '../components/Countdown.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { PaymentForm } from '../components/PaymentForm.tsx';
import {
  MyCartDocument,
  OrderStatusChangedDocument,
  OrderStatusDocument,
  type OrderStatus,
} from '../generated/graphql.ts';
import { formatMoney } from '../lib/money.ts';
import { STATUS_LABELS } from '../lib/order-status.ts';

interface StatusEntry {
  status: OrderStatus;
  at: string;
  reason: string | null;
}

const PAYABLE = new Set<OrderStatus>(['AWAITING_PAYMENT', 'PAYMENT_FAILED']);

/** History from the server and live events, each change once, oldest first. */
function mergeTimeline(history: readonly StatusEntry[], live: readonly StatusEntry[]): StatusEntry[] {
  const seen = new Map<string, StatusEntry>();
  for (const entry of [...history, ...live]) seen.set(`${entry.status}@${Date.parse(entry.at)}`, entry);
  return [...seen.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export default function OrderPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const { data, error, refetch } = useQuery(
    OrderStatusDocument,
    session === null ? skipToken : { variables: { id }, fetchPolicy: 'cache-and-network' },
  );
  const [live, setLive] = useState<StatusEntry[]>([]);
  const [liveReservedUntil, setLiveReservedUntil] = useState<string | null | undefined>(undefined);
  const [awaitingOutcome, setAwaitingOutcome] = useState(false);

  const subscription = useSubscription(OrderStatusChangedDocument, {
    variables: { orderId: id },
    skip: session === null,
    onData: ({ data: event }) => {
      const change = event.data?.orderStatusChanged;
      if (!change) return;
      setLive((entries) => [...entries, { status: change.status, at: change.at, reason: change.reason }]);
      setLiveReservedUntil(change.order.reservedUntil);
      if (change.status !== 'PAYMENT_PROCESSING') setAwaitingOutcome(false);
      // The payment's own details (a decline's reason) come with the order.
      if (change.status === 'PAID' || change.status === 'PAYMENT_FAILED') void refetch().catch(() => undefined);
    },
  });

  // The cart gives up the ordered lines when the stock is reserved (cart-worker, after the
  // checkout answered), so the header's count is fetched again once the order is past PENDING;
  // the refetch at checkout was too early and still counted them.
  const client = useApolloClient();
  const latest = live.at(-1)?.status ?? data?.order?.status;
  const reserved = latest !== undefined && latest !== 'PENDING';
  useEffect(() => {
    if (reserved) void client.refetchQueries({ include: [MyCartDocument] }).catch(() => undefined);
  }, [client, reserved]);

  // Back after a dropped connection: fetch what changed while the socket was down.
  useEffect(
    () =>
      onSubscriptionsReconnected(() => {
        void refetch().catch(() => undefined);
      }),
    [refetch],
  );

  if (!session) return <Navigate to={`/signin?next=${encodeURIComponent(`/orders/${id}`)}`} replace />;
  if (error && !data) {
    return (
      <ErrorNotice
        error={error}
        onRetry={() => {
          void refetch().catch(() => undefined);
        }}
      />
    );
  }
  const order = data?.order;
  if (data && !order) {
    return (
      <p>
        We can't find that order. <Link to="/orders">Your orders</Link>
      </p>
    );
  }
  if (!order) return <p className="loading">Loading your order…</p>;

  const timeline = mergeTimeline(order.statusHistory, live);
  const status = timeline.at(-1)?.status ?? order.status;
  const reservedUntil = liveReservedUntil === undefined ? order.reservedUntil : liveReservedUntil;
  const lastFailure = [...timeline].reverse().find((entry) => entry.status === 'PAYMENT_FAILED');
  const failureReason = order.payment?.failureReason ?? lastFailure?.reason ?? null;

  return (
    <article className="order-page" aria-labelledby="order-heading">
      <h1 id="order-heading">Order {order.id.slice(0, 8).toUpperCase()}</h1>
      <p className="order-status" role="status" aria-live="polite">
        Status: <strong data-testid="order-status">{STATUS_LABELS[status]}</strong>
        {awaitingOutcome && status !== 'PAYMENT_PROCESSING' && ' · submitting payment…'}
      </p>
      {PAYABLE.has(status) && reservedUntil && <Countdown until={reservedUntil} label="Pay within" />}
      {status === 'PAYMENT_FAILED' && (
        <div className="notice notice-error" role="alert" data-testid="payment-failure">
          <p>{paymentFailureMessage(failureReason)}</p>
        </div>
      )}
      {status === 'PAID' && (
        <p className="notice notice-ok">Thank you! Your payment was received and your order is confirmed.</p>
      )}
      {subscription.error && (
        <p className="muted small" role="status">
          Live updates are paused; this page refreshes when they come back.
        </p>
      )}
      <div className="order-layout">
        <section aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Timeline</h2>
          <ol className="timeline" data-testid="timeline">
            {timeline.map((entry) => (
              <li key={`${entry.status}@${entry.at}`} data-status={entry.status}>
                <span className="timeline-label">{STATUS_LABELS[entry.status]}</span>{' '}
                <time dateTime={entry.at} className="muted small">
                  {new Date(entry.at).toLocaleTimeString()}
                </time>
                {entry.status === 'PAYMENT_FAILED' && entry.reason && (
                  <span className="muted small"> · {paymentFailureMessage(entry.reason)}</span>
                )}
              </li>
            ))}
          </ol>
        </section>
        <section aria-labelledby="items-heading">
          <h2 id="items-heading">Items</h2>
          <ul className="order-lines">
            {order.lines.map((line) => (
              <li key={line.product.id}>
                {line.quantity} × <Link to={`/products/${line.product.id}`}>{line.product.name}</Link>{' '}
                <span className="muted">{formatMoney(line.unitPrice)}</span>
              </li>
            ))}
          </ul>
          <p>
            Total: <strong>{formatMoney(order.total)}</strong>
          </p>
        </section>
      </div>
      {PAYABLE.has(status) && (
        <PaymentForm
          orderId={order.id}
          onSubmitted={() => {
            setAwaitingOutcome(true);
          }}
        />
      )}
    </article>
  );
}
