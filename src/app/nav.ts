/** An entry of the side navigation: one per feature area that exists. */
export interface NavItem {
  readonly path: string;
  /** Material Symbols ligature name. */
  readonly icon: string;
  readonly label: string;
  /** Shown only in team mode (`team`), or there only to an admin of every app (`team-admin`). */
  readonly only?: 'team' | 'team-admin';
}

/** The console's areas, in navigation order. Only areas that exist are listed. */
export const NAV_ITEMS: readonly NavItem[] = [
  {
    path: '/connect',
    icon: 'power',
    label: $localize`:Side navigation entry for the Connect page@@kpc.nav.connect:Connect`,
  },
  {
    path: '/installations',
    icon: 'devices',
    label: $localize`:Side navigation entry for the Installations page@@kpc.nav.installations:Installations`,
  },
  {
    path: '/live',
    icon: 'monitoring',
    label: $localize`:Side navigation entry for the Live traffic page@@kpc.nav.live:Live traffic`,
  },
  {
    path: '/compose',
    icon: 'send',
    label: $localize`:Side navigation entry for the Compose page@@kpc.nav.compose:Compose push`,
  },
  {
    path: '/diagnose',
    icon: 'troubleshoot',
    label: $localize`:Side navigation entry for the Diagnose page@@kpc.nav.diagnose:Diagnose`,
  },
  {
    path: '/topics',
    icon: 'topic',
    label: $localize`:Side navigation entry for the Topics page@@kpc.nav.topics:Topics`,
  },
  {
    path: '/audit',
    icon: 'history',
    label: $localize`:Side navigation entry for the Audit page@@kpc.nav.audit:Audit`,
    only: 'team',
  },
  {
    path: '/people',
    icon: 'group',
    label: $localize`:Side navigation entry for the People page@@kpc.nav.people:People & roles`,
    only: 'team-admin',
  },
];
