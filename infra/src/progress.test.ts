import { describe, expect, it } from 'vitest';
import { mavenTransfers } from './artifacts.ts';
import { formatProgress, startProgress } from './progress.ts';

/** A non-TTY stream that keeps what is written. */
function capture(): { stream: NodeJS.WriteStream; lines: string[] } {
  const lines: string[] = [];
  const stream = {
    isTTY: false,
    write: (text: string) => {
      lines.push(...text.split('\n').filter((line) => line !== ''));
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('progress', () => {
  it('shows done, total, percent, rate and time left', () => {
    const line = formatProgress({
      label: 'downloading elasticsearch',
      unit: 'bytes',
      done: 150_000_000,
      total: 600_000_000,
      rate: 5_000_000,
      elapsedMs: 30_000,
    });
    expect(line).toBe('downloading elasticsearch:  150 MB / 600 MB  25%  5.0 MB/s  1m30s left');
  });

  it('says how long it has run when there is no total', () => {
    const line = formatProgress({
      label: 'seeding',
      unit: 'items',
      done: 1234,
      total: undefined,
      rate: 100,
      elapsedMs: 12_000,
    });
    expect(line).toBe('seeding:  1,234  100/s  12s so far');
  });

  it('without a TTY prints a plain line per interval and one at the end', () => {
    let now = 0;
    const { stream, lines } = capture();
    const progress = startProgress('indexing', {
      unit: 'items',
      total: 1000,
      stream,
      plainIntervalMs: 5000,
      now: () => now,
    });
    for (let step = 1; step <= 10; step += 1) {
      now = step * 1000;
      progress.update(step * 100);
    }
    progress.finish();
    // At 5 s and at 10 s, then the summary: not one line per update.
    expect(lines).toEqual([
      '  indexing:  500 / 1,000  50%  100/s  5s left',
      '  indexing:  1,000 / 1,000  100%  100/s',
      '  indexing: 1,000 in 10s',
    ]);
  });

  it("reads Maven's transfer lines into bytes done and the total known so far", () => {
    const transfers = mavenTransfers();
    transfers.onLine('Downloading from central: https://repo/org/x/x.pom');
    transfers.onLine('Downloaded from central: https://repo/org/x/x.pom (2.5 kB at 10 kB/s)');
    transfers.onLine('Downloading from central: https://repo/org/elasticsearch/elasticsearch-9.2.8.zip');
    transfers.onLine('Progress (2): 150/600 MB | 20 kB');
    expect(transfers.snapshot()).toEqual({
      done: 2500 + 150e6 + 20e3,
      total: undefined,
      files: 1,
      current: 'elasticsearch-9.2.8.zip',
    });
    transfers.onLine('Progress (1): 300/600 MB');
    expect(transfers.snapshot()).toMatchObject({ done: 2500 + 300e6, total: 2500 + 600e6 });
    transfers.onLine(
      'Downloaded from central: https://repo/org/elasticsearch/elasticsearch-9.2.8.zip (600 MB at 12 MB/s)',
    );
    expect(transfers.snapshot()).toMatchObject({ done: 2500 + 600e6, files: 2 });
  });
});
