import { teamErrorMessage } from './team-error-text';

describe('teamErrorMessage, single sign-on codes', () => {
  const codes = [
    'OIDC_FLOW_UNKNOWN',
    'OIDC_STATE_MISMATCH',
    'OIDC_PROVIDER_UNKNOWN',
    'OIDC_PROVIDER_UNAVAILABLE',
    'OIDC_PROVIDER_UNREACHABLE',
    'OIDC_NO_ROLE',
    'OIDC_ACCESS_DENIED',
    'OIDC_PROVIDER_ERROR',
    'OIDC_TOKEN_REFUSED',
    'OIDC_RESPONSE_INVALID',
  ];

  it('has a text for every code the callback sends to the sign-in page', () => {
    for (const code of codes) {
      expect(teamErrorMessage(code)).withContext(code).toMatch(/\w+\./);
    }
  });

  it('names the code where one text serves several failed checks', () => {
    expect(teamErrorMessage('OIDC_TOKEN_REFUSED')).toContain('(OIDC_TOKEN_REFUSED)');
    expect(teamErrorMessage('OIDC_RESPONSE_INVALID')).toContain('(OIDC_RESPONSE_INVALID)');
  });

  it('tells a person with no mapped role whom to ask', () => {
    expect(teamErrorMessage('OIDC_NO_ROLE')).toContain('Ask a team admin');
  });

  it('leaves codes it does not own to the caller', () => {
    expect(teamErrorMessage('OIDC_SOMETHING_NEW')).toBeUndefined();
  });
});

describe('teamErrorMessage, sign-in limits', () => {
  it('says a throttled address waits, in whole minutes, and whom to ask on a shared address', () => {
    const text = teamErrorMessage('SIGN_IN_THROTTLED', 61)!;
    expect(text).toContain('from this network address');
    expect(text).toContain('try again in 2 min');
    expect(text).toContain('ask a team admin');
    // Single sign-on's redirect names the code only: no made-up number of minutes.
    expect(teamErrorMessage('SIGN_IN_THROTTLED')).toContain('try again later');
  });
});
