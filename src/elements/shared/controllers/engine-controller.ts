import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type ConfigResult, validateConfig } from '../../../engine/config.js';
import { requestCredentialsEarly } from '../../../engine/credentials-request.js';
import { dropEarlyMicrophone, requestMicrophoneEarly } from '../../../engine/early-microphone.js';
import { type Logger, loggerOf } from '../../../engine/log.js';
import type {
  CallConnectionEvent,
  CallEventMap,
  CallHandle,
  CallOptions,
  ParticipantEvent,
  PhoneConfig,
  PhoneError,
  PhoneEventMap,
  PreflightOptions,
  PreflightResult,
  TransferEvent,
  Unsubscribe,
} from '../../../engine/types.js';
import { afterNextPaint } from '../after-next-paint.js';
import {
  dropEarlyPhone,
  type EarlyPhone,
  type Handlers,
  type PhoneHandlers,
  type RecordedEvent,
  replay,
  takeEarlyPhone,
} from '../early-phone.js';
import { type EngineLoader, type EngineModule, type PhoneApi, phoneClass } from '../engine-api.js';
import { emit } from '../events.js';
import { loadEngine } from '../load-engine.js';
import {
  type CallView,
  callViewOf,
  focusedCall,
  INITIAL_VIEW,
  isHeldByUs,
  isReadyToCall,
  type PhoneView,
} from '../view-state.js';
import { CALL_EVENTS } from './call-events.js';
import {
  type Around,
  forwardingHandlers,
  ownHandlers,
  PHONE_EVENTS,
  subscribe,
} from './engine-events.js';

/** How long an ended call stays on screen with its cause before the idle view returns. */
export const ENDED_DISPLAY_MS = 4000;
/** How long "Call reconnected" replaces the call's usual status once its connection is back. */
export const RECOVERED_DISPLAY_MS = 4000;

export interface EngineControllerOptions {
  /** Agents register to receive calls; visitors only place calls. */
  register: boolean;
  /** Create and start the phone as soon as the element is on the page (agent phone). */
  startOnConnect: boolean;
  /** The configuration input (attributes merged with the `config` property). */
  readConfig: () => Record<string, unknown>;
  /** The element's own settings check (beyond the engine's): a message when invalid. */
  checkElement?: () => string | undefined;
  /**
   * The element's own lazily loaded parts (e.g. the call button's in-call panel), loaded
   * with the engine: a phone exists only once they are there, and a failure to load them
   * is reported like the engine's.
   */
  loadParts?: () => Promise<unknown>;
}

type Host = ReactiveControllerHost & HTMLElement;

/**
 * Connects an element to one engine `Phone`: validates the element's configuration,
 * loads the engine on demand, turns engine state into a {@link PhoneView}, re-dispatches
 * engine events as DOM events (the tables in engine-events.ts), and forwards the user's
 * intents. Protocol decisions stay
 * in the engine.
 */
export class EngineController implements ReactiveController {
  /**
   * How the engine module is loaded. Replaceable before the first load (tests; hosts
   * that bundle the engine themselves).
   */
  loader: EngineLoader = loadEngine;

  private currentView: PhoneView = INITIAL_VIEW;
  /** The configuration input, once `validateConfig` accepted it. */
  private config: PhoneConfig | undefined;
  /** Serialized `config`, to tell a real change from a re-render. */
  private configKey = '';
  /** The accepted configuration's credentials service, if it has one. */
  private credentialsUrl: string | undefined;
  private configError: PhoneError | undefined;
  private runtimeError: PhoneError | undefined;
  /** `code` and `message` of the last `sip-error` sent for an engine error. */
  private lastReported: string | undefined;
  private autoplayBlocked = false;
  private placing = false;

  private phoneApi: PhoneApi | undefined;
  /** `configKey` the current phone was created with. */
  private phoneKey = '';
  /** The current phone is the one the script-tag core started (src/cdn/early-phone.ts). */
  private phoneStartedEarly = false;
  /** While the core's phone is being taken: what each of its calls said meanwhile. */
  private recordedCalls: ReadonlyMap<CallHandle, RecordedEvent<CallEventMap>[]> | undefined;
  private phoneLoading: Promise<PhoneApi | undefined> | undefined;
  private phoneSubscriptions: Unsubscribe[] = [];
  /**
   * The last phone's stop (its un-REGISTER, and with `singleTab` its hold on the tabs'
   * phone): a new phone starts after it, or the old un-REGISTER could land after the new
   * REGISTER of the same instance and take the new binding with it, and the new phone
   * would find the tabs' phone still owned.
   */
  private previousStop: Promise<unknown> = Promise.resolve();
  private prepared = false;

  /** `maxCalls` of the accepted configuration: how many calls the element follows. */
  private maxCalls = 1;
  /** `singleTab` of the accepted configuration: the phone may be another tab's. */
  private singleTab = false;
  /** The configuration's `logLevel` and `logger` (even an invalid configuration's, if valid). */
  private log: Logger = loggerOf(undefined);
  /** Every live call, oldest first, with its subscriptions. */
  private readonly calls = new Map<CallHandle, Unsubscribe[]>();
  /** The last transfer step of each call that was asked to transfer. */
  private readonly transfers = new Map<CallHandle, TransferEvent>();
  /** The last step of adding or dropping a party, for each call that was asked to. */
  private readonly participantSteps = new Map<CallHandle, ParticipantEvent>();
  private endedCall: CallView | undefined;
  private endedTimer: ReturnType<typeof setTimeout> | undefined;
  /** Runs while the focused call shows that its connection came back. */
  private recoveredTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: Host,
    private readonly options: EngineControllerOptions,
  ) {
    host.addController(this);
  }

  /** What the element renders. Setting it shows a state directly (tests). */
  get view(): PhoneView {
    return this.currentView;
  }

  set view(view: PhoneView) {
    this.currentView = view;
    this.host.requestUpdate();
  }

  get phone(): PhoneApi | undefined {
    return this.phoneApi;
  }

  /** The call on screen: the one the call controls act on (see `focusedCall`). */
  get call(): CallHandle | undefined {
    return focusedCall([...this.calls.keys()]);
  }

  /** Every live call, oldest first. */
  get liveCalls(): readonly CallHandle[] {
    return [...this.calls.keys()];
  }

  hostConnected(): void {
    this.configure();
  }

  hostDisconnected(): void {
    // Moving an element in the DOM disconnects and reconnects it at once: only a real
    // removal stops the phone.
    queueMicrotask(() => {
      if (this.host.isConnected) return;
      dropEarlyPhone(this.host);
      this.dropPhone();
      clearTimeout(this.endedTimer);
      this.endedCall = undefined;
    });
  }

  /** Re-reads and checks the configuration; call it when a configuration input changes. */
  configure(): void {
    const input = this.options.readConfig();
    this.log = loggerOf(input);
    const elementProblem = this.options.checkElement?.();
    const result: ConfigResult = elementProblem
      ? { ok: false, error: { code: 'config-invalid', message: elementProblem } }
      : validateConfig(input);
    if (result.ok) {
      this.configError = undefined;
      // Checked just above; the engine resolves defaults again from the same input.
      this.config = input as unknown as PhoneConfig;
      this.configKey = JSON.stringify(result.config);
      this.maxCalls = result.config.maxCalls;
      this.singleTab = result.config.singleTab;
      const { credentials } = result.config;
      this.credentialsUrl = credentials.kind === 'url' ? credentials.url : undefined;
    } else {
      // A phone the core started from the attributes alone would not be this one.
      dropEarlyPhone(this.host);
      const isNew = this.configError?.message !== result.error.message;
      this.configError = result.error;
      this.config = undefined;
      this.credentialsUrl = undefined;
      this.configKey = '';
      if (isNew) this.report(result.error);
    }
    this.sync();
  }

  /** Loads the engine without connecting (the page is idle). */
  preload(): void {
    void this.ensurePhone();
  }

  /** Loads the engine and connects early, on a visitor's intent to call. */
  prepare(): void {
    void this.ensurePhone().then((phone) => {
      if (!phone || this.prepared) return;
      this.prepared = true;
      this.settle(phone.prepare());
    });
  }

  /**
   * Places a call unless one is being placed or the phone has all the calls it takes (a
   * second click is a no-op). The engine holds the calls in progress first.
   * @param placedEarly the script-tag core placed this click's call already, on the phone
   *   it started for the element (src/cdn/call-buttons-at-rest.ts): the element follows
   *   that call as it takes the phone, and places one only if that phone is not its own
   *   (configured otherwise: it was stopped with its call).
   */
  async placeCall(target: string, options: CallOptions = {}, placedEarly = false): Promise<void> {
    await this.place((phone) => phone.call(target, options), placedEarly);
  }

  /** Supervisor listen-in on `agent`'s call: a call like any other, placed by the engine. */
  async listen(agent: string): Promise<void> {
    await this.place((phone) => phone.listen(agent));
  }

  /**
   * The self-check (`phone.preflight()`) on this element's phone, loaded on demand;
   * undefined without a phone (an invalid configuration, an engine that failed to load:
   * the view's error says which).
   */
  async preflight(options: PreflightOptions): Promise<PreflightResult | undefined> {
    this.clearRuntimeError();
    const phone = await this.ensurePhone();
    return phone?.preflight(options);
  }

  /** `supervisor` when the phone's credentials carry that role. */
  get role(): 'supervisor' | undefined {
    return this.phoneApi?.role;
  }

  /**
   * A click asked for a call that will not be placed (the element found its configuration
   * wrong): the microphone the click opened early (engine/early-microphone.ts) is released.
   */
  abandonCall(): void {
    dropEarlyMicrophone();
  }

  private async place(start: (phone: PhoneApi) => CallHandle, placedEarly = false): Promise<void> {
    if (this.placing) return;
    if (this.calls.size >= this.maxCalls || !this.config) {
      this.abandonCall();
      return;
    }
    this.placing = true;
    this.clearRuntimeError();
    this.refresh();
    // The core's call took the microphone already.
    if (!placedEarly && this.opensMicrophoneAtClick()) requestMicrophoneEarly();
    try {
      const ready = this.phoneApi !== undefined;
      const phone = await this.ensurePhone();
      // That call is this element's now (tracked as the phone was taken), or it has ended.
      if (placedEarly && this.phoneStartedEarly) return;
      // With the phone ready, the click's new state ("Connecting…") is painted first.
      if (ready) await afterNextPaint();
      if (phone && phone === this.phoneApi && this.calls.size < this.maxCalls) {
        this.track(start(phone));
      } else dropEarlyMicrophone();
    } catch (cause) {
      dropEarlyMicrophone();
      this.fail({ code: 'call-failed', message: describeError(cause), cause });
    } finally {
      this.placing = false;
      this.refresh();
    }
  }

  /**
   * Whether the click opens the microphone itself (early-microphone.ts), before the call is
   * placed: while the engine loads, and while the click's new state is painted when the
   * phone is in (the call's offer may have to wait for the microphone). Not for a phone that
   * may be another tab's (`singleTab`: the call's media are there) nor for a chosen
   * microphone (the call opens that one).
   */
  private opensMicrophoneAtClick(): boolean {
    const phone = this.phoneApi;
    return !phone || (!this.singleTab && phone.devices.microphone === undefined);
  }

  /** Answers the call `id` (default: the one on screen); the engine holds the others. */
  answer(id?: string): void {
    const call = this.callById(id);
    if (call) this.settle(call.answer());
  }

  decline(id?: string): void {
    this.callById(id)?.reject();
  }

  hangup(id?: string): void {
    this.callById(id)?.hangup();
  }

  /** Takes the held call `id` back; the engine holds the one that had the line (swap). */
  resume(id: string): void {
    const call = this.callById(id);
    if (call) this.settle(call.setHold(false));
  }

  toggleMute(): void {
    const call = this.call;
    call?.setMuted(!call.muted);
  }

  toggleHold(): void {
    const call = this.call;
    if (call) this.settle(call.setHold(!isHeldByUs(call)));
  }

  /** Blind transfer of the call on screen; the outcome arrives as `transfer` events. */
  transfer(target: string): void {
    const call = this.call;
    if (call) this.settle(call.transfer(target).then(() => undefined));
  }

  /**
   * Attended transfer: the held call `id` goes to the party of the call on screen (the
   * consultation), which then ends too; the outcome arrives as the held call's `transfer`
   * events.
   */
  completeTransfer(id: string): void {
    const call = this.callById(id);
    const consultation = this.call;
    if (call && consultation && call !== consultation) {
      this.settle(call.transfer(consultation).then(() => undefined));
    }
  }

  /** 3-way call: adds a party to the call on screen; steps arrive as `participant` events. */
  addParticipant(target: string): void {
    const call = this.call;
    if (call) this.settle(call.addParticipant(target).then(() => undefined));
  }

  /** Drops a party added to the call on screen. */
  removeParticipant(target: string): void {
    const call = this.call;
    if (call) this.settle(call.removeParticipant(target).then(() => undefined));
  }

  sendDtmf(tones: string): void {
    const call = this.call;
    if (call) this.settle(call.sendDtmf(tones));
  }

  private callById(id: string | undefined): CallHandle | undefined {
    if (id === undefined) return this.call;
    return [...this.calls.keys()].find((call) => call.id === id);
  }

  unlockAudio(): void {
    if (this.phoneApi) this.settle(this.phoneApi.unlockAudio());
  }

  /** Brings the phone in line with the configuration without ever cutting a live call. */
  private sync(): void {
    if (this.calls.size === 0 && this.phoneApi && this.phoneKey !== this.configKey) {
      this.dropPhone();
    }
    if (this.options.startOnConnect) void this.ensurePhone();
    this.refresh();
  }

  private ensurePhone(): Promise<PhoneApi | undefined> {
    if (this.phoneApi) return Promise.resolve(this.phoneApi);
    if (!this.config || !this.host.isConnected) return Promise.resolve(undefined);
    this.phoneLoading ??= this.createPhone().finally(() => {
      this.phoneLoading = undefined;
    });
    return this.phoneLoading;
  }

  private async createPhone(): Promise<PhoneApi | undefined> {
    // The credentials come while the engine downloads, not after it (credentials-request.ts).
    if (this.credentialsUrl) requestCredentialsEarly(this.credentialsUrl);
    let early: EarlyPhone | undefined;
    let engine: EngineModule | undefined;
    try {
      early = await this.takeEarlyPhone();
      [engine] = await Promise.all([
        // Set: ensurePhone() creates no phone without a configuration.
        early ? undefined : this.loader(this.config ?? {}),
        this.options.loadParts?.(),
        early ? undefined : this.previousStop,
      ]);
    } catch (cause) {
      this.fail({
        code: 'connection-failed',
        message: `could not load the phone engine: ${describeError(cause)}`,
        cause,
      });
      return undefined;
    }
    // The configuration may have turned invalid, or the element left, while loading.
    if (!this.config || !this.host.isConnected) {
      if (early) this.previousStop = early.stop();
      return undefined;
    }
    // One of the two is set: the engine is loaded only without a phone started early.
    const phone = early?.phone ?? new (phoneClass(engine!, this.config))(this.config);
    this.phoneApi = phone;
    this.phoneKey = this.configKey;
    this.phoneStartedEarly = early !== undefined;
    this.prepared = early?.begun === 'prepare';
    const around: { [K in keyof PhoneEventMap]?: Around<PhoneEventMap[K]> } = {
      registration: {
        before: (change) => {
          // Ready to call again: a connection error no longer stands.
          if (isReadyToCall(change.state)) this.clearRuntimeError();
          else if (change.error) this.runtimeError = change.error;
        },
        after: () => this.refresh(),
      },
      incoming: { before: ({ call }) => this.track(call) },
      availability: { after: () => this.host.requestUpdate() },
      'tab-role': { after: () => this.host.requestUpdate() },
    };
    const handlers: PhoneHandlers = {
      ...forwardingHandlers(this.host, phone, PHONE_EVENTS, around),
      call: ({ call }) => this.track(call),
      error: (error) => {
        // Blocked audio has its own control (the unlock button), not an alert.
        if (error.code === 'autoplay-blocked') emit(this.host, 'sip-error', toDetail(error));
        else this.fail(error);
      },
      'autoplay-blocked': () => {
        this.autoplayBlocked = true;
        this.refresh();
      },
      'autoplay-unlocked': () => {
        this.autoplayBlocked = false;
        this.refresh();
      },
    };
    this.phoneSubscriptions = subscribe(phone, handlers);
    if (early) {
      // What it said before this element listened, as if it had listened all along; what
      // the page heard already (startRecorded) is not dispatched again. Its calls' events
      // are replayed as each call is tracked (track).
      const own: PhoneHandlers = { ...handlers, ...ownHandlers(around) };
      const recorded = early.takeRecorded();
      this.recordedCalls = recorded.calls;
      for (const event of recorded.phone) replay(event.dispatched ? own : handlers, event);
      this.recordedCalls = undefined;
      this.settle(early.started);
    } else if (this.options.startOnConnect) {
      this.settle(phone.start());
    }
    this.refresh();
    return phone;
  }

  /**
   * The phone the script-tag core started for this element, if it has the configuration
   * the element checked (src/cdn/early-phone.ts); one made for other settings (a `config`
   * set after the element was upgraded) is stopped, and the element's own starts after it.
   */
  private async takeEarlyPhone(): Promise<EarlyPhone | undefined> {
    const early = await takeEarlyPhone(this.host);
    if (!early || early.key === this.configKey) return early;
    this.previousStop = early.stop();
    return undefined;
  }

  private dropPhone(): void {
    for (const unsubscribe of [...this.phoneSubscriptions, ...[...this.calls.values()].flat()]) {
      unsubscribe();
    }
    this.phoneSubscriptions = [];
    this.calls.clear();
    this.clearRecovered();
    const phone = this.phoneApi;
    this.phoneApi = undefined;
    this.phoneKey = '';
    this.phoneStartedEarly = false;
    this.autoplayBlocked = false;
    if (phone) {
      const stopped = phone.stop();
      this.settle(stopped);
      this.previousStop = stopped.catch(() => undefined);
    }
    this.refresh();
  }

  /**
   * Follows a call until it ends (the engine refuses calls beyond `maxCalls`); a call of the
   * phone the core started, from what it said before this element listened.
   */
  private track(call: CallHandle): void {
    if (this.calls.has(call)) return;
    clearTimeout(this.endedTimer);
    this.endedCall = undefined;
    const refresh = { after: () => this.refresh() };
    const around: { [K in keyof CallEventMap]?: Around<CallEventMap[K]> } = {
      state: refresh,
      quality: refresh,
      'quality-warning': refresh,
      'far-end-quality': refresh,
      transfer: {
        before: (step) => this.transfers.set(call, step),
        after: () => this.refresh(),
      },
      participant: {
        before: (step) => this.participantSteps.set(call, step),
        after: () => this.refresh(),
      },
      // The page hears of the end once the element let go of the call; a configuration
      // change that waited for the call to end applies after that.
      ended: { before: (ended) => this.onEnded(call, ended), after: () => this.sync() },
    };
    const notForwarded: Handlers<CallEventMap> = {
      muted: () => this.refresh(),
      participants: () => this.refresh(),
      error: (error) => this.fail(error),
      connection: ({ state }) => this.onCallConnection(state),
    };
    const handlers = {
      ...forwardingHandlers(this.host, call, CALL_EVENTS, around),
      ...notForwarded,
    };
    this.calls.set(call, subscribe(call, handlers));
    // What the page heard already (early-phone.ts) is not dispatched again.
    const own = { ...notForwarded, ...ownHandlers(around) };
    for (const event of this.recordedCalls?.get(call) ?? []) {
      replay(event.dispatched ? own : handlers, event);
    }
    this.refresh();
  }

  /**
   * Whether the call waits for its connection is the handle's own state; that it came
   * back is news worth a few seconds on screen, kept here.
   */
  private onCallConnection(state: CallConnectionEvent['state']): void {
    this.clearRecovered();
    if (state === 'recovered') {
      this.recoveredTimer = setTimeout(() => {
        this.recoveredTimer = undefined;
        this.refresh();
      }, RECOVERED_DISPLAY_MS);
    }
    this.refresh();
  }

  private clearRecovered(): void {
    clearTimeout(this.recoveredTimer);
    this.recoveredTimer = undefined;
  }

  private onEnded(call: CallHandle, ended: CallEventMap['ended']): void {
    const wasFocused = call === this.call;
    for (const unsubscribe of this.calls.get(call) ?? []) unsubscribe();
    this.calls.delete(call);
    this.transfers.delete(call);
    this.participantSteps.delete(call);
    if (wasFocused) this.clearRecovered();
    // With other calls left, one of them takes the screen; the last call's end stays on
    // screen a while with its cause.
    if (this.calls.size > 0) return;
    this.endedCall = { ...callViewOf(call), state: 'ended', endCause: ended.cause };
    clearTimeout(this.endedTimer);
    this.endedTimer = setTimeout(() => {
      this.endedCall = undefined;
      this.refresh();
    }, ENDED_DISPLAY_MS);
  }

  private refresh(): void {
    const focused = this.call;
    this.currentView = {
      registration: this.phoneApi?.state ?? 'unregistered',
      error: this.configError ?? this.runtimeError,
      autoplayBlocked: this.autoplayBlocked,
      placing: this.placing,
      call: focused
        ? callViewOf(
            focused,
            this.recoveredTimer !== undefined,
            this.transfers.get(focused),
            this.participantSteps.get(focused),
          )
        : this.endedCall,
      otherCalls: [...this.calls.keys()]
        .filter((call) => call !== focused)
        .map((call) =>
          callViewOf(call, false, this.transfers.get(call), this.participantSteps.get(call)),
        ),
    };
    this.host.requestUpdate();
  }

  private fail(error: PhoneError): void {
    this.runtimeError = error;
    // The engine may report one failure on both the phone and the call: announce it once.
    const key = `${error.code}\n${error.message}`;
    if (key !== this.lastReported) {
      this.lastReported = key;
      this.report(error);
    }
    this.refresh();
  }

  /**
   * Tells the page (`sip-error`) and the developer (the log) the technical detail that
   * the alert leaves out on purpose.
   */
  private report(error: PhoneError): void {
    this.log.warn(`${error.code}: ${error.message}`);
    emit(this.host, 'sip-error', toDetail(error));
  }

  private clearRuntimeError(): void {
    this.runtimeError = undefined;
    this.lastReported = undefined;
  }

  /** Engine commands report failures as events; a rejection is still shown, never thrown. */
  private settle(result: Promise<void> | void): void {
    if (!result) return;
    result.catch((cause: unknown) => {
      this.fail({ code: 'call-failed', message: describeError(cause), cause });
    });
  }
}

function toDetail(error: PhoneError): { code: PhoneError['code']; message: string } {
  return { code: error.code, message: error.message };
}

function describeError(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
