import { Migration, OUTBOX_TABLE_DDL, PROCESSED_EVENTS_TABLE_DDL } from '@emporium/db';

/**
 * Stock and reservations, the replica of the catalogue, carts, and the event tables
 * (the outbox Debezium publishes from, and the ids of events already applied).
 */
export class Migration20261126000000 extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE inventory (
        product_id uuid PRIMARY KEY,
        on_hand integer NOT NULL,
        reserved integer NOT NULL DEFAULT 0,
        updated_at timestamptz,
        CONSTRAINT inventory_never_oversold CHECK (reserved >= 0 AND on_hand >= reserved)
      )`);
    this.addSql(`
      CREATE TABLE catalogue_products (
        product_id uuid PRIMARY KEY,
        name text,
        price_minor bigint,
        currency_code char(3),
        deleted boolean NOT NULL DEFAULT false,
        lsn bigint NOT NULL
      )`);
    this.addSql(`
      CREATE TABLE carts (
        id uuid PRIMARY KEY,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // clock_timestamp, not now(): lines keep the order they were added in even within one transaction.
    this.addSql(`
      CREATE TABLE cart_lines (
        id uuid PRIMARY KEY,
        cart_id uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
        product_id uuid NOT NULL,
        quantity integer NOT NULL CHECK (quantity > 0),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT cart_lines_one_per_product UNIQUE (cart_id, product_id)
      )`);
    this.addSql(`
      CREATE TABLE reservations (
        order_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        lines jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('HELD', 'COMMITTED', 'RELEASED', 'REJECTED')),
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(OUTBOX_TABLE_DDL);
    this.addSql(PROCESSED_EVENTS_TABLE_DDL);
  }

  override down(): void {
    for (const table of ['processed_events', 'outbox', 'reservations', 'cart_lines', 'carts', 'catalogue_products']) {
      this.addSql(`DROP TABLE ${table}`);
    }
    this.addSql('DROP TABLE inventory');
  }
}
