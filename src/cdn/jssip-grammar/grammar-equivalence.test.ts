/**
 * The stand-in (parse.ts) against JsSIP's real grammar, input by input: the same result,
 * deep-equal (JsSIP's URI and NameAddrHeader objects included, with what failed
 * alternatives left behind), the same -1, or a throw of the same kind. Inputs: SIP the
 * lab's journeys put on the widget's WebSocket and the backend fuzz stage's messages
 * (test-support/sip-corpus.json, made by bench/grammar/corpus.ts), the edge cases of
 * test-support/edge-cases.ts, and each of the lab's and the edge cases' inputs mutated.
 */
import { Grammar, NameAddrHeader, URI } from 'jssip';
import { describe, expect, it } from 'vitest';
import { type JsSipClasses, parse, startRuleNames } from './parse.js';
import { EDGE_CASES } from './test-support/edge-cases.js';
import { type GrammarInput, grammarInputs } from './test-support/grammar-inputs.js';
import sipCorpus from './test-support/sip-corpus.json' with { type: 'json' };

const classes = { URI, NameAddrHeader } as unknown as JsSipClasses;

type Outcome = { result: unknown } | { threw: string };

function outcome(run: () => unknown): Outcome {
  try {
    return { result: run() };
  } catch (error) {
    return { threw: error instanceof Error ? error.constructor.name : typeof error };
  }
}

function expectSameAsJsSip({ rule, input }: GrammarInput): void {
  const real = outcome(() => Grammar.parse(input, rule));
  const ours = outcome(() => parse(input, rule, classes));
  expect(ours, `${rule} ${JSON.stringify(input)}`).toStrictEqual(real);
}

/** Characters that end, open or escape a part somewhere in the grammar. */
const PROBES = [
  ' ',
  '\t',
  '\r\n ',
  ';',
  ',',
  ':',
  '@',
  '<',
  '>',
  '"',
  '\\',
  '%',
  '=',
  '?',
  '[',
  ']',
  '.',
  '/',
  '*',
  'é',
];

/**
 * Every single-character deletion, every probe inserted, the input cut, and a run of the
 * character repeated, at every position: a deterministic fuzz around each valid input.
 */
function mutations(input: string): string[] {
  const variants = new Set<string>();
  for (let i = 0; i <= input.length; i++) {
    const before = input.slice(0, i);
    const after = input.slice(i);
    variants.add(before);
    variants.add(before + after.slice(1));
    variants.add(before + after.slice(0, 1).repeat(3) + after.slice(1));
    for (const probe of PROBES) variants.add(before + probe + after);
  }
  return [...variants];
}

const labInputs: GrammarInput[] = sipCorpus.lab.flatMap(grammarInputs);
const fuzzInputs: GrammarInput[] = sipCorpus.fuzz.flatMap(grammarInputs);
const edgeInputs: GrammarInput[] = Object.entries(EDGE_CASES).flatMap(([rule, inputs]) =>
  inputs.map((input) => ({ rule, input })),
);
/** Distinct (rule, input) pairs: the lab repeats the same headers many times. */
function distinct(inputs: readonly GrammarInput[]): GrammarInput[] {
  const seen = new Map<string, GrammarInput>();
  for (const item of inputs) seen.set(`${item.rule}\n${item.input}`, item);
  return [...seen.values()];
}
const corpus = distinct([...labInputs, ...edgeInputs, ...fuzzInputs]);

/**
 * What is mutated: the edge cases and one lab input per shape (letters and digits folded:
 * the lab repeats one Via with many branches). The fuzz messages are broken already.
 */
function oneOfEachShape(inputs: readonly GrammarInput[]): GrammarInput[] {
  const seen = new Map<string, GrammarInput>();
  for (const item of inputs) {
    const shape = `${item.rule}\n${item.input.replace(/[A-Za-z0-9]+/g, 'a')}`;
    if (!seen.has(shape)) seen.set(shape, item);
  }
  return [...seen.values()];
}
const seeds = distinct([...oneOfEachShape(labInputs), ...edgeInputs]);

describe('the grammar stand-in against JsSIP’s grammar', () => {
  it('has a corpus from the lab and the fuzzer covering the rules JsSIP parses on arrival', () => {
    const rules = new Set(labInputs.map((item) => item.rule));
    for (const rule of ['Request_Response', 'Via', 'From', 'To', 'Call_ID', 'CSeq', 'Contact']) {
      expect(rules).toContain(rule);
    }
    expect(labInputs.length).toBeGreaterThan(100);
    expect(fuzzInputs.length).toBeGreaterThan(100);
  });

  it('gives the same result for every input of the corpus, under its own rule', () => {
    for (const item of corpus) expectSameAsJsSip(item);
  });

  it('gives the same result for every input under every other rule (mostly -1)', () => {
    for (const { input } of corpus) {
      for (const rule of startRuleNames) expectSameAsJsSip({ rule, input });
    }
  });

  // Some 200,000 parses by each grammar: longer than the default timeout on a busy machine.
  it('gives the same result for every mutation of every input, under its rule', {
    timeout: 300_000,
  }, () => {
    for (const { rule, input } of seeds) {
      for (const variant of mutations(input)) expectSameAsJsSip({ rule, input: variant });
    }
  });

  it('throws, as JsSIP’s grammar does, for a rule it does not have', () => {
    const message = 'Invalid rule name: "Not_A_Rule".';
    expect(() => Grammar.parse('x', 'Not_A_Rule')).toThrow(message);
    expect(() => parse('x', 'Not_A_Rule', classes)).toThrow(message);
  });
});
