import { html, nothing, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { qualityLevel } from '../../engine/quality/levels.js';
import type { QualitySample, QualityWarningName } from '../../engine/types.js';
import { defineElement } from '../shared/define.js';
import { LocalizedElement } from '../shared/localized-element.js';
import { themeStyles } from '../shared/styles/theme.js';
import { BARS, MAX_BARS } from './bars.js';
import { formatMos, qualityFigures } from './format.js';
import { qualityIndicatorStyles } from './styles.js';

/**
 * @tagname sip-quality-indicator
 * @summary Call quality at a glance: signal bars from the estimated MOS, the active
 * warnings in plain words, and a details popover with the live figures. It only renders
 * what it is given (`sample`, `warnings`); `<sip-phone>` and `<sip-call-button>` feed it.
 *
 * @csspart base - Wrapper of the button, warnings and details.
 * @csspart button - The button that opens the details; named "Call quality: good (MOS 4.3)".
 * @csspart bars - The signal bars (`data-level`: `good`, `fair`, `poor`, `bad`, `unknown`).
 * @csspart bar - Each bar; lit ones also carry `bar-on`.
 * @csspart warnings - The active warnings (a polite live region).
 * @csspart warning - Each warning.
 * @csspart details - The details popover.
 *
 * @cssproperty --sip-quality-good - Bar colour for good quality (default: success colour).
 * @cssproperty --sip-quality-fair - Bar colour for fair quality.
 * @cssproperty --sip-quality-poor - Bar colour for poor and bad quality (default: danger colour).
 * @cssproperty --sip-quality-details-width - Width of the details popover.
 * @cssproperty --sip-quality-z-index - Stacking order of the details popover.
 * @cssproperty --sip-fg - Text colour.
 * @cssproperty --sip-bg - Popover background.
 * @cssproperty --sip-border - Border and unlit bar colour.
 *
 * The button toggles the details (Enter or Space); Escape closes them and returns focus.
 */
export class SipQualityIndicator extends LocalizedElement {
  static override styles = [themeStyles, qualityIndicatorStyles];

  /** The latest quality sample of the call (`call.quality.sample`), or null. */
  @property({ attribute: false }) sample: QualitySample | null = null;

  /** The warnings up now (`call.quality.warnings`). */
  @property({ attribute: false }) warnings: readonly QualityWarningName[] = [];

  /** Colour theme: `light`, `dark`, or unset to follow the system. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  @state() private open = false;

  @query('button') private button!: HTMLButtonElement;

  private toggle(): void {
    this.open = !this.open;
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || !this.open) return;
    // Only this popover closes, not a dialog around the indicator.
    event.stopPropagation();
    this.open = false;
    this.button.focus();
  }

  /** "Call quality: good (MOS 4.3)", or "…: measuring…" before the first rated sample. */
  private label(): string {
    const t = this.locale.messages.quality;
    const mos = this.sample?.mos;
    const level = qualityLevel(mos);
    const shown =
      mos === null || mos === undefined ? undefined : formatMos(mos, this.locale.language);
    return t.label(t.level[level], shown);
  }

  protected override render(): TemplateResult {
    const t = this.locale.messages.quality;
    const level = qualityLevel(this.sample?.mos);
    const bars = BARS[level];
    return html`<div part="base" class="indicator" @keydown=${this.onKeydown}>
      <button
        type="button"
        part="button"
        class="toggle"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls="details"
        @click=${this.toggle}
      >
        <span part="bars" class="bars" role="img" aria-label=${this.label()} data-level=${level}>
          ${Array.from(
            { length: MAX_BARS },
            (_, i) =>
              html`<span part=${i < bars ? 'bar bar-on' : 'bar'} class=${i < bars ? 'bar on' : 'bar'}></span>`,
          )}
        </span>
      </button>
      <div part="warnings" class="warnings" role="status">
        ${this.warnings.map((warning) => html`<p part="warning" class="warning">${t.warning[warning]}</p>`)}
      </div>
      ${this.open ? this.renderDetails() : nothing}
    </div>`;
  }

  private renderDetails(): TemplateResult {
    const t = this.locale.messages;
    const figures = qualityFigures(this.sample, t, this.locale.language);
    return html`<div id="details" part="details" class="details" role="group" aria-labelledby="details-title">
      <p id="details-title" class="title">${t.quality.details}</p>
      <dl>
        ${figures.map(({ label, value }) => html`<div class="figure"><dt>${label}</dt><dd>${value}</dd></div>`)}
      </dl>
    </div>`;
  }
}

defineElement('sip-quality-indicator', SipQualityIndicator);

declare global {
  interface HTMLElementTagNameMap {
    'sip-quality-indicator': SipQualityIndicator;
  }
}
