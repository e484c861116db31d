/**
 * One phone for all the tabs of an origin and user (`singleTab`): agents keep several
 * dashboard tabs open, and each tab registering on its own makes every call ring in each
 * of them (issue 14; SIP.js #1060, twilio-voice.js #299).
 *
 * The tab that wins the election (tabs/election.ts) owns a real {@link Phone} and publishes
 * it (tabs/owner-bridge.ts); every tab, the owner included, shows the phone through the same
 * mirror (tabs/mirror-phone.ts) and acts through commands to the owner. When the owner
 * tab closes, the browser hands its lock to a waiting tab, which creates its phone and
 * registers: the calls of the closed tab end with it, the registration does not.
 */

import { validateConfig } from './config';
import { type Logger, loggerOf } from './log';
import { acquireMicrophone, stopStream } from './media';
import { watchMicrophoneLevel } from './microphone-level';
import { Phone } from './phone';
import { preflight } from './preflight/lazy';
import { canElect, electOwner } from './tabs/election';
import { MirrorPhone } from './tabs/mirror-phone';
import { OwnerBridge } from './tabs/owner-bridge';
import {
  type CommandMessage,
  isFollowerMessage,
  isOwnerMessage,
  type OwnerMessage,
} from './tabs/protocol';
import { tabChannelName } from './tabs/shared-identity';
import type {
  Availability,
  CallHandle,
  CallOptions,
  DeviceSelection,
  DevicesState,
  PhoneConfig,
  PhoneError,
  PhoneEventMap,
  PhoneHandle,
  PreflightOptions,
  PreflightResult,
  RegistrationState,
  TabRole,
  Unsubscribe,
} from './types';

export class TabPhone implements PhoneHandle {
  private readonly log: Logger;
  private readonly mirror: MirrorPhone;
  private readonly name: string | undefined;
  private roleValue: TabRole = 'electing';
  private phone: PhoneHandle | undefined;
  private bridge: OwnerBridge | undefined;
  private channel: BroadcastChannel | undefined;
  /** Commands made while the election runs, for whoever turns out to own the phone. */
  private outbox: CommandMessage[] = [];
  private started = false;
  private resign: (() => void) | undefined;

  /**
   * @param createPhone makes the owner's phone (tests pass their own)
   */
  constructor(
    private readonly config: PhoneConfig,
    private readonly createPhone: (config: PhoneConfig) => PhoneHandle = (c) => new Phone(c),
  ) {
    this.log = loggerOf(config);
    this.mirror = new MirrorPhone({
      send: (command) => this.deliver(command),
      local: (id) => this.bridge?.callById(id),
      log: () => this.log,
    });
    const result = validateConfig(config);
    // Without the means to share (or with a configuration the phone will refuse anyway),
    // this tab simply owns its phone.
    if (result.ok && canElect() && typeof BroadcastChannel !== 'undefined') {
      this.name = tabChannelName(result.config);
    }
    this.elect();
  }

  get tabRole(): TabRole {
    return this.roleValue;
  }
  get state(): RegistrationState {
    return this.mirror.state;
  }
  get lastError(): PhoneError | undefined {
    return this.mirror.lastError;
  }
  get region(): string | undefined {
    return this.mirror.region;
  }
  get role(): 'supervisor' | undefined {
    return this.mirror.role;
  }
  get availability(): Availability {
    return this.mirror.availability;
  }
  get wrapUpEndsAt(): number | undefined {
    return this.mirror.wrapUpEndsAt;
  }

  on<K extends keyof PhoneEventMap>(
    event: K,
    handler: (payload: PhoneEventMap[K]) => void,
  ): Unsubscribe {
    return this.mirror.events.on(event, handler);
  }

  /** Registers (the owner tab does; a follower tab's phone is the owner's). */
  async start(): Promise<void> {
    this.started = true;
    if (!this.resign && !this.phone) this.elect();
    await this.phone?.start();
  }

  /** Leaves: an owner stops its phone first, then the next tab takes over. */
  async stop(): Promise<void> {
    this.started = false;
    const { phone, bridge } = this;
    this.phone = undefined;
    this.bridge = undefined;
    await phone?.stop();
    bridge?.dispose();
    this.resign?.();
    this.resign = undefined;
    this.channel?.close();
    this.channel = undefined;
    this.outbox = [];
    this.mirror.ownerGone();
    this.setRole('electing');
  }

  async prepare(): Promise<void> {
    await this.mirror.run('prepare', []);
  }

  call(target: string, options?: CallOptions): CallHandle {
    return this.mirror.place('call', target, options);
  }

  listen(agent: string): CallHandle {
    return this.mirror.place('listen', agent.trim());
  }

  async refreshCredentials(): Promise<void> {
    await this.mirror.run('refreshCredentials', []);
  }

  async unlockAudio(): Promise<void> {
    await this.mirror.run('unlockAudio', []);
  }

  get devices(): DevicesState {
    return this.mirror.devices;
  }

  /** The owner's calls and sounds use the devices: the owner chooses (and remembers). */
  async setDevices(selection: DeviceSelection): Promise<PhoneError | undefined> {
    return (await this.mirror.run('setDevices', [selection])) as PhoneError | undefined;
  }

  /**
   * The browser asks the agent in the tab they look at (this one); the owner then reads
   * the names, the permission being the origin's.
   */
  async allowDeviceLabels(): Promise<PhoneError | undefined> {
    const microphone = await acquireMicrophone(this.devices.microphone);
    if (!microphone.ok) return microphone.error;
    stopStream(microphone.stream);
    return (await this.mirror.run('allowDeviceLabels', [])) as PhoneError | undefined;
  }

  async playTestSound(output: 'speaker' | 'ringer'): Promise<PhoneError | undefined> {
    return (await this.mirror.run('playTestSound', [output])) as PhoneError | undefined;
  }

  /** The chosen microphone's level, measured here: a meter needs no call and no owner. */
  async watchMicrophoneLevel(onLevel: (level: number) => void): Promise<Unsubscribe> {
    const watch = await watchMicrophoneLevel(this.devices.microphone, onLevel);
    if (watch.ok) return watch.stop;
    this.log.warn(`could not measure the microphone: ${watch.error.message}`);
    return () => undefined;
  }

  /** The self-check (see {@link PhoneHandle.preflight}). */
  preflight(options?: PreflightOptions): Promise<PreflightResult> {
    return preflight(this, options);
  }

  setAvailability(availability: Availability): void {
    this.mirror.run('setAvailability', [availability]).catch((error: unknown) => {
      this.log.warn('could not change the availability through the owner tab', { error });
    });
  }

  private elect(): void {
    if (!this.name) {
      this.becomeOwner();
      return;
    }
    this.channel = new BroadcastChannel(this.name);
    this.channel.onmessage = (event: MessageEvent<unknown>) => this.receive(event.data);
    this.resign = electOwner(this.name, {
      follower: () => this.becomeFollower(),
      owner: () => this.becomeOwner(),
    });
  }

  private becomeFollower(): void {
    this.setRole('follower');
    this.post({ kind: 'hello' });
    for (const command of this.takeOutbox()) this.post(command);
  }

  private becomeOwner(): void {
    // The tab that owned the phone closed: its calls are gone, its agent's choice is not.
    const tookOver = this.roleValue === 'follower';
    const availability = tookOver ? this.mirror.availability : undefined;
    if (tookOver) this.mirror.ownerGone();
    const phone = this.createPhone(
      availability === 'away' ? { ...this.config, availability } : this.config,
    );
    this.phone = phone;
    this.bridge = new OwnerBridge(phone, (message) => this.publish(message), this.log);
    this.setRole('owner');
    for (const command of this.takeOutbox()) this.bridge.receive(command);
    if (this.started) void phone.start();
  }

  private setRole(role: TabRole): void {
    if (this.roleValue === role) return;
    this.roleValue = role;
    this.mirror.events.emit('tab-role', { role });
  }

  private takeOutbox(): CommandMessage[] {
    const commands = this.outbox;
    this.outbox = [];
    return commands;
  }

  private deliver(command: CommandMessage): void {
    if (this.bridge) this.bridge.receive(command);
    else if (this.roleValue === 'follower') this.post(command);
    else this.outbox.push(command);
  }

  /** The owner's word, to the other tabs and to this tab's own mirror. */
  private publish(message: OwnerMessage): void {
    this.post(message);
    this.mirror.receive(message);
  }

  private receive(data: unknown): void {
    if (this.bridge) {
      if (isFollowerMessage(data)) this.bridge.receive(data);
    } else if (isOwnerMessage(data)) {
      this.mirror.receive(data);
    }
  }

  private post(message: OwnerMessage | CommandMessage | { kind: 'hello' }): void {
    try {
      this.channel?.postMessage(message);
    } catch (error) {
      this.log.warn('could not tell the other tabs', { error });
    }
  }
}
