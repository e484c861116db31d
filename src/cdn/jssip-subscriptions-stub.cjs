/**
 * Stands in for JsSIP's `Subscriber` and `Notifier` (SUBSCRIBE/NOTIFY, ~12 KB minified)
 * in the script-tag build: the engine never subscribes nor notifies, so only an incoming
 * SUBSCRIBE can reach this, and it gets 405 like any method the phone does not support.
 */
module.exports = class SubscriptionsNotSupported {
  static init_incoming(request) {
    request.reply(405);
  }

  constructor() {
    throw new Error('SIP subscriptions are not part of the softphone build');
  }
};
