import { Migration } from '@emporium/db';

/**
 * Failed-login throttling: one row per account (a hash of the email) or client address,
 * with its failures in the current window and the time before which it is refused.
 */
export class Migration20261204000000 extends Migration {
  override up(): void {
    this.addSql(`
      CREATE TABLE login_throttles (
        key text PRIMARY KEY,
        failures integer NOT NULL,
        last_failure_at timestamptz NOT NULL,
        blocked_until timestamptz NOT NULL,
        CONSTRAINT login_throttles_failures_positive CHECK (failures >= 0)
      )`);
    // Pruning looks for rows that hold nothing back any more.
    this.addSql('CREATE INDEX login_throttles_last_failure_at ON login_throttles (last_failure_at)');
  }

  override down(): void {
    this.addSql('DROP TABLE login_throttles');
  }
}
