import { Migration } from '@emporium/db';

/**
 * When each order's stock reservation lapses (from OrderPlaced), so payOrder refuses an
 * order that has expired by the clock even before its EXPIRED event reaches the read model:
 * an expired order must never be charged.
 */
export class Migration20261205100000 extends Migration {
  override up(): void {
    this.addSql('alter table payable_orders add column reservation_expires_at timestamptz');
  }
}
