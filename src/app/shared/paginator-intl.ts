import { Injectable, LOCALE_ID, Provider, inject } from '@angular/core';
import { formatNumber } from '@angular/common';
import { MatPaginatorIntl } from '@angular/material/paginator';

/**
 * Material's paginator texts in the console's language (Material ships English only).
 * Provide with `providePaginatorIntl()` where a paginator is shown.
 */
@Injectable()
export class LocalizedPaginatorIntl extends MatPaginatorIntl {
  private readonly locale = inject(LOCALE_ID);

  override itemsPerPageLabel = $localize`:Paginator label before the page size choice@@kpc.paginator.itemsPerPage:Items per page:`;
  override nextPageLabel = $localize`:Paginator button@@kpc.paginator.next:Next page`;
  override previousPageLabel = $localize`:Paginator button@@kpc.paginator.previous:Previous page`;
  override firstPageLabel = $localize`:Paginator button@@kpc.paginator.first:First page`;
  override lastPageLabel = $localize`:Paginator button@@kpc.paginator.last:Last page`;

  override getRangeLabel = (page: number, pageSize: number, length: number): string => {
    const total = formatNumber(length, this.locale, '1.0-0');
    if (length === 0 || pageSize === 0) {
      return $localize`:Paginator range when there is nothing to show; TOTAL is a number@@kpc.paginator.rangeEmpty:0 of ${total}:TOTAL:`;
    }
    const start = page * pageSize;
    const first = formatNumber(start + 1, this.locale, '1.0-0');
    const last = formatNumber(Math.min(start + pageSize, length), this.locale, '1.0-0');
    return $localize`:Paginator range; FIRST, LAST and TOTAL are numbers@@kpc.paginator.range:${first}:FIRST: – ${last}:LAST: of ${total}:TOTAL:`;
  };
}

/** Provides the localized paginator texts to a component and its children. */
export function providePaginatorIntl(): Provider {
  return { provide: MatPaginatorIntl, useClass: LocalizedPaginatorIntl };
}
