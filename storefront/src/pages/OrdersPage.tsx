import { NetworkStatus } from '@apollo/client';
import { skipToken, useQuery } from '@apollo/client/react';
import { Link, Navigate } from 'react-router';
import { useSession } from '../api/session-react.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { MyOrdersDocument } from '../generated/graphql.ts';
import { formatMoney } from '../lib/money.ts';
import { STATUS_LABELS } from '../lib/order-status.ts';

export default function OrdersPage() {
  const session = useSession();
  const { data, error, networkStatus, fetchMore, refetch } = useQuery(
    MyOrdersDocument,
    session === null
      ? skipToken
      : { variables: { first: 10 }, fetchPolicy: 'cache-and-network', notifyOnNetworkStatusChange: true },
  );
  if (!session) return <Navigate to="/signin?next=/orders" replace />;
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
  const orders = data?.myOrders;
  if (!orders) return <p className="loading">Loading your orders…</p>;
  return (
    <section aria-labelledby="orders-heading">
      <h1 id="orders-heading">Your orders</h1>
      {orders.edges.length === 0 && (
        <p>
          No orders yet. <Link to="/">Start shopping</Link>
        </p>
      )}
      <ul className="orders-list">
        {orders.edges.map(({ node }) => (
          <li key={node.id}>
            <Link to={`/orders/${node.id}`}>Order {node.id.slice(0, 8).toUpperCase()}</Link>{' '}
            <span>{STATUS_LABELS[node.status]}</span> <strong>{formatMoney(node.total)}</strong>
          </li>
        ))}
      </ul>
      {orders.pageInfo.hasNextPage && (
        <button
          type="button"
          className="button-secondary"
          disabled={networkStatus === NetworkStatus.fetchMore}
          onClick={() => {
            void fetchMore({
              variables: { after: orders.pageInfo.endCursor },
              updateQuery: (previous, { fetchMoreResult }) => ({
                ...fetchMoreResult,
                myOrders: {
                  ...fetchMoreResult.myOrders,
                  edges: [...previous.myOrders.edges, ...fetchMoreResult.myOrders.edges],
                },
              }),
            }).catch(() => undefined);
          }}
        >
          Show more
        </button>
      )}
    </section>
  );
}
