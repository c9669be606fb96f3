import type { Duplex } from 'node:stream';

/** Caps on concurrent MQTT connections from one remote address; 0 = unlimited. */
export interface AddressLimits {
  /** Open connections (TCP, TLS and WebSocket together). */
  connections: number;
  /** Of those, connections that have not yet completed CONNECT. */
  pending: number;
}

/** A connection let in: call `connected()` once its CONNECT was accepted. */
export interface Admission {
  connected(): void;
}

interface Counts {
  open: number;
  pending: number;
}

/** IPv4 clients of a dual-stack listener show up as `::ffff:a.b.c.d`: count them as a.b.c.d. */
function normalize(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Counts the broker's connections per remote address and refuses those over the caps by
 * destroying the socket before anything is read from it. The pending cap is the one that
 * guards against a slowloris of half-open MQTT sockets, each holding memory until the connect
 * timeout; the total cap stays generous because during development every client, benchmarks
 * included, comes from 127.0.0.1.
 */
export function createAddressLimiter(
  limits: AddressLimits,
  onRefused: (address: string, reason: string) => void,
) {
  const byAddress = new Map<string, Counts>();

  return {
    /**
     * Lets `socket` in or destroys it. `address` is the socket's remote address (for a
     * WebSocket, the upgraded HTTP socket's); without one the socket is already gone.
     */
    admit(socket: Duplex, rawAddress: string | undefined): Admission | null {
      if (rawAddress === undefined || socket.destroyed) {
        socket.destroy();
        return null;
      }
      const address = normalize(rawAddress);
      const counts = byAddress.get(address) ?? { open: 0, pending: 0 };
      const reason =
        limits.connections > 0 && counts.open >= limits.connections
          ? `${counts.open} connections open (at most ${limits.connections})`
          : limits.pending > 0 && counts.pending >= limits.pending
            ? `${counts.pending} connections without CONNECT (at most ${limits.pending})`
            : null;
      if (reason) {
        socket.destroy();
        onRefused(address, reason);
        return null;
      }
      byAddress.set(address, counts);
      counts.open++;
      counts.pending++;
      let pending = true;
      const settle = () => {
        if (!pending) return;
        pending = false;
        counts.pending--;
      };
      socket.once('close', () => {
        settle();
        if (--counts.open === 0 && byAddress.get(address) === counts) byAddress.delete(address);
      });
      return { connected: settle };
    },
    /** Open and pending connections of one address (for specs and diagnostics). */
    counts(address: string): Counts {
      const counts = byAddress.get(normalize(address));
      return { open: counts?.open ?? 0, pending: counts?.pending ?? 0 };
    },
  };
}
