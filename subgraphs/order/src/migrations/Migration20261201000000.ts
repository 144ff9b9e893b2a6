import { Migration, OUTBOX_TABLE_DDL, PROCESSED_EVENTS_TABLE_DDL } from '@emporium/db';

/** Orders with their lines and status history, the outbox of order events, and the saga's applied event ids. */
export class Migration20261201000000 extends Migration {
  override up(): void {
    this.addSql(`
      create table orders (
        id uuid primary key,
        user_id uuid not null,
        status text not null,
        idempotency_key varchar(128) not null,
        cart_fingerprint varchar(64) not null,
        total_minor bigint not null check (total_minor >= 0),
        currency_code char(3) not null,
        reservation_expires_at timestamptz not null,
        status_sequence int not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        constraint orders_user_idempotency_key_unique unique (user_id, idempotency_key)
      )`);
    // myOrders: one shopper's orders, newest first, in keyset pages.
    this.addSql('create index orders_user_created_idx on orders (user_id, created_at desc, id desc)');
    // The expiry sweeper: unpaid orders whose reservation lapsed.
    this.addSql('create index orders_status_expiry_idx on orders (status, reservation_expires_at)');
    this.addSql(`
      create table order_lines (
        id uuid primary key,
        order_id uuid not null references orders (id) on delete cascade,
        product_id uuid not null,
        quantity int not null check (quantity > 0),
        unit_price_minor bigint not null check (unit_price_minor >= 0),
        currency_code char(3) not null,
        position int not null
      )`);
    this.addSql('create index order_lines_order_idx on order_lines (order_id, position)');
    this.addSql(`
      create table order_status_history (
        order_id uuid not null references orders (id) on delete cascade,
        sequence int not null,
        status text not null,
        reason text,
        at timestamptz not null,
        primary key (order_id, sequence)
      )`);
    this.addSql(OUTBOX_TABLE_DDL);
    this.addSql(PROCESSED_EVENTS_TABLE_DDL);
  }

  override down(): void {
    this.addSql('drop table if exists processed_events');
    this.addSql('drop table if exists outbox');
    this.addSql('drop table if exists order_status_history');
    this.addSql('drop table if exists order_lines');
    this.addSql('drop table if exists orders');
  }
}
