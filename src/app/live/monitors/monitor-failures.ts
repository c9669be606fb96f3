import { KiiError, makeKiiError } from '../../core/kii-error';
import { TopicRef, topicLabel } from '../../core/kii/topic-scope';
import { LinkError } from '../connection/monitor-link';

/*
 * How the monitor store words what went wrong: a connection that gave up, a second Topics
 * monitor, a topic the server would not subscribe the monitor thing to.
 */

/** A monitor that stopped by itself, as the console's one error model. */
export function linkFailure(error: LinkError): KiiError {
  if (error.cause) return { ...error.cause, message: error.message };
  const kind =
    error.reason === 'storm' ? 'conflict' : error.reason === 'refused' ? 'auth' : 'server';
  return { ...makeKiiError(kind, { detail: error.detail }), message: error.message };
}

/** A second Topics monitor: the monitor thing has one connection. */
export function topicsMonitorRunning(): KiiError {
  return {
    ...makeKiiError('conflict'),
    message: $localize`:Error when a second Topics monitor is started@@kpc.live.topicsRunning:A Topics monitor is already running. The console's monitor thing has one MQTT connection: stop that monitor first, or start it again with all the topics you need.`,
  };
}

/** The note a Topics monitor keeps for a topic it could not subscribe to. */
export function refusalNote(topic: TopicRef, error: KiiError): string {
  const name = topicLabel(topic);
  const code = error.errorCode ?? `HTTP ${error.status}`;
  if (topic.scope.kind !== 'app' && (error.kind === 'auth' || error.kind === 'forbidden')) {
    return $localize`:Note when the server refused to subscribe the monitor thing to a user or thing topic@@kpc.live.ownerOnlyRefused:Not watching ${name}:TOPIC:: the server refused to subscribe the console's monitor thing (${code}:CODE:). This server lets only the owner subscribe to user and thing topics; watch the owner's installation instead.`;
  }
  return $localize`:Note when subscribing the monitor thing to a topic failed@@kpc.live.subscribeRefused:Not watching ${name}:TOPIC:: ${error.message}:MESSAGE: (${code}:CODE:)`;
}

/** The refusal as the error of a start that subscribed to nothing. */
export function refusalError(topic: TopicRef, error: KiiError): KiiError {
  return { ...error, message: refusalNote(topic, error) };
}
