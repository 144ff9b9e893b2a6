import { Migration } from '@emporium/db';

/**
 * Every committed change to the order read model fires `payable_orders`, so payOrder for
 * an order the read model has not caught up with waits for the event that settles it
 * instead of polling. One notification per statement, with no payload.
 */
export class Migration20261220100000 extends Migration {
  override up(): void {
    this.addSql(`
      CREATE FUNCTION notify_payable_orders() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('payable_orders', '');
        RETURN NULL;
      END $$`);
    this.addSql(`
      CREATE TRIGGER payable_orders_notify AFTER INSERT OR UPDATE ON payable_orders
      FOR EACH STATEMENT EXECUTE FUNCTION notify_payable_orders()`);
  }

  override down(): void {
    this.addSql('DROP TRIGGER payable_orders_notify ON payable_orders');
    this.addSql('DROP FUNCTION notify_payable_orders()');
  }
}
