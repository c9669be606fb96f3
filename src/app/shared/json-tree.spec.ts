import { ComponentFixture, TestBed } from '@angular/core/testing';

import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { JsonTree } from './json-tree';

describe('JsonTree', () => {
  let fixture: ComponentFixture<JsonTree>;

  async function render(value: unknown): Promise<HTMLElement> {
    TestBed.configureTestingModule({
      imports: [JsonTree],
      providers: provideTestBrowser(createTestBrowser()),
    });
    fixture = TestBed.createComponent(JsonTree);
    fixture.componentRef.setInput('value', value);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  const lines = (root: HTMLElement) =>
    Array.from(root.querySelectorAll('summary, .kpc-json-line')).map((e) =>
      e.textContent!.replace(/\s+/g, ' ').trim(),
    );

  it('shows keys and values, strings quoted, nested values one level open below the root', async () => {
    const root = await render({
      s: 'x',
      n: 1.5,
      b: false,
      z: null,
      list: [{ deep: { deeper: 1 } }],
    });
    expect(lines(root)).toEqual([
      '{ 5 entries',
      's: "x"',
      'n: 1.5',
      'b: false',
      'z: null',
      'list: [ 1 entry',
      '0: { 1 entry',
      'deep: { 1 entry',
      'deeper: 1',
    ]);
    const open = Array.from(root.querySelectorAll('details')).map((d) => d.open);
    expect(open).toEqual([true, true, false, false]);
  });

  it('shows markup as text', async () => {
    const root = await render({ html: '<img src=x onerror="window.__treePwned=1">' });
    expect(lines(root)[1]).toBe('html: "<img src=x onerror=\\"window.__treePwned=1\\">"');
    expect(root.querySelector('img')).toBeNull();
  });

  it('counts what it does not show of a long array', async () => {
    const root = await render(Array.from({ length: 250 }, (_, i) => i));
    expect(root.querySelectorAll('.kpc-json-line').length).toBe(200);
    expect(root.textContent).toContain('… 50 more');
  });

  it('shows a bare value', async () => {
    expect(lines(await render('just text'))).toEqual(['"just text"']);
  });
});
