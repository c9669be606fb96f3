import { provideHttpClient, withFetch } from '@angular/common/http';
import {
  ApplicationConfig,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';

import { routes } from './app.routes';
import { provideMaterialSymbols } from './core/icons';
import { provideKiiSdk } from './core/kii-sdk';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(routes, withComponentInputBinding()),
    provideHttpClient(withFetch()),
    provideMaterialSymbols(),
    provideKiiSdk(),
    // No provideMqtt(): monitors take MQTT_CONNECTION_FACTORY's root default, which loads
    // ngx-mqtt (and mqtt-browser) on the first connection, outside the initial bundle.
  ],
};
