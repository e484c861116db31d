import type {
  Availability,
  CallHandle,
  CallOptions,
  DeviceSelection,
  DevicesState,
  PhoneConfig,
  PhoneError,
  PhoneEventMap,
  RegistrationState,
  TabRole,
  Unsubscribe,
} from '../../engine/types.js';

/**
 * The part of the engine's `Phone` the elements use. Written as an interface so the
 * elements depend on the contract, not on the JsSIP-backed class, which stays in a
 * lazily loaded chunk.
 */
export interface PhoneApi {
  readonly state: RegistrationState;
  readonly lastError: PhoneError | undefined;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
  /** Warm up (connect) on visitor intent, before the call is placed. */
  prepare(): Promise<void> | void;
  call(target: string, options?: CallOptions): CallHandle;
  /** `supervisor` when the phone's credentials carry that role (it may then listen in). */
  readonly role: 'supervisor' | undefined;
  /** Supervisor listen-in: a call that hears `agent`'s call, both sides, without being heard. */
  listen(agent: string): CallHandle;
  unlockAudio(): Promise<void> | void;
  /** Availability for queue calls (phones that register), and the wrap-up's end. */
  readonly availability: Availability;
  readonly wrapUpEndsAt: number | undefined;
  /** With `singleTab`: whether this tab owns the phone or mirrors another tab's. */
  readonly tabRole?: TabRole;
  setAvailability(availability: Availability): void;
  /** Audio devices (issue 14): the lists, the choice, and the device menu's checks. */
  readonly devices: DevicesState;
  setDevices(selection: DeviceSelection): Promise<PhoneError | undefined>;
  allowDeviceLabels(): Promise<PhoneError | undefined>;
  playTestSound(output: 'speaker' | 'ringer'): Promise<PhoneError | undefined>;
  watchMicrophoneLevel(onLevel: (level: number) => void): Promise<Unsubscribe>;
  on<K extends keyof PhoneEventMap>(
    event: K,
    handler: (payload: PhoneEventMap[K]) => void,
  ): Unsubscribe;
}

/** What the lazily imported engine module provides. */
export interface EngineModule {
  Phone: new (config: PhoneConfig) => PhoneApi;
  /** The phone shared by the tabs of one origin and user (`singleTab`). */
  TabPhone?: new (
    config: PhoneConfig,
  ) => PhoneApi;
}

export type EngineLoader = () => Promise<EngineModule>;
