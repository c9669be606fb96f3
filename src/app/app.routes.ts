import { Routes } from '@angular/router';

import { provideComposeMonitorPanel } from './compose/monitor-panel';
import { browserOnly, requireSession, requireTeamPerson, teamOnly } from './core/session-guard';
import { ComposeMonitorSlot } from './live/compose-panel/compose-monitor-slot';

/** Feature areas, each lazily loaded. */
export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'connect' },
  {
    path: 'connect',
    title: $localize`:Browser tab title of the Connect page@@kpc.title.connect:Connect · Kii Push Console`,
    // Team mode signs people in instead: no app secret is typed there.
    canActivate: [browserOnly],
    loadComponent: () => import('./connect/connect-page'),
  },
  {
    path: 'sign-in',
    title: $localize`:Browser tab title of the team sign-in page@@kpc.title.signIn:Sign in · Kii Push Console`,
    canActivate: [teamOnly],
    loadComponent: () => import('./sign-in/sign-in-page'),
  },
  {
    path: 'choose-app',
    title: $localize`:Browser tab title of the app choice page@@kpc.title.chooseApp:Choose an app · Kii Push Console`,
    canActivate: [teamOnly, requireTeamPerson],
    loadComponent: () => import('./sign-in/choose-app-page'),
  },
  {
    path: 'installations',
    title: $localize`:Browser tab title of the Installations page@@kpc.title.installations:Installations · Kii Push Console`,
    canActivate: [requireSession],
    loadComponent: () => import('./installations/installations-page'),
  },
  {
    path: 'installations/:installationId',
    title: $localize`:Browser tab title of an installation's detail page@@kpc.title.installation:Installation · Kii Push Console`,
    canActivate: [requireSession],
    loadComponent: () => import('./installations/installation-detail-page'),
  },
  {
    path: 'compose',
    title: $localize`:Browser tab title of the Compose page@@kpc.title.compose:Compose push · Kii Push Console`,
    canActivate: [requireSession],
    // The live area's panel: see a test push arrive in a running monitor.
    providers: [provideComposeMonitorPanel(ComposeMonitorSlot)],
    loadComponent: () => import('./compose/compose-page'),
  },
  {
    path: 'topics',
    title: $localize`:Browser tab title of the Topics page@@kpc.title.topics:Topics · Kii Push Console`,
    canActivate: [requireSession],
    loadComponent: () => import('./topics/topics-page'),
  },
  {
    path: 'live',
    title: $localize`:Browser tab title of the Live traffic page@@kpc.title.live:Live traffic · Kii Push Console`,
    canActivate: [requireSession],
    loadComponent: () => import('./live/live-page'),
  },
  {
    path: 'diagnose',
    title: $localize`:Browser tab title of the Diagnose page@@kpc.title.diagnose:Diagnose · Kii Push Console`,
    // The trace extension is reached with the browser's own admin token.
    canActivate: [browserOnly, requireSession],
    loadComponent: () => import('./diagnose/diagnose-page'),
  },
  {
    path: 'pushes/:pushMessageID',
    title: $localize`:Browser tab title of a push's report@@kpc.title.pushReport:Push report · Kii Push Console`,
    // The trace extension is reached with the browser's own admin token.
    canActivate: [browserOnly, requireSession],
    loadComponent: () => import('./diagnose/push-report-page'),
  },
  {
    path: 'audit',
    title: $localize`:Browser tab title of the Audit page@@kpc.title.audit:Audit · Kii Push Console`,
    canActivate: [teamOnly, requireSession],
    loadComponent: () => import('./audit/audit-page'),
  },
  {
    path: 'people',
    title: $localize`:Browser tab title of the People page@@kpc.title.people:People & roles · Kii Push Console`,
    canActivate: [teamOnly, requireSession],
    loadComponent: () => import('./people/people-page'),
  },
  {
    path: 'apps',
    title: $localize`:Browser tab title of the Apps page@@kpc.title.apps:Connected apps · Kii Push Console`,
    // No app needs to be chosen: a team admin connects the first one here.
    canActivate: [teamOnly, requireTeamPerson],
    loadComponent: () => import('./apps/apps-page'),
  },
  { path: '**', redirectTo: 'connect' },
];
