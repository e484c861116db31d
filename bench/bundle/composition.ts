// What the script-tag bundle's files are made of (issue 16, "Core diet"): builds dist/cdn
// again with source maps into a temporary folder (same config, same minifier, only the
// map comment added, which is cut before measuring), and attributes every byte of a
// chunk to the source module its map names. Per module: minified bytes, and the gzip
// bytes it costs in its file, measured as the file's gzip size minus the gzip size of the
// file with that module's bytes left out (so a module's share of what it repeats from its
// neighbours is not counted twice). Also per area (Lit, engine, strings…), and the
// per-file gzip overhead of a set of files (the sum of their gzip sizes against one gzip
// of them together), which is what merging chunks would save.
//
//   node --import tsx bench/bundle/composition.ts [chunk …]          default softphone-core.js
//   node --import tsx bench/bundle/composition.ts --together a.js b.js …
//
// gzip is Node's zlib at level 9 (the build's own report rounds a different gzip a few
// per cent higher; both are deterministic).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

interface SourceMap {
  sources: string[];
  mappings: string;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One segment of a source map's `mappings` (Base64 VLQ, source map v3 §"mappings"). */
function decodeSegment(segment: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return fields;
}

const UNATTRIBUTED = '(chunk glue: imports, exports, helpers without a source)';

/** The module a source path names: `src/…` for ours, the package for a dependency. */
function moduleName(source: string): string {
  const inPackage = source.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (inPackage?.[1]) return inPackage[1];
  const ours = source.match(/(?:^|\/)(src\/.*)$/);
  return ours?.[1] ?? source;
}

/** Which module each character of `code` came from (an index into `names`, -1: none). */
function attribute(code: string, map: SourceMap): { owner: Int32Array; names: string[] } {
  const names = [...new Set(map.sources.map(moduleName))];
  const nameOf = map.sources.map((source) => names.indexOf(moduleName(source)));
  const owner = new Int32Array(code.length).fill(-1);
  const lines = code.split('\n');
  let lineStart = 0;
  let source = 0;
  // A segment owns the text up to the next segment, across line ends: a template literal
  // (the styles, the templates) spans lines that have no segment of their own.
  let current = -1;
  map.mappings.split(';').forEach((line, index) => {
    let column = 0;
    let from = 0;
    const length = lines[index]?.length ?? 0;
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const fields = decodeSegment(segment);
      column += fields[0] ?? 0;
      if (fields.length >= 4) source += fields[1] ?? 0;
      owner.fill(current, lineStart + from, lineStart + Math.min(column, length));
      current = fields.length >= 4 ? (nameOf[source] ?? -1) : -1;
      from = column;
      // Source line, column and name are running values too, but only the source is needed.
    }
    owner.fill(current, lineStart + Math.min(from, length), lineStart + length);
    lineStart += length + 1;
  });
  return { owner, names };
}

const gzip = (text: string): number => gzipSync(Buffer.from(text), { level: 9 }).length;

function without(code: string, owner: Int32Array, left: (index: number) => boolean): string {
  let out = '';
  for (let i = 0; i < code.length; i++) if (!left(owner[i] ?? -1)) out += code[i];
  return out;
}

/** Where each module counts in the summary by area. */
function areaOf(name: string): string {
  if (/^(lit|lit-html|lit-element|@lit\/)/.test(name))
    return 'Lit (lit-html, lit-element, reactive-element)';
  if (name.startsWith('src/'))
    return name
      .split('/')
      .slice(0, name.startsWith('src/elements/') ? 3 : 2)
      .join('/');
  return name;
}

const kb = (bytes: number): string => (bytes / 1000).toFixed(2);

function report(dir: string, file: string): void {
  const code = readFileSync(join(dir, file), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '');
  const map = JSON.parse(readFileSync(join(dir, `${file}.map`), 'utf8')) as SourceMap;
  const { owner, names } = attribute(code, map);
  const whole = gzip(code);
  const rows = [...names.keys(), -1].map((index) => {
    const slice = without(code, owner, (o) => o !== index);
    return {
      name: index === -1 ? UNATTRIBUTED : (names[index] ?? '?'),
      index,
      bytes: Buffer.byteLength(slice),
      gzip: whole - gzip(without(code, owner, (o) => o === index)),
    };
  });
  rows.sort((a, b) => b.gzip - a.gzip);
  console.log(`\n### ${file}: ${kb(Buffer.byteLength(code))} KB minified, ${kb(whole)} KB gzip\n`);
  console.log('| module | minified KB | gzip KB it costs |');
  console.log('| --- | --- | --- |');
  for (const row of rows) console.log(`| \`${row.name}\` | ${kb(row.bytes)} | ${kb(row.gzip)} |`);

  const areas = new Map<string, number[]>();
  for (const row of rows) {
    const area = row.index === -1 ? UNATTRIBUTED : areaOf(row.name);
    areas.set(area, [...(areas.get(area) ?? []), row.index]);
  }
  const areaRows = [...areas].map(([area, members]) => ({
    area,
    bytes: Buffer.byteLength(without(code, owner, (o) => !members.includes(o))),
    gzip: whole - gzip(without(code, owner, (o) => members.includes(o))),
  }));
  areaRows.sort((a, b) => b.gzip - a.gzip);
  console.log('\n| area | minified KB | gzip KB it costs |');
  console.log('| --- | --- | --- |');
  for (const row of areaRows) console.log(`| ${row.area} | ${kb(row.bytes)} | ${kb(row.gzip)} |`);
}

function together(dir: string, files: string[]): void {
  const codes = files.map((file) =>
    readFileSync(join(dir, file), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, ''),
  );
  const apart = codes.reduce((sum, code) => sum + gzip(code), 0);
  const joined = gzip(codes.join('\n'));
  console.log(
    `\n${files.join(' + ')}: ${kb(apart)} KB gzip as ${files.length} files, ` +
      `${kb(joined)} KB as one (${kb(apart - joined)} KB per-file overhead)`,
  );
}

const args = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'softphone-composition-'));
try {
  const built = spawnSync(
    'npx',
    [
      'vite',
      'build',
      '--mode',
      'cdn',
      '--sourcemap',
      '--outDir',
      dir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { stdio: 'inherit' },
  );
  if (built.status !== 0) throw new Error('the CDN build failed');
  if (args[0] === '--together') together(dir, args.slice(1));
  else for (const file of args.length > 0 ? args : ['softphone-core.js']) report(dir, file);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
