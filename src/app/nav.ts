/** An entry of the side navigation: one per feature area that exists. */
export interface NavItem {
  readonly path: string;
  /** Material Symbols ligature name. */
  readonly icon: string;
  readonly label: string;
  /**
   * Shown only in this mode: `browser` for what needs the browser's own Kii credentials (or
   * the local server's extensions reached with them), `team` for the console server's pages.
   */
  readonly mode?: 'team' | 'browser';
  /** In team mode, shown only to an admin of every app (People & roles). */
  readonly teamAdminOnly?: true;
}

/** The console's areas, in navigation order. Only areas that exist are listed. */
export const NAV_ITEMS: readonly NavItem[] = [
  {
    path: '/connect',
    icon: 'power',
    mode: 'browser',
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
    mode: 'browser',
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
    mode: 'team',
    label: $localize`:Side navigation entry for the Audit page@@kpc.nav.audit:Audit`,
  },
  {
    path: '/apps',
    icon: 'apps',
    mode: 'team',
    label: $localize`:Side navigation entry for the Apps page@@kpc.nav.apps:Apps`,
  },
  {
    path: '/people',
    icon: 'group',
    mode: 'team',
    teamAdminOnly: true,
    label: $localize`:Side navigation entry for the People page@@kpc.nav.people:People & roles`,
  },
];
