/** What the benchmark server tells a minimal peer page (an inline `window.benchConfig`). */
export interface PeerPageConfig {
  server: string;
  domain: string;
  credentialsUrl: string;
  /** Register (agent) or only connect and place calls (visitor). */
  register: boolean;
}

/** Fetched like the widget does: `{ username, password, uri }` from the credentials service. */
export interface Credentials {
  username: string;
  password: string;
  uri: string;
}

declare global {
  interface Window {
    benchConfig: PeerPageConfig;
  }
}

export async function fetchCredentials(url: string): Promise<Credentials> {
  const response = await fetch(url, { credentials: 'include' });
  if (!response.ok) throw new Error(`credentials: HTTP ${response.status}`);
  return (await response.json()) as Credentials;
}

/**
 * Tell the probe the page is ready to call, with the event and state the widget elements
 * emit: `registered` for an agent, `connected` for a visitor (who never registers).
 */
export function announceReady(register: boolean): void {
  const state = register ? 'registered' : 'connected';
  window.dispatchEvent(new CustomEvent('sip-registration-change', { detail: { state } }));
}

/** Tell the probe the call is over, with the event the widget elements emit. */
export function announceCallEnded(): void {
  window.dispatchEvent(new CustomEvent('sip-call-ended'));
}
