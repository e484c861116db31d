import { html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { DtmfKey } from '../../engine/types.js';
import { defineElement } from '../shared/define.js';
import { emit } from '../shared/events.js';
import { LocalizedElement } from '../shared/localized-element.js';
import { themeStyles } from '../shared/styles/theme.js';
import { dialpadStyles } from './styles.js';

/** Keys in reading order, with the letters printed under them. */
const KEYS: readonly (readonly [key: DtmfKey, letters: string])[] = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
];

/** A key of the dialpad (the engine's {@link DtmfKey}). */
export type DialpadKey = DtmfKey;

const COLUMNS = 3;
const KEY_SET = new Set<string>(KEYS.map(([key]) => key));

function isDialpadKey(value: string): value is DialpadKey {
  return KEY_SET.has(value);
}

/** How long a key typed on the physical keyboard shows as pressed, ms. */
const PRESS_FLASH_MS = 150;

/**
 * @tagname sip-dialpad
 * @summary A telephone keypad: twelve keys (1–9, *, 0, #) for mouse, touch and keyboard.
 *
 * @event sip-dialpad-press - A key was pressed. `detail: { key }`.
 *
 * @csspart grid - The grid of keys.
 * @csspart key - Each key button.
 * @csspart digit - The digit on a key.
 * @csspart letters - The letters under a digit.
 *
 * @cssproperty --sip-dialpad-gap - Space between keys.
 * @cssproperty --sip-accent - Pressed key background.
 * @cssproperty --sip-surface - Key background.
 * @cssproperty --sip-radius - Key corner radius.
 *
 * Digits, `*` and `#` typed while the keypad has focus press the matching key; the
 * arrow keys, Home and End move between keys; Enter and Space press the focused key.
 */
export class SipDialpad extends LocalizedElement {
  static override styles = [themeStyles, dialpadStyles];

  /** Colour theme: `light`, `dark`, or unset to follow the system. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  /** Index of the key that takes Tab focus (roving tabindex). */
  @state() private focusIndex = 0;

  @state() private flashed: DialpadKey | undefined;

  private flashTimer: ReturnType<typeof setTimeout> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKeydown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKeydown);
    clearTimeout(this.flashTimer);
  }

  /** Presses a key as if it was clicked. */
  press(key: DialpadKey): void {
    emit(this, 'sip-dialpad-press', { key });
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('focusIndex') && this.matches(':focus-within')) {
      this.keyButton(this.focusIndex)?.focus();
    }
  }

  private keyButton(index: number): HTMLButtonElement | null | undefined {
    return this.shadowRoot?.querySelectorAll<HTMLButtonElement>('button.key')[index];
  }

  private readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (isDialpadKey(event.key)) {
      event.preventDefault();
      this.focusIndex = KEYS.findIndex(([key]) => key === event.key);
      this.flash(event.key);
      this.press(event.key);
      return;
    }
    const next = this.moveFocus(event.key);
    if (next !== undefined) {
      event.preventDefault();
      this.focusIndex = next;
    }
  };

  private moveFocus(key: string): number | undefined {
    const last = KEYS.length - 1;
    const i = this.focusIndex;
    switch (key) {
      case 'ArrowRight':
        return i === last ? 0 : i + 1;
      case 'ArrowLeft':
        return i === 0 ? last : i - 1;
      case 'ArrowDown':
        return i + COLUMNS > last ? i % COLUMNS : i + COLUMNS;
      case 'ArrowUp':
        return i - COLUMNS < 0 ? last - (COLUMNS - 1) + (i % COLUMNS) : i - COLUMNS;
      case 'Home':
        return 0;
      case 'End':
        return last;
      default:
        return undefined;
    }
  }

  private flash(key: DialpadKey): void {
    this.flashed = key;
    clearTimeout(this.flashTimer);
    this.flashTimer = setTimeout(() => {
      this.flashed = undefined;
    }, PRESS_FLASH_MS);
  }

  private labelOf(key: DialpadKey, letters: string): string {
    const t = this.locale.messages;
    if (key === '*') return t.keyStar;
    if (key === '#') return t.keyHash;
    return t.key(key, letters);
  }

  protected override render() {
    return html`<div part="grid" class="grid" role="group" aria-label=${this.locale.messages.dialpad}>
      ${KEYS.map(
        ([key, letters], index) => html`<button
          type="button"
          part="key"
          class=${this.flashed === key ? 'key pressed' : 'key'}
          data-key=${key}
          aria-label=${this.labelOf(key, letters)}
          tabindex=${index === this.focusIndex ? 0 : -1}
          @click=${() => {
            this.focusIndex = index;
            this.press(key);
          }}
        >
          <span part="digit" class="digit" aria-hidden="true">${key}</span>
          <span part="letters" class="letters" aria-hidden="true">${letters}</span>
        </button>`,
      )}
    </div>`;
  }
}

defineElement('sip-dialpad', SipDialpad);

declare global {
  interface HTMLElementTagNameMap {
    'sip-dialpad': SipDialpad;
  }
}
