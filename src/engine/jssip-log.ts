/**
 * JsSIP's own trace (its `debug` loggers: node_modules/jssip/lib/Logger.js) into the
 * phones' loggers, at `debug`, with the namespace (`JsSIP:RTCSession`) as context. JsSIP's
 * loggers belong to the page, not to a UA, so every phone logging at `debug` hears all of
 * it. Two `debug` modules are served: the real package (npm build: the host's bundler
 * resolves JsSIP's dependency) and our shim (script-tag build: src/cdn/jssip-debug.cjs).
 */
// The default import (JsSIP's module.exports): its `debug` is not a named export every
// importer can see (Node's CommonJS export detection stops at `debug: require('debug')`).
import jssip from 'jssip';
import type { Logger, LogHook } from './log';

type DebugArgs = unknown[];
type Sink = (namespace: string, args: DebugArgs) => void;

/** Our shim: it hands each line to `softphoneSink`. */
interface ShimDebug {
  softphoneSink: Sink | undefined;
}

/**
 * The `debug` package, the parts used here (node_modules/debug/src/common.js): `enable()`
 * sets `namespaces` and stores them with `save()` (localStorage); each enabled line goes
 * through `formatArgs` (with the logger as `this`) and then to the logger's `log`.
 */
interface RealDebug {
  namespaces?: string;
  enable(namespaces: string): void;
  save(namespaces: string): void;
  formatArgs(this: RealDebugLogger, args: DebugArgs): void;
}
interface RealDebugLogger {
  namespace: string;
  log?: (...args: DebugArgs) => void;
}

/** The namespaces we enable in the real package, next to the page's own. */
const JSSIP_NAMESPACES = 'JsSIP*';
const isJssip = (namespace: string) => namespace.startsWith('JsSIP');

function isShim(module: unknown): module is ShimDebug {
  return typeof module === 'function' && 'softphoneSink' in module;
}

function isReal(module: unknown): module is RealDebug {
  return typeof module === 'function' && 'formatArgs' in module && 'enable' in module;
}

/** Sends the real package's JsSIP lines to `deliver` instead of the console. */
function patchReal(module: RealDebug, deliver: Sink): void {
  const formatArgs = module.formatArgs;
  module.formatArgs = function (this: RealDebugLogger, args: DebugArgs) {
    if (!isJssip(this.namespace)) {
      formatArgs.call(this, args);
      return;
    }
    // JsSIP points each of its loggers at the console; the line is delivered here instead.
    this.log = () => {};
    deliver(this.namespace, args);
  };
}

/** Turns JsSIP's namespaces on or off in the real package, keeping the page's own. */
function enableReal(module: RealDebug, on: boolean): void {
  const others = (module.namespaces ?? '')
    .split(',')
    .filter((namespace) => namespace !== '' && namespace !== JSSIP_NAMESPACES);
  const save = module.save;
  // enable() would store our namespaces in the page's localStorage.
  module.save = () => {};
  try {
    module.enable((on ? [...others, JSSIP_NAMESPACES] : others).join(','));
  } finally {
    module.save = save;
  }
}

/**
 * Routing for the `debug` module JsSIP uses (`debugModule`, shim or package): the returned
 * function sends JsSIP's lines to `logger` until the function it returns is called.
 */
export function jssipLogRouter(debugModule: unknown): (logger: Logger) => () => void {
  /** One entry per route (a phone may be routed again before its last route is undone). */
  const listening = new Set<{ logger: Logger }>();
  /** One line of JsSIP's to each phone logging at `debug`; once per hook (the console). */
  const deliver: Sink = (namespace, args) => {
    const message = formatDebugArgs(args);
    const heard = new Set<LogHook>();
    for (const { logger } of listening) {
      if (heard.has(logger.hook)) continue;
      heard.add(logger.hook);
      logger.debug(message, { namespace });
    }
  };
  // At once, not on the first route: JsSIP's lines the page enabled itself (JsSIP.debug
  // .enable(), localStorage.debug) are the log level's to show too.
  if (isReal(debugModule)) patchReal(debugModule, deliver);
  const setRouting = (on: boolean) => {
    if (isShim(debugModule)) debugModule.softphoneSink = on ? deliver : undefined;
    else if (isReal(debugModule)) enableReal(debugModule, on);
  };
  return (logger) => {
    if (!logger.enabled('debug')) return () => {};
    const route = { logger };
    listening.add(route);
    if (listening.size === 1) setRouting(true);
    return () => {
      if (!listening.delete(route)) return;
      if (listening.size === 0) setRouting(false);
    };
  };
}

/**
 * While the returned function is not called, JsSIP's lines reach `logger` (when it logs at
 * `debug`; otherwise nothing is routed and JsSIP's loggers stay off).
 */
export const routeJssipLogs = jssipLogRouter(jssip.debug);

/** `printf`-style arguments as `debug` takes them (`%s`, `%d`, `%o`, …) to one line. */
export function formatDebugArgs(args: DebugArgs): string {
  const [first, ...rest] = args;
  if (typeof first !== 'string') return [first, ...rest].map((value) => shown(value)).join(' ');
  const message = first.replace(/%([sdifoOjc%])/g, (match, format: string) => {
    if (format === '%') return '%';
    if (rest.length === 0) return match;
    const value = rest.shift();
    return format === 'c' ? '' : shown(value, format);
  });
  return [message, ...rest.map((value) => shown(value))].join(' ');
}

function shown(value: unknown, format = 'o'): string {
  if (typeof value === 'string') return value;
  if (format === 'd' || format === 'i') return String(Math.trunc(Number(value)));
  if (format === 'f') return String(Number(value));
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (typeof value !== 'object' || value === null) return String(value);
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item !== 'object' || item === null) return item;
      if (seen.has(item)) return '[circular]';
      seen.add(item);
      return item;
    });
  } catch {
    return String(value);
  }
}
