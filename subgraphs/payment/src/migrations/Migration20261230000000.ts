import { Migration, OUTBOX_TRACEPARENT_DDL } from '@emporium/db';

/**
 * Each outbox row carries the trace context of the work that wrote it, which Debezium puts
 * in the Kafka message's `traceparent` header: consumers continue the trace (issue 14).
 */
export class Migration20261230000000 extends Migration {
  override up(): void {
    this.addSql(OUTBOX_TRACEPARENT_DDL);
  }

  override down(): void {
    this.addSql('alter table outbox drop column traceparent');
  }
}
