/**
 * Stands in for the `debug` package in the script-tag build: JsSIP logs through it
 * (node_modules/jssip/lib/Logger.js), and the real module weighs several KB. Each line goes,
 * unformatted, to the sink src/engine/jssip-log.ts sets while a phone logs at `debug`; without
 * a sink nothing is enabled and JsSIP's lines cost nothing. `enable()` and `disable()` do
 * nothing: the phone's log level decides (README, "Logging"). Same shape as `debug`:
 * `debug(name)` and `debug.default(name)` return a logger whose `log` JsSIP may reassign
 * (unused here).
 */
function createDebug(namespace) {
  function logger(...args) {
    const sink = createDebug.softphoneSink;
    if (sink) sink(namespace, args);
  }
  logger.namespace = namespace;
  Object.defineProperty(logger, 'enabled', {
    get: () => createDebug.softphoneSink !== undefined,
    set: () => {},
  });
  logger.extend = (name, delimiter = ':') => createDebug(`${namespace}${delimiter}${name}`);
  return logger;
}
/** Set by src/engine/jssip-log.ts: `(namespace, args) => void`, or undefined. */
createDebug.softphoneSink = undefined;
createDebug.enable = () => {};
createDebug.disable = () => '';
createDebug.enabled = () => createDebug.softphoneSink !== undefined;
createDebug.default = createDebug;
createDebug.debug = createDebug;
module.exports = createDebug;
