import { ChangeDetectionStrategy, Component, Injectable, inject } from '@angular/core';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule } from '@angular/material/dialog';
import { MatButtonModule } from '@angular/material/button';
import { Observable, map } from 'rxjs';

/** What the dialog asks about. */
export interface DeleteTopicQuestion {
  readonly topic: string;
  /** "App scope", "User alice". */
  readonly scopeLabel: string;
}

/** Asks before a topic and all its subscriptions go. Closes with true to delete. */
@Component({
  selector: 'kpc-delete-topic-dialog',
  imports: [MatDialogModule, MatButtonModule],
  template: `
    <h2 mat-dialog-title i18n="Title of the delete topic confirmation@@kpc.topics.deleteTitle">
      Delete topic {{ data.topic }}?
    </h2>
    <mat-dialog-content>
      <p i18n="Text of the delete topic confirmation@@kpc.topics.deleteText">
        Topic {{ data.topic }} in {{ data.scopeLabel }} and all its subscriptions will be deleted.
        Devices stop receiving its pushes. This cannot be undone.
      </p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button
        matButton
        type="button"
        [mat-dialog-close]="false"
        i18n="Button that keeps the topic@@kpc.topics.deleteCancel"
      >
        Cancel
      </button>
      <button
        matButton="filled"
        type="button"
        [mat-dialog-close]="true"
        i18n="Button that confirms deleting the topic@@kpc.topics.deleteConfirm"
      >
        Delete
      </button>
    </mat-dialog-actions>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DeleteTopicDialog {
  protected readonly data = inject<DeleteTopicQuestion>(MAT_DIALOG_DATA);
}

/** Opens the topic dialogs; cancel is a value (false), never an error. */
@Injectable({ providedIn: 'root' })
export class TopicDialogs {
  private readonly dialog = inject(MatDialog);

  /** True when the operator confirmed the deletion. */
  confirmDelete$(question: DeleteTopicQuestion): Observable<boolean> {
    return this.dialog
      .open<DeleteTopicDialog, DeleteTopicQuestion, boolean>(DeleteTopicDialog, {
        data: question,
        autoFocus: 'dialog',
        restoreFocus: true,
      })
      .afterClosed()
      .pipe(map((confirmed) => confirmed === true));
  }
}
