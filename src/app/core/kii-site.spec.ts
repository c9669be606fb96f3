import { isKiiCloudSite, normalizeBaseUrl, siteBaseUrl, siteLabel } from './kii-site';

describe('kii-site', () => {
  it('resolves each site to its base URL', () => {
    expect(siteBaseUrl('us', '', 'x')).toBe('https://api.kii.com/api');
    expect(siteBaseUrl('jp', '', 'x')).toBe('https://api-jp.kii.com/api');
    expect(siteBaseUrl('sg', '', 'x')).toBe('https://api-sg.kii.com/api');
    expect(siteBaseUrl('eu', '', 'x')).toBe('https://api-eu.kii.com/api');
    expect(siteBaseUrl('local', '', 'http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/api');
    expect(siteBaseUrl('custom', ' https://kii.example.com/api// ', 'x')).toBe(
      'https://kii.example.com/api',
    );
  });

  it('normalises base URLs and tells Kii Cloud sites apart', () => {
    expect(normalizeBaseUrl('http://h/api/')).toBe('http://h/api');
    expect(isKiiCloudSite('eu')).toBeTrue();
    expect(isKiiCloudSite('local')).toBeFalse();
  });

  it('names every site', () => {
    const names = (['us', 'jp', 'sg', 'eu', 'custom', 'local'] as const).map(siteLabel);
    expect(new Set(names).size).toBe(6);
  });
});
