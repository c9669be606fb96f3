import { ApplicationInitStatus } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatIconRegistry } from '@angular/material/icon';

import { MATERIAL_SYMBOLS_CLASS, provideMaterialSymbols } from './icons';

describe('provideMaterialSymbols', () => {
  it('makes mat-icon use the self-hosted Material Symbols font', async () => {
    TestBed.configureTestingModule({ providers: [provideMaterialSymbols()] });
    await TestBed.inject(ApplicationInitStatus).donePromise;
    expect(TestBed.inject(MatIconRegistry).getDefaultFontSetClass()).toEqual([
      MATERIAL_SYMBOLS_CLASS,
    ]);
  });
});
