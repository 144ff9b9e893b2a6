import { Migration } from '@emporium/db';

/**
 * Two limits on what one shopper's checkouts may hold, each decided by the database in
 * checkout's one statement, so concurrent checkouts cannot both slip past.
 *
 * How many unpaid orders each shopper holds, so checkout can cap them in its one statement.
 * A counted row rather than a count of orders, because two checkouts of one shopper at once
 * must see each other: the upsert locks the row and re-reads it, where a count would read
 * a snapshot from before the other committed. Each upsert writes the configured cap beside
 * the count, so the check refuses the whole statement (the order with it) past the cap.
 */
export class Migration20261204000000 extends Migration {
  override up(): void {
    this.addSql(`
      create table unpaid_orders (
        user_id uuid primary key,
        count int not null check (count >= 0),
        cap int not null,
        constraint unpaid_orders_within_cap check (count <= cap)
      )`);
    this.addSql(`
      insert into unpaid_orders (user_id, count, cap)
      select user_id, count(*), greatest(count(*), 5) from orders
      where status in ('PENDING', 'AWAITING_PAYMENT', 'PAYMENT_PROCESSING', 'PAYMENT_FAILED')
      group by user_id`);

    // Which state of the cart an order took (its lines' ids and quantities, hashed). Unique
    // per shopper among orders that consumed their cart, so a second checkout of the same
    // lines (another tab, another key) before the reservation empties the cart is refused;
    // a REJECTED order left the cart as it was, so those lines may be checked out again.
    this.addSql('alter table orders add column cart_claim varchar(64)');
    this.addSql(
      `create unique index orders_cart_claim_unique on orders (user_id, cart_claim) where status <> 'REJECTED'`,
    );
  }

  override down(): void {
    this.addSql('drop index orders_cart_claim_unique');
    this.addSql('alter table orders drop column cart_claim');
    this.addSql('drop table unpaid_orders');
  }
}
