import type { FastifyReply, FastifyRequest } from 'fastify';
import { createOidcFlows, FLOW_LIFETIME_MS } from './oidc-flows';

/** A browser's side of the flow cookie: what the reply set is what the next request sends. */
class FakeBrowser {
  cookie = '';
  request(): FastifyRequest {
    return { headers: { cookie: this.cookie }, protocol: 'http' } as unknown as FastifyRequest;
  }
  reply(): FastifyReply {
    const reply = {
      header: (_name: string, value: string) => {
        this.cookie = value.split(';')[0];
        return reply;
      },
    };
    return reply as unknown as FastifyReply;
  }
}

const flow = {
  providerId: 'corp',
  state: 's',
  nonce: 'n',
  codeVerifier: 'v',
  redirectUri: 'http://127.0.0.1/cb',
  locale: 'en',
};

describe('team OIDC pending flows', () => {
  let now: number;
  let flows: ReturnType<typeof createOidcFlows>;

  beforeEach(() => {
    now = 1_000_000;
    flows = createOidcFlows(() => now);
  });

  it('hands a flow back once, to the browser that started it', () => {
    const browser = new FakeBrowser();
    flows.begin(browser.request(), browser.reply(), flow);
    expect(browser.cookie).toMatch(/^kpc-oidc=[A-Za-z0-9_-]{43}$/);
    const other = new FakeBrowser();
    expect(flows.take(other.request(), other.reply())).toBeUndefined();
    const kept = browser.cookie;
    expect(flows.take(browser.request(), browser.reply())).toEqual({ ...flow, startedAt: now });
    // The cookie was cleared, and even a copy of it finds nothing now.
    expect(browser.cookie).toBe('kpc-oidc=');
    const copy = new FakeBrowser();
    copy.cookie = kept;
    expect(flows.take(copy.request(), copy.reply())).toBeUndefined();
  });

  it('refuses a flow older than its lifetime', () => {
    const browser = new FakeBrowser();
    flows.begin(browser.request(), browser.reply(), flow);
    now += FLOW_LIFETIME_MS;
    expect(flows.take(browser.request(), browser.reply())).toBeUndefined();
  });

  it('drops expired flows when new ones start, and keeps at most 10,000 pending', () => {
    const first = new FakeBrowser();
    flows.begin(first.request(), first.reply(), flow);
    now += FLOW_LIFETIME_MS;
    flows.begin(new FakeBrowser().request(), new FakeBrowser().reply(), flow);
    expect(flows.size).toBe(1);
    for (let i = 0; i < 10_050; i++) {
      const browser = new FakeBrowser();
      flows.begin(browser.request(), browser.reply(), flow);
    }
    expect(flows.size).toBe(10_000);
  });
});
