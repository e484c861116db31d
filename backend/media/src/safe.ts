/**
 * No exception may leave a timer or socket callback: Node ends the process on one, and with
 * it every call this server carries. Callbacks are wrapped here; a failure is logged and
 * the server keeps serving. (A process-wide `uncaughtException` handler is not used: by
 * then the failed callback's state is unknown and nothing says which call it belonged to.)
 *
 * The sink is module-wide so deep code (RTP sockets, jitter queues) need not carry a logger
 * just to report the impossible; server.ts points it at the server's logger.
 */
type Sink = (what: string, error: unknown) => void;

let sink: Sink = (what, error) => {
  process.stderr.write(`${what} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
};

export function reportErrorsTo(next: Sink): void {
  sink = next;
}

/** Logs a failure that arrived as an event (e.g. a socket's 'error'). */
export function reportError(what: string, error: unknown): void {
  safely(what, () => {
    throw error;
  });
}

/** Runs `fn`, logging instead of throwing. */
export function safely(what: string, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    try {
      sink(what, error);
    } catch {
      // The logger itself failed (e.g. stderr closed): nothing more can be done.
    }
  }
}

/** `fn` wrapped so that it never throws: for socket and emitter callbacks. */
export function guard<A extends unknown[]>(
  what: string,
  fn: (...args: A) => void,
): (...args: A) => void {
  return (...args) => safely(what, () => fn(...args));
}

export function safeTimeout(what: string, fn: () => void, ms: number): NodeJS.Timeout {
  return setTimeout(() => safely(what, fn), ms);
}

export function safeInterval(what: string, fn: () => void, ms: number): NodeJS.Timeout {
  return setInterval(() => safely(what, fn), ms);
}
