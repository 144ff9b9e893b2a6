import { Migration } from '@emporium/db';

/**
 * Sessions with rotating refresh tokens, and signing keys that rotate and are sealed at rest.
 * Existing private keys stay readable (`private_jwk`) until identity, which holds the
 * key-encryption key this SQL does not, seals them at start-up.
 */
export class Migration20261201000000 extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        refresh_token_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text,
        CONSTRAINT sessions_refresh_token_hash_unique UNIQUE (refresh_token_hash),
        CONSTRAINT sessions_revoked_reason_known CHECK (revoked_reason IN ('LOGOUT', 'REFRESH_TOKEN_REUSED')),
        CONSTRAINT sessions_revocation_complete CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
      )`);
    this.addSql('CREATE INDEX sessions_user_id ON sessions (user_id)');
    // The routers' revocation feed reads recent revocations many times a second.
    this.addSql('CREATE INDEX sessions_revoked_at ON sessions (revoked_at) WHERE revoked_at IS NOT NULL');
    this.addSql('CREATE INDEX sessions_expires_at ON sessions (expires_at)');
    this.addSql(`
      CREATE TABLE spent_refresh_tokens (
        token_hash text PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        spent_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql('CREATE INDEX spent_refresh_tokens_session_id ON spent_refresh_tokens (session_id)');

    this.addSql('ALTER TABLE signing_keys ALTER COLUMN private_jwk DROP NOT NULL');
    this.addSql('ALTER TABLE signing_keys ADD COLUMN sealed_private_jwk text');
    this.addSql('ALTER TABLE signing_keys ADD COLUMN activates_at timestamptz');
    this.addSql('UPDATE signing_keys SET activates_at = created_at');
    this.addSql('ALTER TABLE signing_keys ALTER COLUMN activates_at SET NOT NULL');
    this.addSql(`
      ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_one_private_half
        CHECK (num_nonnulls(private_jwk, sealed_private_jwk) = 1)`);
  }

  override down(): void {
    this.addSql('ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_one_private_half');
    // Sealed keys cannot go back to plaintext here (SQL has no key-encryption key): they go.
    this.addSql('DELETE FROM signing_keys WHERE private_jwk IS NULL');
    this.addSql('ALTER TABLE signing_keys DROP COLUMN activates_at');
    this.addSql('ALTER TABLE signing_keys DROP COLUMN sealed_private_jwk');
    this.addSql('ALTER TABLE signing_keys ALTER COLUMN private_jwk SET NOT NULL');
    this.addSql('DROP TABLE spent_refresh_tokens');
    this.addSql('DROP TABLE sessions');
  }
}
