import { EnvironmentProviders, inject, provideAppInitializer } from '@angular/core';
import { MatIconRegistry } from '@angular/material/icon';

/** The CSS class of the self-hosted Material Symbols font (@material-symbols/font-400). */
export const MATERIAL_SYMBOLS_CLASS = 'material-symbols-outlined';

/**
 * Makes `<mat-icon>` use the self-hosted Material Symbols font instead of the legacy
 * "Material Icons" ligature font, which the page does not load.
 */
export function provideMaterialSymbols(): EnvironmentProviders {
  return provideAppInitializer(() => {
    inject(MatIconRegistry).setDefaultFontSetClass(MATERIAL_SYMBOLS_CLASS);
  });
}
