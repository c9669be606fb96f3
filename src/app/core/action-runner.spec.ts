import { Injectable } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Subject, firstValueFrom, of, throwError, toArray } from 'rxjs';

import { ActionRunner, runAction$ } from './action-runner';
import { KiiError, makeKiiError } from './kii-error';
import { Notifier } from './notifier';

/** A store-like holder: the runner is made in a field initialiser, as stores make it. */
@Injectable()
class Holder {
  readonly actions = new ActionRunner();
}

describe('runAction$', () => {
  it('wraps each value as ok', async () => {
    expect(await firstValueFrom(runAction$(of(1, 2)).pipe(toArray()))).toEqual([
      { ok: true, value: 1 },
      { ok: true, value: 2 },
    ]);
  });

  it('turns a failure into one KiiError result instead of an error', async () => {
    const result = await firstValueFrom(runAction$(throwError(() => 'PUSH_FAILED: nope')));
    expect(result.ok).toBeFalse();
    if (!result.ok) expect(result.error.kind).toEqual(jasmine.any(String));
  });
});

describe('ActionRunner', () => {
  let notifier: Notifier;
  let actions: ActionRunner;
  const refused: KiiError = makeKiiError('forbidden', { status: 403, errorCode: 'UNAUTHORIZED' });

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [Holder] });
    notifier = TestBed.inject(Notifier);
    spyOn(notifier, 'failed');
    actions = TestBed.inject(Holder).actions;
  });

  it('runs once per key, shows it as pending, and hands the value to the caller', async () => {
    const work = new Subject<string>();
    const first = firstValueFrom(actions.run$('Saving', work, { key: 'save' }));
    expect(actions.pending()).toEqual(new Set(['save']));
    const second = firstValueFrom(actions.run$('Saving', of('again'), { key: 'save' }), {
      defaultValue: 'refused',
    });
    expect(await second).toBe('refused');
    work.next('saved');
    work.complete();
    expect(await first).toEqual({ ok: true, value: 'saved' });
    expect(actions.pending().size).toBe(0);
    expect(notifier.failed).not.toHaveBeenCalled();
  });

  it('reports a failure under what was tried', async () => {
    const result = await firstValueFrom(
      actions.run$(
        'Deleting news',
        throwError(() => refused),
      ),
    );
    expect(result).toEqual({ ok: false, error: refused });
    expect(notifier.failed).toHaveBeenCalledOnceWith('Deleting news', refused);
    expect(actions.pending().size).toBe(0);
  });

  it('only logs a failure the caller shows itself', async () => {
    const logged = spyOn(console, 'error');
    const result = await firstValueFrom(
      actions.run$(
        'Installing push',
        throwError(() => refused),
        { report: false },
      ),
    );
    expect(result.ok).toBeFalse();
    expect(notifier.failed).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalledWith('Installing push', refused);
  });

  it('run: calls back with the value, and reports a failure without calling back', () => {
    const done = jasmine.createSpy('done');
    actions.run('Creating news', of('created'), {}, done);
    expect(done).toHaveBeenCalledOnceWith('created');
    actions.run(
      'Creating news',
      throwError(() => refused),
      {},
      done,
    );
    expect(done).toHaveBeenCalledTimes(1);
    expect(notifier.failed).toHaveBeenCalledOnceWith('Creating news', refused);
  });
});
