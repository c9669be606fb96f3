import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';

import { createTestBrowser, provideTestBrowser } from '../../testing/test-providers';
import { makeKiiError } from './kii-error';
import { Notifier, failureText } from './notifier';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Host {}

describe('Notifier', () => {
  async function setUp() {
    TestBed.configureTestingModule({ providers: provideTestBrowser(createTestBrowser()) });
    const fixture = TestBed.createComponent(Host);
    const loader = TestbedHarnessEnvironment.documentRootLoader(fixture);
    return { notifier: TestBed.inject(Notifier), loader };
  }

  it('confirms a finished action', async () => {
    const { notifier, loader } = await setUp();
    notifier.done('Topic news created.');
    const bar = await loader.getHarness(MatSnackBarHarness);
    expect(await bar.getMessage()).toBe('Topic news created.');
    expect(await bar.getAriaLive()).toBe('polite');
  });

  it('reports a failed action with the errorCode and the server text, and logs it', async () => {
    const { notifier, loader } = await setUp();
    const log = spyOn(console, 'error');
    const error = makeKiiError('not-found', {
      status: 404,
      errorCode: 'TOPIC_NOT_FOUND',
      detail: 'Topic news was not found',
    });
    notifier.failed('Deleting topic news', error);
    const bar = await loader.getHarness(MatSnackBarHarness);
    expect(await bar.getMessage()).toBe(
      'Deleting topic news failed: It was not found. (TOPIC_NOT_FOUND: Topic news was not found)',
    );
    expect(await bar.getActionDescription()).toBe('Dismiss');
    expect(await bar.getAriaLive()).toBe('assertive');
    expect(log).toHaveBeenCalledWith('Deleting topic news', error);
  });

  it('names the HTTP status when the server sent no errorCode', () => {
    const error = makeKiiError('server', { status: 502 });
    expect(failureText('Sending', error)).toBe(
      'Sending failed: The server failed to answer. Try again later. (HTTP 502)',
    );
    expect(failureText('Sending', makeKiiError('unknown'))).toBe(
      'Sending failed: Something went wrong.',
    );
  });
});
