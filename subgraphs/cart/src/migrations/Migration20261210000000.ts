import { Migration } from '@emporium/db';

/**
 * Guest carts live beside shoppers' carts in `carts`: a random id that is no user id, and
 * `guest` set, so a guest cart is never read or changed through a user id and a shopper's
 * cart never through a guest's key. The partial index serves the expiry job, which deletes
 * guest carts by how long they have gone without a change.
 */
export class Migration20261210000000 extends Migration {
  override up(): void {
    this.addSql('ALTER TABLE carts ADD COLUMN guest boolean NOT NULL DEFAULT false');
    this.addSql('CREATE INDEX carts_guest_idle ON carts (updated_at) WHERE guest');
  }

  override down(): void {
    this.addSql('DROP INDEX carts_guest_idle');
    this.addSql('ALTER TABLE carts DROP COLUMN guest');
  }
}
