import { Migration } from '@emporium/db';

/**
 * Every committed change to the catalogue replica fires `catalogue_replica`, so a request
 * waiting for a product the replica has not seen yet (setStock right after createProduct)
 * wakes when it lands instead of polling. One notification per statement, with no payload:
 * PostgreSQL folds identical ones within a transaction, so a batch of thousands costs one.
 */
export class Migration20261220000000 extends Migration {
  override up(): void {
    this.addSql(`
      CREATE FUNCTION notify_catalogue_replica() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('catalogue_replica', '');
        RETURN NULL;
      END $$`);
    this.addSql(`
      CREATE TRIGGER catalogue_products_notify AFTER INSERT OR UPDATE ON catalogue_products
      FOR EACH STATEMENT EXECUTE FUNCTION notify_catalogue_replica()`);
  }

  override down(): void {
    this.addSql('DROP TRIGGER catalogue_products_notify ON catalogue_products');
    this.addSql('DROP FUNCTION notify_catalogue_replica()');
  }
}
