/**
 * A small JSON Schema (2020-12) checker for the keywords our schemas use: `type` (one or a
 * list), `const`, `enum`, `required`, `properties`, `additionalProperties` (boolean or
 * schema), `items`, `minimum`, `maximum`, `minLength` and local `$ref` (`#/$defs/...`).
 * Any other keyword makes it throw, so a schema growing past this subset is noticed
 * instead of silently half-checked. Annotations (`title`, `description`, ...) are ignored.
 */

export type Schema = { [keyword: string]: unknown };

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$defs', '$comment']);
const SUPPORTED = new Set([
  'type',
  'const',
  'enum',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'minimum',
  'maximum',
  'minLength',
  '$ref',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeOf(value) === type;
}

/** Problems of `value` against `schema`, as "path: message" lines; empty when valid. */
export function validate(
  schema: Schema,
  value: unknown,
  root: Schema = schema,
  at = '$',
): string[] {
  for (const keyword of Object.keys(schema)) {
    if (!SUPPORTED.has(keyword) && !ANNOTATIONS.has(keyword)) {
      throw new Error(`json-schema.ts does not support "${keyword}" (at ${at})`);
    }
  }
  if (typeof schema.$ref === 'string') {
    const match = /^#\/\$defs\/([^/]+)$/.exec(schema.$ref);
    const target = match
      ? (root.$defs as Record<string, Schema> | undefined)?.[match[1]!]
      : undefined;
    if (!target) throw new Error(`unresolvable $ref ${schema.$ref} (at ${at})`);
    return validate(target, value, root, at);
  }
  const problems: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((type) => matchesType(value, type))) {
      return [`${at}: expected ${types.join(' | ')}, got ${typeOf(value)}`];
    }
  }
  if ('const' in schema && value !== schema.const) {
    problems.push(`${at}: expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) {
      problems.push(`${at}: ${value} < minimum ${schema.minimum}`);
    }
    if (typeof schema.maximum === 'number' && value > schema.maximum) {
      problems.push(`${at}: ${value} > maximum ${schema.maximum}`);
    }
  }
  if (typeof value === 'string' && typeof schema.minLength === 'number') {
    if (value.length < schema.minLength) problems.push(`${at}: shorter than ${schema.minLength}`);
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, i) => {
      problems.push(...validate(schema.items as Schema, item, root, `${at}[${i}]`));
    });
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in object)) problems.push(`${at}: missing required "${key}"`);
    }
    for (const [key, item] of Object.entries(object)) {
      const path = `${at}.${key}`;
      if (properties[key]) problems.push(...validate(properties[key], item, root, path));
      else if (schema.additionalProperties === false) problems.push(`${path}: not allowed`);
      else if (typeof schema.additionalProperties === 'object') {
        problems.push(...validate(schema.additionalProperties as Schema, item, root, path));
      }
    }
  }
  return problems;
}
