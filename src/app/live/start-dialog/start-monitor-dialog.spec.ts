import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatButtonToggleHarness } from '@angular/material/button-toggle/testing';
import { MatChipHarness } from '@angular/material/chips/testing';
import { MatDialog } from '@angular/material/dialog';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatExpansionPanelHarness } from '@angular/material/expansion/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectionListHarness } from '@angular/material/list/testing';

import { TEST_APP_URL, signInAsAdmin } from '../../../testing/admin-session';
import { settle as wait } from '../../../testing/installation-sessions';
import {
  TestBrowser,
  createTestBrowser,
  provideTestBrowser,
} from '../../../testing/test-providers';
import { StartMonitorRequest } from '../monitors/monitor';
import { StartMonitorData, StartMonitorDialog } from './start-monitor-dialog';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Opener {
  readonly dialog = inject(MatDialog);
}

describe('StartMonitorDialog', () => {
  let loader: HarnessLoader;
  let browser: TestBrowser;
  let http: HttpTestingController;
  let result: StartMonitorRequest | undefined | 'open';

  async function open(data: StartMonitorData): Promise<MatDialogHarness> {
    TestBed.configureTestingModule({
      imports: [Opener],
      providers: provideTestBrowser((browser = createTestBrowser())),
    });
    http = TestBed.inject(HttpTestingController);
    await signInAsAdmin();
    const fixture = TestBed.createComponent(Opener);
    loader = TestbedHarnessEnvironment.documentRootLoader(fixture);
    result = 'open';
    fixture.componentInstance.dialog
      .open<StartMonitorDialog, StartMonitorData, StartMonitorRequest>(StartMonitorDialog, { data })
      .afterClosed()
      .subscribe((value) => (result = value));
    await fixture.whenStable();
    return loader.getHarness(MatDialogHarness);
  }

  async function button(dialog: MatDialogHarness, text: string): Promise<MatButtonHarness> {
    return dialog.getHarness(MatButtonHarness.with({ text }));
  }

  async function field(dialog: MatDialogHarness, label: string): Promise<MatInputHarness> {
    const formField = await dialog.getHarness(
      MatFormFieldHarness.with({ floatingLabelText: label }),
    );
    return (await formField.getControl(MatInputHarness))!;
  }

  afterEach(() => http.verify());

  it('starts All traffic when the local server offers it, with the settings', async () => {
    const dialog = await open({ tapAvailable: true });
    expect(
      await (
        await dialog.getHarness(MatButtonToggleHarness.with({ text: 'All traffic' }))
      ).isChecked(),
    ).toBeTrue();
    await (await dialog.getHarness(MatExpansionPanelHarness)).expand();
    await (await field(dialog, 'Keep-alive (seconds)')).setValue('30');
    await (await field(dialog, 'Buffer (messages)')).setValue('500');
    await (await button(dialog, 'Start')).click();
    expect(result).toEqual({ kind: 'tap', settings: { keepAliveSeconds: 30, capacity: 500 } });
  });

  it('does not offer All traffic elsewhere, and refuses settings out of range', async () => {
    const dialog = await open({ tapAvailable: false });
    expect(
      await dialog.getAllHarnesses(MatButtonToggleHarness.with({ text: 'All traffic' })),
    ).toEqual([]);
    await (
      await dialog.getHarness(MatButtonToggleHarness.with({ text: 'As an installation' }))
    ).check();
    await (await field(dialog, 'Installation ID')).setValue('inst-1');
    await (await dialog.getHarness(MatExpansionPanelHarness)).expand();
    await (await field(dialog, 'Buffer (messages)')).setValue('5');
    await (await button(dialog, 'Continue')).click();
    expect(result).toBe('open');
    const buffer = await dialog.getHarness(
      MatFormFieldHarness.with({ floatingLabelText: 'Buffer (messages)' }),
    );
    expect(await buffer.getTextErrors()).toEqual(['From 100 to 100000 messages.']);
  });

  it('warns before taking over an installation; Back and Cancel start nothing', async () => {
    const dialog = await open({ tapAvailable: true });
    await (
      await dialog.getHarness(MatButtonToggleHarness.with({ text: 'As an installation' }))
    ).check();
    await (await button(dialog, 'Continue')).click();
    const id = await dialog.getHarness(
      MatFormFieldHarness.with({ floatingLabelText: 'Installation ID' }),
    );
    expect(await id.getTextErrors()).toEqual(['Enter the installation ID.']);
    await (await field(dialog, 'Installation ID')).setValue(' inst-7 ');
    await (await button(dialog, 'Continue')).click();
    expect(await dialog.getTitleText()).toBe('Take over installation inst-7?');
    expect(await dialog.getContentText()).toContain('one MQTT connection per user or thing');
    await (await button(dialog, 'Back')).click();
    await (await button(dialog, 'Continue')).click();
    await (await button(dialog, 'Take over and watch')).click();
    expect(result).toEqual({
      kind: 'installation',
      installationID: 'inst-7',
      settings: { keepAliveSeconds: 60, capacity: 10_000 },
    });
  });

  it('opens on the warning for an installation given by the Installations page', async () => {
    const dialog = await open({ tapAvailable: true, installationID: 'inst-9' });
    expect(await dialog.getTitleText()).toBe('Take over installation inst-9?');
    await (await button(dialog, 'Cancel')).click();
    expect(result).toBeUndefined();
  });

  it('picks app topics and a user topic found by login name', async () => {
    const dialog = await open({ tapAvailable: true });
    // One topic a page: the picker lists every page.
    browser.sdk.topics.pageSize = 1;
    browser.sdk.topics.add('app', 'announcements', 'maintenance');
    await (await dialog.getHarness(MatButtonToggleHarness.with({ text: 'Topics' }))).check();
    await (await button(dialog, 'Start')).click();
    expect(await dialog.getContentText()).toContain('Choose at least one topic.');
    await wait(10);
    expect(browser.sdk.calls).toContain('listTopics app announcements');
    const list = await dialog.getHarness(MatSelectionListHarness);
    await list.selectItems({ title: 'maintenance' });

    await (await field(dialog, 'Login name')).setValue('alice');
    await (await field(dialog, 'Topic')).setValue('diary');
    await (await button(dialog, 'Add')).click();
    http
      .expectOne(`${TEST_APP_URL}/users/LOGIN_NAME:alice`)
      .flush({ userID: 'u1', loginName: 'alice' });
    expect(await (await dialog.getHarness(MatChipHarness)).getText()).toBe('diary (user alice)');

    await (await button(dialog, 'Start')).click();
    expect(result).toEqual({
      kind: 'topics',
      topics: [
        { scope: { kind: 'app' }, name: 'maintenance' },
        {
          scope: { kind: 'user', owner: { kind: 'user', id: 'u1', name: 'alice' } },
          name: 'diary',
        },
      ],
      settings: { keepAliveSeconds: 60, capacity: 10_000 },
    });
  });

  it('says when the owner of a topic is not found, and when topics cannot be listed', async () => {
    const dialog = await open({ tapAvailable: true });
    browser.sdk.reachable = false;
    await (await dialog.getHarness(MatButtonToggleHarness.with({ text: 'Topics' }))).check();
    await wait(10);
    expect(await dialog.getContentText()).toContain("The app's topics could not be loaded");
    await (await dialog.getHarness(MatButtonToggleHarness.with({ text: 'Thing' }))).check();
    await (await field(dialog, 'Vendor thing ID')).setValue('nope');
    await (await field(dialog, 'Topic')).setValue('alerts');
    await (await button(dialog, 'Add')).click();
    http
      .expectOne(`${TEST_APP_URL}/things/VENDOR_THING_ID:nope`)
      .flush({ errorCode: 'THING_NOT_FOUND' }, { status: 404, statusText: 'Not Found' });
    expect(await dialog.getContentText()).toContain('The thing was not found.');
    browser.sdk.reachable = true;
    browser.sdk.topics.add('app', 'news');
    await (await button(dialog, 'Retry')).click();
    await wait(10);
    expect(await (await dialog.getHarness(MatSelectionListHarness)).getItems()).toHaveSize(1);
  });
});
