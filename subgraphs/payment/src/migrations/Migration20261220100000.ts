import { Migration, notifyOnChange } from '@emporium/db';

const PAYABLE_ORDERS = notifyOnChange('payable_orders', 'payable_orders');

/**
 * Every committed change to the order read model fires `payable_orders`, so payOrder for
 * an order the read model has not caught up with waits for the event that settles it
 * instead of polling.
 */
export class Migration20261220100000 extends Migration {
  override up(): void {
    for (const sql of PAYABLE_ORDERS.up) this.addSql(sql);
  }

  override down(): void {
    for (const sql of PAYABLE_ORDERS.down) this.addSql(sql);
  }
}
