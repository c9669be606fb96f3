import { TestBed } from '@angular/core/testing';

import { FAKE_CLOCK_START, FakeFrames } from '../../../testing/fake-live-clock';
import { liveMessage, topicPayload } from '../../../testing/live-messages';
import { FRAME_SCHEDULER } from '../live-clock';
import { LiveFrames } from '../live-frames';
import { NO_FILTER } from './message-filter';
import { MonitorFeed, ROWS_INTERVAL_MS } from './monitor-feed';

describe('MonitorFeed', () => {
  let frames: FakeFrames;
  let feed: MonitorFeed;
  let seq: number;
  let now: number;
  // How far the clock moves from one frame to the next.
  let step: number;

  function createFeed(tapped = false): MonitorFeed {
    return new MonitorFeed(
      { monitorId: 'm7', label: 'All traffic', tapped },
      { frames: TestBed.inject(LiveFrames), clock: { now: () => now }, sequence: () => ++seq },
      5,
    );
  }

  function arrive(count: number, topic = 'announcements', receivedAt = FAKE_CLOCK_START): void {
    for (let i = 0; i < count; i++) {
      feed.add(liveMessage(topicPayload(topic, { n: seq }), { seq: ++seq, receivedAt }));
    }
  }

  function frame(): void {
    now += step;
    frames.flush();
  }

  beforeEach(() => {
    frames = new FakeFrames();
    TestBed.configureTestingModule({ providers: [{ provide: FRAME_SCHEDULER, useValue: frames }] });
    seq = 0;
    now = FAKE_CLOCK_START;
    // Frames 200 ms apart unless a spec says otherwise: past the rows' update interval.
    step = 200;
    feed = createFeed();
  });

  it('takes a PUBLISH in as a message of its monitor, numbered app-wide and stamped with the time', () => {
    seq = 41;
    feed.take('topic-1', new TextEncoder().encode('{"n":1}'));
    feed.take('topic-1', new Uint8Array([0xff, 0x41]));
    frame();
    const [text, binary] = feed.rows();
    expect(text.seq).toBe(42);
    expect(text.monitorId).toBe('m7');
    expect(text.monitorLabel).toBe('All traffic');
    expect(text.receivedAt).toBe(FAKE_CLOCK_START);
    expect(text.mqttTopic).toBe('topic-1');
    expect(text.text).toBe('{"n":1}');
    expect(text.size).toBe(7);
    expect(text.binary).toBeNull();
    expect(text.wrapped).toBeFalse();
    expect(binary.seq).toBe(43);
    expect(binary.binary).toEqual(new Uint8Array([0xff, 0x41]));
    feed = createFeed(true);
    feed.take('tap', new TextEncoder().encode('{}'));
    frame();
    expect(feed.rows()[0].wrapped).toBeTrue();
  });

  it('publishes once per frame however many messages arrive, not before', () => {
    arrive(3);
    expect(frames.pending).toBe(1);
    expect(feed.rows()).toEqual([]);
    expect(feed.counters().received).toBe(0);
    frame();
    expect(feed.rows().map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(feed.counters()).toEqual({
      received: 3,
      shown: 3,
      dropped: 0,
      buffered: 3,
      capacity: 5,
    });
    expect(frames.pending).toBe(0);
  });

  it('keeps the buffer bounded and counts the drops', () => {
    arrive(8);
    frame();
    expect(feed.rows().map((m) => m.seq)).toEqual([4, 5, 6, 7, 8]);
    expect(feed.counters()).toEqual({
      received: 8,
      shown: 5,
      dropped: 3,
      buffered: 5,
      capacity: 5,
    });
    arrive(20);
    frame();
    expect(feed.rows().map((m) => m.seq)).toEqual([24, 25, 26, 27, 28]);
    expect(feed.counters().dropped).toBe(23);
  });

  it('freezes the view while paused and keeps counting and buffering', () => {
    arrive(2);
    frame();
    feed.pause();
    arrive(4);
    frame();
    expect(feed.paused()).toBeTrue();
    expect(feed.rows().map((m) => m.seq)).toEqual([1, 2]);
    expect(feed.counters()).toEqual({
      received: 6,
      shown: 2,
      dropped: 1,
      buffered: 5,
      capacity: 5,
    });
    feed.resume();
    frame();
    expect(feed.rows().map((m) => m.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(feed.counters().shown).toBe(5);
  });

  it('filters everything buffered and then what arrives', () => {
    arrive(2, 'announcements');
    arrive(1, 'maintenance');
    frame();
    feed.setFilter({ ...NO_FILTER, topic: 'maintenance' });
    frame();
    expect(feed.rows().map((m) => m.seq)).toEqual([3]);
    arrive(1, 'maintenance');
    arrive(1, 'announcements');
    frame();
    expect(feed.rows().map((m) => m.seq)).toEqual([3, 4]);
    expect(feed.counters()).toEqual({
      received: 5,
      shown: 2,
      dropped: 0,
      buffered: 5,
      capacity: 5,
    });
    arrive(3, 'announcements');
    frame();
    expect(feed.rows().map((m) => m.seq)).toEqual([4]);
    feed.setFilter(NO_FILTER);
    frame();
    expect(feed.rows().length).toBe(5);
  });

  it('reports a filter it cannot use and keeps the one in force', () => {
    arrive(1, 'announcements');
    feed.setFilter({ ...NO_FILTER, topic: 'maintenance' });
    frame();
    feed.setFilter({ ...NO_FILTER, fields: 'nonsense' });
    frame();
    expect(feed.filterError()).toContain('is not key=value');
    expect(feed.rows()).toEqual([]);
    feed.setFilter({ ...NO_FILTER, fields: 'n=0' });
    expect(feed.filterError()).toBeNull();
  });

  it('clears the buffer, the view and the counters', () => {
    arrive(7);
    frame();
    feed.clear();
    frame();
    expect(feed.rows()).toEqual([]);
    expect(feed.counters()).toEqual({
      received: 0,
      shown: 0,
      dropped: 0,
      buffered: 0,
      capacity: 5,
    });
    arrive(1);
    frame();
    expect(feed.counters().received).toBe(1);
  });

  it('changes its capacity, keeping the newest', () => {
    arrive(5);
    feed.setCapacity(2);
    frame();
    expect(feed.rows().map((m) => m.seq)).toEqual([4, 5]);
    expect(feed.counters()).toEqual({
      received: 5,
      shown: 2,
      dropped: 3,
      buffered: 2,
      capacity: 2,
    });
  });

  it('updates the rows at most every ROWS_INTERVAL_MS under sustained traffic, the counters every frame', () => {
    step = 16;
    arrive(1);
    frame();
    const shownAt = now;
    expect(feed.rows().length).toBe(1);
    arrive(1);
    frame();
    expect(feed.rows().length).toBe(1);
    expect(feed.counters().received).toBe(2);
    // Nothing else arrives: the waiting rows still come, on a later frame.
    while (now + 16 - shownAt < ROWS_INTERVAL_MS) {
      frame();
      expect(feed.rows().length).toBe(1);
    }
    frame();
    expect(feed.rows().length).toBe(2);
    expect(frames.pending).toBe(0);
  });

  it('shows everything at once after resume, clear or a new filter', () => {
    step = 16;
    arrive(1);
    frame();
    feed.pause();
    arrive(1);
    frame();
    feed.resume();
    frame();
    expect(feed.rows().length).toBe(2);
  });

  it('charts messages per second when the second ticks, messages or not', () => {
    arrive(3, 'a', FAKE_CLOCK_START);
    arrive(1, 'a', FAKE_CLOCK_START + 1000);
    frame();
    expect(feed.rate().every((n) => n === 0)).toBeTrue();
    now = FAKE_CLOCK_START + 2000;
    feed.tickRate();
    expect(frames.pending).toBe(1);
    frames.flush();
    expect(feed.rate().slice(-2)).toEqual([3, 1]);
  });

  it('asks for one frame at a time, and none once disposed', () => {
    arrive(1);
    feed.tickRate();
    arrive(1);
    expect(frames.pending).toBe(1);
    feed.dispose();
    frame();
    expect(feed.counters().received).toBe(0);
    expect(frames.pending).toBe(0);
  });

  it('holds no more pending messages than it can show when frames stop (hidden tab)', () => {
    arrive(50);
    frame();
    expect(feed.rows().map((m) => m.seq)).toEqual([46, 47, 48, 49, 50]);
    expect(feed.counters().received).toBe(50);
  });
});
