import { Routes } from '@angular/router';

/** Feature areas, each lazily loaded. */
export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'connect' },
  {
    path: 'connect',
    title: $localize`:Browser tab title of the Connect page@@kpc.title.connect:Connect · Kii Push Console`,
    loadComponent: () => import('./connect/connect-page'),
  },
  { path: '**', redirectTo: 'connect' },
];
