import { Migration, notifyOnChange } from '@emporium/db';

const CATALOGUE_REPLICA = notifyOnChange('catalogue_products', 'catalogue_replica');

/**
 * Every committed change to the catalogue replica fires `catalogue_replica`, so a request
 * waiting for a product the replica has not seen yet (setStock right after createProduct)
 * wakes when it lands instead of polling.
 */
export class Migration20261220000000 extends Migration {
  override up(): void {
    for (const sql of CATALOGUE_REPLICA.up) this.addSql(sql);
  }

  override down(): void {
    for (const sql of CATALOGUE_REPLICA.down) this.addSql(sql);
  }
}
