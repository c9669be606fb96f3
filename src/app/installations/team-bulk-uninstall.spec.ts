import { HttpEventType } from '@angular/common/http';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { lastValueFrom, toArray } from 'rxjs';

import { answerDiscovery } from '../../testing/installations-setup';
import { TEAM_APP_ID, signInToTeam } from '../../testing/team-session';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { CSRF_HEADER } from '../core/team/team-api';
import { BulkItem, BulkUninstall, PlanOutcome } from './bulk-uninstall';

const URL = `/team/api/apps/${TEAM_APP_ID}/installations/bulk-uninstall`;
const lines = (...values: unknown[]) => values.map((value) => `${JSON.stringify(value)}\n`);

describe('BulkUninstall in team mode', () => {
  let bulk: BulkUninstall;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: provideTestBrowser(createTestBrowser()) });
    http = TestBed.inject(HttpTestingController);
    await signInToTeam('operator');
    bulk = TestBed.inject(BulkUninstall);
    // The installations list asks the page's origin whether it is the local server, in any mode.
    answerDiscovery(http, false);
  });
  afterEach(() => http.verify());

  it('takes at most 1,000 references per run', () => {
    expect(bulk.maxPerRun).toBe(1000);
  });

  it('dry-runs in one call of the bulk route, counting each item as its line arrives', async () => {
    const all = lastValueFrom(
      bulk
        .dryRun$([
          { by: 'id', installationID: 'inst-1' },
          { by: 'registration', deviceType: 'MQTT', registrationID: 'reg-2' },
        ])
        .pipe(toArray()),
    );
    const request = http.expectOne(URL);
    expect(request.request.method).toBe('POST');
    expect(request.request.headers.get(CSRF_HEADER)).toBe('csrf-operator');
    expect(request.request.headers.get('accept')).toBe('application/x-ndjson');
    expect(JSON.parse(request.request.body)).toEqual({
      refs: ['inst-1', 'MQTT:reg-2'],
      dryRun: true,
    });
    const first = {
      ref: 'MQTT:reg-2',
      status: 'not-found',
      kii: { status: 404, errorCode: 'INSTALLATION_NOT_FOUND' },
    };
    const second = {
      ref: 'inst-1',
      status: 'would-uninstall',
      installationID: 'inst-1',
      installation: {
        registrationID: 'reg-1',
        deviceType: 'MQTT',
        development: true,
        owner: { type: 'user', id: 'user-1' },
      },
      kii: { status: 200 },
    };
    const [line1, line2, outcome] = lines(
      { index: 1, result: first },
      { index: 0, result: second },
      { dryRun: true, counts: {}, results: [second, first] },
    );
    // The second line arrives cut in two: only whole lines count.
    const cut = line2.length / 2;
    request.event({
      type: HttpEventType.DownloadProgress,
      loaded: 1,
      partialText: line1 + line2.slice(0, cut),
    });
    request.flush(line1 + line2 + outcome);

    const emitted = await all;
    expect(emitted[0].done).toBe(1);
    expect(emitted[0].items.map((item) => item.outcome)).toEqual(['pending', 'not-found']);
    const last = emitted[emitted.length - 1];
    expect([last.done, last.total]).toEqual([2, 2]);
    expect(last.items.map((item) => item.outcome)).toEqual(['ready', 'not-found']);
    expect(last.items[0].installation).toEqual(
      jasmine.objectContaining({
        installationID: 'inst-1',
        registrationID: 'reg-1',
        development: true,
        owner: { kind: 'user', id: 'user-1', name: 'user-1' },
      }),
    );
    expect(last.items[1].error).toEqual(
      jasmine.objectContaining({ status: 404, errorCode: 'INSTALLATION_NOT_FOUND' }),
    );
  });

  it('runs only what the dry run found, keeping Kii’s refusal per item', async () => {
    const found = (id: string) => ({
      installationID: id,
      registrationID: `reg-${id}`,
      deviceType: 'MQTT',
      development: false,
      owner: null,
      createdAt: null,
    });
    const plan: BulkItem<PlanOutcome>[] = [
      { ref: { by: 'id', installationID: 'a' }, outcome: 'ready', installation: found('a') },
      { ref: { by: 'id', installationID: 'gone' }, outcome: 'not-found' },
      { ref: { by: 'id', installationID: 'b' }, outcome: 'ready', installation: found('b') },
    ];
    const result = lastValueFrom(bulk.run$(plan));
    const request = http.expectOne(URL);
    expect(JSON.parse(request.request.body)).toEqual({ refs: ['a', 'b'], dryRun: false });
    const done = { ref: 'a', status: 'uninstalled', kii: { status: 204 } };
    const refused = { ref: 'b', status: 'failed', kii: { status: 403, errorCode: 'WRONG_TOKEN' } };
    request.flush(
      lines(
        { index: 0, result: done },
        { index: 1, result: refused },
        { dryRun: false, counts: {}, results: [done, refused] },
      ).join(''),
    );
    const progress = await result;
    expect(progress.items.map((item) => item.outcome)).toEqual(['done', 'refused']);
    expect(progress.items[0].installation?.installationID).toBe('a');
    expect(progress.items[1].error?.errorCode).toBe('WRONG_TOKEN');
  });

  it('gives every item the refusal when the console server refuses the whole run', async () => {
    const result = lastValueFrom(
      bulk.dryRun$([
        { by: 'id', installationID: 'x' },
        { by: 'id', installationID: 'y' },
      ]),
    );
    http.expectOne(URL).flush(
      JSON.stringify({
        error: { code: 'FORBIDDEN', message: 'operator needed', details: { needed: 'operator' } },
      }),
      { status: 403, statusText: 'Forbidden' },
    );
    const progress = await result;
    expect(progress.done).toBe(2);
    expect(progress.items.map((item) => item.outcome)).toEqual(['refused', 'refused']);
    expect(progress.items[0].error?.errorCode).toBe('FORBIDDEN');
  });
});
