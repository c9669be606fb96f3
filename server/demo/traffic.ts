import type { KiiServices } from '../app';
import type { Principal } from '../auth';
import type { DemoApp } from './seed';

const samples = [
  {
    title: 'Scheduled maintenance',
    body: 'The service pauses tonight from 02:00 to 02:30 UTC.',
    severity: 'info',
  },
  { title: 'New feature', body: 'Dark mode is now available in the app.', severity: 'info' },
  {
    title: 'Firmware update',
    body: 'Version 2.4.1 fixes the battery report.',
    severity: 'warning',
  },
  { title: 'Spring sale', body: '20% off every plan until Sunday.', severity: 'info' },
  {
    title: 'Incident resolved',
    body: 'Push delivery delays in region EU are over.',
    severity: 'critical',
  },
];

/** Realistic pushes to the demo app topics and users, at `perSecond` messages per second. */
export function startDemoTraffic(kii: KiiServices, demo: DemoApp, perSecond: number) {
  const admin: Principal = { type: 'admin', id: kii.config.clientId, token: '' };
  let sequence = 0;
  // Batches of up to 100 per tick keep high demo rates smooth without a timer per message.
  const ticksPerSecond = Math.min(perSecond, 10);
  const perTick = perSecond / ticksPerSecond;
  let owed = 0;
  const timer = setInterval(() => {
    owed += perTick;
    for (; owed >= 1; owed--) {
      const sample = samples[sequence % samples.length];
      const data = { ...sample, sequence: ++sequence };
      const message = { data, sendToDevelopment: true, sendToProduction: true };
      if (sequence % 4 === 0) {
        const user = demo.users[sequence % demo.users.length];
        kii.delivery.send(
          message,
          { kind: 'direct', userId: user.id },
          [{ type: 'user', id: user.id }],
          admin,
        );
      } else {
        const topicId = demo.appTopics[sequence % demo.appTopics.length];
        const scope = { type: 'APP' as const, id: '' };
        kii.delivery.send(
          message,
          { kind: 'topic', scope, topicId },
          kii.topics.subscribers(scope, topicId),
          admin,
        );
      }
    }
  }, 1000 / ticksPerSecond);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
