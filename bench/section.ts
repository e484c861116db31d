// A stage's section of BENCHMARKS.md (soak, chaos), between two markers, so that the rest of
// the file can be regenerated (bench/src/report.ts writes it whole) without losing it.
//
//   node --import tsx bench/section.ts extract NAME BENCHMARKS.md OUT
//       copy the section to OUT (empty if none)
//   node --import tsx bench/section.ts insert NAME BENCHMARKS.md IN
//       replace the section with IN, or append it
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Where the section stands in `text`, markers included. */
function bounds(text: string): { start: number; end: number } | undefined {
  const start = text.indexOf(START);
  const end = text.indexOf(END, start);
  return start === -1 || end === -1 ? undefined : { start, end: end + END.length };
}

const [command, name, benchmarks, file] = process.argv.slice(2);
if (
  !['extract', 'insert'].includes(command ?? '') ||
  !/^[a-z]+$/.test(name ?? '') ||
  !benchmarks ||
  !file
) {
  console.error('usage: section.ts extract|insert NAME BENCHMARKS.md FILE');
  process.exit(2);
}
const START = `<!-- ${name}:start (bench/${name}/run.sh) -->`;
const END = `<!-- ${name}:end -->`;
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
