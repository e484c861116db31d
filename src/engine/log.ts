/**
 * The softphone's log: levels, the host's `logger` hook (the console by default), and
 * redaction of every line before it leaves (redact.ts). Free of JsSIP and of the DOM: the
 * elements use it for their own messages before the engine is loaded.
 */
import { redactText, redactValue } from './redact';

/** How much is logged, from nothing to JsSIP's own protocol trace. */
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';
/** The level of one message. */
export type LogMessageLevel = Exclude<LogLevel, 'silent'>;
/** What a message is about: an `error`, JsSIP's `namespace` (e.g. `JsSIP:RTCSession`), … */
export type LogContext = Record<string, unknown>;
/**
 * Receives every message at or above the phone's log level, already redacted. It replaces
 * the console; a hook that throws is ignored.
 */
export type LogHook = (level: LogMessageLevel, message: string, context?: LogContext) => void;

export const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];
export const DEFAULT_LOG_LEVEL: LogLevel = 'warn';

function rank(level: LogLevel): number {
  return LOG_LEVELS.indexOf(level);
}

/** The default hook: the browser console, each message prefixed with `[softphone]`. */
export const consoleHook: LogHook = (level, message, context) => {
  if (context === undefined) console[level](`[softphone] ${message}`);
  else console[level](`[softphone] ${message}`, context);
};

export class Logger {
  constructor(
    readonly level: LogLevel = DEFAULT_LOG_LEVEL,
    readonly hook: LogHook = consoleHook,
  ) {}

  /** Would a message at `level` be written? */
  enabled(level: LogMessageLevel): boolean {
    return rank(level) <= rank(this.level);
  }

  error(message: string, context?: LogContext): void {
    this.write('error', message, context);
  }
  warn(message: string, context?: LogContext): void {
    this.write('warn', message, context);
  }
  info(message: string, context?: LogContext): void {
    this.write('info', message, context);
  }
  debug(message: string, context?: LogContext): void {
    this.write('debug', message, context);
  }

  private write(level: LogMessageLevel, message: string, context: LogContext | undefined): void {
    if (!this.enabled(level)) return;
    try {
      this.hook(
        level,
        redactText(message),
        context === undefined ? undefined : (redactValue(context) as LogContext),
      );
    } catch {
      // The host's hook failed: logging must never break the phone, and there is nowhere
      // else to say it.
    }
  }
}

/** For what happens outside any phone (loading strings or elements): the console at `warn`. */
export const defaultLogger = new Logger();

/** Is `value` one of the {@link LOG_LEVELS}? */
export function isLogLevel(value: unknown): value is LogLevel {
  return LOG_LEVELS.includes(value as LogLevel);
}

/**
 * The logger a configuration asks for, leniently: a configuration that failed validation
 * still has its problem logged, at the level and through the hook it names when those
 * are valid.
 */
export function loggerOf(input: unknown): Logger {
  const { logLevel, logger } = (typeof input === 'object' && input !== null ? input : {}) as {
    logLevel?: unknown;
    logger?: unknown;
  };
  return new Logger(
    isLogLevel(logLevel) ? logLevel : DEFAULT_LOG_LEVEL,
    typeof logger === 'function' ? (logger as LogHook) : consoleHook,
  );
}
