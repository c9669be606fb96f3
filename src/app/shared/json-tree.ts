import { ChangeDetectionStrategy, Component, computed, forwardRef, input } from '@angular/core';

/** Entries shown per object or array; the rest are counted. */
const MAX_ENTRIES = 200;
/** Nesting shown; deeper values are summarised. */
const MAX_DEPTH = 20;

type Node =
  | { readonly kind: 'leaf'; readonly text: string; readonly type: string }
  | {
      readonly kind: 'branch';
      readonly open: string;
      readonly close: string;
      readonly size: number;
      readonly entries: readonly { readonly key: string; readonly value: unknown }[];
      readonly hidden: number;
    };

/**
 * A JSON value as a collapsible tree (native `<details>`, so keyboard and screen readers work
 * without extra code). Everything is bound as text: untrusted payloads cannot inject markup.
 */
@Component({
  selector: 'kpc-json-tree',
  // Nested values render as trees of their own.
  imports: [forwardRef(() => JsonTree)],
  template: `
    @let n = node();
    @if (n.kind === 'leaf') {
      <span class="kpc-json-line">
        @if (name() !== null) {
          <span class="kpc-json-key">{{ name() }}</span>:
        }
        <span class="kpc-json-value" [class]="'kpc-json-' + n.type">{{ n.text }}</span>
      </span>
    } @else {
      <details [open]="depth() < 2">
        <summary>
          @if (name() !== null) {
            <span class="kpc-json-key">{{ name() }}</span>:
          }
          <span class="kpc-json-brace">{{ n.open }}</span>&ngsp;
          <span
            class="kpc-json-size"
            i18n="Size of a JSON object or array in the tree@@kpc.shared.jsonSize"
            >{n.size, plural, =1 {1 entry} other {{{ n.size }} entries}}</span
          >
        </summary>
        <ul>
          @for (entry of n.entries; track entry.key) {
            <li>
              <kpc-json-tree [name]="entry.key" [value]="entry.value" [depth]="depth() + 1" />
            </li>
          }
          @if (n.hidden > 0) {
            <li class="kpc-json-more" i18n="More entries than the tree shows@@kpc.shared.jsonMore">
              … {{ n.hidden }} more
            </li>
          }
        </ul>
        <span class="kpc-json-brace">{{ n.close }}</span>
      </details>
    }
  `,
  styles: `
    :host {
      display: block;
      font-family: 'Roboto Mono', ui-monospace, monospace;
      font-size: 13px;
      line-height: 20px;
    }
    ul {
      list-style: none;
      margin: 0;
      padding-left: 20px;
    }
    summary {
      cursor: pointer;
    }
    .kpc-json-key {
      color: var(--mat-sys-primary);
    }
    .kpc-json-string {
      color: var(--mat-sys-tertiary);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .kpc-json-size,
    .kpc-json-more,
    .kpc-json-null {
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class JsonTree {
  /** Any JSON value (what `JSON.parse` returns). */
  readonly value = input.required<unknown>();
  /** The key or index under which the value sits; null for the root. */
  readonly name = input<string | null>(null);
  readonly depth = input(0);

  protected readonly node = computed<Node>(() => toNode(this.value(), this.depth()));
}

function toNode(value: unknown, depth: number): Node {
  if (value === null) return { kind: 'leaf', text: 'null', type: 'null' };
  if (typeof value === 'string')
    return { kind: 'leaf', text: JSON.stringify(value), type: 'string' };
  if (typeof value !== 'object') return { kind: 'leaf', text: String(value), type: typeof value };
  const isArray = Array.isArray(value);
  const all = isArray
    ? (value as unknown[]).map((v, i) => ({ key: String(i), value: v }))
    : Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: v }));
  if (depth >= MAX_DEPTH) return { kind: 'leaf', text: isArray ? '[…]' : '{…}', type: 'null' };
  return {
    kind: 'branch',
    open: isArray ? '[' : '{',
    close: isArray ? ']' : '}',
    size: all.length,
    entries: all.slice(0, MAX_ENTRIES),
    hidden: Math.max(0, all.length - MAX_ENTRIES),
  };
}
