"""The discipline flag: a concrete accusation that an official or cadre took or used public
money or power for private gain (DESIGN §4, Flags).

A lead needs an *act* (贪污, 收了…红包, 补课…每月400元) and a *public actor* that commits it: a
person (村主任, 班主任, 民警, and a named body's staff: 城管局职工, 环保局的人) or a public body
(镇政府, 中心小学), found by clause, not by a bare token window:

- the actor stands in the act's clause, or in an earlier clause of its sentence (a Chinese
  topic chain leaves out the subject it carries: 村主任以各种借口推脱，把补偿款私分了), or right
  after the act (贪污的村干部); in a passive clause (补贴被村干部私分) it is the agent after 被,
  but a 被 with a 的 after it only describes a noun (收取被核对家庭的好处费); a body's staff
  (社区工作人员) is a specific person; a heading before a colon (请求调查：村委会…) addresses no
  one;
- a sentence that names no actor at all refers back to the last specific one a few sentences
  before (村干部说有补贴……补贴已被装入某些人的腰包), or to the topic of its own long
  sentence when no other party came between; a pronoun subject (后来他…, 此人, 该人, 这个人,
  其, the southern 伊) stands for the last official named, and so does a pronoun agent after
  被 (扣下的车被他自己开回家); a surname with 某 said again (包村干部叶某…叶某让每户签字) is
  the official it was given to, and a vague title with a name (工作人员姓吴, 姓黄的女工作人员)
  a specific one; an act in the
  title is told by the official of the sentences after it, unless a pronoun is its subject
  (我想举报我的前夫，他…骗取了低保。村干部不知道…);
- a gift goes to the official or the body after 给 or 向 (老板给局长送了五万元, 都给他送红包,
  老板每年给环保局送钱), unless it was sent back in its sentence or the next (塞给他一个红包。
  他当场退回去了): the private giver does not clear him, nor does a party that a
  preposition or a verb of taking makes an object (站长向施工企业吃拿卡要, 副局长收受承包商贿赂);
- a backer (砖厂有镇领导做后台, 赌场的保护伞是派出所所长, 包庇开发商) is looked for in the act's
  clause only, and the private party it shields does not clear it; 给我们老百姓撑腰 is a wish,
  撑腰, 罩着 or 做后台 backs someone only with a business in reach and the official right
  before the word (老板仗着有村支书撑腰, 赌场老板有派出所所长罩着; not 环保局要求砖厂用防尘网
  罩着土堆, 后台是系统自动审核的, 低保户有村干部做后台), an official before 仗着 is the one
  backed (村支书仗着有后台), and a backed business that has been caught (撑腰的赌场终于被查了)
  is news; siding with a firm (纵容企业, 偏袒开发商) or colluding with one (城管与商家串通一气)
  is a lead only with the official's gain or a favour he does in its sentence (收了好处,
  从中获利, 通风报信), not the public's 利益 harmed, a price or a sum;
- an official who catches the doer, the act told of the one caught in the catcher's clause
  (民警抓获了伙同不法分子盗窃的嫌疑人), is not its actor; he is the actor of a later act of
  his own (民警抓获了一个小偷，把追回的赃款据为己有), and 抓住 seizes a chance, not a doer;
- a private party in the actor's place is the subject instead (培训机构炒作老师补课收费), unless
  joined to the official (老板伙同村干部); an official someone only claims to be (冒充民警,
  自称是住建局的人), or one a swindler says he knows (到处说他认识民政所长), is no one in that
  mention only — another mention, before or after, may be
  a real one (民警收了我两百元。…有个自称是民警的人…) — and a kinship claimed (自称是镇长的
  亲戚, 说自己是村主任的表哥) leaves the official a real one but neither the actor in that
  mention nor the claimant his relative, and a lie told (谎称镇长同意了) leaves him real and
  accused; the one the writer says
  he is, or one of his household (我是一名退休教师, 本人系中学教师, 我爱人是小学老师), is not
  accused when the title ends his clause but for a name (我是村会计张某，), though the one he
  comes to report or stands in a relation to is (我是来举报村主任的, 他作为村支书, 我是村主任王
  某的邻居, 我是村会计克扣低保金的受害者, 我是村主任叫去按的手印);
- a question, a wish, a rule, a rumour, news or a denial (是否…？, 不要, 杜绝, 听说, 有人造谣说,
  看到新闻说, 谁敢…一律, 我没说他贪污) and a negation right before (没有贪污) cancel the act; so
  does a question word inside a pair (进了谁的口袋); a request word (可否, 是否可以, 请问, 希望)
  only in its own clause (可否请领导查一查，村会计私分了… is an accusation); a why-question
  takes the act as given (为什么扶贫资金被村书记拿去…？ accuses), and a denial that ends its
  clause says only that something is not there (好多人根本不存在，用假人头领了扶贫款);
- an official's relative or crony (村书记的哥哥, 他的表哥, 支书的牌友, 和村主任是亲属关系) who
  gets a favour named in the same sentence, before or after (承包了工程, 公益岗位…有三个是村支
  书的亲戚, 转入其妻子的银行账户), or whose business is shielded (老板有亲戚在环保局…举报了也不
  了了之) is a lead too; 他 or 她 before the relative (他堂哥, 他的表妹) may stand for an official
  up to three sentences before, 其 (其父) only for one in its sentence; it is no lead when the
  tie or the favour is denied (和村主任没有亲属关系, 没有一个关系户, 亲戚不能吃低保, 书记的亲戚
  根本不在名单上) or a sentence up to three before or after its own calls the benefit lawful
  (依法享受, 公示过, 主动回避, 按政策符合条件: a letter that answers a rumour).

Pairs whose other half is an amount of money (扣了|五十块, 给他|三千块钱) match any sum (a bare
numeral only when no measure follows it: not 六十|平米). A pair may want a specific actor
(为了利益: 卫生局 or 村主任, not 医院 or 政府, whose revenue is a price complaint), the actor
right before its anchor (有所长罩着), both its words in one clause (关系…调进城), the sentence
going on after it (为了个人利益，违规审批; not 只为了个人利益。), be cancelled by a word in its
own clause (她的辅导班是免费的, not 学校的免费午餐 a clause away), by a subject between its
words (扣押的电动车我已经开回家了) or by a negation a few words before (没有一个关系户), or
need a word in its sentence (勾结…从中获利), two in its sentence (学生 and 每月 for a
teacher's own class) or a sum in its clause (只给我开了六百元的收据). Each clause or sentence
is read for those words once at most, so a long text without a full stop costs no more than
its length; and an act looks for its actor, a relative for its official and its favour,
only among the hits within reach of it (found by position: the scope, the anaphora window,
the relative's clauses), never among all the parties of a long message. Words that hold an
act but are plain (工作关系, 户口关系) are kept whole by jieba.

``triage.classify`` collects the hits in its one pass over the tokens; this module owns the
words (``[actors]`` and ``[discipline]`` in ``data/lexicon.toml``) and the decision. Every
positive decision names the act, the actor and the rule. Pure; importable by anything.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Act strengths: who may commit the act.
#   implicit  the act names its official actor itself (串标 in a public tender)
#   strong    a person or a public body (贪污, 截留, 收了…红包)
#   backer    a person or a public body that backs a private party (砖厂有镇领导做后台, 赌场
#             的保护伞是派出所所长): the party it shields is no subject that clears it, and
#             only the act's clause is searched (深挖保护伞 names no one)
#   person    only a person: a body that takes land or a teacher's classes is a policy matter,
#             a cadre who takes land for himself is not (侵占, 有偿补课)
#   village   only a village cadre or committee: they hold collective money themselves, so
#             keeping it back is withholding, not a late payment (村委会不愿补偿给村民)
#   civil     a person or a public body, and only where social-assistance benefits are at stake:
#             an official who bends the rules over 低保 or 特困 favours someone (滥用职权,
#             违规审批), elsewhere the same words are a conduct complaint without private gain
#   weak      a person in the act's own clause (索要, 收钱 are everyday words)
STRENGTHS = ("implicit", "strong", "backer", "person", "village", "civil", "weak")
SCOPE_CLAUSES = 2  # an actor up to two clauses before the act, in its sentence…
SCOPE_TOKENS = 30  # …but at most this many tokens away
AFTER_ACT = 4  # an actor after its act stands right by it (贪污的村干部)
ANAPHORA_SENTENCES = 3  # an act with no actor in its sentence refers back this far…
ANAPHORA_TOKENS = 80  # …and at most this many tokens
ADJACENT = 3  # 有|派出所|所长|罩着, 有|村支书|做|后台: the backer right before the backing word
RELATIVE_WINDOW = 6  # 林业局|长|蒋|启|文|的|妻子: the official, a name, 的, the relative
RELATIVE_LINK_WINDOW = 8  # 儿子|就|在|泉州市|安溪县|民政局: a place name may come between
RELATIVE_FAVOUR_CLAUSES = 2  # 副局长的儿子，不通过考试，就到文物所上班了
LAWFUL_SENTENCES = 3  # 村主任的哥哥评上了低保。…家里确实困难。…村主任主动回避了 (or before)

SENTENCE_END = frozenset("。！？!?；;\n")
CLAUSE_END = frozenset("，,：:")  # an enumeration comma (、) does not end a clause
QUESTION_MARK = frozenset("?？")
# A negation before one of these verbs negates the act after it (没有收红包, 从不拿回扣).
TAKE = frozenset({"收", "拿", "要", "收受", "接受", "收过", "拿过", "要过"})
# The petitioner's own family (我的儿子), not the official's (给自己的儿子办了补贴).
_SELF = frozenset({"我", "我的", "我家", "本人", "我们"})
_LINK = frozenset({"在", "是", "当", "、"})  # 有亲戚在环保局, 其女婿、市人社局干部
# A pronoun that makes the relative after it the official's (给了他的表哥, 把自己亲弟弟).
_POSSESSOR = frozenset({
    "他", "她", "他的", "她的", "自己", "自己的", "其", "他们", "她们", "他家", "给他", "给她", "自家",
    "他自己", "她自己", "各自", "各自的", "伊",
})
# A relative word that holds its possessor (其父, 他爸): no link to an official after it (其子
# 是派出所民警 tells whose son the officer is, not an official's relative favoured).
_OWN_PREFIX = ("其", "他", "她")
# A possessive pronoun that may stand for an official named a few sentences before (他当村主任
# 十几年。…他堂哥、他表妹都吃上了低保); 其 stands for the one just named (张某与其妹).
_HIS = frozenset({"他", "她", "他的", "她的", "他自己", "她自己", "他家", "伊"})
# Right after a relative these say he is not among the ones favoured (书记的亲戚根本不在名单上).
_NOT_AMONG = frozenset({"不在", "没在", "并不在"})
# Between an official and a relative these make the relative someone else's (工作人员说她母亲).
_NOT_POSSESSION = frozenset({"说", "问", "让", "叫", "和", "跟", "与", "给", "对", "被", "把", "向", "找"})
# A favour right after one of these is denied (村主任的儿子没有吃低保, 亲戚不能吃低保).
_NEGATION = frozenset({"没有", "没", "不", "未", "并未", "从未", "不是", "不能", "不让", "不准"})
# Up to two words before a relative these deny the tie (和村主任没有亲属关系, 从来不搞关系户).
_NO_KIN = _NEGATION | {"无", "并无", "并没有", "从来不", "从不", "没有一个"}
# Before a party these make it an object or a place, not the subject (给老板, 把村民的地,
# 收了店主送的…, 去民办补课中心兼职).
_OBJECT_BEFORE = frozenset({
    "给", "向", "对", "为", "帮", "替", "把", "将", "让", "叫", "使", "收", "收了", "收受", "接受",
    "拿了", "在", "到", "去",
})
# Before an official these make him the one who receives (老板给局长送了五万元, 向他行贿).
_TO = frozenset({"给", "向", "对", "替", "帮"})
# A pronoun subject stands for the last official named (村会计…他去信用社取了钱，每家扣五十块),
# and so does a pronoun agent after 被 (扣下的车被他自己开回家).
# 此人, 其 and the southern 伊 of a petition in dialect are such pronouns too, and so are 该人
# and 这个人 (the 人 after 该, 这个, 此).
_PRONOUN = frozenset({"他", "她", "他们", "她们", "他自己", "她自己", "此人", "其", "伊"})
_THIS = frozenset({"该", "这个", "此", "那个"})
# Inside a pair these leave the doer unknown (钱进了谁的口袋, 落入了哪些人的腰包).
_UNKNOWN = frozenset({"谁", "哪些", "哪个", "哪些人", "什么人"})
# Before a pronoun these leave it the subject of its clause (后来他…, 结果他们…).
_LEAD_IN = frozenset({
    "结果", "后来", "可", "可是", "但", "但是", "而且", "还", "又", "就", "却", "然后", "并", "并且",
    "而", "都", "竟然", "居然", "直接", "私下", "偷偷",
})
# In a gift's sentence or the next these say it was sent back (塞给他一个红包。他当场退回去了).
_REFUSED = frozenset({"退回", "退回去", "退回来", "退还", "退了回来", "拒收", "退给", "退还给"})
# A pronoun that jieba joins to its preposition: the one a gift goes to (给他, 向他).
_PRONOUN_TO = frozenset({"给他", "给她", "向他", "向她", "交给他", "塞给他"})
# Before a backing act these make the backed party the petitioner or the public (希望政府给
# 我们撑腰, 为老百姓撑腰): a wish, not a shield.
_BACKED_PUBLIC = frozenset({
    "我", "我们", "咱们", "老百姓", "百姓", "群众", "人民", "人民群众", "村民", "居民", "农民",
    "困难户", "弱者", "弱势群体", "低保户", "贫困户", "五保户", "特困户", "老人", "残疾人", "困难群众",
})
# After a public body these name one of its staff (城管局|职工, 卫生院|员工, 环保局|的|人,
# 社区|工作人员): a person, and a specific one.
_STAFF = frozenset({"职工", "员工", "职员", "在编人员", "正式职工", "工作人员"})
_STAFF_OF = frozenset({"人", "人员", "职工", "员工"})
# Right before an official, or before the fillers below (我是一名退休教师), these make him the
# writer (我是村会计, 我作为老师); so do 是, 系 and 作为 after the writer or one of his household
# (我|是, 本人|系, 本人|作为, 我|爱人|是), and 作为 opening a clause whose next one starts with
# the writer (作为一名教师，我…) — but only when the official ends his clause (but for a name):
# 我是村主任王某的邻居, 我是村会计克扣低保金的受害者 name the one accused. A verb first makes
# the official the one the writer speaks of (我是来举报村主任的, 我们是被村主任骗了), and so
# does a subject before 作为 (他作为村支书).
_WRITER = frozenset({"我是", "本人是", "我们是", "我作为", "本人作为"})
_AS = frozenset({"是", "作为", "系"})
# After the writer's title only his name may come before the clause ends (我是村会计张某，):
# single characters or 某, not a particle or a verb that makes him part of a longer phrase.
_NAME = frozenset({"某", "某某"})
_NOT_NAME = frozenset({
    "的", "把", "被", "给", "叫", "让", "说", "在", "和", "与", "跟", "也", "都", "就", "又", "还", "对",
    "向", "将", "扣", "收", "拿", "要", "骗", "打", "逼", "贪", "吃", "占",
})
# Between 我是 or 冒充 and the official: a count, a rank, a place or a body, 的 (一名|退休|教师,
# 本村|的|村会计, 冒充|派出所|的|民警, 自称是|县|住建局).
_FILLER = frozenset({
    "一名", "一个", "一位", "名", "个", "位", "一", "的", "退休", "原", "原来", "前", "老", "现任",
    "在职", "普通", "本地", "这个", "这里", "个体", "农村", "乡村", "基层", "一线", "代课", "民办",
    "公办", "特岗", "临时", "正式", "离退休", "曾经", "我们", "咱们", "我们的",
})
_FILLER_END = tuple("村镇乡县市区省校学院局所站府委会办中")
# Right before an official, or before fillers, these make that mention a pretender's (冒充民警,
# 自称是县住建局的人): a scam. 自称, 假装 need 是 after them; 谎称 tells a lie, not a disguise
# (村主任谎称镇长同意了); and an official followed by 的 and a relative is a kinship claimed
# (自称是镇长的亲戚), the official a real one.
_PRETEND = frozenset({"冒充", "假冒", "假扮", "冒称", "自称是", "冒充是", "假称是"})
# Right before an official these make him one a swindler says he knows (到处说他认识民政所长):
# the official of that mention is a name dropped, no party.
_KNOWS = frozenset({"认识", "结识", "熟悉"})
_CLAIM = frozenset({"自称", "假装", "假称"})
# Before a backing act, after an official, these make him the one backed (村支书仗着有后台).
_RELY = frozenset({"仗着", "靠着", "凭着", "依仗", "仗着有", "凭借", "依仗着"})
# Between an official and an act in its clause, the act told of the one caught (a 的 after it),
# these make him the one who catches the doer (民警抓获了伙同不法分子盗窃的嫌疑人, 派出所破获了
# 一个与黑社会勾结的团伙); 抓住 seizes a chance (村支书抓住扶贫的机会), not a doer.
_CATCH = frozenset({
    "抓获", "破获", "查获", "侦破", "捣毁", "打掉", "端掉", "逮捕", "抓捕", "抓了", "查处了", "取缔",
})
# After 被 in a backing act's clause these have the backed business caught (撑腰的赌场终于被查
# 了): news, not a lead.
_CAUGHT = frozenset({
    "查", "查处", "查封", "取缔", "端", "端掉", "打掉", "抓", "抓获", "捣毁", "依法查处", "关停",
})
# An amount of money as the other half of a pair (扣了五十块, 给他三千块钱): digits and
# Chinese numerals, then a unit; bare digits only with the unit as the next token.
AMOUNT = "<amount>"
GAIN = "<gain>"  # a pair's `needs`: the [discipline] gain words (好处, 获利, 通风报信)
_NUMERALS = frozenset("0123456789.零一二两三四五六七八九十百千万亿几多余来")
_UNITS = frozenset("元块")
_SCALE = frozenset("万千百十")
_MONEY_NEXT = frozenset({
    "元", "块", "块钱", "元钱", "多元", "多块", "余元", "的", "了", "现金", "钱", "人民币", "好处费",
    # the price of a service, a sum held back and what it was called (交两千才给办, 扣了五千说是
    # 手续费)
    "才给", "才肯", "才帮", "才给办", "给他", "给她", "说",
})
# 县长 in "F7县长寿镇" is an anonymised county code followed by a place name, not an official.
_HEADS = frozenset({"县长", "市长", "区长"})

# A hit: (token position, clause number, sentence number, word).
Hit = tuple[int, int, int, str]


@dataclass(frozen=True, slots=True)
class Pair:
    """Two words a few tokens apart in one sentence that together make an act (收|了|红包)."""

    name: str
    label: str
    strength: str
    gap: int
    ordered: bool  # the first word must come first
    negatable: bool  # a negation right before either word cancels the pair (不收红包)
    first: frozenset[str]
    then: frozenset[str]
    anchor_first: bool  # the rarer half, looked up; the other half is looked for around it
    amount: bool = False  # the other half may be an amount of money (扣了|五十块)
    specific: bool = False  # a vague actor (政府, 医院, 领导) does not commit it
    unless: frozenset[str] = frozenset()  # words in its own clause(s) that cancel it (免费)
    needs: frozenset[str] = frozenset()  # words one of which its sentence must hold (获利)
    needs_amount: bool = False  # …or an amount of money may stand for them
    needs_clause: bool = False  # …in the pair's own clause(s), not its whole sentence
    also: frozenset[str] = frozenset()  # a second set its sentence must hold one of too
    also_amount: bool = False  # …or an amount of money may stand for them
    clause: bool = False  # both words in one clause
    not_between: frozenset[str] = frozenset()  # a subject between the words that cancels it
    negation_reach: int = 1  # a negation this many tokens before a word cancels the pair
    adjacent: bool = False  # the actor stands right before the anchor (有所长罩着)
    continues: bool = False  # its sentence goes on after it (为了利益，违规…; not …利益。)


@dataclass(frozen=True, slots=True)
class DisciplineLexicon:
    """The ``[actors]`` and ``[discipline]`` sections of the lexicon."""

    officials: frozenset[str]
    institutions: frozenset[str]
    village: frozenset[str]
    official_title: tuple[str, ...]
    vague: frozenset[str]
    private: frozenset[str]
    private_person: frozenset[str]
    private_suffix: tuple[str, ...]
    private_institution: frozenset[str]
    generic_institution: frozenset[str]
    joint: frozenset[str]
    relative: frozenset[str]
    acts: Mapping[str, frozenset[str]]  # strength -> words
    favour: frozenset[str]
    shield: frozenset[str]
    pairs: tuple[Pair, ...]
    general: frozenset[str]
    plain: frozenset[str]  # words jieba keeps whole so that an act inside is not read
    giving: frozenset[str]
    speculation: frozenset[str]
    denial: frozenset[str]  # speculation words jieba must keep whole (没有说, 不存在)
    existence: frozenset[str]  # denials that end their clause deny nothing (根本不存在，)
    lawful: frozenset[str]  # a relative's benefit is lawful (依法享受, 公示过)
    question: frozenset[str]
    request: frozenset[str]  # question words that reach no further than their clause (可否)
    salutation_before: frozenset[str]
    salutation_after: frozenset[str]
    salutation_next: frozenset[str]  # only right after the official (市长先生, not 镇长的先生)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DisciplineLexicon:
        actors, disc, ctx = data["actors"], data["discipline"], data["context"]
        gain = frozenset(disc.get("gain", ()))
        pairs = tuple(
            Pair(
                name=name,
                label=str(p.get("label", name)),
                strength=str(p.get("strength", "strong")),
                gap=int(p.get("gap", 3)),
                ordered=bool(p.get("ordered", True)),
                negatable=bool(p.get("negatable", True)),
                first=frozenset(p["first"]) - {AMOUNT},
                then=frozenset(p["then"]) - {AMOUNT},
                anchor_first=str(p.get("anchor", "first")) == "first",
                amount=AMOUNT in p["first"] or AMOUNT in p["then"],
                specific=bool(p.get("specific", False)),
                unless=frozenset(p.get("unless", ())),
                needs=(frozenset(p.get("needs", ())) - {AMOUNT, GAIN}) | (
                    gain if GAIN in p.get("needs", ()) else frozenset()),
                needs_amount=AMOUNT in p.get("needs", ()),
                needs_clause=bool(p.get("needs_clause", False)),
                also=frozenset(p.get("also", ())) - {AMOUNT},
                also_amount=AMOUNT in p.get("also", ()),
                clause=bool(p.get("clause", False)),
                not_between=frozenset(p.get("not_between", ())),
                negation_reach=int(p.get("negation_reach", 1)),
                adjacent=bool(p.get("adjacent", False)),
                continues=bool(p.get("continues", False)),
            )
            for name, p in disc.get("pairs", {}).items()
        )
        bad = [p.name for p in pairs if p.strength not in STRENGTHS]
        if bad:
            raise ValueError(f"unknown strength in discipline pairs: {bad}")
        return cls(
            officials=frozenset(actors["official"]),
            institutions=frozenset(actors.get("institution", ())),
            village=frozenset(actors.get("village", ())),
            official_title=tuple(actors.get("official_title", ())),
            vague=frozenset(actors.get("vague", ())),
            private=frozenset(actors["private"]),
            private_person=frozenset(actors.get("private_person", ())),
            private_suffix=tuple(actors.get("private_suffix", ())),
            private_institution=frozenset(actors.get("private_institution", ())),
            generic_institution=frozenset(actors.get("generic_institution", ())),
            joint=frozenset(actors.get("joint", ())),
            relative=frozenset(actors.get("relative", ())),
            acts={k: frozenset(disc.get(k, ())) for k in STRENGTHS},
            favour=frozenset(disc.get("favour", ())),
            shield=frozenset(disc.get("shield", ())),
            pairs=pairs,
            general=frozenset(disc["general"]),
            plain=frozenset(disc.get("plain", ())),
            giving=frozenset(disc.get("giving", ())),
            speculation=frozenset(ctx.get("speculation", ())) | frozenset(ctx.get("denial", ())),
            denial=frozenset(ctx.get("denial", ())),
            existence=frozenset(ctx.get("existence", ())),
            lawful=frozenset(disc.get("lawful", ())),
            question=frozenset(ctx.get("question", ())),
            request=frozenset(ctx.get("request", ())),
            salutation_before=frozenset(ctx.get("salutation_before", ())),
            salutation_after=frozenset(ctx.get("salutation_after", ())),
            salutation_next=frozenset(ctx.get("salutation_next", ())),
        )

    def words(self) -> Iterator[str]:
        """Words jieba must keep whole. Single characters need no entry (a boosted one would
        split other words), nor do the everyday words that only join or negate."""
        for group in (self.officials, self.institutions, self.village, self.private,
                      self.relative, *self.acts.values(), self.favour, self.shield,
                      self.general, self.plain, self.denial, self.lawful,
                      *(p.first | p.then for p in self.pairs)):
            yield from (w for w in group if len(w) > 1)
        # a question of three characters or more (能不能, 可不可以), not the short everyday
        # ones a boost would split off longer words (为什么)
        yield from (w for w in self.question if len(w) > 2)

    def entries(self) -> Iterator[tuple[str, str, str]]:
        """(word, kind, key) for the classifier's one look-up table. A pair registers only
        the words of its rarer half (its anchor: 收据, 补课, 红包); the other half (没有, 元,
        收了) is looked for around them afterwards, so common words cost no look-up hit."""
        for group, kind in ((self.officials, "official"), (self.institutions, "institution"),
                            (self.private, "private"), (self.relative, "relative")):
            yield from ((w, kind, "") for w in group)
        seen: set[str] = set()
        for strength in STRENGTHS:  # a word listed twice takes its most self-sufficient use
            for w in sorted(self.acts[strength] - seen):
                yield w, "act", strength
            seen |= self.acts[strength]
        for group, kind in ((self.favour, "favour"), (self.shield, "shield"), (self.lawful, "lawful")):
            yield from ((w, kind, "") for w in group)
        for k, pair in enumerate(self.pairs):
            for w in pair.first if pair.anchor_first else pair.then:
                if len(w) > 1:  # one character is too common to look up
                    yield w, "pair", str(k)
        for group, kind in ((self.general, "general"), (self.speculation, "speculation"),
                            (self.question, "question"), (self.request, "request")):
            yield from ((w, kind, "") for w in group)

@dataclass(slots=True)
class Evidence:
    """What the classifier's pass found, position by position."""

    tokens: Sequence[str]
    officials: list[Hit] = field(default_factory=list)
    institutions: list[Hit] = field(default_factory=list)
    private: list[Hit] = field(default_factory=list)
    relatives: list[Hit] = field(default_factory=list)
    acts: list[tuple[Hit, str]] = field(default_factory=list)  # (hit, strength)
    pair_words: list[tuple[int, Hit]] = field(default_factory=list)  # (pair index, hit)
    favours: list[Hit] = field(default_factory=list)
    shield: list[int] = field(default_factory=list)  # sentences with a word of shielding
    lawful: list[int] = field(default_factory=list)  # sentences that call a benefit lawful
    general: list[str] = field(default_factory=list)
    spec_from: dict[int, tuple[int, int]] = field(default_factory=dict)  # clause -> (pos, sentence)
    questions: set[int] = field(default_factory=set)  # clauses that ask (…吗？)
    request_at: dict[int, int] = field(default_factory=dict)  # clause -> position of 可否
    clause_ends: list[int] = field(default_factory=list)
    sentence_ends: list[int] = field(default_factory=list)
    private_body: bool = False  # a private school or hospital is named
    claimed: list[int] = field(default_factory=list)  # officials in a kinship claimed

    def clause_of(self, i: int) -> int:
        return bisect_left(self.clause_ends, i)

    def sentence_of(self, i: int) -> int:
        return bisect_left(self.sentence_ends, i)

    def span(self, unit: int, sentence: bool) -> range:
        """The token positions of clause (or sentence) ``unit``, its end mark included."""
        ends = self.sentence_ends if sentence else self.clause_ends
        lo = ends[unit - 1] + 1 if 0 < unit <= len(ends) else 0
        return range(lo, ends[unit] if unit < len(ends) else len(self.tokens))


@dataclass(frozen=True, slots=True)
class _Act:
    hit: Hit
    strength: str
    words: tuple[str, ...]  # the word, or the two words of a pair
    label: str  # the pair's label, or "" for a single word
    specific: bool = False  # the pair wants a specific actor, not a vague one
    start: int = -1  # a pair's first word (its act stands at the later one)
    anchor: int = -1  # a pair whose actor stands right before its anchor word: that word


class _Reach:
    """The sifted hits by position, so that an act or a relative looks only at the hits
    within its reach (its scope, the anaphora window, a relative's window) and never goes
    through every party of the message: a long text costs about its length."""

    __slots__ = (
        "_joint", "_joint_words", "_tokens", "favour_at", "favours", "institution_at",
        "institutions", "named", "named_at", "official_at", "officials", "private",
        "private_at",
    )

    def __init__(self, ev: Evidence, lex: DisciplineLexicon) -> None:
        tokens = ev.tokens
        self._tokens = tokens
        self._joint_words = lex.joint
        self._joint: list[int] | None = None  # joining words before each position, on demand
        self.officials = ev.officials
        self.official_at = [o[0] for o in ev.officials]
        self.institutions = ev.institutions
        self.institution_at = [o[0] for o in ev.institutions]
        self.private = ev.private
        self.private_at = [p[0] for p in ev.private]
        # officials named specifically (not 领导, 政府): the owner of 他的表哥
        self.named = [o for o in ev.officials if o[3] not in lex.vague]
        self.named_at = [o[0] for o in self.named]
        # favours not denied right before them (村主任的儿子没有吃低保)
        self.favours = [f for f in ev.favours if not Discipline._negated(tokens, f[0])]
        self.favour_at = [f[0] for f in self.favours]

    @staticmethod
    def _within(hits: list[Hit], at: list[int], lo: int, hi: int) -> list[Hit]:
        """The hits at positions ``lo`` <= j < ``hi``, in their order."""
        return hits[bisect_left(at, lo): bisect_left(at, hi)] if lo < hi else []

    def officials_in(self, lo: int, hi: int) -> list[Hit]:
        return self._within(self.officials, self.official_at, lo, hi)

    def institutions_in(self, lo: int, hi: int) -> list[Hit]:
        return self._within(self.institutions, self.institution_at, lo, hi)

    def private_in(self, lo: int, hi: int) -> list[Hit]:
        return self._within(self.private, self.private_at, lo, hi)

    def favours_in(self, lo: int, hi: int) -> list[Hit]:
        return self._within(self.favours, self.favour_at, lo, hi)

    def last_named_before(self, i: int) -> Hit | None:
        """The last specific official before ``i`` (the greatest hit at that position)."""
        k = bisect_left(self.named_at, i)
        if not k:
            return None
        at = self.named_at[k - 1]
        return max(self.named[bisect_left(self.named_at, at): k])

    def last_private(self, lo: int, hi: int) -> list[Hit]:
        """The private parties at the last two positions in ``lo`` <= j < ``hi``."""
        at = self.private_at
        k = bisect_left(at, hi) if lo < hi else 0
        start = max(bisect_left(at, lo), k - 1)
        if start < k:
            start = bisect_left(at, at[start])  # (every party at that position)
            if start > 0 and at[start - 1] >= lo:
                start = bisect_left(at, at[start - 1])
        return self.private[start: k]

    def party_between(self, a: int, b: int) -> bool:
        """An official, a body or a private party at ``a`` < j < ``b``."""
        return any(bisect_right(at, a) < bisect_left(at, b)
                   for at in (self.official_at, self.institution_at, self.private_at))

    def joined(self, a: int, b: int) -> bool:
        """Parties at ``a`` < ``b`` act together: a joining word between them (伙同, 与), or
        nothing but an enumeration comma (社区、物业公司)."""
        joint = self._joint
        if joint is None:  # counted once for the message, then read for any pair of parties
            joint = self._joint = [0]
            n = 0
            for t in self._tokens:
                n += t in self._joint_words
                joint.append(n)
        tokens = self._tokens
        return (b > a + 1 and joint[b] > joint[a + 1]) or (
            b - a == 2 and tokens[a + 1] == "、")


class Discipline:
    """Decides the flag from the evidence; see the module docstring for the rules."""

    def __init__(self, lex: DisciplineLexicon) -> None:
        self.lex = lex

    def addressee(self, tokens: Sequence[str], i: int) -> bool:
        """尊敬的王书记：您好, 向镇政府反映, 请领导明察: the official is spoken to, not accused."""
        lex = self.lex
        before = tokens[max(0, i - 3): i]
        for k in range(len(before) - 1, -1, -1):  # 请求调查：村委会私分了: a heading, not
            if before[k] in CLAUSE_END or before[k] in SENTENCE_END:  # the addressee
                before = before[k + 1:]
                break
        return any(t in lex.salutation_before for t in before) or any(
            t in lex.salutation_after for t in tokens[i + 1: i + 3]
        ) or (i + 1 < len(tokens) and tokens[i + 1] in lex.salutation_next)

    @staticmethod
    def _before_fillers(tokens: Sequence[str], i: int) -> int:
        """The position of the first word before ``i`` that is no filler (一名, 本村, 的, 县),
        at most four words back, or -1."""
        for j in range(i - 1, max(-1, i - 5), -1):
            t = tokens[j]
            if not (t in _FILLER or t.endswith(_FILLER_END)):
                return j
        return -1

    @staticmethod
    def _complement(tokens: Sequence[str], i: int) -> bool:
        """The official at ``i`` ends its clause, or only his name comes after him (我是村会计，
        我是村会计张某。): he is the complement of 我是, not the head of a longer phrase (我是
        村主任王某的邻居, 我是村主任贪污低保金的受害者, 我是村主任叫去按的手印)."""
        k = i + 1
        while k < len(tokens) and k <= i + 3 and (
                len(tokens[k]) == 1 or tokens[k] in _NAME) and tokens[k] not in _NOT_NAME:
            k += 1
        return k >= len(tokens) or tokens[k] in CLAUSE_END or tokens[k] in SENTENCE_END

    def writer(self, tokens: Sequence[str], i: int) -> bool:
        """我是一名退休教师, 本人是村会计, 我爱人是小学老师: the official is the one who writes
        (or one of his household), not the accused; not 我是来举报村主任的, 他作为村支书, nor
        one the writer only stands in a relation to (我是村主任王某的邻居, 我是村会计克扣低保金
        的受害者): only an official that ends the clause, but for his name, is the writer."""
        if not self._complement(tokens, i):
            return False
        j = self._before_fillers(tokens, i)
        if j < 0:
            return False
        t = tokens[j]
        if t in _WRITER:
            return True
        if t not in _AS:
            return False
        who = tokens[j - 1] if j else "。"
        if who in _SELF or (who in self.lex.relative and j > 1 and tokens[j - 2] in _SELF):
            return True
        if t == "作为" and (who in CLAUSE_END or who in SENTENCE_END):
            # 作为一名教师，我…: the writer opens the next clause
            for k in range(i + 1, min(len(tokens), i + 8)):
                if tokens[k] in CLAUSE_END:
                    return tokens[k + 1: k + 2] != [] and tokens[k + 1] in _SELF
                if tokens[k] in SENTENCE_END:
                    return False
        return False

    def pretended(self, tokens: Sequence[str], i: int) -> bool:
        """冒充民警, 自称是县住建局的人: that mention is no official, a swindler's cover."""
        if self.kin_claimed(tokens, i):
            return False  # 自称是镇长的亲戚: the kinship is claimed, the official is real
        return self._claim_before(tokens, i)

    def _claim_before(self, tokens: Sequence[str], i: int) -> bool:
        """冒充, 自称是, 说自己是 before the official, with fillers between."""
        j = self._before_fillers(tokens, i)
        if j < 0:
            return False
        t = tokens[j]
        return t in _PRETEND or t in _KNOWS or (t == "是" and j > 0 and (tokens[j - 1] in _CLAIM or (
            tokens[j - 1] == "自己" and j > 1 and tokens[j - 2] == "说")))

    def kin_claimed(self, tokens: Sequence[str], i: int) -> bool:
        """自称是镇长的亲戚, 说自己是村主任的表哥: the official is real but no party in that
        mention (the claimant is the one who acts), and the relative is no relative of his."""
        return tokens[i + 1: i + 2] == ["的"] and bool(tokens[i + 2: i + 3]) and (
            tokens[i + 2] in self.lex.relative) and self._claim_before(tokens, i)

    @staticmethod
    def code_artifact(tokens: Sequence[str], i: int) -> bool:
        return tokens[i] in _HEADS and i > 0 and tokens[i - 1].isascii() and tokens[i - 1].isalnum()

    @staticmethod
    def subject_position(tokens: Sequence[str], i: int) -> bool:
        """A party that may be a subject: not possessive (村民的地) nor after a preposition."""
        return tokens[i + 1: i + 2] != ["的"] and not (i > 0 and tokens[i - 1] in _OBJECT_BEFORE)

    def decide(
        self, ev: Evidence, negation: frozenset[str], civil: bool, pension_case: bool,
        pension_cancels: frozenset[str], rules: list[str], keywords: dict[str, None],
    ) -> bool:
        if not (ev.acts or ev.pair_words or ev.relatives):
            if ev.general:
                rules.append("not discipline: general anger at corruption, no concrete accusation")
            return False
        self._sift(ev)
        reach = _Reach(ev, self.lex)
        acts = [_Act(hit, s, (hit[3],), "") for hit, s in ev.acts]
        acts += self._pairs(ev, negation)
        acts.sort(key=lambda a: a.hit)
        spec = {a for a in acts if self._speculative(a.hit, ev)}
        refused: dict[int, bool] = {}  # sentence -> it holds a refusal (read once at most)
        blocked_by_private = False
        for act in acts:
            if act in spec or (pension_case and act.hit[3] in pension_cancels) or (
                    act.strength == "civil" and not civil):
                continue
            if act.strength == "implicit":
                for w in act.words:
                    keywords.setdefault(w)
                rules.append(f"discipline: {act.label} '{act.hit[3]}' (the act names its "
                             "official actor)")
                return True
            actor, blocked = self._actor(act, ev, reach, pension_case)
            blocked_by_private = blocked_by_private or blocked
            if actor is None:
                continue
            if any(w in self.lex.giving for w in act.words) and any(
                    self._refused(ev, s, refused) for s in (act.hit[2], act.hit[2] + 1)):
                continue  # 塞给他一个红包。他当场退回去了: refused, no bribe taken
            for w in (*act.words, actor[3]):
                keywords.setdefault(w)
            what = f"{act.label} '{act.hit[3]}'" if act.label else (
                f"{act.strength} corruption word '{act.hit[3]}'")
            where = (" (named in a sentence before)" if actor[2] < act.hit[2] else
                     " (named after the title)" if actor[2] > act.hit[2] else "")
            rules.append(f"discipline: {what} by '{actor[3]}'{where}")
            return True
        favour = self._relative_favour(ev, reach)
        if favour is not None:
            rel, official, what = favour
            for w in (official[3], rel[3]):
                keywords.setdefault(w)
            rules.append(f"discipline: {what} for a relative ('{rel[3]}') of '{official[3]}'")
            return True
        live = [a for a in acts if a not in spec]
        if live and blocked_by_private:
            rules.append("not discipline: corruption word without an official (private party)")
        elif live and pension_case:
            rules.append("not discipline: pension or wage complaint")
        elif live:
            rules.append("not discipline: corruption word with no official or public body as actor")
        elif spec:
            rules.append("not discipline: corruption word in a question or a wish, not an accusation")
        elif ev.general:
            rules.append("not discipline: general anger at corruption, no concrete accusation")
        return False

    def _sift(self, ev: Evidence) -> None:
        """Keep the parties that may be actors: an official or body that is not the addressee
        (尊敬的王书记, 向镇政府反映), a private party in a subject's place (not 村民的地)."""
        tokens = ev.tokens
        private = self.lex.private
        # Only the sentences an act or a relative may reach matter.
        near = {s - d for hit in (*(h for h, _s in ev.acts), *(h for _k, h in ev.pair_words),
                                  *ev.relatives)
                for s in (hit[2],) for d in range(-ANAPHORA_SENTENCES, ANAPHORA_SENTENCES + 1)}
        # 培训学校…不说还真不知道是学校: with a private school named, that 学校 is the private
        # one; with a hotel's car park named, its 工作人员 are the hotel's.
        generic = self.lex.generic_institution if ev.private_body else frozenset()
        # 冒充民警, 自称是县住建局的人: that mention is a swindler's cover; any other mention,
        # before or after, may be a real one (民警收了我两百元。…有个自称是民警的人…; 村主任
        # 谎称…，镇长收了…).
        fake = {o[0] for o in (*ev.officials, *ev.institutions) if self.pretended(tokens, o[0])}
        ev.claimed = [o[0] for o in ev.officials if self.kin_claimed(tokens, o[0])]
        fake.update(ev.claimed)
        ev.officials = [o for o in ev.officials
                        if o[2] in near and o[3] not in generic and not self.addressee(tokens, o[0])
                        and not self.code_artifact(tokens, o[0])
                        and not self.writer(tokens, o[0]) and o[0] not in fake
                        and not (tokens[o[0] - 1: o[0]] == ["的"] and o[0] > 1
                                 and tokens[o[0] - 2] in private)]  # 民营医院的医生
        ev.institutions = [o for o in ev.institutions
                           if o[2] in near and o[3] not in generic
                           and not self.addressee(tokens, o[0]) and o[0] not in fake]
        # 城管局职工杨某: a specific body's staff member is an official too.
        vague = self.lex.vague
        staff = [(k, ev.clause_of(k), s, "".join(tokens[j: k + 1]))
                 for j, _c, s, w in ev.institutions if w not in vague
                 for k in (self._staff_of(tokens, j),) if k]
        if staff:
            ev.officials = sorted(ev.officials + staff)
        # 管评残的工作人员姓吴, 一个姓黄的女工作人员: a vague title with a name is a specific
        # person; 包村干部叶某…叶某让每户签了字: the name said again is that official again.
        ev.officials = self._named(ev, near)
        ev.private = [p for p in ev.private if self.subject_position(tokens, p[0])]

    def _named(self, ev: Evidence, near: set[int]) -> list[Hit]:
        """The officials with the ones named by a name: a vague title (工作人员, 领导) that a
        name follows or precedes (工作人员姓吴, 姓黄的女工作人员, 工作人员刘某) is a specific
        one, and a surname with 某 said again later (叶某让…) is the official that name was
        given to (包村干部叶某), found in one pass over the sentences in reach."""
        tokens = ev.tokens
        vague = self.lex.vague
        names: dict[str, Hit] = {}
        officials: list[Hit] = []
        for o in ev.officials:
            k, c, s, w = o
            name = self._name_at(tokens, k + 1)
            if not name and w in vague:
                name = self._name_before(tokens, k)
            if name and w in vague:
                o = (k, c, s, w + name)  # (no longer a vague actor)
            if name:
                names[name] = o
            officials.append(o)
        if not names:
            return officials
        given = {o[0] + 1 for o in officials}
        for j in range(len(tokens) - 1):
            if j in given or tokens[j + 1] not in _NAME or tokens[j] not in names:
                continue
            s = ev.sentence_of(j)
            o = names[tokens[j]]
            if s in near and o[0] < j:
                officials.append((j, ev.clause_of(j), s, o[3]))
        return sorted(officials)

    @staticmethod
    def _name_at(tokens: Sequence[str], k: int) -> str:
        """The surname at ``k`` (叶|某, 姓|吴, 姓吴), or ""."""
        t = tokens[k] if k < len(tokens) else ""
        nxt = tokens[k + 1] if k + 1 < len(tokens) else ""
        if len(t) == 1 and nxt in _NAME and t not in _NOT_NAME:
            return t
        if t == "姓" and len(nxt) == 1 and nxt not in _NOT_NAME:
            return nxt
        if len(t) == 2 and t[0] == "姓":
            return t[1]
        return ""

    def _name_before(self, tokens: Sequence[str], k: int) -> str:
        """姓黄|的|女|工作人员: a surname up to three words before a vague title."""
        for j in range(k - 1, max(-1, k - 4), -1):
            if tokens[j] in CLAUSE_END or tokens[j] in SENTENCE_END:
                return ""
            name = self._name_at(tokens, j)
            if name and tokens[j] != name:
                return name
        return ""

    @staticmethod
    def _staff_of(tokens: Sequence[str], j: int) -> int:
        """The position of the staff word after the body at ``j`` (城管局|职工, 环保局|的|人),
        or 0."""
        nxt = tokens[j + 1: j + 3]
        if nxt[:1] and nxt[0] in _STAFF:
            return j + 1
        if len(nxt) == 2 and nxt[0] == "的" and nxt[1] in _STAFF_OF:
            return j + 2
        return 0

    # ------------------------------------------------------------------ acts

    def _pairs(self, ev: Evidence, negation: frozenset[str]) -> list[_Act]:
        """Pairs around their anchors: the partner may be any word of the pair's other half,
        within ``gap`` tokens in the same sentence (or clause). The act stands at the later
        word. A clause or a sentence is read for a pair's ``unless``, ``needs`` or ``also``
        words once at most, however many pairs stand in it (a long text without a full stop).
        """
        tokens = ev.tokens
        found: list[_Act] = []
        seen: set[tuple[int, int]] = set()
        holds: dict[tuple[int, int, bool, int], bool] = {}  # (pair, which, sentence, unit)

        def has(k: int, which: int, sentence: bool, unit: int) -> bool:
            """0: an unless word, 1: a needs word, 2: an also word in the unit."""
            key = (k, which, sentence, unit)
            got = holds.get(key)
            if got is None:
                pair = self.lex.pairs[k]
                words = (pair.unless, pair.needs, pair.also)[which]
                amount = (False, pair.needs_amount, pair.also_amount)[which]
                got = holds[key] = any(
                    tokens[j] in words or (amount and is_amount(tokens, j)) for j in ev.span(unit, sentence))
            return got

        for k, hit in ev.pair_words:
            pair = self.lex.pairs[k]
            i = hit[0]
            if pair.negatable and self._denied(tokens, i, negation, pair.negation_reach):
                continue
            is_first = pair.anchor_first
            j = self._partner(
                tokens, i, pair.then if is_first else pair.first, pair, negation=negation,
                forward=is_first or not pair.ordered, backward=not is_first or not pair.ordered,
            )
            if j is None:
                continue
            a, b = sorted((i, j))
            if (k, b) in seen or any(t in _UNKNOWN for t in tokens[a + 1: b]):
                continue  # 进了谁的口袋: whoever it is, no one is accused
            seen.add((k, b))
            if pair.continues and (b + 1 >= len(tokens) or tokens[b + 1] in SENTENCE_END):
                continue  # 只为了个人利益。: a motive with no act it drives
            if pair.not_between and any(
                    tokens[x] in pair.not_between and tokens[x + 1] != "的"
                    for x in range(a + 1, b)):
                continue  # 扣押的电动车我已经开回家了: the owner took it home
            clauses = range(ev.clause_of(a), ev.clause_of(b) + 1)
            if pair.unless and any(has(k, 0, False, c) for c in clauses):
                continue  # 他的辅导班是免费的: no fee, no gain
            if (pair.needs or pair.needs_amount) and not (
                    any(has(k, 1, False, c) for c in clauses) if pair.needs_clause
                    else has(k, 1, True, hit[2])):
                continue  # 城管与商家串通一气，不管占道经营: no gain, no favour
            if (pair.also or pair.also_amount) and not has(k, 2, True, hit[2]):
                continue  # 村支书开了个托管班，孩子们放学有地方去了: no fee, no pressure
            first, then = (tokens[i], tokens[j]) if is_first else (tokens[j], tokens[i])
            at = (b, ev.clause_of(b), hit[2], f"{tokens[a]}…{tokens[b]}")
            found.append(_Act(at, pair.strength, (first, then), pair.label, pair.specific, a,
                              i if pair.adjacent else -1))
        return found

    @staticmethod
    def _denied(tokens: Sequence[str], i: int, negation: frozenset[str], reach: int) -> bool:
        """A negation up to ``reach`` tokens before ``i`` in its clause (没有一个关系户)."""
        for j in range(i - 1, max(-1, i - reach - 1), -1):
            t = tokens[j]
            if t in negation:
                return True
            if t in CLAUSE_END or t in SENTENCE_END:
                return False
        return False

    @staticmethod
    def _partner(
        tokens: Sequence[str], i: int, other: frozenset[str], pair: Pair, *,
        forward: bool, backward: bool, negation: frozenset[str],
    ) -> int | None:
        steps = ([1] if forward else []) + ([-1] if backward else [])
        for step in steps:
            j = i + step
            while 0 <= j < len(tokens) and abs(j - i) <= pair.gap:
                t = tokens[j]
                if t in SENTENCE_END or (pair.clause and t in CLAUSE_END):
                    break
                if (t in other or (pair.amount and is_amount(tokens, j))) and not (
                        pair.negatable and Discipline._denied(
                            tokens, j, negation, pair.negation_reach)):
                    return j
                j += step
        return None

    @staticmethod
    def _speculative(hit: Hit, ev: Evidence) -> bool:
        """A speculation word reaches to the end of its clause and over the next one in its
        sentence (不知是工作失职，还是官商勾结); a clause that asks (…吗？) is a question; a
        request word (可否, 是否可以) only to the end of its own clause (老师是否可以在家开辅导班
        收费; 可否请领导查一查，村会计私分了… asks for an inquiry into an accusation)."""
        i, c, s, _w = hit
        if c in ev.questions:
            return True
        asked = ev.request_at.get(c)
        if asked is not None and asked < i:
            return True
        here = ev.spec_from.get(c)
        if here is not None and here[0] < i:
            return True
        before = ev.spec_from.get(c - 1)
        return before is not None and before[1] == s

    @staticmethod
    def _refused(ev: Evidence, s: int, seen: dict[int, bool]) -> bool:
        """Sentence ``s`` holds a refusal word (退回去, 拒收); each sentence is read once."""
        got = seen.get(s)
        if got is None:
            got = seen[s] = any(ev.tokens[j] in _REFUSED for j in ev.span(s, sentence=True))
        return got

    # ---------------------------------------------------------------- actors

    @staticmethod
    def _in_scope(act: Hit, other: Hit, clauses: int) -> bool:
        """``other`` in the act's clause (after it only right by it), or before it in up to
        ``clauses`` earlier clauses of the same sentence, and not too far away."""
        i, c, s, _w = act
        j, cj, sj, _wj = other
        if sj != s or abs(i - j) > SCOPE_TOKENS:
            return False
        if cj == c:
            return j < i or j - i <= AFTER_ACT
        return j < i and c - clauses <= cj < c

    def _actor(
        self, act: _Act, ev: Evidence, reach: _Reach, pension_case: bool
    ) -> tuple[Hit | None, bool]:
        """The public actor of an act, if any, and whether a private party took its place.
        Only the parties within reach are looked at: the scope (SCOPE_TOKENS before the act,
        AFTER_ACT after it) and the anaphora window (ANAPHORA_TOKENS back)."""
        lex = self.lex
        strength = act.strength
        hit = act.hit
        i = hit[0]
        lo, hi = i - max(SCOPE_TOKENS, ANAPHORA_TOKENS), i + AFTER_ACT + 1
        titled = self._titled(ev, i - SCOPE_TOKENS, i + AFTER_ACT + 1)
        officials = reach.officials_in(lo, hi) + titled
        institutions = reach.institutions_in(lo, hi)
        if strength == "village":
            publics = [o for o in officials if o[3] in lex.village]
        elif strength in ("strong", "civil", "backer") and not pension_case:
            # (a body and a pension fund: a policy dispute)
            publics = officials + institutions
        else:
            publics = officials
        tokens = ev.tokens
        giving = any(w in lex.giving for w in act.words)
        if giving and strength in ("weak", "person"):  # 老板每年给环保局送钱: a body takes it
            publics = publics + [o for o in institutions if self._receives(tokens, o[0])]
        if strength == "backer" and (any(
                t in _BACKED_PUBLIC for t in tokens[max(0, i - 3): i]) or any(
                t in _BACKED_PUBLIC for t in tokens[max(0, act.start - 3): max(0, act.start)])
                or self._caught(tokens, i)):
            return None, False  # 希望政府给我们撑腰; 撑腰的赌场终于被查了
        if act.specific:  # 医院为了利益多做检查: a body's revenue, not anyone's gain
            publics = [o for o in publics if o[3] not in lex.vague]
        clauses = 0 if strength in ("weak", "backer") else SCOPE_CLAUSES
        by = self._passive(ev.tokens, i)
        vague = lex.vague
        catcher = self._catcher(tokens, i)
        candidates = [o for o in publics if o[0] > by and self._in_scope(
            hit, o, 0 if o[3] in vague else clauses) and not (o[0] < i and (
                o[0] < catcher or (strength == "backer" and any(
                    t in _RELY for t in tokens[o[0] + 1: i]))))]  # 村支书仗着有后台
        if act.anchor >= 0:  # 有所长罩着: the backer right before the backing word, not a
            candidates = [o for o in candidates  # body that asks for a literal cover
                          if act.anchor - ADJACENT <= o[0] < act.anchor and not any(
                              t in CLAUSE_END for t in tokens[o[0] + 1: act.anchor])]
        if not candidates:  # (他有后台: the one backed, not the backer)
            pronoun = None if strength == "backer" else self._pronoun(hit, ev, clauses, giving)
            if pronoun is not None and not any(
                    p[3] not in lex.private_person for p in reach.private_in(pronoun[0] + 1, i)):
                named = reach.officials_in(pronoun[0] - ANAPHORA_TOKENS, pronoun[0]) + titled
                actor, blocked = self._antecedent(pronoun, [
                    o for o in named if o[3] not in lex.vague], ev, reach, same_sentence=True,
                    after_title=False)  # (a pronoun in the title is no official after it)
                if actor is not None or blocked or hit[2] == 0:
                    return actor, blocked
            if strength in ("weak", "person", "backer") or any(
                    self._in_scope(hit, o, clauses)
                    for o in officials + institutions + reach.private_in(lo, hi)):
                return None, False  # the subject is there but may not commit this act
            return self._antecedent(hit, publics, ev, reach, same_sentence=True)
        before = [o for o in candidates if o[0] < i]
        actor = max(before) if before else min(candidates)
        if giving and self._receives(tokens, actor[0]):
            return actor, False  # 老板给局长送了五万元: the giver is private, the taker is not
        if strength == "backer":
            return actor, False  # 砖厂有镇领导做后台: the private party is the one shielded
        # A private party not joined to the official is the subject when it stands between
        # the official and the act, before the official in the act's clause (培训机构炒作老师
        # 补课收费), or before the act when the official comes after it; not when a
        # preposition or a verb of taking makes it an object (站长向施工企业吃拿卡要, 副局长
        # 收受承包商贿赂). Only a party before the official in their clause may stand beyond
        # the scope, and of those only the nearest two matter: a joining word between the
        # nearer one and the official joins every one before it too, and only the nearest can
        # be joined by a bare enumeration comma (社区、物业公司).
        near = max(by + 1, i - SCOPE_TOKENS)
        parties = reach.private_in(near, i) + self._private_firms(ev, near, i)
        if actor[0] < i and actor[1] == hit[1]:
            parties += reach.last_private(by + 1, min(actor[0], near))
        for p in parties:
            if not (p[2] == hit[2] and by < p[0] < i):
                continue
            if actor[0] < i:
                subject = (actor[0] < p[0] and not any(
                    t in _OBJECT_BEFORE for t in tokens[actor[0] + 1: p[0]])) or (
                    p[1] == hit[1] == actor[1] and p[0] < actor[0])
            else:  # the official after the act: a private party before it is the topic
                subject = i - p[0] <= SCOPE_TOKENS
            if subject and not reach.joined(*sorted((p[0], actor[0]))):
                return None, True
        return actor, False

    @staticmethod
    def _catcher(tokens: Sequence[str], i: int) -> int:
        """The position of a verb of catching earlier in the act's clause when the act is that
        of the one caught, told in a phrase before him (民警抓获了伙同不法分子盗窃的嫌疑人,
        破获了一个与黑社会勾结的团伙): a 的 follows the act in its clause. Otherwise -1: a
        later act in the sentence (民警抓获了一个小偷，把追回的赃款据为己有) is the catcher's
        own."""
        for j in range(i + 1, min(len(tokens), i + AFTER_ACT + 1)):
            t = tokens[j]
            if t in CLAUSE_END or t in SENTENCE_END:
                return -1
            if t == "的":
                break
        else:
            return -1
        for j in range(i - 1, max(-1, i - SCOPE_TOKENS), -1):
            t = tokens[j]
            if t in CLAUSE_END or t in SENTENCE_END:
                return -1
            if t in _CATCH:
                return j
        return -1

    @staticmethod
    def _caught(tokens: Sequence[str], i: int) -> bool:
        """撑腰的赌场终于被查了: a few words after the act, in its clause, the backed party
        is caught."""
        for j in range(i + 1, min(len(tokens) - 1, i + AFTER_ACT + 4)):
            t = tokens[j]
            if t in CLAUSE_END or t in SENTENCE_END:
                return False
            if t == "被" and tokens[j + 1] in _CAUGHT:
                return True
        return False

    @staticmethod
    def _receives(tokens: Sequence[str], j: int) -> bool:
        """给局长, 向他: the party at ``j`` is the one a gift goes to."""
        return any(t in _TO for t in tokens[max(0, j - 2): j])

    def _pronoun(self, act: Hit, ev: Evidence, clauses: int, giving: bool) -> Hit | None:
        """A pronoun (他, 她) that is the subject of the act in its scope, or, for a gift, the
        one it goes to (采砂老板都给他送钱); it stands for an official named before."""
        i, c, s, _w = act
        tokens = ev.tokens
        lo = max(0, i - SCOPE_TOKENS)
        for j in range(i - 1, lo - 1, -1):
            t = tokens[j]
            if t in SENTENCE_END:
                break
            if giving and t in _PRONOUN_TO:
                return (j, ev.clause_of(j), s, t)  # 都给他送红包
            start = j - 1 if t == "人" and j and tokens[j - 1] in _THIS else j
            if t not in _PRONOUN and start == j:
                continue
            cj = ev.clause_of(j)
            if cj < c - clauses:
                break
            if giving and self._receives(tokens, start):
                return (j, cj, s, t)
            lead = tokens[start - 1] if start else "。"
            if (lead in CLAUSE_END or lead in SENTENCE_END or lead in _LEAD_IN or lead == "被"
                    ) and tokens[j + 1: j + 2] != ["的"]:
                return (j, cj, s, t)
        return None

    @staticmethod
    def _passive(tokens: Sequence[str], i: int) -> int:
        """The position of 被 earlier in the act's clause, or -1: what stands before 被
        suffered the act (补贴被村干部私分), the actor is the agent after it. A 被 with a 的
        after it before the act only describes a noun (收取被核对家庭的好处费): the clause is
        not passive."""
        modifier = False
        for j in range(i - 1, max(-1, i - SCOPE_TOKENS), -1):
            t = tokens[j]
            if t in CLAUSE_END or t in SENTENCE_END:
                return -1
            if t == "的":
                modifier = True
            elif t == "被":
                return -1 if modifier else j
        return -1

    def _titled(self, ev: Evidence, lo: int, hi: int) -> list[Hit]:
        """Officials the lexicon names by their title at either end of a word that jieba
        keeps whole (数学老师, 党总支书记, 老师们, 老师上课) in a stretch of text; the listed
        ones are in ``ev.officials`` already."""
        titles = self.lex.official_title
        listed = self.lex.officials
        private = self.lex.private
        tokens = ev.tokens
        return [
            (k, ev.clause_of(k), ev.sentence_of(k), tokens[k])
            for k in range(max(lo, 0), min(hi, len(tokens)))
            if 2 < len(tokens[k]) <= 5 and tokens[k] not in listed
            and tokens[k] not in private  # 业委会主任 heads owners, not a public body
            and (tokens[k].endswith(titles) or tokens[k].startswith(titles))
            and not self.addressee(tokens, k) and not self.writer(tokens, k)
            and not self.pretended(tokens, k)  # 我是一名数学老师, 冒充代课老师
        ]

    def _private_firms(self, ev: Evidence, lo: int, hi: int) -> list[Hit]:
        """Private firms the lexicon names by their last character (闪星机械厂, 某建材公司)."""
        suffix = self.lex.private_suffix
        tokens = ev.tokens
        return [
            (k, ev.clause_of(k), ev.sentence_of(k), tokens[k]) for k in range(max(lo, 1), hi)
            if len(tokens[k]) > 1 and tokens[k].endswith(suffix)
            and self.subject_position(tokens, k)
        ]

    def _antecedent(
        self, act: Hit, publics: list[Hit], ev: Evidence, reach: _Reach, *,
        same_sentence: bool = False, after_title: bool = True,
    ) -> tuple[Hit | None, bool]:
        """An act (or a pronoun) with no actor in its scope refers back to the last specific
        public actor of the sentences before it, or of its own sentence beyond the scope (the
        topic of a long sentence), unless a private party (not a mere villager or owner) came
        between, not joined to it. An act in the title (the first sentence) with no one
        before it is told in the sentences after it (危房改造补助要交好处费。…村主任说…), but
        not a pronoun's (我想举报我的前夫，他…骗取了低保。村干部不知道…: ``after_title``
        False)."""
        i, _c, s, _w = act
        vague = self.lex.vague
        last = s if same_sentence else s - 1
        before = [o for o in publics
                  if o[0] < i and s - ANAPHORA_SENTENCES <= o[2] <= last
                  and i - o[0] <= ANAPHORA_TOKENS and o[3] not in vague
                  and (o[2] < s or self._topic(o, i, ev, reach))]
        if not before and s == 0 and after_title:  # (the officials after the title)
            after = [o for o in reach.officials_in(i + 1, i + ANAPHORA_TOKENS + 1)
                     if 0 < o[2] <= ANAPHORA_SENTENCES
                     and o[0] - i <= ANAPHORA_TOKENS and o[3] not in vague
                     and not self.addressee(ev.tokens, o[0])]
            return (min(after), False) if after else (None, False)
        if not before:
            return None, False
        actor = max(before)
        private_person = self.lex.private_person
        for p in reach.private_in(actor[0] + 1, i) + self._private_firms(ev, actor[0] + 1, i):
            if actor[0] < p[0] < i and p[3] not in private_person and not reach.joined(
                    actor[0], p[0]):
                return None, True
        return actor, False

    def _topic(self, o: Hit, i: int, ev: Evidence, reach: _Reach) -> bool:
        """The official at ``o`` is the topic of its sentence up to ``i``: a subject (not after
        a preposition, not possessive), and no other party named between."""
        return self.subject_position(ev.tokens, o[0]) and not reach.party_between(o[0], i)

    def _relative_favour(self, ev: Evidence, reach: _Reach) -> tuple[Hit, Hit, str] | None:
        """An official's relative (村书记的哥哥, 有亲戚在环保局, 他的表哥 after the official in
        the sentence) and either a favour in the relative's sentence, before or after it (村支
        书的亲戚吃着低保, 施工的是村主任的小舅子), or shielding a few sentences around (举报了也
        不了了之…有亲戚在环保局)."""
        if not ev.relatives or not (ev.favours or ev.shield):
            return None
        tokens = ev.tokens
        vague = self.lex.vague
        clause_ends, sentence_ends = ev.clause_ends, ev.sentence_ends
        claimed = {i + 2 for i in ev.claimed}  # 自称是村支书的亲戚: the claim is no tie
        for rel in ev.relatives:
            i, c, s, _w = rel
            if any(t in _SELF for t in tokens[max(0, i - 2): i]) or self._speculative(
                    rel, ev) or any(t in _NO_KIN for t in tokens[max(0, i - 2): i]) or (
                    i in claimed):
                continue  # the petitioner's own family; 是不是只给村干部亲戚?; 没有亲属关系
            k = bisect_left(ev.lawful, s - LAWFUL_SENTENCES)  # (sentences in order)
            if k < len(ev.lawful) and ev.lawful[k] <= s + LAWFUL_SENTENCES:
                continue  # 村主任的儿子是先天残疾，依法享受补贴; …按政策她符合条件
            if any(t in _NOT_AMONG for t in tokens[i + 1: i + 4]):
                continue  # 书记的亲戚根本不在名单上
            lo, hi = i - RELATIVE_WINDOW, i
            official = next(
                (o for o in reach.officials_in(lo, hi) + reach.institutions_in(lo, hi)
                 if o[1] == c and 0 < i - o[0] <= RELATIVE_WINDOW and o[3] not in vague
                 and not any(t in _NOT_POSSESSION for t in tokens[o[0] + 1: i])), None
            )
            if official is None:
                lo, hi = i + 2, i + RELATIVE_LINK_WINDOW + 1
                official = next(
                    (o for o in reach.officials_in(lo, hi) + reach.institutions_in(lo, hi)
                     if o[1] == c and 1 < o[0] - i <= RELATIVE_LINK_WINDOW
                     and not _w.startswith(_OWN_PREFIX)
                     and any(t in _LINK for t in tokens[i + 1: i + 3])), None
                ) or self._owner(ev, reach, rel, self.lex.private_person)
            if official is None:
                continue
            # the favours of its sentence from the clause before to RELATIVE_FAVOUR_CLAUSES
            # after (a denied one, 没有吃低保, is not in reach)
            lo = max(clause_ends[c - 2] + 1 if c > 1 else 0,
                     sentence_ends[s - 1] + 1 if s > 0 else 0)
            end = c + RELATIVE_FAVOUR_CLAUSES
            hi = min(clause_ends[end] if end < len(clause_ends) else len(tokens),
                     sentence_ends[s] if s < len(sentence_ends) else len(tokens))
            fav = next((f for f in reach.favours_in(lo, hi)
                        if f[2] == s and f[0] != i
                        and -1 <= f[1] - c <= RELATIVE_FAVOUR_CLAUSES), None)
            if fav is not None:
                return rel, official, f"favour '{fav[3]}'"
            k = bisect_left(ev.shield, s - ANAPHORA_SENTENCES)  # (sentences in order)
            if k < len(ev.shield) and ev.shield[k] <= s + ANAPHORA_SENTENCES:
                return rel, official, "shielding"
        return None

    @staticmethod
    def _owner(ev: Evidence, reach: _Reach, rel: Hit, private_person: frozenset[str]
               ) -> Hit | None:
        """他的表哥, 自己亲弟弟, 其父: a possessive pronoun right before the relative, or inside
        it, refers to the last official named earlier in its sentence (not a vague one); 他 or
        她 also to one named up to ANAPHORA_SENTENCES before, with no private party between."""
        i, _c, s, w = rel
        before = ev.tokens[max(0, i - 3): i]
        if not (w.startswith(_OWN_PREFIX) or any(t in _POSSESSOR for t in before)):
            return None
        last = reach.last_named_before(i)
        if last is None or last[2] < s - ANAPHORA_SENTENCES or i - last[0] > ANAPHORA_TOKENS:
            return None
        if last[2] < s and not (w.startswith(("他", "她")) or any(t in _HIS for t in before)):
            return None  # (其 stands for the one just named)
        if last[2] < s and any(p[3] not in private_person
                               for p in reach.private_in(last[0] + 1, i)):
            return None  # (a private party came between: the pronoun may be his)
        return last

    @staticmethod
    def _negated(tokens: Sequence[str], i: int) -> bool:
        return i > 0 and tokens[i - 1] in _NEGATION


def is_amount(tokens: Sequence[str], j: int) -> bool:
    """三千块, 两万元, 1000|元, and a bare 五十 that ends its clause or has 块 after it (扣了
    五十。): a sum of money at ``j``; not the bare numeral of a measure (六十|平米)."""
    t = tokens[j].removesuffix("钱")
    if not t:
        return False
    nxt = tokens[j + 1: j + 2]
    if t.isdigit():
        return nxt in (["元"], ["块"], ["万"], ["万元"], ["块钱"])
    if t[-1] in _UNITS:
        t = t[:-1]
    elif t.endswith("万元"):
        t = t[:-2]
    elif not (len(t) > 1 and t[-1] in _SCALE) or not (
            not nxt or nxt[0] in _MONEY_NEXT or nxt[0] in CLAUSE_END or nxt[0] in SENTENCE_END):
        return False
    return bool(t) and all(ch in _NUMERALS for ch in t)
