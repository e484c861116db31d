/**
 * The state of one parse in the stand-in for JsSIP's grammar (see parse.ts): the input, the
 * position, and `data`, the object JsSIP's grammar actions fill in and the parse returns.
 * The primitives here follow PEG.js 0.7, which generated node_modules/jssip/lib/Grammar.js:
 * a failed sequence moves back to where it started, but what its actions wrote into `data`
 * stays (JsSIP's results carry such leftovers, e.g. `password` from a `userinfo` that
 * failed at its "@"; the differential test compares them too).
 */

/** The fields the grammar's actions set: shaped per rule, read by JsSIP by name. */
export type Bag = Record<string, unknown>;

/** JsSIP's own classes, which the grammar's actions construct (lib/URI.js, lib/NameAddrHeader.js). */
export interface JsSipClasses {
  URI: new (...args: unknown[]) => object;
  NameAddrHeader: new (...args: unknown[]) => { setParam(key: string, value: unknown): void };
}

export type CodeTest = (code: number) => boolean;

export class Cursor {
  pos = 0;
  data: Bag = {};
  /**
   * Characters examined so far. Each rule looks at a bounded number of characters per
   * position, so this stays within a constant times the input's length (asserted by
   * grammar-bounds.test.ts) instead of growing with backtracking.
   */
  work = 0;

  constructor(
    readonly input: string,
    readonly classes: JsSipClasses,
  ) {}

  /** The code unit `ahead` places after the position, or -1 past the end. */
  code(ahead = 0): number {
    this.work++;
    const at = this.pos + ahead;
    return at < this.input.length ? this.input.charCodeAt(at) : -1;
  }

  /** One code unit that `test` accepts (a PEG character class). */
  char(test: CodeTest): boolean {
    const code = this.code();
    if (code === -1 || !test(code)) return false;
    this.pos++;
    return true;
  }

  /** A case-sensitive literal. */
  literal(text: string): boolean {
    this.work += text.length;
    if (!this.input.startsWith(text, this.pos)) return false;
    this.pos += text.length;
    return true;
  }

  /**
   * A case-insensitive literal (PEG.js `"text"i`: the input's slice lowercased, compared with
   * the lowercase literal). Returns the input's own spelling, or null.
   */
  literalI(lower: string): string | null {
    this.work += lower.length;
    const slice = this.input.slice(this.pos, this.pos + lower.length);
    if (slice.toLowerCase() !== lower) return null;
    this.pos += lower.length;
    return slice;
  }

  /** A sequence: on failure, back to where it started (PEG.js does the same). */
  seq(body: () => boolean): boolean {
    const start = this.pos;
    if (body()) return true;
    this.pos = start;
    return false;
  }

  /**
   * `item*`, greedy and never given back, as in a PEG. Stops on an item that consumed
   * nothing (the grammar has none: PEG.js would loop forever there).
   */
  many(item: () => boolean): number {
    let count = 0;
    for (;;) {
      const before = this.pos;
      if (!item() || this.pos === before) return count;
      count++;
    }
  }

  /** The input from `start` to the position. */
  since(start: number): string {
    return this.input.slice(start, this.pos);
  }
}
