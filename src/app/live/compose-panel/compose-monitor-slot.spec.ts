import { ComponentFixture, DeferBlockState, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { signInAsAdmin } from '../../../testing/admin-session';
import {
  answerDiscovery,
  createLiveFakes,
  provideLiveTesting,
} from '../../../testing/live-test-bed';
import { createTestBrowser } from '../../../testing/test-providers';
import { ComposeMonitorSlot } from './compose-monitor-slot';

describe('ComposeMonitorSlot', () => {
  it('loads the monitors panel with the inputs the Compose page gives', async () => {
    const browser = createTestBrowser();
    TestBed.configureTestingModule({
      imports: [ComposeMonitorSlot],
      providers: [...provideLiveTesting(browser, createLiveFakes()), provideRouter([])],
    });
    await signInAsAdmin();
    const fixture: ComponentFixture<ComposeMonitorSlot> =
      TestBed.createComponent(ComposeMonitorSlot);
    fixture.componentRef.setInput('target', {
      kind: 'topic',
      topic: { scope: { kind: 'app' }, name: 'news' },
    });
    const [deferred] = await fixture.getDeferBlocks();
    await deferred.render(DeferBlockState.Complete);
    answerDiscovery(browser);
    await fixture.whenStable();
    const text = (fixture.nativeElement as HTMLElement).textContent!;
    expect(text).toContain('Live monitors');
    expect(text).toContain('Watch news');
  });
});
