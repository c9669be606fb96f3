import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialog } from '@angular/material/dialog';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatProgressBarHarness } from '@angular/material/progress-bar/testing';
import { MatTableHarness } from '@angular/material/table/testing';

import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { ImportJob } from './registry-import';
import { openRegistryImport$ } from './registry-import-dialog';

/** Hosts the dialog the way the Installations page opens it, keeping what it closed with. */
@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Opener {
  private readonly dialog = inject(MatDialog);
  closedWith: boolean | undefined;

  open(): void {
    openRegistryImport$(this.dialog, { appId: 'demo app' }).subscribe((imported) => {
      this.closedWith = imported;
    });
  }
}

const JOB_URL = '/team/api/apps/demo%20app/imports/job-1';
const counts = (exists: number, gone: number, refused = 0) => ({
  exists,
  gone,
  refused,
  'not-checked': 0,
});

describe('RegistryImportDialog', () => {
  let fixture: ComponentFixture<Opener>;
  let overlays: HarnessLoader;
  let http: HttpTestingController;
  let dialog: MatDialogHarness;

  async function settle(): Promise<void> {
    await fixture.whenStable();
  }

  beforeEach(async () => {
    jasmine.clock().install();
    TestBed.configureTestingModule({
      imports: [Opener],
      providers: [...provideTestBrowser(createTestBrowser())],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(Opener);
    overlays = TestbedHarnessEnvironment.documentRootLoader(fixture);
    fixture.componentInstance.open();
    await settle();
    dialog = await overlays.getHarness(MatDialogHarness);
  });
  afterEach(() => {
    jasmine.clock().uninstall();
    http.verify();
  });

  async function type(text: string): Promise<void> {
    await (await dialog.getHarness(MatInputHarness)).setValue(text);
  }

  async function button(text: string | RegExp): Promise<MatButtonHarness> {
    return dialog.getHarness(MatButtonHarness.with({ text }));
  }

  function job(change: Partial<ImportJob>): ImportJob {
    return { jobId: 'job-1', state: 'running', total: 3, done: 0, counts: counts(0, 0), ...change };
  }

  it('sends the CSV, shows progress until done, then a verdict per row', async () => {
    expect(await (await button('Start import')).isDisabled()).toBeTrue();
    await type('installationID\ninst-a\n\nandroid:reg-b\ninst-a\nnot a ref!\ninst-missing\n');
    expect(await (await dialog.host()).text()).toContain('6 lines');
    await (await button('Start import')).click();

    const start = http.expectOne('/team/api/apps/demo%20app/installations/import');
    expect(start.request.method).toBe('POST');
    expect(start.request.headers.get('content-type')).toBe('text/csv');
    expect(start.request.body).toContain('android:reg-b');
    start.flush({
      jobId: 'job-1',
      total: 3,
      header: true,
      invalid: [{ line: 6, text: 'not a ref!', reason: 'not an installation reference' }],
      duplicates: [{ line: 5, text: 'inst-a', firstLine: 2 }],
    });
    jasmine.clock().tick(0);
    http.expectOne(JOB_URL).flush(job({ done: 1, counts: counts(1, 0) }));
    await settle();
    let text = await (await dialog.host()).text();
    expect(text).toContain('Line 6: not a ref!');
    expect(text).toContain('1 lines repeat an earlier one');
    expect(text).toContain('Checked 1 of 3…');
    expect(await (await dialog.getHarness(MatProgressBarHarness)).getValue()).toBe(33);
    expect(await (await button('Close, let it run')).isDisabled()).toBeFalse();

    jasmine.clock().tick(500);
    http.expectOne(JOB_URL).flush(
      job({
        state: 'done',
        done: 3,
        counts: counts(2, 1),
        results: [
          { index: 0, ref: 'inst-a', status: 'exists', installationID: 'inst-a' },
          { index: 1, ref: 'ANDROID:reg-b', status: 'exists', installationID: 'inst-b' },
          {
            index: 2,
            ref: 'inst-missing',
            status: 'gone',
            httpStatus: 404,
            errorCode: 'INSTALLATION_NOT_FOUND',
          },
        ],
      }),
    );
    await settle();
    // Done: no further polling.
    jasmine.clock().tick(2000);
    http.expectNone(JOB_URL);
    text = await (await dialog.host()).text();
    expect(text).toContain('Checked 3 of 3: 2 exist, 1 gone, 0 refused.');
    const table = await dialog.getHarness(MatTableHarness);
    const rows = await table.getCellTextByIndex();
    expect(rows).toEqual([
      ['1', 'inst-a', 'exists'],
      ['2', 'ANDROID:reg-b', 'exists'],
      ['3', 'inst-missing', 'gone INSTALLATION_NOT_FOUND'],
    ]);
    await (await button('Close')).click();
    await settle();
    expect(fixture.componentInstance.closedWith).toBeTrue();
  });

  it('says why the run stopped early', async () => {
    await type('inst-a\ninst-b');
    await (await button('Start import')).click();
    http
      .expectOne('/team/api/apps/demo%20app/installations/import')
      .flush({ jobId: 'job-1', total: 2, header: false, invalid: [], duplicates: [] });
    jasmine.clock().tick(0);
    http.expectOne(JOB_URL).flush(
      job({
        state: 'failed',
        total: 2,
        done: 2,
        counts: { exists: 1, gone: 0, refused: 0, 'not-checked': 1 },
        stoppedBy: { status: 0, errorCode: 'KII_UNREACHABLE', message: 'Kii did not answer' },
        results: [
          { index: 0, ref: 'inst-a', status: 'exists' },
          { index: 1, ref: 'inst-b', status: 'not-checked' },
        ],
      }),
    );
    await settle();
    const text = await (await dialog.host()).text();
    expect(text).toContain('The import stopped early; the rest were not checked:');
    expect(text).toContain('KII_UNREACHABLE');
    expect(text).toContain('not checked');
  });

  it('rides out a console server restart and offers to import an interrupted list again', async () => {
    await type('inst-a\ninst-b');
    await (await button('Start import')).click();
    const IMPORT_URL = '/team/api/apps/demo%20app/installations/import';
    http.expectOne(IMPORT_URL).flush({
      jobId: 'job-1',
      total: 2,
      header: false,
      invalid: [],
      duplicates: [],
    });
    jasmine.clock().tick(0);
    http.expectOne(JOB_URL).flush(job({ total: 2, done: 1, counts: counts(1, 0) }));
    // The server goes away: the poll fails without an answer, twice, and is asked again.
    jasmine.clock().tick(500);
    http.expectOne(JOB_URL).error(new ProgressEvent('error'), { status: 0 });
    jasmine.clock().tick(1000);
    http.expectOne(JOB_URL).error(new ProgressEvent('error'), { status: 0 });
    await settle();
    expect(await (await dialog.host()).text()).not.toContain('could not run');
    jasmine.clock().tick(1000);
    // Back: the job the old process ran reads as failed, INTERRUPTED.
    http.expectOne(JOB_URL).flush(
      job({
        state: 'failed',
        total: 2,
        done: 1,
        counts: counts(1, 0),
        stoppedBy: { status: 0, errorCode: 'INTERRUPTED', message: 'The console server stopped' },
      }),
    );
    await settle();
    const text = await (await dialog.host()).text();
    expect(text).toContain('The console server stopped while this import was running');
    expect(text).toContain('Choose Import again');
    expect(text).not.toContain('The import stopped early');
    expect(await (await button('Close')).isDisabled()).toBeFalse();

    await (await button('Import again')).click();
    const again = http.expectOne(IMPORT_URL);
    expect(again.request.body).toBe('inst-a\ninst-b');
    again.flush({ jobId: 'job-1', total: 2, header: false, invalid: [], duplicates: [] });
    jasmine.clock().tick(0);
    http.expectOne(JOB_URL).flush(job({ state: 'done', total: 2, done: 2, counts: counts(2, 0) }));
    await settle();
    expect(await (await dialog.host()).text()).toContain('Checked 2 of 2: 2 exist');
    expect(await dialog.getAllHarnesses(MatButtonHarness.with({ text: 'Import again' }))).toEqual(
      [],
    );
  });

  it('stops polling at a refusal that is not the server being away', async () => {
    await type('inst-a');
    await (await button('Start import')).click();
    http
      .expectOne('/team/api/apps/demo%20app/installations/import')
      .flush({ jobId: 'job-1', total: 1, header: false, invalid: [], duplicates: [] });
    jasmine.clock().tick(0);
    http
      .expectOne(JOB_URL)
      .flush(
        { error: { code: 'IMPORT_NOT_FOUND', message: 'No import job-1' } },
        { status: 404, statusText: 'Not Found' },
      );
    await settle();
    expect(await (await dialog.host()).text()).toContain('The import could not run:');
    jasmine.clock().tick(5000);
    http.expectNone(JOB_URL);
  });

  it('shows a refused start in the dialog, text kept, and closes with false on Cancel', async () => {
    await type('<script>alert(1)</script>');
    await (await button('Start import')).click();
    http.expectOne('/team/api/apps/demo%20app/installations/import').flush(
      {
        error: {
          code: 'EMPTY_IMPORT',
          message: 'The file holds no installation ID or deviceType:registrationID',
        },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle();
    expect(await (await dialog.host()).text()).toContain('The import could not run:');
    expect(await (await dialog.getHarness(MatInputHarness)).getValue()).toBe(
      '<script>alert(1)</script>',
    );
    await (await button('Cancel')).click();
    await settle();
    expect(fixture.componentInstance.closedWith).toBeFalse();
  });
});
