import { expect } from 'chai';
import { shanghaiDay } from '../src/agency/agency-api.js';
import { todayInShanghai as todayFromCalendar } from '../src/domain/calendar.js';
import { SHANGHAI_OFFSET, SHANGHAI_TIME_ZONE, shanghaiClock, shanghaiInstant, todayInShanghai } from '../src/domain/shanghai-time.js';

/**
 * Local time in Asia/Shanghai, read and made in one place (src/domain/shanghai-time.ts): the filing date,
 * the opening hours and the agency's days agree with each other and with the zone database, whatever TZ is.
 */
describe('Shanghai local time (one module)', () => {
  const original = process.env.TZ;
  after(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  it('midnight in Shanghai is 16:00 UTC the day before: the date, the weekday and the time turn together', () => {
    expect(shanghaiClock(new Date('2026-12-06T15:59:59Z'))).to.deep.equal({ date: '2026-12-06', weekday: 7, time: '23:59' });
    expect(shanghaiClock(new Date('2026-12-06T16:00:00Z'))).to.deep.equal({ date: '2026-12-07', weekday: 1, time: '00:00' });
    expect(todayInShanghai(new Date('2026-12-06T16:00:00Z'))).to.equal('2026-12-07');
    expect(todayFromCalendar, 'calendar.ts gives the same function').to.equal(todayInShanghai);
  });

  it("today's date turns at Shanghai's midnight however the instants asked for come, one after another", () => {
    const around = ['2026-12-06T15:59:59.999Z', '2026-12-06T16:00:00.000Z', '2026-12-06T15:59:59.999Z', '2026-12-07T15:59:59.999Z', '2026-12-07T16:00:00.000Z', '2026-12-06T04:00:00.000Z', '2024-02-28T16:00:00.000Z', '2024-02-29T15:59:59.999Z', '2030-01-01T00:00:00.000Z'];
    for (const iso of around) expect(todayInShanghai(new Date(iso)), iso).to.equal(shanghaiClock(new Date(iso)).date);
    expect(['2026-12-06', '2026-12-07', '2026-12-08'].map((d) => todayInShanghai(shanghaiInstant(d)))).to.deep.equal(['2026-12-06', '2026-12-07', '2026-12-08']);
    expect(todayInShanghai(), 'now').to.equal(shanghaiClock(new Date()).date);
    expect(() => todayInShanghai(new Date(Number.NaN)), 'an invalid instant').to.throw(RangeError);
  });

  it('a Shanghai date and time make the instant that reads back as them', () => {
    expect(shanghaiInstant('2026-12-07').toISOString()).to.equal('2026-12-06T16:00:00.000Z');
    expect(shanghaiInstant('2026-12-07', '09:30').toISOString()).to.equal('2026-12-07T01:30:00.000Z');
    expect(shanghaiClock(shanghaiInstant('2028-02-29', '23:45'))).to.deep.equal({ date: '2028-02-29', weekday: 2, time: '23:45' });
    expect(SHANGHAI_OFFSET).to.equal('+08:00');
  });

  it("the agency's day runs from Shanghai midnight to the next", () => {
    expect(shanghaiDay('2026-12-31')).to.deep.equal({ createdFrom: '2026-12-30T16:00:00.000Z', createdTo: '2026-12-31T16:00:00.000Z' });
  });

  for (const tz of ['UTC', 'Pacific/Honolulu', 'Asia/Shanghai', 'America/New_York']) {
    it(`agrees with the zone database (${SHANGHAI_TIME_ZONE}) on instants from 1992 to 2100, with TZ=${tz}`, () => {
      process.env.TZ = tz;
      const zone = new Intl.DateTimeFormat('en-CA', { timeZone: SHANGHAI_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' });
      const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
      const from = Date.UTC(1992, 0, 1);
      const span = Date.UTC(2100, 0, 1) - from;
      for (let i = 0; i < 2000; i++) {
        const at = new Date(from + Math.floor((span * i) / 2000) + i * 977_000);
        const parts = Object.fromEntries(zone.formatToParts(at).map((p) => [p.type, p.value]));
        const expected = { date: `${parts['year']}-${parts['month']}-${parts['day']}`, weekday: weekdays.indexOf(parts['weekday']!) + 1, time: `${parts['hour']}:${parts['minute']}` };
        expect(shanghaiClock(at), at.toISOString()).to.deep.equal(expected);
      }
    });
  }
});
