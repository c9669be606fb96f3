import { Injectable, inject } from '@angular/core';
import { Observable, map, of } from 'rxjs';

import { KiiRest } from '../core/kii-rest';
import { PrincipalLookup } from '../core/principal-lookup';
import { PushMessageBody } from './push-message';
import { PushTarget, TargetDraft, messagesPath, ownerKind } from './push-target';

/** Kii's media type for `POST .../push/messages` (docs/kii-api.md §7.2). */
export const SEND_PUSH_MEDIA_TYPE = 'application/vnd.kii.SendPushMessageRequest+json';

/**
 * Sends pushes with Kii's REST API. Not the SDK's `topic.sendMessage()`: it resolves with the
 * message it was given and drops the server's answer, so the pushMessageID would be lost,
 * and the SDK has no direct push at all (docs/kii-api.md §7.2-§7.3). Failures arrive as `KiiError`.
 */
@Injectable({ providedIn: 'root' })
export class PushSender {
  private readonly rest = inject(KiiRest);
  private readonly lookup = inject(PrincipalLookup);

  /** Confirms the target's owner (or the direct push's user) and learns its ID. */
  resolve$(draft: TargetDraft): Observable<PushTarget> {
    const topic = draft.topic.trim();
    const kind = ownerKind(draft.kind);
    if (!kind) return of({ kind: 'topic', topic: { scope: { kind: 'app' }, name: topic } });
    return this.lookup
      .resolve$({ kind, by: draft.by, value: draft.owner })
      .pipe(
        map((owner): PushTarget =>
          draft.kind === 'user'
            ? { kind: 'user', user: owner }
            : { kind: 'topic', topic: { scope: { kind, owner }, name: topic } },
        ),
      );
  }

  /** Sends the message; resolves with Kii's pushMessageID. */
  send$(target: PushTarget, body: PushMessageBody): Observable<string> {
    return this.rest
      .app$<{ pushMessageID: string }>('POST', messagesPath(target), {
        body,
        contentType: SEND_PUSH_MEDIA_TYPE,
      })
      .pipe(map((answer) => answer?.pushMessageID ?? ''));
  }
}
