interface StoredCookie {
  value: string;
  path: string;
}

/** One step of a navigation: the URL asked for and the answer's status. */
export interface Hop {
  url: string;
  status: number;
}

/** Where a navigation ended: its last answer, and every hop on the way there. */
export interface Landing {
  url: URL;
  status: number;
  body: string;
  hops: Hop[];
}

/**
 * A browser reduced to what a sign-in needs, for specs at the HTTP level: a cookie jar per
 * origin (honouring Path and Max-Age=0), redirects followed by hand so every hop is seen,
 * and HTML forms submitted with their hidden fields.
 */
export class SsoBrowser {
  private readonly jars = new Map<string, Map<string, StoredCookie>>();
  /**
   * A navigation stops before requesting a URL that starts with this (landing there with
   * status 0), e.g. to hold on to an authorization code the console has not seen yet.
   */
  holdBefore: string | undefined;

  /** The value of a cookie this browser holds for an origin, if any. */
  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name)?.value;
  }

  setCookie(origin: string, name: string, value: string, path = '/'): void {
    const jar = this.jars.get(origin) ?? new Map<string, StoredCookie>();
    jar.set(name, { value, path });
    this.jars.set(origin, jar);
  }

  /** GET `url` and follow redirects (as GETs) until an answer that is not one. */
  async navigate(url: string | URL): Promise<Landing> {
    return this.follow(new URL(url), { method: 'GET' });
  }

  /**
   * Submits the form of `landing` whose action contains `actionPart` (the first form when
   * unset), with its own fields overridden by `fields`, and follows where it leads.
   */
  async submit(
    landing: Landing,
    fields: Record<string, string>,
    actionPart = '',
  ): Promise<Landing> {
    const forms = [...landing.body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
    const form = forms.find((f) => attribute(f[1], 'action')?.includes(actionPart));
    if (!form) throw new Error(`no form with action ~ "${actionPart}" at ${landing.url.href}`);
    const body = new URLSearchParams();
    for (const input of form[2].matchAll(/<input\b([^>]*)>/g)) {
      const name = attribute(input[1], 'name');
      if (name) body.set(name, attribute(input[1], 'value') ?? '');
    }
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    const action = new URL(attribute(form[1], 'action') ?? '', landing.url);
    return this.follow(action, {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  private async follow(start: URL, first: RequestInit): Promise<Landing> {
    const hops: Hop[] = [];
    let url = start;
    let init: RequestInit = first;
    for (let i = 0; i < 20; i++) {
      if (this.holdBefore && url.href.startsWith(this.holdBefore)) {
        return { url, status: 0, body: '', hops };
      }
      const headers = new Headers(init.headers);
      const cookies = this.cookiesFor(url);
      if (cookies) headers.set('cookie', cookies);
      const response = await fetch(url, { ...init, headers, redirect: 'manual' });
      this.keep(url, response);
      hops.push({ url: url.href, status: response.status });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        url = new URL(location, url);
        init = { method: 'GET' };
        continue;
      }
      return { url, status: response.status, body: await response.text(), hops };
    }
    throw new Error(`more than 20 redirects from ${start.href}`);
  }

  private cookiesFor(url: URL): string {
    const jar = this.jars.get(url.origin);
    if (!jar) return '';
    return [...jar]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  private keep(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attributes.find((a) => /^path=/i.test(a))?.slice(5) || '/';
      const gone =
        attributes.some((a) => /^max-age=0$/i.test(a)) ||
        /^expires=thu, 01 jan 1970/i.test(attributes.find((a) => /^expires=/i.test(a)) ?? '');
      const jar = this.jars.get(url.origin) ?? new Map<string, StoredCookie>();
      if (gone || value === '') jar.delete(name);
      else jar.set(name, { value, path });
      this.jars.set(url.origin, jar);
    }
  }
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return match?.[1].replaceAll('&amp;', '&');
}
