import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialog } from '@angular/material/dialog';
import { MatDialogHarness } from '@angular/material/dialog/testing';

import { dialogText, inputLabelled } from '../../testing/installations-harness';
import { answerDiscovery } from '../../testing/installations-setup';
import { signInToTeam } from '../../testing/team-session';
import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { BulkDialog } from './bulk-dialog';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Host {}

const ids = (count: number) => Array.from({ length: count }, (_, i) => `inst-${i}`).join('\n');

describe('BulkDialog in team mode', () => {
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: provideTestBrowser(createTestBrowser()) });
    http = TestBed.inject(HttpTestingController);
    await signInToTeam('operator');
  });
  afterEach(() => http.verify());

  async function open(text: string) {
    const fixture = TestBed.createComponent(Host);
    TestBed.inject(MatDialog).open(BulkDialog, { data: { purpose: 'uninstall', text } });
    // The installations list asks the page's origin whether it is the local server, in any mode.
    answerDiscovery(http, false);
    const dialog =
      await TestbedHarnessEnvironment.documentRootLoader(fixture).getHarness(MatDialogHarness);
    const dryRun = await dialog.getHarness(MatButtonHarness.with({ text: 'Dry run' }));
    return { dialog, dryRun };
  }

  it('says a run takes at most 1,000 and offers no dry run for more', async () => {
    const { dialog, dryRun } = await open(ids(1001));
    expect(await dialogText(dialog)).toContain(
      '1,001 installations named: one run takes at most 1,000. Split the list into several runs.',
    );
    expect(await dryRun.isDisabled()).toBeTrue();

    // Down to the limit, the run is offered again.
    await (await inputLabelled(dialog, 'Installation IDs')).setValue(ids(1000));
    expect(await dialogText(dialog)).not.toContain('one run takes at most');
    expect(await dryRun.isDisabled()).toBeFalse();
  });
});
