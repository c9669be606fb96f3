import { TestBed } from '@angular/core/testing';
import { Router, UrlTree } from '@angular/router';
import { provideRouter } from '@angular/router';
import { firstValueFrom } from 'rxjs';

import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { requireSession } from './session-guard';
import { SessionStore } from './session';

describe('requireSession', () => {
  function run(): unknown {
    return TestBed.runInInjectionContext(() => requireSession({} as never, {} as never));
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [...provideTestBrowser(createTestBrowser()), provideRouter([])],
    });
  });

  it('sends the operator to Connect when nobody is signed in', () => {
    const result = run();
    expect(result instanceof UrlTree).toBeTrue();
    expect(TestBed.inject(Router).serializeUrl(result as UrlTree)).toBe('/connect');
  });

  it('lets a signed-in operator through', async () => {
    await firstValueFrom(
      TestBed.inject(SessionStore).signIn$({
        site: 'custom',
        baseUrl: 'http://127.0.0.1:8080/api',
        appId: 'demoapp',
        appKey: 'demoappkey',
        credentials: {
          kind: 'admin',
          clientId: 'demo-client-id',
          clientSecret: 'demo-client-secret',
        },
        rememberSecret: false,
      }),
    );
    expect(run()).toBeTrue();
  });
});
