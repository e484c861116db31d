/**
 * A small JSON Schema checker for tests: just the keywords `report.schema.json` uses
 * (type, const, enum, required, properties, additionalProperties: false, items, minimum,
 * minLength, local $ref). Returns readable problems; an empty list means valid.
 */
type Schema = Record<string, unknown>;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function resolveRef(root: Schema, ref: string): Schema {
  const path = ref.replace(/^#\//, '').split('/');
  let node: unknown = root;
  for (const key of path) node = (node as Schema)[key];
  if (typeof node !== 'object' || node === null) throw new Error(`unresolved $ref ${ref}`);
  return node as Schema;
}

function check(value: unknown, schema: Schema, root: Schema, at: string, problems: string[]) {
  if (typeof schema.$ref === 'string') {
    check(value, resolveRef(root, schema.$ref), root, at, problems);
    return;
  }
  const types = schema.type === undefined ? [] : [schema.type].flat().map(String);
  if (types.length > 0 && !types.some((type) => matchesType(value, type))) {
    problems.push(`${at}: expected ${types.join(' or ')}, got ${typeOf(value)}`);
    return;
  }
  if ('const' in schema && value !== schema.const) problems.push(`${at}: must be ${schema.const}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  }
  if (typeof value === 'number' && typeof schema.minimum === 'number' && value < schema.minimum) {
    problems.push(`${at}: ${value} is below ${schema.minimum}`);
  }
  if (typeof value === 'string' && typeof schema.minLength === 'number') {
    if (value.length < schema.minLength) problems.push(`${at}: shorter than ${schema.minLength}`);
  }
  if (Array.isArray(value) && schema.items) {
    const items = schema.items as Schema;
    for (const [i, item] of value.entries()) check(item, items, root, `${at}[${i}]`, problems);
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in object)) problems.push(`${at}: missing ${key}`);
    }
    for (const [key, child] of Object.entries(object)) {
      const childSchema = properties[key];
      if (childSchema) check(child, childSchema, root, `${at}.${key}`, problems);
      else if (schema.additionalProperties === false) problems.push(`${at}: unexpected ${key}`);
    }
  }
}

export function schemaProblems(value: unknown, schema: Schema): string[] {
  const problems: string[] = [];
  check(value, schema, schema, '$', problems);
  return problems;
}
