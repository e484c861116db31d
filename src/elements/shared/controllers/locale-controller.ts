import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  type IdleMessages,
  idleMessagesFor,
  type Language,
  langTagOf,
  languageFromTag,
  loadMessages,
  type Messages,
  messagesFor,
} from '../../../i18n/index.js';

type Host = ReactiveControllerHost & HTMLElement;

/** Hosts re-render when any `lang` attribute in the document changes (one observer for all). */
const hosts = new Set<Host>();
let observer: MutationObserver | undefined;

function watchLangChanges(host: Host): void {
  hosts.add(host);
  if (observer) return;
  observer = new MutationObserver(() => {
    for (const h of hosts) h.requestUpdate();
  });
  observer.observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['lang'],
    subtree: true,
  });
}

function unwatchLangChanges(host: Host): void {
  hosts.delete(host);
  if (hosts.size === 0) {
    observer?.disconnect();
    observer = undefined;
  }
}

/**
 * The message table for the host's language (its `lang`, the closest `[lang]`
 * ancestor, or the document's), kept current when a `lang` attribute changes.
 */
export class LocaleController implements ReactiveController {
  constructor(private readonly host: Host) {
    host.addController(this);
  }

  get language(): Language {
    return languageFromTag(langTagOf(this.host));
  }

  get messages(): Messages {
    return messagesFor(this.language);
  }

  /** Loads the strings of the host's language: a promise only while they are loading. */
  load(): Promise<void> | undefined {
    return loadMessages(this.language);
  }

  /** What a call button at rest shows; see {@link loadIdle}. */
  get idleMessages(): IdleMessages {
    return idleMessagesFor(this.language);
  }

  /** Loads what {@link idleMessages} needs: nothing in English, whose idle part is here. */
  loadIdle(): Promise<void> | undefined {
    return this.language === 'en' ? undefined : loadMessages(this.language);
  }

  hostConnected(): void {
    watchLangChanges(this.host);
  }

  hostDisconnected(): void {
    unwatchLangChanges(this.host);
  }
}
