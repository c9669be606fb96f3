import { provideHttpClient, withFetch } from '@angular/common/http';
import {
  ApplicationConfig,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';

import { routes } from './app.routes';
import { provideMaterialSymbols } from './core/icons';
import { provideKiiSdk } from './core/kii-sdk';
import { TeamSession } from './core/team/team-session';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(routes, withComponentInputBinding()),
    provideHttpClient(withFetch()),
    provideMaterialSymbols(),
    provideKiiSdk(),
    // Team or browser-only, decided before the first route's guards run.
    provideAppInitializer(() => inject(TeamSession).detect()),
    // No provideMqtt(): monitors take MQTT_CONNECTION_FACTORY's root default, which loads
    // ngx-mqtt (and mqtt-browser) on the first connection, outside the initial bundle.
  ],
};
