import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { lastValueFrom } from 'rxjs';

import { TEST_APP_URL } from '../../testing/admin-session';
import { settle } from '../../testing/installation-sessions';
import {
  answerDiscovery,
  installationBody,
  installationRow,
  signInAt,
} from '../../testing/installations-setup';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { makeKiiError } from '../core/kii-error';
import {
  BulkItem,
  BulkUninstall,
  PlanOutcome,
  failureOutcome,
  parseRefs,
  resultsCsv,
} from './bulk-uninstall';

const notFound = { status: 404, statusText: 'Not Found' };

describe('parseRefs', () => {
  it('reads IDs separated by commas, spaces and lines, once each', () => {
    const parsed = parseRefs('inst-1, inst-2\ninst-1;MQTT:reg-3\tmqtt:reg-4  bad:ref');
    expect(parsed.refs).toEqual([
      { by: 'id', installationID: 'inst-1' },
      { by: 'id', installationID: 'inst-2' },
      { by: 'registration', deviceType: 'MQTT', registrationID: 'reg-3' },
      { by: 'registration', deviceType: 'MQTT', registrationID: 'reg-4' },
    ]);
    expect(parsed.rejected).toEqual(['bad:ref']);
  });

  it('reads the installationID column of a CSV file with a header', () => {
    const csv =
      'reference,installationID,registrationID\r\n"x",inst-1,reg-1\r\ny,"inst-2",reg-2\r\n';
    expect(parseRefs(csv).refs.map((r) => (r.by === 'id' ? r.installationID : ''))).toEqual([
      'inst-1',
      'inst-2',
    ]);
  });

  it('reads deviceType and registrationID columns when there is no installationID column', () => {
    const parsed = parseRefs('deviceType;registrationID\nMQTT;reg-1\nANDROID;tok-2\n');
    expect(parsed.refs).toEqual([
      { by: 'registration', deviceType: 'MQTT', registrationID: 'reg-1' },
      { by: 'registration', deviceType: 'ANDROID', registrationID: 'tok-2' },
    ]);
  });

  it('finds nothing in blank text', () => {
    expect(parseRefs('  \n ,, ')).toEqual({ refs: [], rejected: [] });
  });
});

describe('failureOutcome and resultsCsv', () => {
  it('tells not found and refused apart from other failures', () => {
    expect(failureOutcome(makeKiiError('not-found', { status: 404 }))).toBe('not-found');
    expect(failureOutcome(makeKiiError('auth', { status: 401 }))).toBe('refused');
    expect(failureOutcome(makeKiiError('forbidden', { status: 403 }))).toBe('refused');
    expect(failureOutcome(makeKiiError('network', { status: 0 }))).toBe('failed');
  });

  it('writes one CSV line per item, quoting and defusing formulas', () => {
    const items: BulkItem<string>[] = [
      {
        ref: { by: 'id', installationID: 'inst-1' },
        outcome: 'done',
        installation: installationRow(1),
      },
      {
        ref: { by: 'id', installationID: '=cmd' },
        outcome: 'not-found',
        error: makeKiiError('not-found', {
          status: 404,
          errorCode: 'INSTALLATION_NOT_FOUND',
          detail: 'a "b", c',
        }),
      },
    ];
    expect(resultsCsv(items).split('\r\n')).toEqual([
      'reference,installationID,registrationID,deviceType,owner,outcome,errorCode,message',
      'inst-1,inst-1,reg-1,MQTT,user:user1,done,,',
      `'=cmd,'=cmd,,,,not-found,INSTALLATION_NOT_FOUND,"a ""b"", c"`,
      '',
    ]);
  });
});

describe('BulkUninstall', () => {
  let bulk: BulkUninstall;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: provideTestBrowser(createTestBrowser()) });
    bulk = TestBed.inject(BulkUninstall);
    http = TestBed.inject(HttpTestingController);
    await signInAt('local');
    answerDiscovery(http, true);
  });
  afterEach(() => http.verify());

  it('sets no limit on a run in browser-only mode', () => {
    expect(bulk.maxPerRun).toBeNull();
  });

  it('looks each reference up in the dry run, naming owners, and changes nothing', async () => {
    const plan = lastValueFrom(
      bulk.dryRun$([
        { by: 'id', installationID: 'inst-1' },
        { by: 'id', installationID: 'missing' },
        { by: 'registration', deviceType: 'MQTT', registrationID: 'reg-9' },
      ]),
    );
    await settle();
    http
      .expectOne(`${TEST_APP_URL}/installations/inst-1`)
      .flush(installationBody(installationRow(1)));
    http
      .expectOne(`${TEST_APP_URL}/installations/missing`)
      .flush({ errorCode: 'INSTALLATION_NOT_FOUND', message: 'x' }, notFound);
    http
      .expectOne(`${TEST_APP_URL}/installations/MQTT:reg-9`)
      .flush(
        { errorCode: 'UNAUTHORIZED', message: 'x' },
        { status: 401, statusText: 'Unauthorized' },
      );
    await settle();
    http.expectOne(`${TEST_APP_URL}/users/user-1`).flush({ userID: 'user-1', loginName: 'ann' });

    const result = await plan;
    expect(result.done).toBe(3);
    expect(result.items.map((i) => i.outcome)).toEqual(['ready', 'not-found', 'refused']);
    expect(result.items[0].installation?.owner?.name).toBe('ann');
    expect(result.items[1].error?.errorCode).toBe('INSTALLATION_NOT_FOUND');
  });

  it('uninstalls only what the dry run found, each with its own outcome', async () => {
    const plan: BulkItem<PlanOutcome>[] = [
      {
        ref: { by: 'id', installationID: 'inst-1' },
        outcome: 'ready',
        installation: installationRow(1),
      },
      { ref: { by: 'id', installationID: 'missing' }, outcome: 'not-found' },
      {
        ref: { by: 'registration', deviceType: 'MQTT', registrationID: 'reg-2' },
        outcome: 'ready',
        installation: installationRow(2),
      },
    ];
    const run = lastValueFrom(bulk.run$(plan));
    await settle();
    http
      .expectOne(`${TEST_APP_URL}/installations/inst-1`)
      .flush(null, { status: 204, statusText: 'No Content' });
    http
      .expectOne(`${TEST_APP_URL}/installations/MQTT:reg-2`)
      .flush({ errorCode: 'INSTALLATION_NOT_FOUND', message: 'gone meanwhile' }, notFound);
    http.expectNone(`${TEST_APP_URL}/installations/missing`);
    const result = await run;
    expect(result.total).toBe(2);
    expect(result.items.map((i) => [i.ref.by, i.outcome])).toEqual([
      ['id', 'done'],
      ['registration', 'not-found'],
    ]);
  });

  it('reports a network failure of one item as failed', async () => {
    const run = lastValueFrom(
      bulk.run$([
        {
          ref: { by: 'id', installationID: 'inst-1' },
          outcome: 'ready',
          installation: installationRow(1),
        },
      ]),
    );
    await settle();
    http
      .expectOne(`${TEST_APP_URL}/installations/inst-1`)
      .error(new ProgressEvent('error'), { status: 0 });
    const result = await run;
    expect(result.items[0].outcome).toBe('failed');
    expect(result.items[0].error?.kind).toBe('network');
  });

  it('answers an empty list at once', async () => {
    expect(await lastValueFrom(bulk.dryRun$([]))).toEqual({ items: [], done: 0, total: 0 });
  });
});
