import { commandForKey, streamShortcutHelp } from './shortcut-keys';

describe('commandForKey', () => {
  const element = (html: string) => {
    const host = document.createElement('div');
    host.innerHTML = html;
    return host.firstElementChild as HTMLElement;
  };
  const onPage = (key: string, extra: object = {}) =>
    commandForKey({ key, target: document.body, ...extra }, false);

  it('maps each shortcut key, letters with or without Shift', () => {
    expect(onPage('p')).toBe('togglePause');
    expect(onPage('P')).toBe('togglePause');
    expect(onPage('c')).toBe('clear');
    expect(onPage('/')).toBe('focusFilter');
    expect(onPage('f')).toBe('focusFilter');
    expect(onPage('j')).toBe('next');
    expect(onPage('ArrowDown')).toBe('next');
    expect(onPage('k')).toBe('previous');
    expect(onPage('ArrowUp')).toBe('previous');
    expect(onPage('Escape')).toBe('closeDetail');
    expect(onPage('?')).toBe('help');
    expect(onPage('x')).toBeNull();
    expect(onPage('Enter')).toBeNull();
  });

  it('leaves browser and screen-reader shortcuts alone', () => {
    expect(onPage('c', { ctrlKey: true })).toBeNull();
    expect(onPage('p', { metaKey: true })).toBeNull();
    expect(onPage('j', { altKey: true })).toBeNull();
  });

  it('does nothing while the operator types', () => {
    for (const html of [
      '<input type="text">',
      '<input>',
      '<textarea></textarea>',
      '<select></select>',
      '<div role="combobox"></div>',
    ]) {
      expect(commandForKey({ key: 'p', target: element(html) }, false))
        .withContext(html)
        .toBeNull();
    }
    const editable = element('<div contenteditable="true"></div>');
    document.body.appendChild(editable);
    expect(commandForKey({ key: 'c', target: editable }, false)).toBeNull();
    editable.remove();
    expect(commandForKey({ key: 'p', target: element('<input type="checkbox">') }, false)).toBe(
      'togglePause',
    );
  });

  it('takes the arrow keys only on the stream or the page, letters anywhere else', () => {
    const button = element('<button>Pause</button>');
    expect(commandForKey({ key: 'ArrowDown', target: button }, false)).toBeNull();
    expect(commandForKey({ key: 'ArrowDown', target: button }, true)).toBe('next');
    expect(commandForKey({ key: 'j', target: button }, false)).toBe('next');
  });

  it('describes every shortcut for the help dialog', () => {
    const help = streamShortcutHelp();
    const keys = help.flatMap((entry) => entry.keys);
    expect(keys).toEqual(['P', 'C', '/', 'F', 'J', '↓', 'K', '↑', 'Esc', '?']);
    expect(help[0].description).toBe('Pause or resume the view of every monitor');
    expect(help.every((entry) => !entry.description.includes('@@'))).toBeTrue();
  });
});
