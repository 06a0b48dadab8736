import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { ActivityLog } from '../src/channels/web/index.js';

export const message = (text: string): Partial<Activity> => ({ type: 'message', text, from: { id: 'u', name: '', role: 'user' } });

/** What every ActivityLog promises, whichever store keeps it. */
export function activityLogContract(name: string, makeLog: () => ActivityLog) {
  describe(`${name}: the activity log contract`, () => {
    let log: ActivityLog;
    const conversation = () => `c${randomBytes(8).toString('hex')}`;
    beforeEach(() => {
      log = makeLog();
    });

    it('a conversation exists once created, and creating it again changes nothing', async () => {
      const id = conversation();
      expect(await log.exists(id)).to.equal(false);
      await log.create(id);
      expect(await log.exists(id)).to.equal(true);
      await log.append(id, message('一'));
      await log.create(id);
      expect((await log.since(id, '')).activities).to.have.length(1);
    });

    it('appending gives ids in order, shaped like Direct Line ids', async () => {
      const id = conversation();
      await log.create(id);
      const ids = [await log.append(id, message('一')), await log.append(id, message('二'))];
      expect(ids).to.deep.equal([`${id}|0000001`, `${id}|0000002`]);
    });

    const pages: [string, string | undefined, string[], string][] = [
      ['no watermark: everything from the start', undefined, ['一', '二', '三'], '3'],
      ['an empty watermark: everything', '', ['一', '二', '三'], '3'],
      ['after the first', '1', ['二', '三'], '3'],
      ['after the last: nothing new', '3', [], '3'],
      ['a watermark beyond the end: nothing, and the real end', '9', [], '3'],
      ['a watermark that is not a number: from the start', 'abc', ['一', '二', '三'], '3'],
    ];
    for (const [what, watermark, texts, next] of pages) {
      it(`since ${what}`, async () => {
        const id = conversation();
        await log.create(id);
        for (const text of ['一', '二', '三']) await log.append(id, message(text));
        const page = await log.since(id, watermark);
        expect(page.activities.map((a) => a.text)).to.deep.equal(texts);
        expect(page.watermark).to.equal(next);
      });
    }

    it('each activity comes back with the id append gave it, and its content unchanged', async () => {
      const id = conversation();
      await log.create(id);
      const given = { ...message('你好'), suggestedActions: { to: [], actions: [{ type: 'imBack', title: '是', value: '是' }] } };
      const activityId = await log.append(id, given);
      const [back] = (await log.since(id, '')).activities;
      expect(back).to.deep.equal({ ...given, id: activityId });
    });

    it('a page holds at most `limit` activities; the watermark says where to go on', async () => {
      const id = conversation();
      await log.create(id);
      for (let i = 0; i < 5; i++) await log.append(id, message(`m${i}`));
      const first = await log.since(id, '', 2);
      expect(first.activities.map((a) => a.text)).to.deep.equal(['m0', 'm1']);
      const second = await log.since(id, first.watermark, 2);
      expect(second.activities.map((a) => a.text)).to.deep.equal(['m2', 'm3']);
    });

    it('conversations do not see each other’s activities', async () => {
      const [a, b] = [conversation(), conversation()];
      await log.create(a);
      await log.create(b);
      await log.append(a, message('甲'));
      expect((await log.since(b, '')).activities).to.deep.equal([]);
    });

    it('an activity can be replaced in its place, keeping its id (the person\'s message, masked once taken)', async () => {
      const id = conversation();
      await log.create(id);
      await log.append(id, message('一'));
      const second = await log.append(id, message('11010519491231002X'));
      await log.append(id, message('三'));
      await log.replace(id, second, { ...message('1101**********002X'), id: 'ignored' });
      const page = await log.since(id, '');
      expect(page.activities.map((a) => [a.id, a.text])).to.deep.equal([
        [`${id}|0000001`, '一'],
        [second, '1101**********002X'],
        [`${id}|0000003`, '三'],
      ]);
      expect(JSON.stringify(page)).to.not.include('11010519491231002X');
    });

    it('replacing what is not there changes nothing: another conversation\'s id, an id past the end, a conversation that is gone', async () => {
      const [a, b] = [conversation(), conversation()];
      await log.create(a);
      await log.create(b);
      const first = await log.append(a, message('甲'));
      await log.replace(b, first, message('乙'));
      await log.replace(a, `${a}|0000009`, message('丙'));
      await log.replace(a, 'not-an-id', message('丁'));
      await log.replace(conversation(), `${a}|0000001`, message('戊'));
      expect((await log.since(a, '')).activities.map((x) => x.text)).to.deep.equal(['甲']);
      expect((await log.since(b, '')).activities).to.deep.equal([]);
    });

    it('appendAll: several activities in order, ids following on, after the replacement when one is given', async () => {
      const id = conversation();
      await log.create(id);
      const mine = await log.append(id, message('11010519491231002X'));
      expect(await log.appendAll(id, [])).to.deep.equal([]);
      const ids = await log.appendAll(id, [message('二'), message('三')], { id: mine, activity: message('1101**********002X') });
      expect(ids).to.deep.equal([`${id}|0000002`, `${id}|0000003`]);
      await log.appendAll(id, [], { id: `${id}|0000003`, activity: message('叁') });
      expect((await log.since(id, '')).activities.map((a) => [a.id, a.text])).to.deep.equal([
        [mine, '1101**********002X'],
        [`${id}|0000002`, '二'],
        [`${id}|0000003`, '叁'],
      ]);
    });

    it('an unknown conversation has no activities', async () => {
      expect(await log.since(conversation(), '')).to.deep.equal({ activities: [], watermark: '0' });
    });
  });
}

