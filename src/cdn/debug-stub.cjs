/**
 * Stands in for the `debug` package in the script-tag build: JsSIP logs through it, we
 * do not ship its logs (the engine reports what matters as events), and the real module
 * weighs several KB. Same shape: `debug(name)` and `debug.default(name)` return a
 * logger whose `log` JsSIP may reassign.
 */
function createDebug() {
  const logger = () => {};
  logger.enabled = false;
  return logger;
}
createDebug.enable = () => {};
createDebug.disable = () => '';
createDebug.enabled = () => false;
createDebug.default = createDebug;
module.exports = createDebug;
