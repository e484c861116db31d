/**
 * The phone icon's shape, free of Lit: icons.ts draws it in the elements, and the
 * script-tag core's call button at rest (src/elements/call-button/pre-render.ts) draws
 * the same before Lit loads.
 */
export const PHONE_ICON_PATH =
  'M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z';
