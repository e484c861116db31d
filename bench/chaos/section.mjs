// The chaos stage's section of BENCHMARKS.md, between two markers, so that the rest of the file
// can be regenerated (bench/src/report.ts writes it whole) without losing it.
//
//   node bench/chaos/section.mjs extract BENCHMARKS.md OUT    copy the section to OUT (empty if none)
//   node bench/chaos/section.mjs insert BENCHMARKS.md IN      replace the section with IN, or append it
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- chaos:start (bench/chaos/run.sh) -->';
const END = '<!-- chaos:end -->';

function bounds(text) {
  const start = text.indexOf(START);
  const end = text.indexOf(END, start);
  return start === -1 || end === -1 ? undefined : { start, end: end + END.length };
}

const [command, benchmarks, file] = process.argv.slice(2);
if (!['extract', 'insert'].includes(command) || !benchmarks || !file) {
  console.error('usage: section.mjs extract|insert BENCHMARKS.md FILE');
  process.exit(2);
}
const text = existsSync(benchmarks) ? readFileSync(benchmarks, 'utf8') : '';
const at = bounds(text);
if (command === 'extract') {
  writeFileSync(file, at ? text.slice(at.start + START.length, at.end - END.length).trim() : '');
} else {
  const body = readFileSync(file, 'utf8').trim();
  if (body === '') process.exit(0);
  const section = `${START}\n${body}\n${END}`;
  const next = at
    ? text.slice(0, at.start) + section + text.slice(at.end)
    : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(benchmarks, next);
}
