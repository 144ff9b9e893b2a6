import { Migration } from '@emporium/db';

/** Users and the keys that sign their tokens. */
export class Migration20261125000000 extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        email varchar(254) NOT NULL,
        display_name varchar(60) NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL DEFAULT '{SHOPPER}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_unique UNIQUE (email),
        CONSTRAINT users_roles_known CHECK (roles <@ ARRAY['SHOPPER', 'ADMIN']::text[])
      )`);
    this.addSql(`
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        private_jwk jsonb NOT NULL,
        public_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      )`);
  }

  override down(): void {
    this.addSql('DROP TABLE signing_keys');
    this.addSql('DROP TABLE users');
  }
}
