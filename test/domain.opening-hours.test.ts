import { expect } from 'chai';
import { isOpen, openingHoursSchema } from '../src/domain/opening-hours.js';
import { shanghaiClock } from '../src/domain/shanghai-time.js';
import { loadProfiles } from '../src/domain/profile.js';

describe('opening hours (Asia/Shanghai)', () => {
  const rizhao = loadProfiles().get('rizhao')!.hotlineSchedule!.value;

  it('reads an instant as Shanghai weekday and time (UTC+8)', () => {
    expect(shanghaiClock(new Date('2026-11-23T16:30:00Z'))).to.deep.equal({ date: '2026-11-24', weekday: 2, time: '00:30' });
    expect(shanghaiClock(new Date('2026-11-29T03:00:00Z'))).to.deep.equal({ date: '2026-11-29', weekday: 7, time: '11:00' });
  });

  for (const [utc, open, why] of [
    ['2026-11-24T00:29:00Z', false, 'Tuesday 8:29, before opening'],
    ['2026-11-24T00:30:00Z', true, 'Tuesday 8:30, opening'],
    ['2026-11-24T03:59:00Z', true, 'Tuesday 11:59'],
    ['2026-11-24T04:00:00Z', false, 'Tuesday 12:00, lunch'],
    ['2026-11-24T05:30:00Z', true, 'Tuesday 13:30'],
    ['2026-11-24T09:00:00Z', false, 'Tuesday 17:00, closed'],
    ['2026-11-28T02:00:00Z', false, 'Saturday 10:00'],
    ['2026-11-27T02:00:00Z', true, 'Friday 10:00'],
  ] as const) {
    it(`Rizhao's profile: ${why} → ${open ? 'open' : 'closed'}`, () => {
      expect(isOpen(rizhao, new Date(utc))).to.equal(open);
    });
  }

  it('refuses a period that ends before it starts, or a time that is not HH:MM', () => {
    expect(openingHoursSchema.safeParse({ weekdays: [1], periods: [{ from: '17:00', to: '08:30' }] }).success).to.equal(false);
    expect(openingHoursSchema.safeParse({ weekdays: [1], periods: [{ from: '8:30', to: '12:00' }] }).success).to.equal(false);
    expect(openingHoursSchema.safeParse({ weekdays: [8], periods: [{ from: '08:30', to: '12:00' }] }).success).to.equal(false);
  });
});
