import { Migration, OUTBOX_TABLE_DDL, PROCESSED_EVENTS_TABLE_DDL } from '@emporium/db';

/**
 * Payments, the read model of orders they pay, the provider's applied webhook events, the
 * outbox of payment events and the applied order event ids.
 */
export class Migration20261205000000 extends Migration {
  override up(): void {
    this.addSql(`
      create table payable_orders (
        order_id uuid primary key,
        user_id uuid not null,
        total_minor bigint not null check (total_minor >= 0),
        currency_code char(3) not null,
        status text not null,
        status_sequence int not null
      )`);
    this.addSql(`
      create table payments (
        id uuid primary key,
        order_id uuid not null,
        user_id uuid not null,
        idempotency_key varchar(128) not null,
        request_fingerprint varchar(64) not null,
        payment_type text not null check (payment_type in ('CARD', 'UPI')),
        provider_intent_id text unique,
        amount_minor bigint not null check (amount_minor >= 0),
        currency_code char(3) not null,
        status text not null check (status in ('PROCESSING', 'SUCCEEDED', 'FAILED', 'SUBMIT_FAILED', 'REFUNDED')),
        failure_reason text,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        constraint payments_user_idempotency_key_unique unique (user_id, idempotency_key)
      )`);
    // One payment under way per order, even when two payOrder calls race.
    this.addSql(
      `create unique index payments_one_processing_per_order on payments (order_id) where status = 'PROCESSING'`,
    );
    // Order.payment: an order's latest payment.
    this.addSql('create index payments_order_created_idx on payments (order_id, created_at desc)');
    // Reconciliation: payments still waiting for an outcome.
    this.addSql(`create index payments_processing_updated_idx on payments (updated_at) where status = 'PROCESSING'`);
    // The refund sweep: captured payments, checked against their order.
    this.addSql(`create index payments_succeeded_idx on payments (order_id) where status = 'SUCCEEDED'`);
    this.addSql(`
      create table provider_events (
        id text primary key,
        type text not null,
        received_at timestamptz not null default now()
      )`);
    this.addSql(OUTBOX_TABLE_DDL);
    this.addSql(PROCESSED_EVENTS_TABLE_DDL);
  }

  override down(): void {
    this.addSql('drop table if exists processed_events');
    this.addSql('drop table if exists outbox');
    this.addSql('drop table if exists provider_events');
    this.addSql('drop table if exists payments');
    this.addSql('drop table if exists payable_orders');
  }
}
