import { Migration } from '@emporium/db';

/** The catalogue: categories (a tree), sellers, products and reviews. */
export class Migration20261125000000 extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE categories (
        id uuid PRIMARY KEY,
        name varchar(100) NOT NULL,
        slug varchar(100) NOT NULL UNIQUE,
        parent_id uuid REFERENCES categories (id)
      )`);
    this.addSql(`
      CREATE TABLE sellers (
        id uuid PRIMARY KEY,
        name varchar(120) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`
      CREATE TABLE products (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL CHECK (length(name) > 0),
        description text NOT NULL CHECK (length(description) <= 10000),
        brand varchar(100) NOT NULL,
        color varchar(50),
        specs jsonb NOT NULL DEFAULT '[]',
        images jsonb NOT NULL DEFAULT '[]',
        price_minor bigint NOT NULL CHECK (price_minor >= 0),
        currency_code char(3) NOT NULL,
        category_id uuid NOT NULL REFERENCES categories (id),
        seller_id uuid NOT NULL REFERENCES sellers (id),
        rating_count integer NOT NULL DEFAULT 0,
        rating_sum integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The catalogue listing walks (created_at, id) backwards, optionally within categories.
    this.addSql('CREATE INDEX products_newest ON products (created_at DESC, id DESC)');
    this.addSql('CREATE INDEX products_category_newest ON products (category_id, created_at DESC, id DESC)');
    this.addSql('CREATE INDEX products_seller ON products (seller_id)');
    this.addSql(`
      CREATE TABLE reviews (
        id uuid PRIMARY KEY,
        product_id uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
        author_id uuid NOT NULL,
        rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
        title varchar(120) NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reviews_one_per_author UNIQUE (product_id, author_id)
      )`);
    this.addSql('CREATE INDEX reviews_product_newest ON reviews (product_id, created_at DESC, id DESC)');
  }

  override down(): void {
    this.addSql('DROP TABLE reviews');
    this.addSql('DROP TABLE products');
    this.addSql('DROP TABLE sellers');
    this.addSql('DROP TABLE categories');
  }
}
