import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { axeViolations, cleanup, collect, create, mount, shadow } from '../test-support/dom.js';
import { SipDialpad } from './sip-dialpad.js';

afterEach(cleanup);

function keys(el: SipDialpad): HTMLButtonElement[] {
  return [...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>('button.key') ?? [])];
}

function focusedKey(el: SipDialpad): string | undefined {
  return (el.shadowRoot?.activeElement as HTMLElement | null)?.dataset.key;
}

describe('<sip-dialpad>', () => {
  it('renders twelve labelled buttons in telephone order', async () => {
    const el = await mount(create('sip-dialpad'));
    const buttons = keys(el);
    expect(buttons.map((b) => b.dataset.key).join('')).toBe('123456789*0#');
    expect(buttons.every((b) => b.type === 'button')).toBe(true);
    expect(buttons[1]?.getAttribute('aria-label')).toBe('2 ABC');
    expect(buttons[9]?.getAttribute('aria-label')).toBe('Star');
    expect(buttons[11]?.getAttribute('aria-label')).toBe('Pound');
    expect(shadow(el, '[role="group"]').getAttribute('aria-label')).toBe('Dialpad');
  });

  it('emits sip-dialpad-press on click, bubbling out of shadow roots', async () => {
    const el = await mount(create('sip-dialpad'));
    const presses = collect<{ key: string }>(document.body, 'sip-dialpad-press');
    await userEvent.click(keys(el)[4]!);
    await userEvent.click(keys(el)[11]!);
    expect(presses).toEqual([{ key: '5' }, { key: '#' }]);
  });

  it('presses keys typed on the physical keyboard while focused', async () => {
    const el = await mount(create('sip-dialpad'));
    const presses = collect<{ key: string }>(el, 'sip-dialpad-press');
    keys(el)[0]!.focus();
    await userEvent.keyboard('7*0#x');
    expect(presses.map((p) => p.key)).toEqual(['7', '*', '0', '#']);
    await expect.poll(() => focusedKey(el)).toBe('#');
  });

  it('moves focus with the arrow keys (roving tabindex) and presses with Enter and Space', async () => {
    const el = await mount(create('sip-dialpad'));
    const presses = collect<{ key: string }>(el, 'sip-dialpad-press');
    const tabbable = () => keys(el).filter((b) => b.tabIndex === 0);
    expect(tabbable().map((b) => b.dataset.key)).toEqual(['1']);

    keys(el)[0]!.focus();
    await userEvent.keyboard('{ArrowRight}');
    await expect.poll(() => focusedKey(el)).toBe('2');
    await userEvent.keyboard('{ArrowDown}');
    await expect.poll(() => focusedKey(el)).toBe('5');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    await expect.poll(() => focusedKey(el)).toBe('0');
    await userEvent.keyboard('{ArrowDown}');
    await expect.poll(() => focusedKey(el)).toBe('2');
    await userEvent.keyboard('{ArrowLeft}{ArrowLeft}');
    await expect.poll(() => focusedKey(el)).toBe('#');
    await userEvent.keyboard('{Home}');
    await expect.poll(() => focusedKey(el)).toBe('1');
    expect(tabbable().map((b) => b.dataset.key)).toEqual(['1']);

    await userEvent.keyboard('{ArrowRight}{ArrowRight}');
    await expect.poll(() => focusedKey(el)).toBe('3');
    expect(tabbable().map((b) => b.dataset.key)).toEqual(['3']);
    await userEvent.keyboard('{Enter}');
    await userEvent.keyboard(' ');
    expect(presses.map((p) => p.key)).toEqual(['3', '3']);
  });

  it('speaks Spanish with lang="es" on an ancestor', async () => {
    const wrapper = document.createElement('div');
    wrapper.lang = 'es';
    const el = create('sip-dialpad');
    wrapper.append(el);
    await mount(wrapper);
    await el.updateComplete;
    expect(keys(el)[9]?.getAttribute('aria-label')).toBe('Asterisco');
    expect(shadow(el, '[role="group"]').getAttribute('aria-label')).toBe('Teclado');
  });

  it('has no axe violations, light and dark', async () => {
    const el = await mount(create('sip-dialpad'));
    expect(await axeViolations(el)).toEqual([]);
    el.theme = 'dark';
    await el.updateComplete;
    expect(await axeViolations(el)).toEqual([]);
  });

  it('keeps targets at least 44px', async () => {
    const el = await mount(create('sip-dialpad'));
    for (const key of keys(el)) {
      const box = key.getBoundingClientRect();
      expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44);
    }
  });

  it('defining twice does not throw', async () => {
    const { defineElement } = await import('../shared/define.js');
    expect(() => defineElement('sip-dialpad', class extends SipDialpad {})).not.toThrow();
    expect(customElements.get('sip-dialpad')).toBe(SipDialpad);
  });
});
