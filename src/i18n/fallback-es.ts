import type { FallbackMessages } from './fallback-messages.js';

export const fallbackEs: FallbackMessages = {
  reason: {
    'microphone-denied': 'No podemos llamar desde aquí: esta página no puede usar tu micrófono.',
    'microphone-missing': 'No podemos llamar desde aquí: no se encontró un micrófono que funcione.',
    'webrtc-unsupported':
      'No podemos llamar desde aquí: este navegador no puede hacer llamadas desde una página.',
    'media-failed': 'La llamada no pudo conectarse: puede que tu red la esté bloqueando.',
    'service-unreachable': 'Ahora mismo no podemos contactar con nuestro servicio telefónico.',
  },
  otherWays: 'Puedes contactarnos de otra forma:',
  callUsOn: (number) => `Llámanos al ${number}`,
  callbackTitle: 'O déjanos tu número y te llamamos',
  numberLabel: 'Tu número de teléfono',
  numberHint: 'Con el prefijo del país, p. ej. +34 600 123 456',
  numberInvalid: 'Escribe el número con + y el prefijo del país, p. ej. +34 600 123 456.',
  requestCallback: 'Llamadme',
  sending: 'Enviando…',
  sent: (number) => `Gracias: te llamaremos al ${number}.`,
  failed: 'No pudimos enviar tu número.',
  retry: 'Reintentar',
};
