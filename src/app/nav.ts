/** An entry of the side navigation: one per feature area that exists. */
export interface NavItem {
  readonly path: string;
  /** Material Symbols ligature name. */
  readonly icon: string;
  readonly label: string;
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
];
