import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import '../dialpad/sip-dialpad.js';
import type {
  Availability,
  PhoneConfig,
  PhoneError,
  QualityWarningName,
} from '../../engine/types.js';
import { splitList } from '../shared/config-input.js';
import { ClockController } from '../shared/controllers/clock-controller.js';
import { defineElement } from '../shared/define.js';
import { PhoneElement } from '../shared/phone-element.js';
import { callStatusText } from '../shared/render/call-status.js';
import { formatDuration } from '../shared/render/format-duration.js';
import { icons } from '../shared/render/icons.js';
import { renderCallControls, renderQualityIndicator } from '../shared/render/in-call.js';
import { renderError } from '../shared/render/render-error.js';
import { callControlsStyles } from '../shared/styles/call-controls.js';
import { themeStyles } from '../shared/styles/theme.js';
import {
  type CallView,
  isHeldByUs,
  isInCall,
  isReadyToCall,
  type PhoneView,
  remoteLabel,
} from '../shared/view-state.js';
import { BackgroundAlertController } from './background-alert.js';
import { DevicesController } from './devices-controller.js';
import {
  DEFAULT_MAX_CALLS,
  DEFAULT_WRAP_UP_SECONDS,
  phoneSettingsConfig,
} from './phone-settings.js';
import { renderAddParty, renderListen } from './render-conference.js';
import { devicesStyles, renderDevices, renderDevicesToggle } from './render-devices.js';
import { renderTargetForm } from './render-target-form.js';
import { phoneStyles } from './styles.js';

/**
 * @tagname sip-phone
 * @summary Agent phone: registers, rings for incoming calls, places calls, and controls
 * the call (mute, hold, keypad, hang up). With `max-calls` above 1 (default 2), a call
 * arriving during another rings as call waiting, and the agent switches between calls.
 *
 * @event sip-registration-change - Registration state changed. `detail: { state, previous, error? }`;
 * `state`: `unregistered`, `connecting`, `registering`, `registered` (ready to call and be
 * called), `reconnecting`, `failed`; `connected` (ready to call, not registered) only when
 * the `config` property sets `register: false`.
 * @event sip-incoming-call - A call is ringing (during another: call waiting). `detail: { call }`.
 * @event sip-call-state - The call changed state. `detail: { call, state, previous, hold }`.
 * @event sip-call-ended - The call ended. `detail: { call, cause, message, sipStatus? }`.
 * @event sip-dtmf - A keypad tone was sent. `detail: { call, tone, method }`.
 * @event sip-error - Invalid configuration or an engine error. `detail: { code, message }`.
 * @event sip-dialpad-press - A dialpad key was pressed. `detail: { key }`.
 * @event sip-quality - A call-quality sample (every second while answered). `detail: { call, sample }`.
 * @event sip-quality-warning - A quality warning raised or cleared. `detail: { call, warning, raised, value }`.
 * @event sip-call-report - The end-of-call quality report. `detail: { call, report }`.
 * @event sip-call-transfer - A transfer's step: `trying`, then `transferred` (the call then
 * ends) or `failed`. `detail: { call, state, target, sipStatus?, reason? }`.
 * @event sip-call-participant - A step of a 3-way call: `adding`, then `added` or
 * `add-failed`; `dropped` or `drop-failed`. `detail: { call, state, target, sipStatus?, reason? }`.
 *
 * @event sip-far-end-quality - The far end's phone reported its quality warnings (the
 *   caller's line, for an agent). `detail: { call, warnings }`.
 *
 * @event sip-tab-role-change - With `single-tab`: this tab now owns the phone, or mirrors
 * another tab's. `detail: { role }` (`owner`, `follower`, `electing`).
 *
 * @event sip-availability-change - Availability for queue calls changed: the agent chose,
 * a call ended (wrap-up began) or the wrap-up was over.
 * `detail: { availability, previous, reason, wrapUpEndsAt? }`.
 *
 * @event sip-devices-change - The audio devices (lists or choice) changed, or a device in
 * use was plugged in or out. `detail: { devices, notices }`.
 *
 * @slot quality - Replaces the built-in call-quality indicator shown in the header during a call.
 *
 * @csspart base - The phone's card.
 * @csspart status - Registration state in words.
 * @csspart other-tab - The note in a tab that works through another tab's phone (`single-tab`).
 * @csspart quality - Wrapper of the quality slot.
 * @csspart quality-indicator - The built-in `<sip-quality-indicator>` (the slot's default).
 * @csspart availability - The availability group (Available, Away, the wrap-up countdown).
 * @csspart availability-option - Each choice (`data-value`: `available`, `away`; `aria-pressed`).
 * @csspart wrap-up - The wrap-up countdown (after a call, with `wrap-up-seconds`).
 * @csspart error - The error alert.
 * @csspart unlock-audio - The "enable sound" button shown when the browser blocks audio.
 * @csspart dial-form - Target input, dialpad and call button (idle).
 * @csspart target-input - The number or address input.
 * @csspart dialpad - The dialpad.
 * @csspart call-button - The call button.
 * @csspart call-hint - Why the call button is disabled (the phone is not ready).
 * @csspart incoming - The incoming-call banner.
 * @csspart other-calls - The list of the other calls (call waiting, held).
 * @csspart other-call - Each other call (`data-state`: its call state).
 * @csspart other-caller-name - An other call's remote name.
 * @csspart other-call-status - An other call's status ("Call waiting", "On hold").
 * @csspart answer-waiting - Answers a waiting call (the call on screen is held).
 * @csspart decline-waiting - Declines a waiting call.
 * @csspart switch - Takes a held call back (the call on screen is held).
 * @csspart hangup-other - Hangs up an other call.
 * @csspart answer - Answer button.
 * @csspart decline - Decline button.
 * @csspart call - The current call area.
 * @csspart caller-name - Remote display name.
 * @csspart caller-user - Remote user.
 * @csspart context - The caller's details sent by the caller's page (`context` of the call), as text.
 * @csspart context-name - A detail's name.
 * @csspart context-value - A detail's value.
 * @csspart call-status - What the call is doing, in words.
 * @csspart timer - Call duration.
 * @csspart controls - The call control buttons.
 * @csspart control - Each call control button (also `mute`, `hold`, `keypad-toggle`, `hangup`).
 * @csspart keypad - The in-call keypad.
 * @csspart transfer-toggle - Opens or closes the transfer form (answered calls).
 * @csspart transfer-form - The transfer form.
 * @csspart transfer-input - The transfer target input.
 * @csspart transfer-target - Each one-press target of `transfer-targets`.
 * @csspart transfer-submit - Transfers to the typed target.
 * @csspart transfer-consult - Calls the typed target first (the call is held): an attended
 *   transfer's consultation.
 * @csspart transfer-complete - On a held call, while another is on screen: transfers the
 *   held call to the party on screen (attended transfer), and both calls end.
 * @csspart add-toggle - Opens or closes the "Add to call" form (answered calls).
 * @csspart add-form - The form that adds a party to the call (3-way call).
 * @csspart add-input - The party to add.
 * @csspart add-target - Each one-press party (from `transfer-targets`).
 * @csspart add-submit - Adds the typed party.
 * @csspart participants - The parties added to the call.
 * @csspart participant - Each party added.
 * @csspart participant-name - A party's name.
 * @csspart drop - Drops a party from the call.
 * @csspart listen-form - A supervisor's listen-in form (shown when the credentials carry the role).
 * @csspart listen-input - The agent to listen to.
 * @csspart listen-submit - Starts listening in.
 *
 * @csspart devices-toggle - The settings button that opens the audio devices menu.
 * @csspart devices - The audio devices menu (microphone, speaker, ringer).
 * @csspart device-select - Each device select (`data-role`: `microphone`, `speaker`, `ringer`).
 * @csspart device-unsupported - "Not supported in this browser", beside an output select.
 * @csspart microphone-level - The microphone level meter (while the menu is open).
 * @csspart test-sound - Plays a test sound (`data-output`: `speaker`, `ringer`).
 * @csspart allow-device-names - Asks for the microphone, so that devices show their names.
 * @csspart auto-switch - Whether a device plugged in is used at once.
 * @csspart devices-close - Closes the menu.
 * @csspart device-notice - What just happened to the devices ("… unplugged: back to …").
 * @csspart device-use - Uses a device just plugged in (when not taken by itself).
 *
 * @cssproperty --sip-accent - Accent colour.
 * @cssproperty --sip-accent-fg - Text on the accent colour.
 * @cssproperty --sip-bg - Background.
 * @cssproperty --sip-fg - Text colour.
 * @cssproperty --sip-muted-fg - Secondary text colour.
 * @cssproperty --sip-surface - Button background.
 * @cssproperty --sip-border - Border colour.
 * @cssproperty --sip-danger - Hang-up / decline / error colour.
 * @cssproperty --sip-danger-fg - Text on the danger colour.
 * @cssproperty --sip-success - Call / answer colour.
 * @cssproperty --sip-success-fg - Text on the success colour.
 * @cssproperty --sip-focus-ring - Focus outline colour.
 * @cssproperty --sip-radius - Corner radius.
 * @cssproperty --sip-font - Font family.
 * @cssproperty --sip-target-size - Minimum control size (44px).
 * @cssproperty --sip-phone-width - Maximum width.
 */
export class SipPhone extends PhoneElement {
  static override styles = [themeStyles, callControlsStyles, phoneStyles, devicesStyles];

  /**
   * How many calls the phone handles at once, 1 to 4. Above 1, a call during another
   * rings as call waiting; at 1 it is refused as busy.
   */
  @property({ attribute: 'max-calls', type: Number }) maxCalls = DEFAULT_MAX_CALLS;

  /**
   * Where the agent usually transfers to, offered as one-press buttons in the transfer
   * form: users or service numbers separated by spaces or commas
   * (`transfer-targets="agent2, agent3, queue"`). Any other target can be typed.
   */
  @property({
    attribute: 'transfer-targets',
    converter: { fromAttribute: (value: string | null) => splitList(value ?? '') },
  })
  transferTargets: string[] = [];

  /**
   * Availability for queue calls when the phone starts: `available` (default) or `away`.
   * The agent changes it with the phone's own control (`phone.setAvailability()`); the
   * live value is `phone.availability`.
   */
  @property() availability: Availability | '' = '';

  /**
   * Seconds in wrap-up after an answered call (no queue call rings meanwhile), shown as a
   * countdown; 0 to 3600, default 0 (none).
   */
  @property({ attribute: 'wrap-up-seconds', type: Number }) wrapUpSeconds = DEFAULT_WRAP_UP_SECONDS;

  /**
   * A call that rings while the tab is hidden also shows a system notification (the tab's
   * title flashes in any case). The browser asks the agent for the permission on their
   * first press inside the phone.
   */
  @property({ type: Boolean }) notifications = false;

  private readonly backgroundAlert = new BackgroundAlertController(this);
  private readonly devices = new DevicesController(this, () => this.engine.phone);

  @state() private target = '';
  @state() private transferOpen = false;
  @state() private transferTarget = '';
  @state() private addOpen = false;
  @state() private addTarget = '';
  @state() private listenAgent = '';

  protected override readonly extraConfigProperties = ['maxCalls', 'availability', 'wrapUpSeconds'];

  constructor() {
    super({ register: true, singleTab: true, startOnConnect: true });
    new ClockController(this, () => this.engine.phone?.availability === 'wrap-up');
  }

  protected override elementConfig(): Partial<PhoneConfig> {
    return phoneSettingsConfig(this);
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    // The transfer form belongs to the answered call on screen: gone with it.
    if (!isInCall(this.engine.view.call)) {
      this.transferOpen = false;
      this.addOpen = false;
    }
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const view = this.engine.view;
    const ringing = [view.call, ...view.otherCalls].find(
      (call): call is CallView => call !== undefined && isWaiting(call),
    );
    this.backgroundAlert.notifications = this.notifications;
    this.backgroundAlert.setRinging(
      ringing && {
        id: ringing.id,
        title: this.locale.messages.incomingCallFrom(remoteLabel(ringing)),
      },
    );
  }

  /** Focus on the Answer button of the call that rings (from a notification's click). */
  focusAnswer(): void {
    this.renderRoot
      .querySelector<HTMLButtonElement>('[part="answer"], [part="answer-waiting"]')
      ?.focus();
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const target = this.target.trim();
    if (!target) {
      this.renderRoot.querySelector<HTMLInputElement>('#target')?.focus();
      return;
    }
    void this.engine.placeCall(target);
  }

  private appendKey(key: string): void {
    this.target += key;
  }

  protected override render(): TemplateResult {
    const t = this.locale.messages;
    const view = this.engine.view;
    const error = shownError(view);
    const devices = this.devices.input();
    const devicesInput = devices && { ...devices, t: t.devices };
    return html`<section part="base" class="phone" aria-label=${t.phone}>
      <header>
        <span class="dot" data-state=${view.registration} aria-hidden="true"></span>
        <p part="status" class="status" role="status">${t.registration[view.registration]}</p>
        <span part="quality" class="quality"
          ><slot name="quality">${renderQualityIndicator(view.call, this.theme)}</slot></span
        >
        ${devicesInput ? renderDevicesToggle(devicesInput) : nothing}
      </header>
      ${
        this.engine.phone?.tabRole === 'follower'
          ? html`<p part="other-tab" class="other-tab">${t.otherTab}</p>`
          : nothing
      }
      ${devicesInput ? renderDevices(devicesInput) : nothing}
      ${error ? renderError(error, t) : nothing} ${this.renderUnlockAudio()}
      ${view.call ? this.renderCall(view.call, error) : nothing}
      ${
        // With the call on screen held and room for another, the agent can place one.
        !view.call || (isHeldByUs(view.call) && view.otherCalls.length + 1 < this.maxCalls)
          ? this.renderDialForm(view)
          : nothing
      }
      ${view.call ? nothing : this.renderListen(view)}
      ${this.renderOtherCalls(view.otherCalls, view.call)} ${this.renderAvailability()}
    </section>`;
  }

  /**
   * Available / Away for queue calls, and the wrap-up countdown after a call (Available
   * ends it early). Only once there is a phone to tell.
   */
  private renderAvailability(): TemplateResult | typeof nothing {
    const phone = this.engine.phone;
    if (!phone) return nothing;
    const t = this.locale.messages.availability;
    const current = phone.availability;
    const choice = (value: 'available' | 'away', label: string) =>
      html`<button
        type="button"
        class="btn"
        part="availability-option"
        data-value=${value}
        aria-pressed=${current === value ? 'true' : 'false'}
        @click=${() => phone.setAvailability(value)}
      >
        ${label}
      </button>`;
    const name = current === 'wrap-up' ? t.wrapUp : current === 'away' ? t.away : t.available;
    // Rounded up: the countdown reaches 00:00 as the wrap-up ends, not a second before.
    const left = Math.max(0, (phone.wrapUpEndsAt ?? 0) - Date.now()) + 999;
    return html`<div part="availability" class="availability" role="group" aria-label=${t.label}>
      ${choice('available', t.available)} ${choice('away', t.away)}
      ${
        current === 'wrap-up'
          ? html`<p part="wrap-up" class="wrap-up">${t.wrapUpLeft(formatDuration(left))}</p>`
          : nothing
      }
      <p class="visually-hidden" role="status">${t.label}: ${name}</p>
    </div>`;
  }

  /**
   * The calls not on screen, under it (a banner appearing above would move the controls
   * under the agent's finger), with a live region that says a call is waiting.
   */
  private renderOtherCalls(
    calls: readonly CallView[],
    onScreen: CallView | undefined,
  ): TemplateResult {
    const t = this.locale.messages;
    const waiting = calls.filter(isWaiting).map((call) => `${t.callWaiting}: ${remoteLabel(call)}`);
    return html`<p class="visually-hidden" role="status">${waiting.join('. ')}</p>
      ${
        calls.length === 0
          ? nothing
          : html`<ul part="other-calls" class="other-calls" aria-label=${t.otherCalls}>
              ${repeat(
                calls,
                (call) => call.id,
                (call) => this.renderOtherCall(call, onScreen),
              )}
            </ul>`
      }`;
  }

  private renderOtherCall(call: CallView, onScreen: CallView | undefined): TemplateResult {
    const t = this.locale.messages;
    const who = remoteLabel(call);
    const waiting = isWaiting(call);
    const status = waiting ? t.callWaiting : (callStatusText(call, t, undefined) ?? '');
    return html`<li part="other-call" class="other-call" data-state=${call.state}>
      <p class="other-caller">
        <span part="other-caller-name" class="caller-name">${who}</span>
        <span part="other-call-status" class="other-status">${status}</span>
      </p>
      ${this.renderContext(call)}
      <div class="other-actions">
        ${
          waiting
            ? html`<button
                  type="button"
                  class="btn success"
                  part="answer-waiting"
                  aria-label=${t.answerCall(who)}
                  @click=${() => this.engine.answer(call.id)}
                >
                  ${icons.phone()}<span>${t.answer}</span>
                </button>
                <button
                  type="button"
                  class="btn danger"
                  part="decline-waiting"
                  aria-label=${t.declineCall(who)}
                  @click=${() => this.engine.decline(call.id)}
                >
                  ${icons.hangUp()}<span>${t.decline}</span>
                </button>`
            : html`<button
                  type="button"
                  class="btn"
                  part="switch"
                  aria-label=${t.switchToCall(who)}
                  @click=${() => this.engine.resume(call.id)}
                >
                  <span>${t.switchCall}</span>
                </button>
                ${this.renderCompleteTransfer(call, onScreen)}
                <button
                  type="button"
                  class="btn danger"
                  part="hangup-other"
                  aria-label=${t.hangUpCall(who)}
                  @click=${() => this.engine.hangup(call.id)}
                >
                  ${icons.hangUp()}<span>${t.hangUp}</span>
                </button>`
        }
      </div>
    </li>`;
  }

  /**
   * Attended transfer, once the agent consulted the target in the call on screen: the held
   * call goes to that party.
   */
  private renderCompleteTransfer(
    call: CallView,
    onScreen: CallView | undefined,
  ): TemplateResult | typeof nothing {
    if (!onScreen || !isInCall(onScreen) || !isInCall(call)) return nothing;
    const t = this.locale.messages;
    const to = remoteLabel(onScreen);
    return html`<button
      type="button"
      class="btn accent"
      part="transfer-complete"
      aria-label=${t.completeTransferCall(remoteLabel(call), to)}
      ?disabled=${call.transfer?.state === 'trying'}
      @click=${() => this.engine.completeTransfer(call.id)}
    >
      <span>${t.completeTransfer(to)}</span>
    </button>`;
  }

  private renderDialForm(view: PhoneView): TemplateResult {
    const t = this.locale.messages;
    const configured = view.error?.code !== 'config-invalid';
    // Calls go through the connection (registered, or connected for a `config` with
    // `register: false`): without it a call could only fail. A configuration error has its
    // own alert; otherwise the hint says why.
    const notReady = configured && !isReadyToCall(view.registration);
    return html`<form part="dial-form" @submit=${this.onSubmit}>
      <label for="target">${t.target}</label>
      <input
        id="target"
        part="target-input"
        autocomplete="off"
        spellcheck="false"
        placeholder=${t.targetPlaceholder}
        .value=${this.target}
        @input=${(event: InputEvent) => {
          this.target = (event.target as HTMLInputElement).value;
        }}
      />
      <sip-dialpad
        part="dialpad"
        theme=${this.theme ?? nothing}
        @sip-dialpad-press=${(event: CustomEvent<{ key: string }>) => this.appendKey(event.detail.key)}
      ></sip-dialpad>
      <button
        type="submit"
        class="btn success"
        part="call-button"
        aria-describedby=${notReady ? 'call-hint' : nothing}
        ?disabled=${!configured || notReady || view.placing}
      >
        ${icons.phone()}<span>${t.call}</span>
      </button>
      ${
        notReady
          ? html`<p id="call-hint" part="call-hint" class="hint">${t.callWhenReady}</p>`
          : nothing
      }
    </form>`;
  }

  private renderCall(call: CallView, error: PhoneError | undefined): TemplateResult {
    const status = callStatusText(call, this.locale.messages, error);
    const incoming = call.direction === 'incoming' && call.state === 'ringing';
    return html`<div part=${incoming ? 'incoming' : 'call'} class=${incoming ? 'incoming' : 'call'}>
      <p class="caller">
        <span part="caller-name" class="caller-name">${call.remoteName || call.remoteUser}</span>
        ${
          call.remoteName
            ? html`<span part="caller-user" class="caller-user">${call.remoteUser}</span>`
            : nothing
        }
      </p>
      ${this.renderContext(call)}
      ${
        status === undefined
          ? nothing
          : html`<p part="call-status" class="call-status" role="status">${status}</p>`
      }
      ${this.renderFarEndQuality(call)}
      ${incoming ? this.renderAnswerRow() : nothing}
      ${!incoming && call.state !== 'ended' ? renderCallControls(this.callControlsInput(call)) : nothing}
      ${isInCall(call) ? this.renderTransfer(call) : nothing}
      ${isInCall(call) ? this.renderAddParty(call) : nothing}
    </div>`;
  }

  /** 3-way call: Add to call, and the parties added with their Drop buttons. */
  private renderAddParty(call: CallView): TemplateResult {
    return renderAddParty({
      call,
      t: this.locale.messages,
      open: this.addOpen,
      value: this.addTarget,
      targets: this.transferTargets,
      toggle: () => {
        this.addOpen = !this.addOpen;
      },
      input: (value) => {
        this.addTarget = value;
      },
      add: (target) => {
        const trimmed = target.trim();
        if (trimmed) this.engine.addParticipant(trimmed);
        else this.renderRoot.querySelector<HTMLInputElement>('#add-target')?.focus();
      },
      drop: (target) => this.engine.removeParticipant(target),
    });
  }

  /** A supervisor's listen-in, beside the dial form. */
  private renderListen(view: PhoneView): TemplateResult | typeof nothing {
    if (this.engine.role !== 'supervisor') return nothing;
    return renderListen({
      t: this.locale.messages,
      value: this.listenAgent,
      disabled: !isReadyToCall(view.registration) || view.placing,
      input: (value) => {
        this.listenAgent = value;
      },
      listen: (agent) => {
        const trimmed = agent.trim();
        if (trimmed) void this.engine.listen(trimmed);
        else this.renderRoot.querySelector<HTMLInputElement>('#listen-agent')?.focus();
      },
    });
  }

  /** The Transfer button, and its form: a target typed or picked from `transfer-targets`. */
  private renderTransfer(call: CallView): TemplateResult {
    const t = this.locale.messages;
    const busy = call.transfer?.state === 'trying';
    // A consultation is one more call: only with room for it.
    const canConsult = this.engine.view.otherCalls.length + 1 < this.maxCalls;
    return html`<button
        type="button"
        class="btn"
        part="transfer-toggle"
        aria-expanded=${this.transferOpen ? 'true' : 'false'}
        aria-controls="transfer-form"
        @click=${() => {
          this.transferOpen = !this.transferOpen;
        }}
      >
        ${t.transfer}
      </button>
      ${
        this.transferOpen
          ? renderTargetForm({
              name: 'transfer',
              formId: 'transfer-form',
              inputId: 'transfer-target',
              label: t.transferTo,
              value: this.transferTarget,
              targets: this.transferTargets,
              busy,
              submitLabel: t.transferCall,
              extraAction: canConsult
                ? html`<button
                    type="button"
                    class="btn"
                    part="transfer-consult"
                    ?disabled=${busy}
                    @click=${() => this.consult(this.transferTarget)}
                  >
                    ${t.consult}
                  </button>`
                : nothing,
              input: (value) => {
                this.transferTarget = value;
              },
              choose: (target) => this.transferTo(target),
            })
          : nothing
      }`;
  }

  private transferTo(target: string): void {
    const trimmed = this.transferTargetOrFocus(target);
    if (trimmed) this.engine.transfer(trimmed);
  }

  /**
   * Calls `target` while the call on screen is held (the engine holds it): the consultation
   * of an attended transfer, completed from the held call's Transfer button.
   */
  private consult(target: string): void {
    const trimmed = this.transferTargetOrFocus(target);
    if (!trimmed) return;
    this.transferOpen = false;
    this.transferTarget = '';
    void this.engine.placeCall(trimmed);
  }

  /** The trimmed target, or undefined after moving focus to the empty input. */
  private transferTargetOrFocus(target: string): string | undefined {
    const trimmed = target.trim();
    if (!trimmed) this.renderRoot.querySelector<HTMLInputElement>('#transfer-target')?.focus();
    return trimmed || undefined;
  }

  /**
   * How the far end's line is doing, as its phone reports it: its worst warning, in a live
   * region so the agent hears of it too.
   */
  private renderFarEndQuality(call: CallView): TemplateResult | typeof nothing {
    const warning = FAR_END_PRIORITY.find((name) => call.farEndWarnings.includes(name));
    if (!warning || !isInCall(call)) return nothing;
    return html`<p part="far-end-quality" class="far-end-quality" role="status">
      ${this.locale.messages.quality.farEnd[warning]}
    </p>`;
  }

  /** What the caller's page sent about the caller: names and values, as text only. */
  private renderContext(call: CallView): TemplateResult | typeof nothing {
    const entries = Object.entries(call.context ?? {});
    if (entries.length === 0) return nothing;
    return html`<dl part="context" class="context" aria-label=${this.locale.messages.callerDetails}>
      ${entries.map(
        ([name, value]) => html`<div class="context-entry">
          <dt part="context-name">${name}</dt>
          <dd part="context-value">${value}</dd>
        </div>`,
      )}
    </dl>`;
  }

  private renderAnswerRow(): TemplateResult {
    const t = this.locale.messages;
    return html`<div class="answer-row">
      <button type="button" class="btn success" part="answer" @click=${() => this.engine.answer()}>
        ${icons.phone()}<span>${t.answer}</span>
      </button>
      <button type="button" class="btn danger" part="decline" @click=${() => this.engine.decline()}>
        ${icons.hangUp()}<span>${t.decline}</span>
      </button>
    </div>`;
  }
}

/** The far end's warnings, worst first: a broken connection, then no audio, then degraded audio. */
const FAR_END_PRIORITY: readonly QualityWarningName[] = [
  'ice-disconnected',
  'no-inbound-packets',
  'no-inbound-audio',
  'no-outbound-audio',
  'high-loss',
  'high-jitter',
  'high-rtt',
  'low-mos',
];

/** An incoming call that rings (as call waiting while another call is on screen). */
function isWaiting(call: CallView): boolean {
  return call.direction === 'incoming' && call.state === 'ringing';
}

/**
 * The error worth an alert. A lost connection while the engine reconnects is already
 * in the header status ("Connection lost, reconnecting…"): an alert would repeat it.
 */
function shownError(view: PhoneView): PhoneError | undefined {
  const reconnecting = view.registration === 'reconnecting' || view.registration === 'connecting';
  return reconnecting && view.error?.code === 'connection-failed' ? undefined : view.error;
}

defineElement('sip-phone', SipPhone);

declare global {
  interface HTMLElementTagNameMap {
    'sip-phone': SipPhone;
  }
}
