import { registerLocaleData } from '@angular/common';
import localeDe from '@angular/common/locales/de';

import { DEFAULT_DRAFT, PushDraft, checkDraft } from './compose-draft';

const ADMIN = { kind: 'admin' } as const;
const NOW = 1700000000000;

function draft(changes: Partial<PushDraft> & { topic?: string } = {}): PushDraft {
  const { topic = 'news', ...rest } = changes;
  return {
    ...DEFAULT_DRAFT,
    target: { ...DEFAULT_DRAFT.target, topic },
    data: { mode: 'rows', rows: [{ key: 'message', value: 'hi', type: 'string' }], json: '' },
    ...rest,
  };
}

describe('checkDraft', () => {
  it('passes a complete draft with its body and exact size for an app topic', () => {
    const check = checkDraft(draft(), 'demoapp', ADMIN, NOW, 'en-US');
    expect(check.problems).toEqual([]);
    expect(check.body?.data).toEqual({ message: 'hi' });
    // {"message":"hi","senderURI":"kiicloud://admins/APP_ADMIN","sourceURI":"kiicloud://topics/news",
    //  "topic":"news","objectScopeAppID":"demoapp","objectScopeType":"APP"}
    expect(check.bytes).toBe(163);
    expect(check.tooLarge).toBeFalse();
  });

  it('asks for the owner and the topic the target kind needs', () => {
    const userTopic = draft({
      topic: '',
      target: { kind: 'user-topic', by: 'name', owner: ' ', topic: '' },
    });
    expect(checkDraft(userTopic, 'demoapp', ADMIN, NOW, 'en-US').problems).toEqual([
      'Name the user.',
      'Name the topic.',
    ]);
    const thingTopic = draft({
      target: { kind: 'thing-topic', by: 'id', owner: '', topic: 'bad topic' },
    });
    expect(checkDraft(thingTopic, 'demoapp', ADMIN, NOW, 'en-US').problems).toEqual([
      'Name the thing.',
      'A topic name has only letters, digits, _ and -, up to 64.',
    ]);
    const direct = draft({ target: { kind: 'user', by: 'name', owner: 'alice', topic: '' } });
    expect(checkDraft(direct, 'demoapp', ADMIN, NOW, 'en-US').problems).toEqual([]);
  });

  it('reports data, MQTT data and environment problems, and gives no body', () => {
    const check = checkDraft(
      draft({
        data: { mode: 'json', rows: [], json: '{"deep": {"x": 1}}' },
        mqttData: { mode: 'json', rows: [], json: '[]', enabled: true },
        development: false,
        production: false,
      }),
      'demoapp',
      ADMIN,
      NOW,
      'en-US',
    );
    expect(check.problems).toEqual([
      '"deep" holds an object or an array. Kii accepts only flat values: text, numbers, true, false and null.',
      'MQTT data: The data must be a JSON object, such as {"message": "hello"}.',
      'Choose development, production or both.',
    ]);
    expect(check.body).toBeNull();
    expect(check.bytes).toBeNull();
  });

  it('ignores mqtt.data while it is switched off', () => {
    const check = checkDraft(
      draft({ mqttData: { mode: 'json', rows: [], json: 'not json', enabled: false } }),
      'demoapp',
      ADMIN,
      NOW,
      'en-US',
    );
    expect(check.problems).toEqual([]);
    expect(check.body?.mqtt).toEqual({ enabled: true });
  });

  it("refuses a payload over Kii's 4,096 bytes", () => {
    const big = draft({
      data: {
        mode: 'rows',
        rows: [{ key: 'blob', value: 'x'.repeat(4000), type: 'string' }],
        json: '',
      },
    });
    const check = checkDraft(big, 'demoapp', ADMIN, NOW, 'en-US');
    expect(check.tooLarge).toBeTrue();
    expect(check.bytes).toBe(4158);
    expect(check.problems).toEqual([
      'The MQTT payload would be 4,158 bytes; Kii allows at most 4,096. Shorten or remove data.',
    ]);
    expect(check.body).not.toBeNull();
  });

  it("writes the byte counts of that problem as the console's language groups digits", () => {
    // en-US and ja both write "4,158"; German groups with a dot, so a fixed locale shows here.
    registerLocaleData(localeDe);
    const big = draft({
      data: {
        mode: 'rows',
        rows: [{ key: 'blob', value: 'x'.repeat(4000), type: 'string' }],
        json: '',
      },
    });
    expect(checkDraft(big, 'demoapp', ADMIN, NOW, 'de').problems).toEqual([
      'The MQTT payload would be 4.158 bytes; Kii allows at most 4.096. Shorten or remove data.',
    ]);
  });

  it('estimates an owner named by login name with a typical ID length', () => {
    const byName = draft({
      target: { kind: 'user-topic', by: 'name', owner: 'al', topic: 'inbox' },
    });
    const byId = draft({ target: { kind: 'user-topic', by: 'id', owner: 'u1', topic: 'inbox' } });
    const named = checkDraft(byName, 'demoapp', ADMIN, NOW, 'en-US').bytes!;
    const exact = checkDraft(byId, 'demoapp', ADMIN, NOW, 'en-US').bytes!;
    // The ID appears twice (sourceURI, objectScopeUserID): 36 assumed characters against 2.
    expect(named - exact).toBe(2 * (36 - 2));
  });
});
