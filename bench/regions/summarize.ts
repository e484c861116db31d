// Medians of the failover measurements (JSON lines written by e2e/regions) as Markdown.
import { readFileSync } from 'node:fs';

/**
 * One measurement: a JSON line as e2e/regions/lab.ts `record()` writes it (`at`, `journey`,
 * `kind` and the journey's own fields: `markedDownMs`, `registeredMs`, `outcome`, `gapMs`, ...).
 */
type Measurement = Record<string, unknown>;

const [file, rounds] = process.argv.slice(2);
const rows = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .filter(Boolean)
  .map((line): Measurement => JSON.parse(line));
const median = (values: readonly number[]): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const s = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a');
const range = (values: readonly number[]): string =>
  values.length ? `${s(Math.min(...values))} – ${s(Math.max(...values))}` : 'n/a';
const pick = (journey: string, kind: string, key: string): number[] =>
  rows
    .filter((r) => r.journey === journey && r.kind === kind && typeof r[key] === 'number')
    .map((r) => r[key] as number);
const hc = `HAProxy \`inter ${process.env.HC_INTER_MS ?? 500}ms fall ${process.env.HC_FALL ?? 2} rise ${process.env.HC_RISE ?? 2}\`, \`on-marked-down shutdown-sessions\`; widget keepalive 2 s / 1 s; backoff first retry 0.5–1 s`;

const out = [
  '# Region failover (bench/regions)',
  '',
  `Two regions behind the HAProxy accelerator (backend/regions/regions.sh), ${rounds} failovers per kind, Chromium on the client host, ${new Date().toISOString().slice(0, 10)}. ${hc}.`,
  '',
  '| failure | n | failure → region marked down (median) | failure → registered again in region-b (median) | range (registered) | goal |',
  '|---|---|---|---|---|---|',
];
for (const kind of ['kamailio', 'host']) {
  const down = pick('register', kind, 'markedDownMs');
  const reg = pick('register', kind, 'registeredMs');
  out.push(
    `| ${kind === 'host' ? 'whole region host off the network' : 'region-a Kamailio killed'} | ${reg.length} | ${s(median(down))} | ${s(median(reg))} | ${range(reg)} | ≤ 2 s / ≤ 3 s |`,
  );
}
out.push(
  '',
  '| failure | n | call outcome | media gap (median) | call recovered / ended after (median) |',
  '|---|---|---|---|---|',
);
for (const kind of ['kamailio', 'host']) {
  const calls = rows.filter((r) => r.journey === 'call' && r.kind === kind);
  const outcomes = [...new Set(calls.map((r) => r.outcome))].join(', ');
  const gaps = pick('call', kind, 'gapMs');
  const after = kind === 'host' ? pick('call', kind, 'endedMs') : pick('call', kind, 'recoveryMs');
  out.push(
    `| ${kind === 'host' ? 'whole region host off the network' : 'region-a Kamailio killed'} | ${calls.length} | ${outcomes || 'n/a'} | ${gaps.length ? `${s(median(gaps))} (gaps under 0.2 s count as 0)` : 'n/a (call ends)'} | ${s(median(after))} |`,
  );
}
out.push('', `Raw measurements: \`${file}\` (one JSON line per journey).`, '');
console.log(out.join('\n'));
