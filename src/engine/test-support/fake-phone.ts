/**
 * A stand-in for the engine's `Phone` and calls, to drive the elements (and `TabPhone`)
 * through their states without a SIP server. It implements the same typed contract the elements use,
 * records the commands it receives, and lets a test emit engine events.
 */
import { Emitter } from '../emitter';
import type {
  Availability,
  AvailabilityEvent,
  CallDirection,
  CallEventMap,
  CallHandle,
  CallOptions,
  CallQuality,
  CallState,
  DeviceSelection,
  DevicesEvent,
  DevicesState,
  EndCause,
  HoldState,
  ParticipantEvent,
  PhoneConfig,
  PhoneError,
  PhoneEventMap,
  PhoneHandle,
  PreflightOptions,
  PreflightResult,
  RegistrationState,
  RemoteIdentity,
  TabRole,
  TransferEvent,
  Unsubscribe,
} from '../types';

let nextId = 1;

export class FakeCall implements CallHandle {
  readonly id = `fake-${nextId++}`;
  state: CallState;
  hold: HoldState = 'none';
  muted = false;
  readonly createdAt = Date.now();
  answeredAt: number | undefined;
  endCause: EndCause | undefined;
  reconnecting = false;
  readonly peerConnection = undefined;
  /** What `quality` returns; tests replace it and emit `quality` events with {@link emit}. */
  quality: CallQuality = { sample: null, warnings: [], farEndWarnings: [], report: null };
  readonly sentDtmf: string[] = [];
  readonly holdRequests: boolean[] = [];
  private readonly events = new Emitter<CallEventMap>();

  constructor(
    readonly direction: CallDirection,
    readonly remote: RemoteIdentity,
    readonly context: Readonly<Record<string, string>> | undefined = undefined,
  ) {
    this.state = direction === 'incoming' ? 'ringing' : 'connecting';
  }

  on<K extends keyof CallEventMap>(
    event: K,
    handler: (payload: CallEventMap[K]) => void,
  ): Unsubscribe {
    return this.events.on(event, handler);
  }

  /** Emits an engine event on the call, as the engine would. */
  emit<K extends keyof CallEventMap>(event: K, payload: CallEventMap[K]): void {
    this.events.emit(event, payload);
  }

  /** Moves the call to `state` as the engine would, emitting `state`. */
  setState(state: CallState, hold: HoldState = this.hold): void {
    const previous = this.state;
    this.state = state;
    this.hold = hold;
    if ((state === 'active' || state === 'on-hold') && this.answeredAt === undefined) {
      this.answeredAt = Date.now();
    }
    this.events.emit('state', { state, previous, hold });
  }

  end(cause: EndCause): void {
    this.endCause = cause;
    this.setState('ended');
    this.events.emit('ended', { cause, message: cause });
  }

  /** The connection under the answered call dropped: the engine waits for it. */
  loseConnection(): void {
    this.reconnecting = true;
    this.events.emit('connection', { state: 'reconnecting' });
  }

  /** The connection came back and the call was kept. */
  recoverConnection(region?: string): void {
    this.reconnecting = false;
    const event: CallEventMap['connection'] = { state: 'recovered', how: 'ice-restart' };
    if (region !== undefined) event.region = region;
    this.events.emit('connection', event);
  }

  /** The connection did not come back in time: the engine ends the call as lost. */
  failConnection(): void {
    this.reconnecting = false;
    this.events.emit('connection', { state: 'failed' });
    this.end('connection-lost');
  }

  async answer(): Promise<void> {
    this.setState('active');
  }

  reject(): void {
    this.end('declined');
  }

  hangup(): void {
    this.end(this.state === 'active' || this.state === 'on-hold' ? 'hangup-local' : 'canceled');
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    this.events.emit('muted', { muted });
  }

  async setHold(held: boolean): Promise<void> {
    this.holdRequests.push(held);
    this.setState(held ? 'on-hold' : 'active', held ? 'local' : 'none');
  }

  /**
   * The targets of `transfer()`, in order (an attended transfer's as `call:<id>` of the
   * consultation); tests settle them with {@link emit}.
   */
  readonly transfers: string[] = [];

  async transfer(target: string | CallHandle): Promise<TransferEvent> {
    const named = typeof target === 'string' ? target : `call:${target.id}`;
    this.transfers.push(named);
    const event: TransferEvent = { state: 'trying', target: named };
    this.events.emit('transfer', event);
    return event;
  }

  /** The parties added and not dropped; tests settle requests with {@link emit}. */
  participants: string[] = [];
  /** `add <target>` / `drop <target>` for each request, in order. */
  readonly participantRequests: string[] = [];

  async addParticipant(target: string): Promise<ParticipantEvent> {
    this.participantRequests.push(`add ${target}`);
    const event: ParticipantEvent = { state: 'adding', target };
    this.events.emit('participant', event);
    return event;
  }

  async removeParticipant(target: string): Promise<ParticipantEvent> {
    this.participantRequests.push(`drop ${target}`);
    return { state: 'dropped', target };
  }

  /** The far end settled: the parties are now `participants`, as the engine reports. */
  setParticipants(participants: string[]): void {
    this.participants = participants;
    this.events.emit('participants', { participants });
  }

  async sendDtmf(sequence: string): Promise<void> {
    this.sentDtmf.push(sequence);
    this.events.emit('dtmf', { tone: sequence, method: 'rfc4733' });
  }
}

export class FakePhone implements PhoneHandle {
  static instances: FakePhone[] = [];
  state: RegistrationState = 'unregistered';
  lastError: PhoneError | undefined;
  /** Set by tests: the role the credentials would carry. */
  role: 'supervisor' | undefined;
  readonly calls: FakeCall[] = [];
  region: string | undefined;
  tabRole: TabRole = 'owner';
  readonly commands: string[] = [];
  private readonly events = new Emitter<PhoneEventMap>();

  constructor(readonly config: PhoneConfig) {
    FakePhone.instances.push(this);
  }

  on<K extends keyof PhoneEventMap>(
    event: K,
    handler: (payload: PhoneEventMap[K]) => void,
  ): Unsubscribe {
    return this.events.on(event, handler);
  }

  emit<K extends keyof PhoneEventMap>(event: K, payload: PhoneEventMap[K]): void {
    this.events.emit(event, payload);
  }

  setRegistration(state: RegistrationState, error?: PhoneError): void {
    const previous = this.state;
    this.state = state;
    this.events.emit('registration', error ? { state, previous, error } : { state, previous });
  }

  async start(): Promise<void> {
    this.commands.push('start');
  }

  async stop(): Promise<void> {
    this.commands.push('stop');
  }

  async prepare(): Promise<void> {
    this.commands.push('prepare');
  }

  async unlockAudio(): Promise<void> {
    this.commands.push('unlockAudio');
  }

  async refreshCredentials(): Promise<void> {
    this.commands.push('refreshCredentials');
  }

  availability: Availability = 'available';
  wrapUpEndsAt: number | undefined;

  setAvailability(availability: Availability): void {
    this.commands.push(`setAvailability ${availability}`);
    this.changeAvailability({ availability, previous: this.availability, reason: 'agent' });
  }

  /** Simulates the engine's availability changing (wrap-up after a call, its end). */
  changeAvailability(event: AvailabilityEvent): void {
    this.availability = event.availability;
    this.wrapUpEndsAt = event.wrapUpEndsAt;
    this.events.emit('availability', event);
  }

  /** What `devices` returns; tests change it with {@link changeDevices}. */
  devices: DevicesState = {
    inputs: [
      { id: 'mic-usb', label: 'USB Headset', groupId: 'g1' },
      { id: 'mic-built-in', label: 'Built-in Microphone', groupId: 'g2' },
    ],
    outputs: [
      { id: 'out-usb', label: 'USB Headset', groupId: 'g1' },
      { id: 'out-speakers', label: 'Speakers', groupId: 'g3' },
    ],
    microphone: undefined,
    speaker: undefined,
    ringer: undefined,
    outputSelection: true,
    labels: true,
    autoSwitch: true,
  };
  /** The level callbacks of the microphone meters open now. */
  readonly levelWatchers = new Set<(level: number) => void>();
  /** What `setDevices` returns next (an error), once. */
  nextDevicesError: PhoneError | undefined;

  async setDevices(selection: DeviceSelection): Promise<PhoneError | undefined> {
    this.commands.push(`setDevices ${JSON.stringify(selection)}`);
    const error = this.nextDevicesError;
    this.nextDevicesError = undefined;
    if (error) return error;
    const next = { ...this.devices };
    for (const role of ['microphone', 'speaker', 'ringer'] as const) {
      const wanted = selection[role];
      if (wanted !== undefined) next[role] = wanted ?? undefined;
    }
    if (selection.autoSwitch !== undefined) next.autoSwitch = selection.autoSwitch;
    this.changeDevices({ ...next, notices: [] });
    return undefined;
  }

  async allowDeviceLabels(): Promise<PhoneError | undefined> {
    this.commands.push('allowDeviceLabels');
    return undefined;
  }

  async playTestSound(output: 'speaker' | 'ringer'): Promise<PhoneError | undefined> {
    this.commands.push(`playTestSound ${output}`);
    return undefined;
  }

  async watchMicrophoneLevel(onLevel: (level: number) => void) {
    this.commands.push('watchMicrophoneLevel');
    this.levelWatchers.add(onLevel);
    return () => {
      this.commands.push('stopMicrophoneLevel');
      this.levelWatchers.delete(onLevel);
    };
  }

  /** The self-check in progress, for the test to drive: its options and how it ends. */
  preflightRun: { options: PreflightOptions; finish(result: PreflightResult): void } | undefined;

  preflight(options: PreflightOptions = {}): Promise<PreflightResult> {
    this.commands.push('preflight');
    return new Promise((resolve) => {
      this.preflightRun = {
        options,
        finish: (result) => {
          this.preflightRun = undefined;
          resolve(result);
        },
      };
    });
  }

  /** Simulates the engine's devices changing (a plug, an unplug, a new choice). */
  changeDevices(event: DevicesEvent): void {
    const { notices: _notices, ...state } = event;
    this.devices = state;
    this.events.emit('devices', event);
  }

  /** The options of each call placed, in order. */
  readonly callOptions: CallOptions[] = [];

  call(target: string, options: CallOptions = {}): FakeCall {
    this.commands.push(`call ${target}`);
    this.callOptions.push(options);
    const call = new FakeCall(
      'outgoing',
      { uri: `sip:${target}@test`, user: target, displayName: '' },
      options.context,
    );
    this.calls.push(call);
    this.events.emit('call', { call });
    return call;
  }

  listen(agent: string): FakeCall {
    return this.call(`listen-${agent}`);
  }

  /** Simulates an incoming call from `remote`, with the caller's page's context if any. */
  ring(remote: RemoteIdentity, context?: Readonly<Record<string, string>>): FakeCall {
    const call = new FakeCall('incoming', remote, context);
    this.calls.push(call);
    this.events.emit('call', { call });
    this.events.emit('incoming', { call });
    return call;
  }
}
