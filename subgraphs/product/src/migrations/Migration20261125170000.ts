import { Migration } from '@emporium/db';

/**
 * Change data capture logs the whole old row of a product, so an update that leaves a long
 * (TOASTed) description unchanged still lets consumers know its value.
 */
export class Migration20261125170000 extends Migration {
  override up(): void {
    this.addSql('ALTER TABLE products REPLICA IDENTITY FULL');
  }

  override down(): void {
    this.addSql('ALTER TABLE products REPLICA IDENTITY DEFAULT');
  }
}
