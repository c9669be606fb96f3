/** What a key does on the Live traffic page (see STREAM_SHORTCUTS for the help dialog). */
export type StreamCommand =
  'togglePause' | 'clear' | 'focusFilter' | 'next' | 'previous' | 'closeDetail' | 'help';

/** The parts of a KeyboardEvent the mapping looks at (specs pass plain objects). */
export interface KeyPress {
  readonly key: string;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
  readonly altKey?: boolean;
  readonly target: EventTarget | null;
}

const COMMANDS: Readonly<Record<string, StreamCommand>> = {
  p: 'togglePause',
  c: 'clear',
  '/': 'focusFilter',
  f: 'focusFilter',
  j: 'next',
  ArrowDown: 'next',
  k: 'previous',
  ArrowUp: 'previous',
  Escape: 'closeDetail',
  '?': 'help',
};

/**
 * The arrow keys also scroll the page and move within menus, tabs and lists, so they only act
 * when focus is on the stream itself or on nothing in particular. The letters act anywhere
 * outside text fields.
 */
const STREAM_ONLY_KEYS: ReadonlySet<string> = new Set(['ArrowDown', 'ArrowUp']);

/**
 * The command for a key press, or null when the key is not a shortcut here: with Ctrl, Cmd or
 * Alt held (browser and screen-reader shortcuts), while typing in a field, and for the arrow
 * keys while focus is on a control other than the stream.
 */
export function commandForKey(press: KeyPress, streamHasFocus: boolean): StreamCommand | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  // Letters work with Shift or Caps Lock too.
  const command = COMMANDS[press.key.length === 1 ? press.key.toLowerCase() : press.key];
  if (!command || isTextEntry(press.target)) return null;
  if (STREAM_ONLY_KEYS.has(press.key) && !streamHasFocus && !isPageLevel(press.target)) return null;
  return command;
}

function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes(target.type);
  }
  return target.getAttribute('role') === 'combobox';
}

/** Focus on the page itself (nothing focused) rather than on a control. */
function isPageLevel(target: EventTarget | null): boolean {
  return (
    !(target instanceof HTMLElement) ||
    target === target.ownerDocument.body ||
    target.ownerDocument.documentElement === target
  );
}

/** One row of the help dialog: the keys, and what they do. */
export interface ShortcutHelp {
  readonly keys: readonly string[];
  readonly description: string;
}

/** Every shortcut, in the order the help dialog lists them. */
export function streamShortcutHelp(): readonly ShortcutHelp[] {
  return [
    {
      keys: ['P'],
      description: $localize`:Help dialog, what the P key does@@kpc.live.keys.pause:Pause or resume the view of every monitor`,
    },
    {
      keys: ['C'],
      description: $localize`:Help dialog, what the C key does@@kpc.live.keys.clear:Clear the view of every monitor`,
    },
    {
      keys: ['/', 'F'],
      description: $localize`:Help dialog, what the / and F keys do@@kpc.live.keys.filter:Filter: go to the first monitor's text filter`,
    },
    {
      keys: ['J', '↓'],
      description: $localize`:Help dialog, what the J and down arrow keys do@@kpc.live.keys.next:Next (older) message`,
    },
    {
      keys: ['K', '↑'],
      description: $localize`:Help dialog, what the K and up arrow keys do@@kpc.live.keys.previous:Previous (newer) message`,
    },
    {
      keys: ['Esc'],
      description: $localize`:Help dialog, what the Escape key does@@kpc.live.keys.close:Close the message details and go back to the list`,
    },
    {
      keys: ['?'],
      description: $localize`:Help dialog, what the question mark key does@@kpc.live.keys.help:Show this list of shortcuts`,
    },
  ];
}
