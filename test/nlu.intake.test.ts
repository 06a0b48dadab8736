import { expect } from 'chai';
import { loadProfiles } from '../src/domain/profile.js';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placesMentionedIn } from '../src/domain/places.js';
import { createUnderstanding } from '../src/nlu/index.js';
import { DEFAULT_EXAMPLES_DIR, loadExamples } from '../src/nlu/examples.js';
import { cueFacts } from '../src/nlu/intake.js';
import { TextAnalyser } from '../src/nlu/text.js';
import type { NluLocale } from '../src/nlu/understanding.js';

const u = createUnderstanding();
const longTermMinDays = loadProfiles().get('rizhao')!.longTermMinDays.value;
const TODAY = '2026-11-24';

describe('understanding: the one-sentence intake states only what the text says', () => {
  it('“我是日照的退休职工，户口迁到海口了，现在跟女儿住在海口” → insured 日照, treatment 海口, self, retired, hukou moved, long stay', () => {
    expect(u.intake('我是日照的退休职工，户口迁到海口了，现在跟女儿住在海口', 'zh-CN', TODAY, { longTermMinDays })).to.deep.equal({
      insuredPlace: '371100',
      treatmentPlace: '460100',
      filerMode: 'SELF',
      retired: true,
      hukouMoved: true,
      longTerm: true,
    });
  });

  it('“帮我妈办” makes the filer an agent', () => expect(u.intake('帮我妈办一下，她在青岛住', 'zh-CN', TODAY)).to.include({ filerMode: 'AGENT' }));

  it('an emergency told in words: now EMERGENCY_NOW, the place of treatment, nothing else guessed', () => {
    const facts = u.intake('我在广州出差，急性阑尾炎，现在在急诊', 'zh-CN', TODAY);
    expect(facts).to.deep.equal({ treatmentPlace: '440100', filerMode: 'SELF', now: 'EMERGENCY_NOW' });
  });

  it('in hospital since a date: IN_HOSPITAL and the admission date from the dates recogniser', () => {
    expect(u.intake('我爸上周三在北京住的院，还没出院', 'zh-CN', TODAY)).to.include({ now: 'IN_HOSPITAL', admissionDate: '2026-11-18', filerMode: 'AGENT', treatmentPlace: '110000' });
  });

  it('discharged and paid: DISCHARGED_PAID', () => expect(u.intake('已经出院了，钱都是自己付的', 'zh-CN', TODAY)).to.include({ now: 'DISCHARGED_PAID' }));

  it('negations: hukou not moved, not sent by an employer, no referral', () => {
    expect(u.intake('户口没迁，不是单位派的，没开转诊', 'zh-CN', TODAY)).to.include({ hukouMoved: false, dispatchedByEmployer: false, hasReferral: false });
  });

  it('a student, a scheme, a county-level place (昆山 is pooled in 苏州)', () => {
    expect(u.intake('孩子在昆山上大学，居民医保', 'zh-CN', TODAY)).to.include({ student: true, scheme: 'RESIDENT', treatmentPlace: '320500' });
  });

  describe('how long: stayDays always, longTerm only against a threshold', () => {
    it('with the threshold: 两年 is long-term', () => expect(u.intake('去上海待两年', 'zh-CN', TODAY, { longTermMinDays })).to.include({ stayDays: 731, longTerm: true }));
    it('without it: the days only', () => {
      const facts = u.intake('去上海待两年', 'zh-CN', TODAY);
      expect(facts.stayDays).to.equal(731);
      expect(facts.longTerm).to.equal(undefined);
    });
    it('“退休好几年了” is no stay', () => expect(u.intake('退休好几年了', 'zh-CN', TODAY).stayDays).to.equal(undefined));
  });

  it('an ambiguous place is offered as a choice, not picked', () => {
    const facts = u.intake('我要去朝阳看病', 'zh-CN', TODAY);
    expect(facts.treatmentPlace).to.equal(undefined);
    expect(facts.placeChoices?.treatmentPlace).to.include.members(['110000', '211300']);
  });

  it('English: “My dad is insured in Rizhao; he was admitted to a hospital in Shanghai on Monday.”', () => {
    expect(u.intake('My dad is insured in Rizhao; he was admitted to a hospital in Shanghai on Monday.', 'en-US', TODAY)).to.deep.equal({
      insuredPlace: '371100',
      treatmentPlace: '310000',
      filerMode: 'AGENT',
      aboutSomeoneElse: true,
      now: 'IN_HOSPITAL',
      admissionDate: '2026-11-23',
    });
  });

  describe('a hospital’s name is no place by itself; the hospital that refers is not where the treatment is', () => {
    it('“日照人民医院给他开了转诊单，去瑞金医院做手术”: 瑞金医院 is in 上海 (not 瑞金市), 日照 refers', () =>
      expect(u.intake('他还在上班，日照人民医院给他开了转诊单，去瑞金医院做手术', 'zh-CN', TODAY)).to.include({ insuredPlace: '371100', treatmentPlace: '310000', retired: false, hasReferral: true }));
    it('“the hospital in Rizhao referred him to Ruijin hospital”: Rizhao refers, Ruijin Hospital is in Shanghai', () =>
      expect(u.intake('he still works; the hospital in Rizhao referred him to Ruijin hospital for an operation', 'en-US', TODAY)).to.include({ insuredPlace: '371100', treatmentPlace: '310000', retired: false, hasReferral: true }));
    it('“日照的医院给他开了转诊，去上海做手术”: 日照 refers, 上海 is the place of treatment', () =>
      expect(u.intake('日照的医院给他开了转诊，去上海做手术', 'zh-CN', TODAY)).to.include({ insuredPlace: '371100', treatmentPlace: '310000', hasReferral: true }));
    it('“Rizhao People’s Hospital referred him to Huashan Hospital” (not 花山区)', () =>
      expect(u.intake("Rizhao People's Hospital referred him to Huashan Hospital", 'en-US', TODAY)).to.include({ insuredPlace: '371100', treatmentPlace: '310000' }));
    it('well-known hospitals stand for their city: 湘雅医院 长沙, 华西医院 成都, 西京医院 西安', () => {
      expect(u.intake('要去湘雅医院看病', 'zh-CN', TODAY)).to.include({ treatmentPlace: '430100' });
      expect(u.intake('要去华西医院看病', 'zh-CN', TODAY)).to.include({ treatmentPlace: '510100' });
      expect(u.intake('要去西京医院看病', 'zh-CN', TODAY)).to.include({ treatmentPlace: '610100' });
    });
    for (const [locale, words] of [
      ['zh-CN', '要去协和医院看病'],
      ['zh-CN', '要去同济医院看病'],
      ['zh-CN', '要去中山医院看病'],
      ['zh-CN', '要去鼓楼医院看病'],
      ['zh-CN', '要去齐鲁医院看病'],
      ['en-US', 'going to Zhongshan Hospital for treatment'],
      ['en-US', 'going to Tongji Hospital for treatment'],
    ] as const) {
      it(`a name several hospitals share is not guessed: “${words}” names no place`, () => expect(u.intake(words, locale, TODAY)).not.to.have.any.keys('treatmentPlace', 'insuredPlace', 'placeChoices'));
    }
    it('the city said with it still counts: 北京协和医院 → 北京; 瑞金市人民医院 is in 瑞金市 (赣州)', () => {
      expect(u.intake('要去北京协和医院看病', 'zh-CN', TODAY)).to.include({ treatmentPlace: '110000' });
      expect(u.intake('要去瑞金市人民医院看病', 'zh-CN', TODAY)).to.include({ treatmentPlace: '360700' });
    });
    it('a place’s own hospital that treats is the place of treatment: “去上海的医院做手术”', () => expect(u.intake('去上海的医院做手术', 'zh-CN', TODAY)).to.include({ treatmentPlace: '310000' }));
  });

  it('nothing stated, nothing returned', () => expect(u.intake('你好', 'zh-CN', TODAY)).to.deep.equal({}));

  it('nothing inferred: a posting says nothing of retirement, a student may be retired (老年大学), a move says nothing of what is happening now', () => {
    const facts = u.intake('单位派我去上海常驻两年', 'zh-CN', TODAY, { longTermMinDays });
    expect(facts).to.include({ dispatchedByEmployer: true, longTerm: true });
    expect([facts.retired, facts.now]).to.deep.equal([undefined, undefined]);
    expect(u.intake('我在西安上大学', 'zh-CN', TODAY)).to.deep.equal({ treatmentPlace: '610100', filerMode: 'SELF', student: true, longTerm: true });
    expect(u.intake('我在上海上老年大学', 'zh-CN', TODAY)).not.to.have.any.keys('longTerm', 'retired');
  });

  describe('what a sentence states that it did not read before', () => {
    it('studying at a university there is a long stay, as working there is: “娃在杭州读大学”', () => expect(u.intake('娃在杭州读大学，医保是日照的居民医保', 'zh-CN', TODAY)).to.include({ student: true, longTerm: true }));
    it('the place right before the scheme is the insured one: “我日照职工医保，公司外派到深圳三年” → insured 日照', () =>
      expect(u.intake('我日照职工医保，公司外派到深圳三年', 'zh-CN', TODAY, { longTermMinDays })).to.include({ insuredPlace: '371100', treatmentPlace: '440300', scheme: 'EMPLOYEE' }));
    it('“my company is sending me” is still to come: planning', () =>
      expect(u.intake('My company is sending me from Rizhao to Shanghai for two years.', 'en-US', TODAY, { longTermMinDays })).to.include({ now: 'PLANNING', dispatchedByEmployer: true }));
    it('“moving to Shanghai permanently” is still to come: planning, as “打算去上海住两年” is', () => {
      expect(u.intake("I'm insured in Rizhao and moving to Shanghai permanently", 'en-US', TODAY, { longTermMinDays })).to.include({ now: 'PLANNING', longTerm: true, treatmentPlace: '310000' });
      expect(u.intake('打算去上海住两年', 'zh-CN', TODAY, { longTermMinDays })).to.include({ now: 'PLANNING', longTerm: true });
    });
    it('“I moved to Shanghai” is no plan', () => expect(u.intake('I moved to Shanghai last year', 'en-US', TODAY)).not.to.include({ now: 'PLANNING' }));
    it('who files, said outright: “本人” / “for myself” is one’s own filing; “我想” alone is not', () => {
      expect(u.intake('给我自己办备案', 'zh-CN', TODAY)).to.include({ ownFiling: true });
      expect(u.intake('I want to file for myself', 'en-US', TODAY)).to.include({ ownFiling: true });
      expect(u.intake('我想办备案', 'zh-CN', TODAY)).not.to.have.any.keys('ownFiling');
      expect(u.intake('替老伴办异地就医备案', 'zh-CN', TODAY)).to.include({ filerMode: 'AGENT', forSomeoneElse: true });
      expect(u.intake('She said I need to file', 'en-US', TODAY)).not.to.have.any.keys('forSomeoneElse');
    });
    it('words all about another person are about someone else: “我爸在日照参保，要去上海做手术”; not their words, nor with a clause of one’s own', () => {
      expect(u.intake('我爸在日照参保，要去上海做手术', 'zh-CN', TODAY)).to.include({ aboutSomeoneElse: true, filerMode: 'AGENT' });
      expect(u.intake('my father is insured in Rizhao and he needs surgery in Shanghai next month', 'en-US', TODAY)).to.include({ aboutSomeoneElse: true, filerMode: 'AGENT' });
      expect(u.intake('她说我要办', 'zh-CN', TODAY)).to.deep.equal({ filerMode: 'SELF' });
      expect(u.intake('我妈让我问问怎么办备案', 'zh-CN', TODAY)).not.to.have.any.keys('aboutSomeoneElse', 'forSomeoneElse');
      expect(u.intake('She said I need to file', 'en-US', TODAY)).not.to.have.any.keys('aboutSomeoneElse');
      expect(u.intake('我老公在上海上班，我要去上海看病', 'zh-CN', TODAY)).not.to.have.any.keys('aboutSomeoneElse');
      expect(u.intake('I want to file for my surgery', 'en-US', TODAY)).not.to.have.any.keys('forSomeoneElse');
      expect(u.intake('I want to file for my mum', 'en-US', TODAY)).to.include({ forSomeoneElse: true });
    });
    it('帮她 / for her says someone else only where the words name that person', () => {
      expect(u.intake('我妈要去上海看病，帮她办备案', 'zh-CN', TODAY)).to.include({ filerMode: 'AGENT', forSomeoneElse: true });
      expect(u.intake('My mum is going to Shanghai for treatment, file it for her', 'en-US', TODAY)).to.include({ forSomeoneElse: true });
      expect(u.intake('帮她办备案', 'zh-CN', TODAY)).not.to.have.any.keys('forSomeoneElse');
      expect(u.intake('我妈说不用帮她办', 'zh-CN', TODAY)).not.to.have.any.keys('forSomeoneElse');
      expect(u.intake('My mum is going to Shanghai, file it for here', 'en-US', TODAY)).not.to.have.any.keys('forSomeoneElse');
    });
    it('a filing for her declined anywhere in the clause (English puts “not” words before the pronoun)', () => {
      expect(u.intake("My mum is going to Shanghai, I don't need to file for her", 'en-US', TODAY)).not.to.have.any.keys('forSomeoneElse');
      expect(u.intake('My mum is going to Shanghai, I really do not have to do the filing for her', 'en-US', TODAY)).not.to.have.any.keys('forSomeoneElse');
      expect(u.intake("My mum is going to Shanghai, I don't know how, can you file it for her", 'en-US', TODAY)).to.include({ forSomeoneElse: true });
    });
    it('“在医院” alone says neither an emergency nor a stay', () => expect(u.intake('我妈在医院', 'zh-CN', TODAY)).not.to.have.any.keys('now'));
  });

  describe('a place named again in a hukou sentence is the home, the insured place: it cancels nothing', () => {
    it('“…两年前搬到三亚跟儿子住，户口还在日照” / “Hukou still in Rizhao.”: both places, hukou not moved', () => {
      expect(u.intake('我退休了，在日照参保，两年前搬到三亚跟儿子住，户口还在日照', 'zh-CN', TODAY)).to.include({ insuredPlace: '371100', treatmentPlace: '460200', hukouMoved: false });
      const en = "I'm retired, insured in Rizhao, and I moved to Sanya to live with my son two years ago. Hukou still in Rizhao.";
      expect(u.intake(en, 'en-US', TODAY)).to.include({ insuredPlace: '371100', treatmentPlace: '460200', hukouMoved: false });
      const atInsured = u.placeIn(en, 'en-US', 'insured');
      expect(atInsured.status === 'picked' && atInsured.mention.said).to.equal('Rizhao');
    });
    it('the insured place named again with a bare 在 / “in” (“户口没迁，还在日照”) does not tie with the place one lives in', () => {
      expect(u.intake('我在日照参保，现在在三亚跟女儿住，户口没迁，还在日照', 'zh-CN', TODAY)).to.include({ insuredPlace: '371100', treatmentPlace: '460200' });
      expect(u.intake('Insured in Rizhao, moved in with my daughter in Sanya; hukou not moved, still in Rizhao.', 'en-US', TODAY)).to.include({ insuredPlace: '371100', treatmentPlace: '460200' });
    });
    it('“我是日照人” is the person’s own place (ofPerson 人), “日照人民医院” is not', () => {
      expect(u.intake('我是日照人，退休后随子女到三亚定居', 'zh-CN', TODAY)).to.include({ insuredPlace: '371100', treatmentPlace: '460200', longTerm: true });
      expect(u.intake('在日照人民医院看过，要去三亚看病', 'zh-CN', TODAY)).not.to.have.any.keys('insuredPlace');
    });
    it('“现在住在三亚” is where one lives (a long stay); “现在住在医院” is a hospital stay, no long stay', () => {
      expect(u.intake('我现在住在三亚', 'zh-CN', TODAY)).to.include({ treatmentPlace: '460200', longTerm: true });
      expect(u.intake('我妈现在住在医院', 'zh-CN', TODAY)).to.include({ now: 'IN_HOSPITAL' }).and.not.to.have.any.keys('longTerm');
    });
    it('“三天前搬到三亚跟儿子住” / “moved … three days ago”: when one moved is no three-day stay — the stay words say long-term', () => {
      expect(u.intake('我在日照参保，三天前搬到三亚跟儿子住', 'zh-CN', TODAY, { longTermMinDays })).to.include({ longTerm: true }).and.not.to.have.any.keys('stayDays');
      expect(u.intake("I'm insured in Rizhao and moved to Sanya to live with my son three days ago", 'en-US', TODAY, { longTermMinDays })).to.include({ longTerm: true }).and.not.to.have.any.keys('stayDays');
    });
    it('“my hukou didn’t move”, “my household registration is still in Rizhao”: hukou not moved, the insured place', () => {
      expect(u.intake("Retired. Insured in Rizhao. Living in Sanya with my son since 2024. My hukou didn't move.", 'en-US', TODAY)).to.include({ hukouMoved: false });
      const still = u.placeIn("I'm insured in Rizhao and live in Sanya with my son, my household registration is still in Rizhao.", 'en-US', 'insured');
      expect(still.status === 'picked' && still.mention.said).to.equal('Rizhao');
      expect(u.intake("I'm insured in Rizhao and live in Sanya with my son, my household registration is still in Rizhao.", 'en-US', TODAY)).to.include({ hukouMoved: false });
    });
    it('one’s own retirement told in the first person (“我退休了”, “I’m retired”) with nobody else in the words is one’s own filing (intake ownSituation)', () => {
      expect(u.intake('我退休了，在日照参保', 'zh-CN', TODAY)).to.include({ ownFiling: true });
      expect(u.intake("I'm retired, insured in Rizhao", 'en-US', TODAY)).to.include({ ownFiling: true });
      for (const [words, locale] of [['我没退休，在日照参保', 'zh-CN'], ['我妈退休了，在日照参保', 'zh-CN'], ['我退休了，想给我妈办', 'zh-CN'], ["I'm not retired", 'en-US'], ["I'm retired and want to file for my mum", 'en-US']] as const) {
        expect(u.intake(words, locale, TODAY), words).not.to.have.any.keys('ownFiling');
      }
    });
    it('“Hukou” in an English sentence is the registration, not 湖口 (Jiangxi): no place of its own', () => {
      expect(placesMentionedIn('Hukou still in Rizhao. I live in Sanya.').map((m) => m.said)).to.deep.equal(['Rizhao', 'Sanya']);
      const reading = u.placeIn('Hukou is in Rizhao', 'en-US', 'insured');
      expect(reading.status === 'picked' && reading.mention.said).to.equal('Rizhao');
    });
  });
});

describe('understanding: the cue words of who files and of the places are content (content/nlu/<locale>/intake.json)', () => {
  const dirs: string[] = [];
  /** A copy of content/nlu/ with the zh-CN intake cues changed. */
  const examplesWith = (change: (intake: Record<string, any>) => void): string => {
    const dir = mkdtempSync(join(tmpdir(), 'nlu-intake-'));
    dirs.push(dir);
    cpSync(DEFAULT_EXAMPLES_DIR, dir, { recursive: true });
    const file = join(dir, 'zh-CN', 'intake.json');
    const intake = JSON.parse(readFileSync(file, 'utf8'));
    change(intake);
    writeFileSync(file, JSON.stringify(intake));
    return dir;
  };
  const intakeWith = (change: (intake: Record<string, any>) => void) => createUnderstanding({ examplesDir: examplesWith(change), modelCacheDir: false });
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('a filing for that person declined (不用帮她办): the words are agentDeclined', () => {
    expect(u.intake('我妈要去上海看病，犯不着帮她办', 'zh-CN', TODAY)).to.include({ forSomeoneElse: true });
    const declined = intakeWith((i) => i.agentDeclined.push('犯不着'));
    expect(declined.intake('我妈要去上海看病，犯不着帮她办', 'zh-CN', TODAY)).not.to.have.any.keys('forSomeoneElse');
  });

  it('where one comes from (从日照) is the insured place: the words are comesFrom', () => {
    expect(u.intake('来自日照，在上海看病', 'zh-CN', TODAY)).not.to.have.any.keys('insuredPlace');
    expect(intakeWith((i) => i.comesFrom.push('来自')).intake('来自日照，在上海看病', 'zh-CN', TODAY)).to.include({ insuredPlace: '371100', treatmentPlace: '310000' });
  });

  it('a place said of the person (她是日照的) is the insured place: the words are ofPerson', () => {
    expect(u.intake('她是日照的，在上海看病', 'zh-CN', TODAY)).to.include({ insuredPlace: '371100' });
    expect(u.intake('北京的医院好，在北京看病', 'zh-CN', TODAY)).not.to.have.any.keys('insuredPlace');
    expect(intakeWith((i) => (i.ofPerson.words = [])).intake('她是日照的，在上海看病', 'zh-CN', TODAY)).not.to.have.any.keys('insuredPlace');
  });

  it('a negation right before a cue (并非领养老金) and “not discharged” words are content: negationBefore, notDischarged', () => {
    expect(u.intake('我并非领养老金的', 'zh-CN', TODAY)).to.include({ retired: false });
    expect(intakeWith((i) => (i.negationBefore = i.negationBefore.filter((w: string) => w !== '并非'))).intake('我并非领养老金的', 'zh-CN', TODAY)).to.include({ retired: true });
    // A not-discharged word read first keeps a discharge word from saying discharged.
    const discharged = u.intake('已经出院了', 'zh-CN', TODAY).now;
    expect(discharged).to.equal('DISCHARGED_PAID');
    expect(intakeWith((i) => i.notDischarged.push('已经出院')).intake('已经出院了', 'zh-CN', TODAY).now).to.not.equal('DISCHARGED_PAID');
  });

  for (const key of ['agentDeclined', 'comesFrom', 'ofPerson', 'negationBefore', 'notDischarged']) {
    it(`an intake.json without ${key} stops loading, naming the file and the field`, () => {
      const dir = examplesWith((i) => delete i[key]);
      expect(() => loadExamples(dir, 'zh-CN')).to.throw(/zh-CN\/intake\.json: .*\b(agentDeclined|comesFrom|ofPerson|negationBefore|notDischarged)\b/);
    });
  }
});

describe('understanding: the cue-word facts of a question’s reading are the intake’s own (one reading)', () => {
  const dev = JSON.parse(readFileSync(new URL('./nlu/dev-set.json', import.meta.url), 'utf8')) as { intake: Array<{ locale: NluLocale; text: string }>; choices: Array<{ locale: NluLocale; text: string }> };
  const ctx = (locale: NluLocale) => {
    const examples = loadExamples(DEFAULT_EXAMPLES_DIR, locale);
    return { examples, analyser: new TextAnalyser(locale, examples.lexicon) };
  };
  const ctxs = { 'zh-CN': ctx('zh-CN'), 'en-US': ctx('en-US') };
  const YES_NO = ['retired', 'hukouMoved', 'dispatchedByEmployer', 'hasReferral', 'insuranceActive', 'student', 'now'] as const;

  it('retired, hukou, posting, referral, insurance, student and now: as the intake reads them, for every description and answer of the dev set', () => {
    let stated = 0;
    for (const { locale, text } of [...dev.intake, ...dev.choices]) {
      const intake = u.intake(text, locale, TODAY);
      const cues = cueFacts(text, locale, ctxs[locale]);
      for (const key of YES_NO) expect(cues[key], `${key} of “${text}”`).to.equal(intake[key]);
      stated += YES_NO.filter((key) => cues[key] !== undefined).length;
    }
    expect(stated).to.be.greaterThan(100);
  });

  it('longTerm: whether the stay is spoken of (a duration, or stay words away from a hospital stay)', () => {
    const zh = ctxs['zh-CN'];
    expect(cueFacts('去上海待两年', 'zh-CN', zh)).to.include({ longTerm: true });
    expect(cueFacts('就去几天，很快回来', 'zh-CN', zh)).to.include({ longTerm: true });
    expect(cueFacts('还没退休', 'zh-CN', zh)).to.deep.equal({ retired: false });
  });
});

describe('understanding: the intake read once for the same words, language and day', () => {
  const TEXT = '给我妈办，她是日照的，在北京住院，有转诊';
  it('each caller gets its own copy: a change made to one reading is not in the next', () => {
    const first = u.intake(TEXT, 'zh-CN', TODAY);
    const expected = structuredClone(first);
    expect(first.insuredPlace).to.equal('371100');
    first.insuredPlace = '110000';
    delete first.hasReferral;
    if (first.placeChoices) first.placeChoices.treatmentPlace = ['000000'];
    expect(u.intake(TEXT, 'zh-CN', TODAY)).to.deep.equal(expected);
  });
  it('another day or language is read again', () => {
    expect(u.intake('昨天住院了', 'zh-CN', TODAY).admissionDate).to.equal('2026-11-23');
    expect(u.intake('昨天住院了', 'zh-CN', '2026-11-20').admissionDate).to.equal('2026-11-19');
  });
});
