import fp from 'fastify-plugin';
import { seedDemo, type DemoApp } from '../demo/seed';
import { startDemoTraffic } from '../demo/traffic';

declare module 'fastify' {
  interface FastifyInstance {
    /** The seeded demo app (`--seed-demo` only). */
    demo?: DemoApp;
  }
}

/**
 * `--seed-demo`: the demo app seeded at start-up, and with `--demo-traffic` its generated pushes
 * from the moment the server listens until it closes (before the database does).
 */
export const demoPlugin = fp(
  async (app) => {
    const demo = await seedDemo(app.kii);
    app.decorate('demo', demo);
    const rate = app.kii.config.demoTraffic;
    if (rate <= 0) return;
    let traffic: ReturnType<typeof startDemoTraffic> | undefined;
    app.addHook('onListen', (done) => {
      traffic = startDemoTraffic(app.kii, demo, rate);
      done();
    });
    app.addHook('preClose', (done) => {
      traffic?.stop();
      done();
    });
  },
  { name: 'kii-demo', dependencies: ['kii-delivery'], decorators: { fastify: ['kii'] } },
);
