import { DOCUMENT } from '@angular/common';
import { Injectable, inject } from '@angular/core';

/**
 * Saves text as a downloaded file: bulk-uninstall results, live-traffic exports. Specs spy on
 * `save` instead of downloading.
 */
@Injectable({ providedIn: 'root' })
export class FileSaver {
  private readonly document = inject(DOCUMENT);

  /** `type` is the media type without parameters; the text is always UTF-8. */
  save(fileName: string, text: string, type = 'text/csv'): void {
    const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
    const link = this.document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.rel = 'noopener';
    this.document.body.appendChild(link);
    link.click();
    link.remove();
    // The click has started the download; the blob URL is no longer needed after this task.
    setTimeout(() => URL.revokeObjectURL(url));
  }
}
