import { KII_NO_EXPIRY_SECONDS, neverExpires, noExpiryText } from './expiry';

describe('neverExpires', () => {
  it("reads Kii's 2147483647 s as no expiry", () => {
    expect(neverExpires(KII_NO_EXPIRY_SECONDS)).toBeTrue();
    expect(neverExpires(KII_NO_EXPIRY_SECONDS - 3600)).toBeTrue();
    expect(neverExpires(Infinity)).toBeTrue();
  });

  it('reads real lifetimes, however long, as expiring', () => {
    expect(neverExpires(90_061)).toBeFalse();
    expect(neverExpires(365 * 24 * 60 * 60)).toBeFalse();
    expect(neverExpires(0)).toBeFalse();
  });

  it('says so in the words of the Connect summary', () => {
    expect(noExpiryText()).toBe('Does not expire');
  });
});
