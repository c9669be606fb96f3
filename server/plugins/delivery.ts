import fp from 'fastify-plugin';
import type { ServerConfig } from '../config';
import type { Metrics } from '../metrics';
import { createDelivery, type Delivery } from '../push/delivery';
import { createDeliveryLedger } from '../push/delivery-ledger';

declare module 'fastify' {
  interface FastifyInstance {
    /** Turns push messages into MQTT writes, with the delivery log, ledger and taps. */
    delivery: Delivery;
  }
}

/** Delivery and its ledger; what the ledger queued is written before the database closes. */
export const deliveryPlugin = fp<{ config: ServerConfig; metrics: Metrics }>(
  async (app, { config, metrics }) => {
    const { installations, deliveries, pushLedger } = app.repositories;
    const ledger = createDeliveryLedger({
      db: app.database,
      repository: pushLedger,
      metrics,
      onWriteError: (err) => app.log.error({ err }, 'delivery trace not written'),
      enabled: config.deliveryLedger,
    });
    app.decorate(
      'delivery',
      createDelivery({
        appId: config.appId,
        broker: app.pushWriter,
        installations,
        deliveries,
        ledger,
      }),
    );
    app.addHook('onClose', async () => {
      ledger.flush();
    });
  },
  { name: 'kii-delivery', dependencies: ['kii-repositories', 'kii-cluster-role'] },
);
