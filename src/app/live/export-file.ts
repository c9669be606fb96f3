import { DOCUMENT } from '@angular/common';
import { Injectable, inject } from '@angular/core';

/** Hands an export to the browser as a downloaded file (specs spy on `save`). */
@Injectable({ providedIn: 'root' })
export class ExportFile {
  private readonly document = inject(DOCUMENT);

  save(fileName: string, text: string, type: string): void {
    const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
    const link = this.document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.rel = 'noopener';
    this.document.body.appendChild(link);
    link.click();
    link.remove();
    // The click started the download; the URL is not needed once this task ends.
    setTimeout(() => URL.revokeObjectURL(url));
  }
}
