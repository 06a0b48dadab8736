import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config.js';
import { DataKeyRing, dataKeyRingFor, keyFromFile, newDataKey, parseDataKey } from '../src/privacy/data-keys.js';
import { DataKeyError, FieldCipher } from '../src/privacy/field-cipher.js';
import { SealedFields } from '../src/privacy/sealed-fields.js';
import { OLD_TEST_DATA_KEY, TEST_DATA_KEY } from './support/keys.js';

const ROOT = new URL('..', import.meta.url).pathname;
const run = promisify(execFile);

describe('data keys', () => {
  it('a key is 32 bytes written in base64 or base64url; anything else is refused', () => {
    const bytes = Buffer.alloc(32, 0xfb);
    expect(parseDataKey(bytes.toString('base64'))).to.deep.equal(bytes);
    expect(parseDataKey(bytes.toString('base64url'))).to.deep.equal(bytes);
    for (const bad of ['', 'short', Buffer.alloc(31).toString('base64'), Buffer.alloc(33).toString('base64'), `${TEST_DATA_KEY}!`, 'x'.repeat(64)]) {
      expect(parseDataKey(bad), bad).to.equal(undefined);
    }
    expect(parseDataKey(newDataKey())).to.have.length(32);
    expect(newDataKey()).to.not.equal(newDataKey());
  });

  it('each key has an id derived from it: stable, 8 characters, not the key, and two keys have two ids', () => {
    const a = DataKeyRing.fromText(TEST_DATA_KEY).current.id;
    expect(a).to.match(/^[\w-]{8}$/);
    expect(DataKeyRing.fromText(TEST_DATA_KEY).current.id).to.equal(a);
    expect(TEST_DATA_KEY).to.not.include(a);
    expect(DataKeyRing.fromText(OLD_TEST_DATA_KEY).current.id).to.not.equal(a);
  });

  it('a ring holds the current key first and each older one once', () => {
    const ring = DataKeyRing.fromText(TEST_DATA_KEY, [OLD_TEST_DATA_KEY, OLD_TEST_DATA_KEY, TEST_DATA_KEY]);
    expect(ring.keys.map((k) => k.id)).to.deep.equal([DataKeyRing.fromText(TEST_DATA_KEY).current.id, DataKeyRing.fromText(OLD_TEST_DATA_KEY).current.id]);
  });

  it('npm run -s data:key prints one new key, which the configuration accepts', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'data:key'], { cwd: ROOT });
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines).to.have.length(1);
    expect(parseDataKey(lines[0]!)).to.have.length(32);
    expect(loadConfig({ DATA_ENCRYPTION_KEY: lines[0]! }).dataEncryption.key).to.equal(lines[0]);
  });

  describe('the local key file (no DATA_ENCRYPTION_KEY)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'data-key-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('is made on first use (0600, its folder 0700) and read back on the next start', () => {
      const path = join(dir, 'first', 'data', 'data-encryption.key');
      const made = keyFromFile(path);
      expect(made.created).to.equal(true);
      expect(statSync(path).mode & 0o777).to.equal(0o600);
      expect(statSync(join(path, '..')).mode & 0o777).to.equal(0o700);
      expect(keyFromFile(path)).to.deep.equal({ key: made.key, created: false });
    });

    it('a file that does not hold a key stops start-up rather than being replaced', () => {
      const path = join(dir, 'garbage.key');
      writeFileSync(path, 'not a key\n');
      expect(() => keyFromFile(path)).to.throw(/does not hold a data key/);
      expect(readFileSync(path, 'utf8')).to.equal('not a key\n');
    });

    it('is used only when no key is configured; a configured key wins, with its older keys', () => {
      const path = join(dir, 'unused', 'data-encryption.key');
      const configured = dataKeyRingFor({ key: TEST_DATA_KEY, olderKeys: [OLD_TEST_DATA_KEY] }, path);
      expect(configured.keyFile).to.equal(undefined);
      expect(configured.ring.keys).to.have.length(2);
      expect(() => statSync(path)).to.throw();
      const local = dataKeyRingFor({ olderKeys: [] }, path);
      expect(local.keyFile).to.deep.equal({ path, created: true });
    });
  });

  describe('configuration', () => {
    const production = { MicrosoftAppId: '00000000-0000-0000-0000-000000000000', MicrosoftAppPassword: 'x', WEB_TOKEN_SECRET: 'w'.repeat(40) };
    it('DATA_ENCRYPTION_KEY and DATA_ENCRYPTION_KEYS are read; a wrong one is named, never echoed', () => {
      expect(loadConfig({ DATA_ENCRYPTION_KEY: TEST_DATA_KEY, DATA_ENCRYPTION_KEYS: ` ${OLD_TEST_DATA_KEY} , ` }).dataEncryption).to.deep.equal({
        key: TEST_DATA_KEY,
        olderKeys: [OLD_TEST_DATA_KEY],
      });
      expect(loadConfig({}).dataEncryption).to.deep.equal({ key: undefined, olderKeys: [] });
      expect(() => loadConfig({ DATA_ENCRYPTION_KEY: 'secret-but-short' })).to.throw(/DATA_ENCRYPTION_KEY must be 32 random bytes/);
      expect(() => loadConfig({ DATA_ENCRYPTION_KEY: 'secret-but-short' })).to.throw().with.property('message').that.does.not.include('secret-but-short');
      expect(() => loadConfig({ DATA_ENCRYPTION_KEY: TEST_DATA_KEY, DATA_ENCRYPTION_KEYS: `${OLD_TEST_DATA_KEY},nope` })).to.throw(/DATA_ENCRYPTION_KEYS must be/);
    });
    it('is required with a Bot Framework registration, REDIS_URL or FILINGS_URL (every instance must share it); older keys need a current one', () => {
      expect(() => loadConfig(production)).to.throw(/DATA_ENCRYPTION_KEY is required when MicrosoftAppId is set/);
      expect(() => loadConfig({ ...production, DATA_ENCRYPTION_KEY: TEST_DATA_KEY })).to.not.throw();
      expect(() => loadConfig({ FILINGS_URL: 'postgres://u@h/db' })).to.throw(/DATA_ENCRYPTION_KEY is required when FILINGS_URL is set/);
      expect(() => loadConfig({ REDIS_URL: 'redis://r:6379' })).to.throw(/DATA_ENCRYPTION_KEY is required when REDIS_URL is set/);
      expect(() => loadConfig({ REDIS_URL: 'redis://r:6379', DATA_ENCRYPTION_KEY: TEST_DATA_KEY })).to.not.throw();
      expect(() => loadConfig({ DATA_ENCRYPTION_KEYS: OLD_TEST_DATA_KEY })).to.throw(/DATA_ENCRYPTION_KEY is required when DATA_ENCRYPTION_KEYS is set/);
    });
  });
});

describe('sealing fields (AES-256-GCM)', () => {
  const cipher = new FieldCipher(DataKeyRing.fromText(TEST_DATA_KEY));

  it('a sealed value opens to what was sealed, names its key, and never repeats (a fresh IV each time)', () => {
    const a = cipher.seal('11010519491231002X', 'person.idNumber');
    const b = cipher.seal('11010519491231002X', 'person.idNumber');
    expect(a).to.match(new RegExp(`^enc1:${cipher.keyId}:[\\w-]+$`));
    expect(a).to.not.equal(b);
    expect(a).to.not.include('11010519491231002X');
    expect(cipher.open(a, 'person.idNumber')).to.equal('11010519491231002X');
    expect(cipher.open('', 'x')).to.equal('');
    expect(cipher.open(cipher.seal('', 'x'), 'x')).to.equal('');
    expect(cipher.open(cipher.seal('欧阳娜娜 · Jean-Luc', 'person.name'), 'person.name')).to.equal('欧阳娜娜 · Jean-Luc');
  });

  it('a value in clear (written before sealing) reads as it is', () => {
    expect(cipher.open('13812345678', 'person.phone')).to.equal('13812345678');
  });

  it('a value changed by one character, cut short, or moved to another record does not open', () => {
    const sealed = cipher.seal('13812345678', 'person.phone');
    const body = sealed.slice(sealed.lastIndexOf(':') + 1);
    const flipped = `${sealed.slice(0, sealed.length - body.length)}${body[0] === 'A' ? 'B' : 'A'}${body.slice(1)}`;
    for (const [value, label] of [
      [flipped, 'person.phone'],
      [sealed.slice(0, -4), 'person.phone'],
      [sealed, 'agent.phone'],
    ] as const) {
      const err = (() => {
        try {
          cipher.open(value, label);
        } catch (e) {
          return e as DataKeyError;
        }
        return undefined;
      })();
      expect(err, `${label}`).to.be.instanceOf(DataKeyError);
      expect(err!.code).to.equal('NOT_AUTHENTIC');
      expect(err!.message).to.not.include('13812345678');
    }
  });

  it('lookup hashes: keyed, one per key of the ring, the same for the same input and key', () => {
    const ring = DataKeyRing.fromText(TEST_DATA_KEY, [OLD_TEST_DATA_KEY]);
    const both = new FieldCipher(ring);
    const hashes = both.lookupHashes('resident-id', '11010519491231002X');
    expect(hashes).to.have.length(2);
    expect(hashes[0]).to.equal(cipher.lookupHash('resident-id', '11010519491231002X'));
    expect(hashes[1]).to.equal(new FieldCipher(DataKeyRing.fromText(OLD_TEST_DATA_KEY)).lookupHash('resident-id', '11010519491231002X'));
    expect(hashes[0]).to.not.include('11010519491231002X');
    expect(cipher.lookupHash('resident-id', '110101199003074514')).to.not.equal(hashes[0]);
    expect(cipher.lookupHash('phone', '11010519491231002X')).to.not.equal(hashes[0]);
  });

  it('SealedFields seals the listed string fields together into one envelope bound to its context, and never changes its input', () => {
    const fields = new SealedFields(cipher, ['person.idNumber', 'person.name', 'agent.idNumber', 'address']);
    const input = { person: { idNumber: '11010519491231002X', name: '张三', age: 70 }, agent: undefined, institutions: ['a'], address: 42 };
    const copy = structuredClone(input);
    const sealed = fields.seal(input, 'filing:YD1') as Record<string, unknown>;
    expect(input).to.deep.equal(copy);
    expect(sealed['$sealed']).to.match(/^enc1:/);
    expect(sealed['person']).to.deep.equal({ age: 70 }); // the personal fields left their places
    expect(JSON.stringify(sealed)).to.not.include('11010519491231002X').and.not.include('张三');
    expect(sealed['institutions']).to.equal(input.institutions); // shared, not copied
    expect(sealed['address']).to.equal(42); // not a string: not sealed
    expect(fields.open(sealed, 'filing:YD1')).to.deep.equal(input);
    expect(() => fields.open(sealed, 'filing:YD2'), 'another record').to.throw(DataKeyError);
    expect(fields.needsReseal(sealed)).to.equal(false);
    expect(fields.needsReseal(input)).to.equal(true);
    expect(fields.seal({ startDate: '2026-12-01' }, 'x')).to.deep.equal({ startDate: '2026-12-01' }); // nothing personal: no envelope
  });

  it('SealedFields seals again only when a personal value changed since it was opened (a turn that changes none seals nothing)', () => {
    let seals = 0;
    const counting = new FieldCipher(DataKeyRing.fromText(TEST_DATA_KEY));
    const seal = counting.seal.bind(counting);
    counting.seal = (plain: string, label: string) => {
      seals += 1;
      return seal(plain, label);
    };
    const fields = new SealedFields(counting, ['filing.details.phone', 'filing.details.idNumber']);
    const stored = fields.seal({ filing: { details: { phone: '13812345678', idNumber: '11010519491231002X', startDate: 'x' } } }, 'state:k');
    expect(seals).to.equal(1);
    const opened = fields.open(stored, 'state:k') as { filing: { details: Record<string, string>; asking?: string } };
    opened.filing.asking = 'details.startDate';
    expect((fields.seal(opened, 'state:k') as Record<string, unknown>)['$sealed']).to.equal((stored as Record<string, unknown>)['$sealed']);
    expect(seals).to.equal(1);
    opened.filing.details['phone'] = '13912345678';
    const changed = fields.seal(opened, 'state:k');
    expect(seals).to.equal(2);
    expect((fields.open(changed, 'state:k') as typeof opened).filing.details['phone']).to.equal('13912345678');
  });
});
