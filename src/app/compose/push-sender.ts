import { Injectable, inject } from '@angular/core';
import { Observable, map, of } from 'rxjs';

import { KiiRest } from '../core/kii-rest';
import { PrincipalLookup } from '../core/principal-lookup';
import { SessionStore } from '../core/session';
import { ConsoleMode } from '../core/team/console-mode';
import { TeamApi } from '../core/team/team-api';
import { PushMessageBody } from './push-message';
import { PushTarget, TargetDraft, messagesPath, ownerKind } from './push-target';

/** Kii's media type for `POST .../push/messages` (docs/kii-api.md §7.2). */
export const SEND_PUSH_MEDIA_TYPE = 'application/vnd.kii.SendPushMessageRequest+json';

/**
 * Sends pushes: in team mode through the console server's test push route (support and up;
 * audited with the pushMessageID), else with Kii's REST API. Not the SDK's `topic.sendMessage()`: it resolves with the
 * message it was given and drops the server's answer, so the pushMessageID would be lost,
 * and the SDK has no direct push at all (docs/kii-api.md §7.2-§7.3). Failures arrive as `KiiError`.
 */
@Injectable({ providedIn: 'root' })
export class PushSender {
  private readonly rest = inject(KiiRest);
  private readonly lookup = inject(PrincipalLookup);
  private readonly mode = inject(ConsoleMode);
  private readonly team = inject(TeamApi);
  private readonly sessions = inject(SessionStore);

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
    if (this.mode.team()) return this.teamSend$(target, body);
    return this.rest
      .app$<{ pushMessageID: string }>('POST', messagesPath(target), {
        body,
        contentType: SEND_PUSH_MEDIA_TYPE,
      })
      .pipe(map((answer) => answer?.pushMessageID ?? ''));
  }

  /** POST /team/api/apps/{appId}/push (docs/team-api.md, "Test push"). */
  private teamSend$(target: PushTarget, message: PushMessageBody): Observable<string> {
    const appId = this.sessions.session()?.appId ?? '';
    return this.team
      .post$<{ pushMessageID?: string }>(this.team.appPath(appId, '/push'), {
        target: teamTarget(target),
        message,
      })
      .pipe(map((answer) => answer?.pushMessageID ?? ''));
  }
}

/** The target in the team API's terms. */
function teamTarget(target: PushTarget): Record<string, string> {
  if (target.kind === 'user') return { kind: 'user', userID: target.user.id };
  const { scope, name } = target.topic;
  if (scope.kind === 'app') return { kind: 'app-topic', topicID: name };
  return scope.kind === 'user'
    ? { kind: 'user-topic', userID: scope.owner.id, topicID: name }
    : { kind: 'thing-topic', thingID: scope.owner.id, topicID: name };
}
