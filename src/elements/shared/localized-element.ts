import { LitElement } from 'lit';
import { LocaleController } from './controllers/locale-controller.js';

/**
 * A LitElement that speaks the language of its place in the page. String tables load on
 * first use; every render waits for the strings of the current language, so a Spanish
 * page never flashes English first.
 */
export abstract class LocalizedElement extends LitElement {
  protected readonly locale = new LocaleController(this);

  protected override async scheduleUpdate(): Promise<void> {
    await this.loadStrings();
    await super.scheduleUpdate();
  }

  /** What to load before each render: the whole table (the call button at rest, less). */
  protected loadStrings(): Promise<void> | undefined {
    return this.locale.load();
  }
}
