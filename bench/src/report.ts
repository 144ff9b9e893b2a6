import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** One scenario's results: a markdown section replaced as a whole on each run. */
export interface BenchSection {
  id: string;
  title: string;
  body: string;
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}`;
}

const HEADER = `# Benchmarks

Written by \`npm run bench\`; each section is replaced when its scenario runs again.
Figures are medians and p99s over the samples stated; these machines are shared and noisy,
so compare ratios measured in the same run rather than absolute numbers across runs.
`;

/** Replaces (or appends) each section between its markers, keeping the others as they were. */
export function writeSections(file: string, sections: readonly BenchSection[]): void {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  for (const section of sections) {
    const begin = `<!-- bench:${section.id} -->`;
    const end = `<!-- /bench:${section.id} -->`;
    const block = `${begin}\n## ${section.title}\n\n_Measured ${date} UTC on ${machineLine()}._\n\n${section.body.trim()}\n${end}`;
    const start = text.indexOf(begin);
    const stop = text.indexOf(end);
    text =
      start >= 0 && stop > start
        ? `${text.slice(0, start)}${block}${text.slice(stop + end.length)}`
        : `${text.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(file, text);
}
