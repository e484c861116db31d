/**
 * One JSON Schema validator for every test (the widget's unit tests in Chromium, the
 * end-to-end journeys in Node): ajv, with the draft the schema names in `$schema`. Strict,
 * so a keyword ajv does not know (a typo, a draft mismatch) fails loudly at compile time
 * instead of being silently skipped; every problem is reported, not just the first.
 * Browser-safe: no Node modules (ajv compiles with `new Function`, which the Vitest page allows).
 */
import Ajv, {
  type AnySchemaObject,
  type ErrorObject,
  type Options,
  type ValidateFunction,
} from 'ajv';
import Ajv2019 from 'ajv/dist/2019.js';
import Ajv2020 from 'ajv/dist/2020.js';

/** A JSON Schema document, as parsed or imported from a `.json` file. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** The ajv class for each draft a schema may name in `$schema` (none: draft-07). */
const DRAFTS: Record<string, new (options: Options) => Ajv> = {
  'https://json-schema.org/draft/2020-12/schema': Ajv2020,
  'https://json-schema.org/draft/2019-09/schema': Ajv2019,
  'http://json-schema.org/draft-07/schema': Ajv,
  'http://json-schema.org/draft-07/schema#': Ajv,
};

/** Compiled once per schema object (ajv refuses a second schema with the same `$id`). */
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function validatorFor(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    const draft =
      typeof schema.$schema === 'string'
        ? schema.$schema
        : 'http://json-schema.org/draft-07/schema';
    const Draft = DRAFTS[draft];
    if (!Draft) throw new Error(`no ajv class for $schema ${draft}`);
    // allowUnionTypes: `"type": ["number", "null"]` is plain JSON Schema; strict mode
    // would otherwise ask for it to be spelled with anyOf.
    const ajv = new Draft({ strict: true, allowUnionTypes: true, allErrors: true, verbose: true });
    validate = ajv.compile(schema as AnySchemaObject);
    compiled.set(schema, validate);
  }
  return validate;
}

/** A value as a reader wants it in a message: `1.5`, `NaN`, `"text"`, `{"a":1}` (cut short). */
function show(value: unknown): string {
  if (typeof value === 'number' || value === undefined) return String(value);
  return JSON.stringify(value).slice(0, 80);
}

/** `/metrics/rttMs/0` → `$.metrics.rttMs[0]`. */
function pathOf(pointer: string): string {
  const keys = pointer.split('/').slice(1);
  return keys
    .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((at, key) => (/^\d+$/.test(key) ? `${at}[${key}]` : `${at}.${key}`), '$');
}

/** ajv's message, with what it leaves in `params` when that is what a reader needs. */
function describe({ keyword, message, params, data, instancePath }: ErrorObject): string {
  let text = message ?? keyword;
  if (keyword === 'const') text += `: ${show(params.allowedValue)}, got ${show(data)}`;
  if (keyword === 'enum') {
    text += `: ${(params.allowedValues as unknown[]).map(show).join(', ')}; got ${show(data)}`;
  }
  if (keyword === 'type') text += `, got ${show(data)}`;
  if (keyword === 'additionalProperties') text += `: ${params.additionalProperty}`;
  return `${pathOf(instancePath)}: ${text}`;
}

/** Problems of `value` against `schema`, as "path: message" lines; empty when valid. */
export function schemaProblems(schema: JsonSchema, value: unknown): string[] {
  const validate = validatorFor(schema);
  return validate(value) ? [] : (validate.errors ?? []).map(describe);
}

/** Throws with every problem when `value` does not match `schema`. */
export function assertValid<T = unknown>(schema: JsonSchema, value: unknown): asserts value is T {
  const problems = schemaProblems(schema, value);
  if (problems.length > 0) {
    const name = typeof schema.$id === 'string' ? schema.$id : 'the schema';
    throw new Error(`not valid against ${name}:\n  ${problems.join('\n  ')}`);
  }
}
