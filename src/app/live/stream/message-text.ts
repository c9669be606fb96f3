import { MessageSummary } from '../feed/live-message';

/** "App", "User u1", "Thing th.1", "Direct to user u1", "—": the stream's scope column. */
export function scopeLabel(summary: MessageSummary): string {
  const owner = summary.scopeOwner;
  switch (summary.scope) {
    case 'app':
      return $localize`:Scope column for an app-scope topic push@@kpc.live.scopeApp:App`;
    case 'user':
      return $localize`:Scope column for a user-scope topic push; OWNER is the user ID@@kpc.live.scopeUser:User ${owner}:OWNER:`;
    case 'thing':
      return $localize`:Scope column for a thing-scope topic push; OWNER is the thing ID@@kpc.live.scopeThing:Thing ${owner}:OWNER:`;
    case 'direct':
      return $localize`:Scope column for a push sent directly to a user; OWNER is the user ID@@kpc.live.scopeDirect:Direct to user ${owner}:OWNER:`;
    case 'unknown':
      return '—';
  }
}
