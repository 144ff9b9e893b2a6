import { describe, expect, it } from 'vitest';
import { DEFAULT_PARTITIONS } from '@emporium/kafka';
import { databasePlaceholders, fillPlaceholders, readConnectorDefinitions } from './connectors.ts';

describe('connector configs', () => {
  it('fill their connection placeholders from a database URL', () => {
    const values = databasePlaceholders('postgres://search%40svc:p%3Ass@db.internal:6543/postgres');
    expect(values).toEqual({
      'database.hostname': 'db.internal',
      'database.port': '6543',
      'database.user': 'search@svc',
      'database.password': 'p:ss',
    });
    expect(databasePlaceholders('postgres://emporium@127.0.0.1/postgres')['database.port']).toBe('5432');
    expect(fillPlaceholders({ a: '${database.hostname}:${database.port}', b: '${file:/secrets:key}' }, values)).toEqual(
      { a: 'db.internal:6543', b: '${file:/secrets:key}' },
    );
  });

  it('carry no connection value of their own: every one comes from DATABASE_URL', () => {
    const definitions = readConnectorDefinitions();
    expect(definitions.map((definition) => definition.name)).toContain('catalogue');
    for (const { config } of definitions) {
      for (const key of ['database.hostname', 'database.port', 'database.user', 'database.password']) {
        expect(config[key]).toBe(`\${${key}}`);
      }
      const filled = fillPlaceholders(config, databasePlaceholders('postgres://u@h:1/postgres'));
      expect(JSON.stringify(filled)).not.toMatch(/\$\{database\./);
    }
  });

  it('give the catalogue connector what the search indexer reads', () => {
    const catalogue = readConnectorDefinitions().find((definition) => definition.name === 'catalogue');
    expect(catalogue?.config).toMatchObject({
      'plugin.name': 'pgoutput',
      // Made by provisioning (prepareCapture), so the CDC role needs no ownership of the tables.
      'publication.autocreate.mode': 'disabled',
      'table.include.list': 'public.products,public.categories,public.sellers',
      'topic.prefix': 'cdc.catalogue',
      'snapshot.mode': 'initial',
    });
  });

  it('make their topics with as many partitions as the services make theirs', () => {
    // A CDC or outbox topic the connector creates first must not cap the consumers' replicas.
    for (const { name, config } of readConnectorDefinitions()) {
      expect(config['topic.creation.default.partitions'], name).toBe(String(DEFAULT_PARTITIONS));
    }
  });

  it('name the slots of connectors that capture an outbox *_outbox, and only those, as the outbox backlog metric finds them', () => {
    // packages/db's OUTBOX_BACKLOG_SQL reads the confirmed position of the `*_outbox` slot.
    for (const { name, config } of readConnectorDefinitions()) {
      const outbox = (config['table.include.list'] ?? '').split(',').includes('public.outbox');
      expect(config['slot.name']?.endsWith('_outbox'), name).toBe(outbox);
    }
  });
});
