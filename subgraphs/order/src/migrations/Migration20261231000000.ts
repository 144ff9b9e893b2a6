import { Migration, OUTBOX_WAL_POSITION_DDL } from '@emporium/db';

/**
 * Each outbox row records the WAL position it was written at, so the worker can tell the
 * rows Debezium has not yet published and report the oldest one's age (issue 14).
 */
export class Migration20261231000000 extends Migration {
  override up(): void {
    for (const statement of OUTBOX_WAL_POSITION_DDL) this.addSql(statement);
  }

  override down(): void {
    this.addSql('alter table outbox drop column written_lsn');
  }
}
