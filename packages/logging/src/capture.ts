import { PassThrough } from 'node:stream';
import { createLogger, type Logger } from './index.ts';

/**
 * A logger whose lines a test reads back, parsed: for tests of anything that logs (the
 * request fields, the access log). Its own entry point, so no process loads it.
 */
export function captureLogger(name = 'test'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger: createLogger(name, { destination: stream }), lines };
}
