/**
 * The part of the theme a call button at rest needs (design tokens, light and dark, the
 * base of controls, focus ring, icons, the visually hidden live region), as plain CSS:
 * the script-tag core's pre-render (src/elements/call-button/pre-render.ts) styles itself
 * with it before Lit loads, and theme.ts wraps the same text for the Lit elements.
 */

/** Dark defaults, applied by `theme="dark"` or by the OS preference unless `theme="light"`. */
const darkTokens = `
  --_accent: var(--sip-accent, #a8c7fa);
  --_accent-fg: var(--sip-accent-fg, #062e6f);
  --_bg: var(--sip-bg, #1b1b1f);
  --_fg: var(--sip-fg, #e4e4ea);
  --_muted-fg: var(--sip-muted-fg, #b4b4be);
  --_surface: var(--sip-surface, #2a2a31);
  --_border: var(--sip-border, #5a5a66);
  --_danger: var(--sip-danger, #ffb4ab);
  --_danger-fg: var(--sip-danger-fg, #690005);
  --_success: var(--sip-success, #8fd9a0);
  --_success-fg: var(--sip-success-fg, #00390f);
  --_focus: var(--sip-focus-ring, #a8c7fa);
  color-scheme: dark;
`;

/**
 * Public knobs are `--sip-*` custom properties; the private `--_*` copies carry the
 * light/dark defaults so a host's value wins in both themes.
 */
export const themeBaseCss = `
  :host {
    --_accent: var(--sip-accent, #0b57d0);
    --_accent-fg: var(--sip-accent-fg, #ffffff);
    --_bg: var(--sip-bg, #ffffff);
    --_fg: var(--sip-fg, #1f1f24);
    --_muted-fg: var(--sip-muted-fg, #50505a);
    --_surface: var(--sip-surface, #f1f3f8);
    --_border: var(--sip-border, #c4c7d0);
    --_danger: var(--sip-danger, #b3261e);
    --_danger-fg: var(--sip-danger-fg, #ffffff);
    --_success: var(--sip-success, #146c2e);
    --_success-fg: var(--sip-success-fg, #ffffff);
    --_focus: var(--sip-focus-ring, #0b57d0);
    --_radius: var(--sip-radius, 12px);
    --_font: var(--sip-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_target: var(--sip-target-size, 44px);
    color-scheme: light;
    font-family: var(--_font);
    color: var(--_fg);
  }

  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${darkTokens}
    }
  }

  :host([theme='dark']) {
    ${darkTokens}
  }

  button,
  input {
    font: inherit;
    color: inherit;
  }

  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }

  svg.icon {
    width: 1.25em;
    height: 1.25em;
    flex: none;
    fill: currentColor;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
