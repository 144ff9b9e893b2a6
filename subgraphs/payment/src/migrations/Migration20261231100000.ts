import { Migration } from '@emporium/db';

/**
 * Refunds owed, as a queue: a captured payment whose order ended unpaid, or a second capture
 * of one order, gets a row when that becomes true (under the order's read-model lock, see
 * refund.service.ts), and loses it when it is refunded. The sweep used to find them by joining
 * every captured payment with its order on each pass, a cost that grew with all history.
 * The backfill is that join once, as it stood at this release (a migration is a snapshot).
 */
export class Migration20261231100000 extends Migration {
  override up(): void {
    this.addSql(`create table refunds_due (
      payment_id uuid primary key references payments (id),
      order_id uuid not null,
      due_since timestamptz not null default now()
    )`);
    this.addSql('create index refunds_due_order_idx on refunds_due (order_id)');
    this.addSql(`insert into refunds_due (payment_id, order_id)
      select p.id, p.order_id
      from payments p join payable_orders o on o.order_id = p.order_id
      where p.status = 'SUCCEEDED' and p.provider_intent_id is not null
        and (o.status in ('REJECTED', 'EXPIRED', 'CANCELLED')
          or exists (select 1 from payments q where q.order_id = p.order_id and q.id <> p.id
                     and q.status = 'SUCCEEDED' and (q.updated_at, q.id) < (p.updated_at, p.id)))`);
  }

  override down(): void {
    this.addSql('drop table refunds_due');
  }
}
