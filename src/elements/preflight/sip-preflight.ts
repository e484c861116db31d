import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { PreflightResult, PreflightStep, PreflightVerdict } from '../../engine/types.js';
import type { Messages } from '../../i18n/index.js';
import { measureFigures } from '../quality-indicator/format.js';
import { defineElement } from '../shared/define.js';
import { emit } from '../shared/events.js';
import { PhoneElement } from '../shared/phone-element.js';
import { renderError } from '../shared/render/render-error.js';
import { themeStyles } from '../shared/styles/theme.js';
import { type PreflightMessages, preflightMessages } from './messages.js';
import { STEPS, stepStatuses } from './steps.js';
import { preflightStyles } from './styles.js';

/** Seconds the test call measures, by default and at most (the engine's floor is 2). */
const DURATION = { default: 6, min: 2, max: 30 };

/**
 * @tagname sip-preflight
 * @summary The self-check a visitor or agent runs before calling: browser support, the
 * microphone (permission and a live level meter), and a short call to the echo service
 * through the real backend measuring round trip, jitter, loss and MOS, and the path the
 * media took (direct or through a TURN relay). It ends with a verdict in plain words and
 * the measures as JSON (`result`, the `sip-preflight-complete` event, and a copy button
 * for support). Takes the same connection attributes as `<sip-call-button>`.
 *
 * @event sip-preflight-step - A step started. `detail: { step }`: `browser`, `microphone`, `call`.
 * @event sip-preflight-complete - The check ended. `detail: { result }` (see `PreflightResult`).
 * @event sip-error - Invalid configuration or an engine error. `detail: { code, message }`.
 * @event sip-call-state - The test call's state changed. `detail: { call, state, previous, hold }`.
 * @event sip-call-ended - The test call ended. `detail: { call, cause, message, sipStatus? }`.
 *
 * @csspart base - The wrapper.
 * @csspart title - The heading.
 * @csspart steps - The list of steps.
 * @csspart step - Each step (`data-step`, and `data-status`: `waiting`, `running`, `passed`, `failed`, `skipped`).
 * @csspart microphone-level - The microphone level meter (while checking).
 * @csspart verdict - The verdict and what to do (a polite live region; `data-verdict`).
 * @csspart figures - The test call's figures.
 * @csspart start - The start (or check again) button; while checking, the same button
 *   stops the check (part `stop`), so keyboard focus stays on it.
 * @csspart stop - The start button while checking.
 * @csspart details - The technical details (JSON) with their copy button.
 * @csspart error - The error alert (an invalid configuration).
 *
 * @cssproperty --sip-preflight-width - Maximum width (32rem).
 * @cssproperty --sip-accent - Buttons' colour.
 * @cssproperty --sip-success - Colour of a passed step.
 * @cssproperty --sip-danger - Colour of a failed step.
 * @cssproperty --sip-font - Font family.
 */
export class SipPreflight extends PhoneElement {
  static override styles = [themeStyles, preflightStyles];

  /** Who the test call goes to: a service that sends the caller's audio back. */
  @property() target = 'echo';

  /** Seconds the test call measures, 2 to 30. */
  @property({ type: Number }) duration = DURATION.default;

  /** The last check's verdict (read-only, reflected): `good`, `fair`, `poor`, `failed`. */
  @property({ reflect: true }) verdict: PreflightVerdict | undefined;

  /** The last check's result (read-only): what the `sip-preflight-complete` event carried. */
  @property({ attribute: false }) result: PreflightResult | undefined;

  @state() private running = false;
  @state() private step: PreflightStep | undefined;
  @state() private level = 0;
  @state() private copied = false;

  protected override readonly extraConfigProperties = ['target', 'duration'];

  private abort: AbortController | undefined;

  constructor() {
    super({
      register: false,
      singleTab: false,
      startOnConnect: false,
      checkElement: () => {
        if (!this.target.trim()) return 'target is required: the echo service, e.g. target="echo"';
        const { duration } = this;
        if (!(duration >= DURATION.min && duration <= DURATION.max)) {
          return `duration must be ${DURATION.min} to ${DURATION.max} seconds: got ${String(duration)}`;
        }
        return undefined;
      },
    });
  }

  /** Runs the check; resolves with its result, or undefined when stopped or not possible. */
  async start(): Promise<PreflightResult | undefined> {
    if (this.running) return undefined;
    const abort = new AbortController();
    this.abort = abort;
    this.running = true;
    this.result = undefined;
    this.verdict = undefined;
    this.step = undefined;
    this.level = 0;
    this.copied = false;
    try {
      const result = await this.engine.preflight({
        target: this.target.trim(),
        durationMs: this.duration * 1000,
        signal: abort.signal,
        onStep: (step) => {
          this.step = step;
          emit(this, 'sip-preflight-step', { step });
        },
        onMicrophoneLevel: (level) => {
          this.level = level;
        },
      });
      if (!result || abort.signal.aborted) return undefined;
      this.result = result;
      this.verdict = result.verdict;
      emit(this, 'sip-preflight-complete', { result });
      return result;
    } finally {
      if (this.abort === abort) {
        this.abort = undefined;
        this.running = false;
      }
    }
  }

  /** Stops a check under way: its test call is hung up and nothing is concluded. */
  stop(): void {
    this.abort?.abort();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  override render(): TemplateResult {
    const t = this.locale.messages;
    const p = preflightMessages[this.locale.language];
    const statuses = stepStatuses({ running: this.running, step: this.step, result: this.result });
    const { result, running } = this;
    const error = this.engine.view.error;
    return html`<section part="base" class="base" aria-labelledby="title">
      <h2 id="title" part="title">${p.title}</h2>
      <p>${p.intro}</p>
      <ol part="steps" class="steps" aria-label=${p.steps}>
        ${STEPS.map(
          (
            step,
          ) => html`<li part="step" class="step" data-step=${step} data-status=${statuses[step]}>
            <span class="name">${p.step[step]}</span>
            <span class="status">${p.status[statuses[step]]}</span>
            ${this.renderStepLine(step, p)}
          </li>`,
        )}
      </ol>
      <div part="verdict" class="verdict" role="status" data-verdict=${result?.verdict ?? nothing}>${
        result
          ? this.renderVerdict(result, t, p)
          : running && this.step === 'call'
            ? p.speak
            : nothing
      }</div>
      ${result?.call?.connected ? this.renderFigures(result, t, p) : nothing}
      <div class="actions">
        <button
          type="button"
          part=${running ? 'stop' : 'start'}
          class=${running ? 'btn' : 'btn accent'}
          ?disabled=${!running && error?.code === 'config-invalid'}
          @click=${() => (running ? this.stop() : void this.start())}
        >
          ${running ? p.stop : result ? p.again : p.start}
        </button>
      </div>
      ${result ? this.renderDetails(result, p) : nothing}
      ${!running && !result && error ? renderError(error, t) : nothing}
    </section>`;
  }

  private renderStepLine(
    step: PreflightStep,
    p: PreflightMessages,
  ): TemplateResult | typeof nothing {
    const { result } = this;
    if (step === 'browser' && result) {
      const { missing } = result.browser;
      const features = missing.map((feature) => p.feature[feature]);
      const list =
        features.length > 1
          ? `${features.slice(0, -1).join(', ')} ${p.and} ${features.at(-1)}`
          : features[0];
      return html`<span class="line">${list ? p.browserMissing(list) : p.browserSupported}</span>`;
    }
    if (
      step === 'microphone' &&
      this.running &&
      this.step !== 'browser' &&
      this.step !== undefined
    ) {
      return html`<meter
        part="microphone-level"
        aria-label=${p.microphoneLevel}
        min="0"
        max="1"
        .value=${this.level}
      ></meter>`;
    }
    return nothing;
  }

  private renderVerdict(
    result: PreflightResult,
    t: Messages,
    p: PreflightMessages,
  ): TemplateResult {
    const call = result.call;
    const reason = (problem: string): string => {
      if (problem !== 'call-failed' || !call) return '';
      if (call.error) return ` ${t.errorCode[call.error]}`;
      return call.endCause ? ` ${t.endCause[call.endCause]}.` : '';
    };
    return html`<strong>${p.verdict[result.verdict]}</strong>
      ${
        result.problems.length
          ? html`<ul>
              ${result.problems.map((problem) => html`<li>${p.problem[problem]}${reason(problem)}</li>`)}
            </ul>`
          : nothing
      }`;
  }

  private renderFigures(
    result: PreflightResult,
    t: Messages,
    p: PreflightMessages,
  ): TemplateResult {
    const figures = measureFigures(result.call, t, this.locale.language);
    return html`<dl part="figures" aria-label=${p.figures}>
      ${figures.map(({ label, value }) => html`<dt>${label}</dt><dd>${value}</dd>`)}
    </dl>`;
  }

  private renderDetails(result: PreflightResult, p: PreflightMessages): TemplateResult {
    const json = JSON.stringify(result, null, 2);
    return html`<details part="details">
      <summary>${p.details}</summary>
      <pre>${json}</pre>
      <button type="button" class="btn" @click=${() => void this.copy(json)}>
        ${this.copied ? p.copied : p.copy}
      </button>
    </details>`;
  }

  private async copy(json: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(json);
      this.copied = true;
    } catch {
      // No clipboard permission (an iframe without it): the JSON stays there to select.
      this.copied = false;
    }
  }
}

defineElement('sip-preflight', SipPreflight);

declare global {
  interface HTMLElementTagNameMap {
    'sip-preflight': SipPreflight;
  }
}
