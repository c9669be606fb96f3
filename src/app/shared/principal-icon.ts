import { PrincipalKind } from '../core/principal';

/** The Material Symbols ligature that stands for a principal kind. */
export function principalIcon(kind: PrincipalKind | undefined): string {
  switch (kind) {
    case 'admin':
      return 'admin_panel_settings';
    case 'user':
      return 'person';
    case 'thing':
      return 'memory';
    default:
      return 'power_off';
  }
}
