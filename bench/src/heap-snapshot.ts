/**
 * What a page's JS heap holds, by constructor: a CDP heap snapshot summarized, so heap
 * growth between two moments can be attributed (which objects pile up, how many).
 */
import type { CDPSession } from 'playwright-core';

export interface HeapGroup {
  count: number;
  bytes: number;
}

interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Node types whose name is a constructor or function name worth grouping by. */
const NAMED_TYPES = new Set(['object', 'closure', 'native', 'array']);

/** Blink's native names can be whole template instantiations: keep the readable head. */
const shortName = (name: string): string => (name.length > 60 ? `${name.slice(0, 57)}…` : name);

export async function heapByConstructor(cdp: CDPSession): Promise<Map<string, HeapGroup>> {
  const chunks: string[] = [];
  const onChunk = ({ chunk }: { chunk: string }) => chunks.push(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  }
  const { snapshot, nodes, strings } = JSON.parse(chunks.join('')) as SnapshotJson;
  const fields = snapshot.meta.node_fields;
  const typeNames = snapshot.meta.node_types[0];
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, HeapGroup>();
  for (let i = 0; i < nodes.length; i += stride) {
    const type = typeNames[nodes[i + typeAt]!]!;
    const name = NAMED_TYPES.has(type)
      ? `${shortName(strings[nodes[i + nameAt]!]!)} (${type})`
      : `(${type})`;
    const group = groups.get(name) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += nodes[i + sizeAt]!;
    groups.set(name, group);
  }
  return groups;
}

/** V8's compiled code and its metadata: grows as functions get hot, then stops. */
const CODE_GROUP = '(code)';

/** Bytes of everything but compiled code. */
export function objectBytes(groups: Map<string, HeapGroup>): number {
  let bytes = 0;
  for (const [name, group] of groups) if (name !== CODE_GROUP) bytes += group.bytes;
  return bytes;
}

export interface HeapGrowth extends HeapGroup {
  name: string;
}

/** The groups other than compiled code that grew most in bytes from `before` to `after`. */
export function topGrowth(
  before: Map<string, HeapGroup>,
  after: Map<string, HeapGroup>,
  limit = 8,
): HeapGrowth[] {
  return [...after]
    .map(([name, group]) => {
      const old = before.get(name) ?? { count: 0, bytes: 0 };
      return { name, count: group.count - old.count, bytes: group.bytes - old.bytes };
    })
    .filter((g) => g.bytes > 0 && g.name !== CODE_GROUP)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, limit);
}
