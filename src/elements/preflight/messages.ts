/**
 * `<sip-preflight>`'s own strings, in every language. They ship with the element (itself
 * loaded only on pages that have it) instead of in the shared tables of src/i18n, which
 * every page with a call button loads at rest.
 */
import type {
  BrowserFeature,
  PreflightProblem,
  PreflightStep,
  PreflightVerdict,
} from '../../engine/types.js';
import type { Language } from '../../i18n/index.js';

export type StepStatus = 'waiting' | 'running' | 'passed' | 'failed' | 'skipped';

export interface PreflightMessages {
  title: string;
  intro: string;
  start: string;
  again: string;
  stop: string;
  /** The list of steps' accessible name. */
  steps: string;
  step: Record<PreflightStep, string>;
  status: Record<StepStatus, string>;
  /** The browser step's line once done. */
  browserSupported: string;
  browserMissing: (features: string) => string;
  feature: Record<BrowserFeature, string>;
  /** Joins the missing features ("WebRTC and Web Audio"). */
  and: string;
  microphoneLevel: string;
  /** While the test call runs. */
  speak: string;
  verdict: Record<PreflightVerdict, string>;
  problem: Record<PreflightProblem, string>;
  /** Where the figures of the test call are (they reuse the quality labels). */
  figures: string;
  details: string;
  copy: string;
  copied: string;
}

const en: PreflightMessages = {
  title: 'Check your call setup',
  intro:
    'This checks your browser, your microphone and your connection with a short test call. Speak during the call: you will hear yourself back.',
  start: 'Start the check',
  again: 'Check again',
  stop: 'Stop',
  steps: 'Steps of the check',
  step: { browser: 'Browser', microphone: 'Microphone', call: 'Test call' },
  status: {
    waiting: 'Waiting',
    running: 'Checking…',
    passed: 'OK',
    failed: 'Problem found',
    skipped: 'Not checked',
  },
  browserSupported: 'This browser can make calls.',
  browserMissing: (features) => `This browser lacks ${features}.`,
  feature: {
    'secure-context': 'a secure (https) page',
    webrtc: 'WebRTC',
    'microphone-api': 'microphone access',
    websocket: 'WebSockets',
    'web-audio': 'Web Audio',
  },
  and: 'and',
  microphoneLevel: 'Microphone level',
  speak: 'Calling the echo service. Say something: you should hear yourself.',
  verdict: {
    good: 'All good: your calls will sound clear.',
    fair: 'Calls will work, though they may not sound their best.',
    poor: 'Calls may be hard to hear.',
    failed: "A call can't be made from here yet.",
  },
  problem: {
    'browser-unsupported':
      'Use a recent version of Chrome, Edge, Firefox or Safari, on an https page.',
    'microphone-denied':
      'The page may not use your microphone. Allow it in the site settings of your browser (the icon beside the address), then check again.',
    'microphone-missing': 'No microphone was found. Connect one, then check again.',
    'microphone-silent':
      'Your microphone sends no sound. Check that it is not muted and that it is the one you speak into.',
    'call-failed': "The test call didn't connect.",
    'no-media':
      'The test call connected but no sound came back. A firewall may be blocking call audio: ask your IT team to allow it.',
    'high-rtt': 'The connection has a long delay: you may talk over each other.',
    'high-jitter': 'The connection is unsteady: the sound may break up.',
    'high-loss': 'The connection loses sound: words may go missing.',
    'low-mos': 'The sound quality is low.',
  },
  figures: 'Test call figures',
  details: 'Technical details (for support)',
  copy: 'Copy the details',
  copied: 'Copied',
};

const es: PreflightMessages = {
  title: 'Comprueba tu equipo para llamar',
  intro:
    'Se comprueban tu navegador, tu micrófono y tu conexión con una breve llamada de prueba. Habla durante la llamada: te oirás a ti mismo.',
  start: 'Empezar la comprobación',
  again: 'Comprobar de nuevo',
  stop: 'Detener',
  steps: 'Pasos de la comprobación',
  step: { browser: 'Navegador', microphone: 'Micrófono', call: 'Llamada de prueba' },
  status: {
    waiting: 'En espera',
    running: 'Comprobando…',
    passed: 'Correcto',
    failed: 'Hay un problema',
    skipped: 'Sin comprobar',
  },
  browserSupported: 'Este navegador puede hacer llamadas.',
  browserMissing: (features) => `A este navegador le falta ${features}.`,
  feature: {
    'secure-context': 'una página segura (https)',
    webrtc: 'WebRTC',
    'microphone-api': 'el acceso al micrófono',
    websocket: 'WebSockets',
    'web-audio': 'Web Audio',
  },
  and: 'y',
  microphoneLevel: 'Nivel del micrófono',
  speak: 'Llamando al servicio de eco. Di algo: deberías oírte.',
  verdict: {
    good: 'Todo bien: tus llamadas se oirán con claridad.',
    fair: 'Las llamadas funcionarán, aunque puede que no se oigan del todo bien.',
    poor: 'Puede que las llamadas se oigan mal.',
    failed: 'Todavía no se puede llamar desde aquí.',
  },
  problem: {
    'browser-unsupported':
      'Usa una versión reciente de Chrome, Edge, Firefox o Safari, en una página https.',
    'microphone-denied':
      'La página no puede usar tu micrófono. Permítelo en la configuración del sitio de tu navegador (el icono junto a la dirección) y vuelve a comprobar.',
    'microphone-missing': 'No se ha encontrado ningún micrófono. Conecta uno y vuelve a comprobar.',
    'microphone-silent':
      'Tu micrófono no envía sonido. Comprueba que no esté silenciado y que sea el que usas para hablar.',
    'call-failed': 'La llamada de prueba no se ha podido conectar.',
    'no-media':
      'La llamada de prueba se conectó, pero no volvió ningún sonido. Puede que un cortafuegos bloquee el audio: pide a tu equipo de informática que lo permita.',
    'high-rtt': 'La conexión tiene mucho retardo: puede que os piséis al hablar.',
    'high-jitter': 'La conexión es inestable: el sonido puede entrecortarse.',
    'high-loss': 'La conexión pierde sonido: pueden perderse palabras.',
    'low-mos': 'La calidad del sonido es baja.',
  },
  figures: 'Datos de la llamada de prueba',
  details: 'Detalles técnicos (para soporte)',
  copy: 'Copiar los detalles',
  copied: 'Copiado',
};

export const preflightMessages: Record<Language, PreflightMessages> = { en, es };
