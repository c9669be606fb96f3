import { BrowserLocation } from '../app/core/browser';

/** A `window.location` stand-in that records navigations instead of leaving the page. */
export class FakeBrowserLocation implements BrowserLocation {
  /** Every URL passed to `assign`, in order. */
  readonly assigned: string[] = [];

  constructor(
    public origin = 'http://127.0.0.1:8080',
    public pathname = '/en/connect',
    public search = '',
    public hash = '',
  ) {}

  assign(url: string): void {
    this.assigned.push(url);
  }
}
