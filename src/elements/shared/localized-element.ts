import { LitElement } from 'lit';
import { LocaleController } from './controllers/locale-controller.js';

/**
 * A LitElement that speaks the language of its place in the page. Languages other than
 * English load on first use; every render waits for the strings of the current language,
 * so a Spanish page never flashes English first.
 */
export abstract class LocalizedElement extends LitElement {
  protected readonly locale = new LocaleController(this);

  protected override async scheduleUpdate(): Promise<void> {
    await this.locale.load();
    await super.scheduleUpdate();
  }
}
