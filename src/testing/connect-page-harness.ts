import { ComponentHarness } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatButtonToggleHarness } from '@angular/material/button-toggle/testing';
import { MatCardHarness } from '@angular/material/card/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatProgressBarHarness } from '@angular/material/progress-bar/testing';
import { MatSelectHarness } from '@angular/material/select/testing';

import ConnectPage from '../app/connect/connect-page';
import { LOCAL_INFO_PATH, LocalServerInfo } from '../app/core/local-server';
import { TestBrowser, provideTestBrowser } from './test-providers';

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Drives the Connect page the way an operator does: by labels and button texts, through
 * Material's harnesses. Our own markup (the error alert, the profile list) is read directly.
 */
export class ConnectPageHarness extends ComponentHarness {
  static hostSelector = 'kpc-connect-page';

  private readonly siteSelect = this.locatorFor(MatSelectHarness);
  private readonly submitButton = this.locatorFor(MatButtonHarness.with({ text: 'Sign in' }));
  private readonly alert = this.locatorForOptional('[role="alert"]');
  private readonly summaries = this.locatorForAll(MatCardHarness.with({ title: 'Signed in' }));
  private readonly progressBars = this.locatorForAll(MatProgressBarHarness);
  private readonly profileTitleElements = this.locatorForAll('.kpc-profile-title');
  private readonly profileLineElements = this.locatorForAll('.kpc-profile-line');
  private readonly rememberBox = this.locatorFor(MatCheckboxHarness.with({ label: /Remember/ }));

  /** The text input labelled `label`. */
  async field(label: string | RegExp): Promise<MatInputHarness> {
    const formField = await this.formField(label);
    const input = await formField.getControl(MatInputHarness);
    if (!input) throw new Error(`No input in the form field ${label}`);
    return input;
  }

  /** Whether a form field labelled `label` is shown. */
  async hasField(label: string | RegExp): Promise<boolean> {
    const found = await this.locatorForAll(
      MatFormFieldHarness.with({ floatingLabelText: label }),
    )();
    return found.length > 0;
  }

  formField(label: string | RegExp): Promise<MatFormFieldHarness> {
    return this.locatorFor(MatFormFieldHarness.with({ floatingLabelText: label }))();
  }

  async value(label: string | RegExp): Promise<string> {
    return (await this.field(label)).getValue();
  }

  /** Types each value into the field with that label. */
  async fill(values: Record<string, string>): Promise<void> {
    for (const [label, value] of Object.entries(values)) {
      await (await this.field(label)).setValue(value);
    }
  }

  async site(): Promise<string> {
    return (await this.siteSelect()).getValueText();
  }

  async siteOptions(): Promise<string[]> {
    const select = await this.siteSelect();
    await select.open();
    const options = await Promise.all((await select.getOptions()).map((o) => o.getText()));
    await select.close();
    return options;
  }

  async chooseSite(name: string): Promise<void> {
    const select = await this.siteSelect();
    await select.open();
    await select.clickOptions({ text: name });
  }

  async chooseKind(name: 'App admin' | 'User' | 'Thing'): Promise<void> {
    await (await this.locatorFor(MatButtonToggleHarness.with({ text: name }))()).check();
  }

  rememberSecret(): Promise<MatCheckboxHarness> {
    return this.rememberBox();
  }

  async revealSecret(): Promise<void> {
    await (
      await this.locatorFor(MatButtonHarness.with({ selector: '[aria-label="Show secret"]' }))()
    ).click();
  }

  /** Clicks "Sign in" and lets the (fake) SDK answer. */
  async submit(): Promise<void> {
    await (await this.submitButton()).click();
    await new Promise((resolve) => setTimeout(resolve));
    await this.forceStabilize();
  }

  async isSubmitDisabled(): Promise<boolean> {
    return (await this.submitButton()).isDisabled();
  }

  async isBusy(): Promise<boolean> {
    return (await this.progressBars()).length > 0;
  }

  /** The inline sign-in error, or '' when there is none. */
  async errorText(): Promise<string> {
    const alert = await this.alert();
    return alert ? squash(await alert.text()) : '';
  }

  /** The signed-in summary card's text, or null when nobody is signed in. */
  async summaryText(): Promise<string | null> {
    const [card] = await this.summaries();
    return card ? squash(await card.getText()) : null;
  }

  async signOut(): Promise<void> {
    await (await this.locatorFor(MatButtonHarness.with({ text: /Sign out/ }))()).click();
  }

  /** "app · site" of each saved profile, in display order. */
  async profileTitles(): Promise<string[]> {
    return Promise.all(
      (await this.profileTitleElements()).map(async (e) => squash(await e.text())),
    );
  }

  /** "kind: login [· secret remembered]" of each saved profile. */
  async profileLines(): Promise<string[]> {
    return Promise.all((await this.profileLineElements()).map(async (e) => squash(await e.text())));
  }

  /** Clicks "Use" on the n-th saved profile (1-based). */
  async useProfile(n: number): Promise<void> {
    const use = MatButtonHarness.with({ text: 'Use', ancestor: `.kpc-profile:nth-child(${n})` });
    await (await this.locatorFor(use)()).click();
  }

  /** Clicks the delete button whose accessible name is `label` ("Forget app login"). */
  async forgetProfile(label: string): Promise<void> {
    const forget = MatButtonHarness.with({ selector: `[aria-label="${label}"]` });
    await (await this.locatorFor(forget)()).click();
  }
}

/** The local server's discovery answer with the demo app the fake SDK knows. */
export const LOCAL_INFO: LocalServerInfo = {
  server: 'kii-push-local',
  version: '0.1.0',
  extensions: ['installations', 'deliveries', 'tap'],
  demo: {
    appId: 'demoapp',
    appKey: 'demoappkey',
    clientId: 'demo-client-id',
    clientSecret: 'demo-client-secret',
  },
};

/**
 * Renders the Connect page on the fakes of `browser`; the discovery request answers `info`
 * (or 404 for 'absent'), as the local server or any other host would.
 */
export async function renderConnectPage(
  browser: TestBrowser,
  info: LocalServerInfo | 'absent',
): Promise<{ fixture: ComponentFixture<ConnectPage>; page: ConnectPageHarness }> {
  TestBed.configureTestingModule({
    imports: [ConnectPage],
    providers: provideTestBrowser(browser),
  });
  const fixture = TestBed.createComponent(ConnectPage);
  const discovery = TestBed.inject(HttpTestingController).expectOne(
    `${browser.location.origin}/api${LOCAL_INFO_PATH}`,
  );
  if (info === 'absent') discovery.flush('Not Found', { status: 404, statusText: 'Not Found' });
  else discovery.flush(info);
  await fixture.whenStable();
  const page = await TestbedHarnessEnvironment.harnessForFixture(fixture, ConnectPageHarness);
  return { fixture, page };
}
