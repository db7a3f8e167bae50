"""Golden tests for the discipline patterns of ``triage.discipline`` (synthetic sentences).

Each pattern has sentences it must flag and near misses it must not: the accused actor and
the act for gain in one scope, a question or wish or rumour that cancels, a private party
alone that cancels.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import pytest

from triage import discipline
from triage.classify import Lexicon
from triage.discipline import DisciplineLexicon
from triage.engine import Triager
from triage.tokenize import _keep_base_freq


@pytest.mark.parametrize(
    ("text", "why"),
    [
        # public-school teachers and doctors
        ("县实验小学的班主任让班上学生到她家里补课，每人每月收费六百元。", "paid tutoring by own teacher"),
        ("这所中学的数学老师暑假在家办补习班，每期收取八百元。", "paid tutoring, title as suffix"),
        ("二小的老师上课不讲重点，让学生到自己家补课。", "tutoring at the teacher's home"),
        ("县人民医院的医生开药拿回扣。", "kickbacks by a public-hospital doctor"),
        ("医生收了病人家属的红包才安排手术。", "red envelope to a doctor"),
        # police, inspectors, law enforcement
        ("镇派出所民警罚了我两百元，却不开任何票据。", "fine pocketed without a receipt"),
        ("这位交警收了司机五百元现金就放行了。", "cash taken by a traffic policeman"),
        ("卫生监督所的检查人员收了店主送的红包，检查就走过场。", "red envelope to an inspector"),
        ("城管中队长经常接受商户的吃请。", "meals paid by the inspected"),
        # schools
        ("县二中校长私下卖学位，每个学位收三万元。", "selling school places"),
        ("镇中心小学收了我们四百多元，却未开具任何收款收据。", "fees without a receipt"),
        # relatives of officials
        ("那家砖厂的老板是镇长的小舅子，群众举报多次都不了了之。", "shielding a relative's business"),
        ("养猪场污染严重，老板有亲戚在环保局，举报了也没人管。", "relative in the bureau that should act"),
        ("县林业局局长的儿子没有参加考试就进了编制。", "job for an official's son"),
        ("镇长的弟弟承包了村里的道路工程。", "project for an official's brother"),
        # tenders, funds, village money
        ("县水利局的河道整治工程招标，中标单位早就内定了。", "rigged public tender"),
        ("这次招投标存在严重的串标围标行为。", "bid rigging in a public tender"),
        ("镇财政所所长私设小金库，用来请客吃饭。", "slush fund"),
        ("村委会至今不愿补偿给被征地的村民。", "village committee keeps compensation"),
        ("村支书在工程中吃差价。", "skimming by a village secretary"),
        ("上级拨付的扶贫资金被村会计私分了。", "passive: the agent after 被"),
        # an act whose sentence names no one refers back
        ("村干部说危房改造有补贴。可是一年过去了，补贴已被装入某些人的腰包。", "anaphora"),
        # abuse of power where social-assistance benefits are at stake
        ("民政所所长滥用职权，把低保名额给了不符合条件的人。", "abuse of power over dibao"),
        # the roles of the social-assistance world
        ("乡民政助理员把自己的岳父母列为受灾户，虚报冒领救灾款。", "township civil-affairs assistant"),
        ("敬老院院长私下收住有儿有女的老人，钱全揣进自己兜里。", "nursing-home head pockets fees"),
        ("福利院院长把捐赠的奶粉倒卖给批发商。", "welfare-home head sells donations"),
        # benefits for an official's kin and cronies, the benefit before or after them
        ("今年的低保名额，村支书给了他的亲弟弟。", "dibao slot to the secretary's brother"),
        ("公益岗位一共八个，有三个是村主任的亲戚。", "public jobs, the benefit named first"),
        ("居委会主任把困难补助都给了她的牌友。", "aid to a card partner"),
        ("安置房名单上有村支书的女儿女婿。", "relocation flats for the daughter"),
        ("施工的是村主任的小舅子，工程款结了四十万。", "works for the brother-in-law"),
        # public money or goods taken, held back or put to one's own use
        ("村会计每次发低保都每家扣五十块。", "a sum skimmed from each payment"),
        ("村主任拿走了我家的危房改造补助款。", "subsidy taken by the village head"),
        ("民政所长把救助资金转到他个人的银行账户。", "aid moved to a personal account"),
        ("社区副主任开车把慰问品往家里搬。", "relief goods carried home"),
        ("村文书把我家的孤儿补贴取走了，说钱用在他家的事上。", "allowance used for his family"),
        # money to the official: the private giver does not clear the taker
        ("村支书收了砖厂老板五万块钱，同意在基本农田上取土。", "cash from a kiln owner"),
        ("包工头给副局长送了二十万现金。", "a contractor pays a deputy director"),
        ("违建户逢年过节都给城建科长送红包。", "red envelopes to the one who should act"),
        ("副局长收受敬老院承包商的贿赂。", "the contractor is the giver, not the subject"),
        ("村主任说补助有两万，但要先给他三千块钱跑手续。", "a fee asked for a subsidy"),
        # benefits traded for votes
        ("村支书挨家挨户说投他的票就给报低保，这是用低保拉选票。", "dibao for votes"),
        # a title names the act, the body the actor
        ("危房改造补助要交好处费。村主任杨某说不交就不给名额。", "the actor after the title"),
        # teachers and doctors who steer pupils or patients to their own class or a shop
        ("初二的英语老师让全班同学报她的辅导班，每学期一千二。", "the teacher's own class"),
        ("物理老师在校外开了一个补习班，课上的难题都留到那里讲。", "a class the teacher opened"),
        ("语文老师多次动员家长给孩子报校外的补习班。", "pupils pushed into a class"),
        ("班主任要求学生到她指定的书店买练习册。", "a designated bookshop"),
        ("卫生院的医生让病人去指定的药房买药。", "a designated pharmacy"),
        # officials in league with a supplier or a firm
        ("县中医院的药房主任和医药公司串通，药价比外面贵一倍。", "collusion with a supplier"),
        ("派出所民警与赌场老板串通，每次检查都提前通风报信。", "collusion with a gambling den"),
        # backers and shields of a business
        ("那家洗沙场有镇领导做后台，举报了好几次都没人查。", "an official as the backer"),
        ("这家歌厅的后台就是公安分局的副局长。", "the backer named after the act"),
        ("采石场老板仗着有村支书撑腰，把村里的山林都占了。", "the backed owner does not clear"),
        ("国土所所长一直包庇那个非法采砂的老板。", "a business shielded"),
        ("砂场老板逢年过节都给镇派出所送礼。", "gifts to a public body"),
        ("环保局的人收了化工厂老板的钱，对偷排睁一只眼闭一只眼。", "a bureau's people take cash"),
        ("市场管理所的工作人员经常在摊位上白吃白拿。", "eating and taking without paying"),
        # seized goods kept
        ("城管队员把没收的水果带回家了。", "confiscated goods taken home"),
        ("镇派出所的民警把我的电动车扣了，后来被他自己开回家了。", "a pronoun agent after 被"),
        # posts through connections
        ("今年中心小学招的代课老师都是靠关系进去的。", "hired through connections"),
        ("教师进城考试不公开，有关系的都调进城了。", "transfers through connections"),
        ("县医院这次招的护士全是领导的关系户。", "the hired are connections"),
        ("这次招聘笔试第一的没录取，录取的是局长的外甥女。", "a post for an official's niece"),
        # power used for gain, receipts for less, a body's staff
        ("县林业局为了个人利益，违规给木材加工厂批了采伐指标。", "a bureau acting for gain"),
        ("交了九百元的卫生费，村会计只给我开了六百元的收据。", "a receipt for less"),
        ("镇司法所罚了我一千五，罚款单上少写了五百。", "a fine's ticket for less"),
        ("县城管局职工张某把小区的公共绿地围起来，占为己有。", "a bureau's employee"),
        # the writer is not the official when a verb comes first (review probes)
        ("他作为村支书，贪污了低保金五万元。", "作为 after another subject"),
        ("我是来举报村主任贪污低保金的。", "我是 + a verb: the official is reported"),
        ("我是想反映村书记贪污的问题。", "我是想反映"),
        ("本人是想举报镇长收受贿赂。", "本人是想举报"),
        ("我们是被村主任骗了，他把补偿款私分了。", "我们是被"),
        ("我是村会计，村主任把补偿款私分了。", "the writer is one official, another is accused"),
        # a pretender is only the mention after the pretend word
        ("有人自称是镇长的亲戚，镇长收受了他的贿赂。", "a kinship claimed, the official real"),
        ("村主任谎称镇长同意了，镇长收了他两万元好处费。", "谎称 is a lie, not a disguise"),
        ("有人冒充民警骗钱。我去派出所报案，民警收了我两百元才立案。", "a real one after"),
        # 先生 after 的 is a husband, not a salutation
        ("镇长的先生收了老板五万元红包。", "the mayor's husband"),
        ("女村支书的先生拿了村里的工程，钱都进了她家。", "the secretary's husband"),
        ("市长先生，我们村的村主任贪污了低保金。", "the addressee, another accused"),
        # a cancelling word in another clause of the sentence does not cancel
        ("数学老师动员学生报他老婆开的培训班，学校的免费午餐也没人管。", "免费 a clause away"),
        ("老师推荐学生去指定书店买资料，书店老板是她老公，学校的免费教材却不发。", "免费 elsewhere"),
        # backing, collusion and siding with a firm, with the business or the gain named
        ("那家洗沙场有镇领导撑腰，举报了也没人查。", "撑腰 with the business"),
        ("赌场老板有派出所所长罩着，天天开张。", "罩着 with the business"),
        ("砖厂老板有镇长做靠山，污染也没人管。", "a patron made"),
        ("村主任和开发商勾结，从中获利几十万。", "collusion for gain"),
        ("城管与商家串通一气，收了好处就不管占道经营。", "collusion with a favour paid"),
        ("环保局长纵容企业排污，因为收了企业的好处。", "siding with a firm for gain"),
        # the one who catches is not the actor, the one caught is
        ("民警抓获了贪污低保金的村会计。", "the caught cadre"),
        ("新来的局长从不为了个人利益办事，但副局长为了个人利益违规审批。", "one denied, one not"),
    ],
)
def test_flags_accusation(triager: Triager, text: str, why: str) -> None:
    r = triager.triage(text)
    assert r.discipline is True, (why, r.rules)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("校外培训机构在网上炒作在职老师补课收费。", "private party is the subject"),
        ("学校暑假组织补课，每人收费五百元。", "school-run classes, no teacher pocketing"),
        ("老师每天放学后留学生免费补课，家长很感激。", "free help, no fee"),
        ("民营医院的医生开药拿回扣。", "doctor of a private hospital"),
        ("出租车司机收了车费却不给发票。", "private driver"),
        ("医院收费太贵，看一次病要好几百元。", "a price complaint"),
        ("听说村主任收了红包，不知道是真是假。", "rumour"),
        ("这笔钱到底落入了哪些人的腰包？", "rhetorical question, no one named"),
        ("请问村干部收了红包该向哪里举报？", "a question"),
        ("是否存在村干部私分补偿款的情况，请调查。", "bare suspicion"),
        ("希望相关领导不要为了一己私利损害群众利益。", "a wish"),
        ("村干部没有收红包，是有人造谣。", "negated act"),
        ("尊敬的王局长：我们小区的物业公司乱收费，还私吞了维修基金。", "addressee; private firm"),
        ("我的儿子在镇政府上班，工资一直没发。", "the petitioner's own son"),
        ("县政府违规侵占农民的耕地修建工业园。", "land taken by a body, no private gain"),
        ("城管队员滥用职权，粗暴执法。", "abuse without private gain"),
        ("镇国土所所长纵容一村民违规侵占集体用地。", "a villager is the one who took it"),
        ("我家的低保被取消了，村主任说是上面的政策。", "no act"),
        ("F7县长寿镇的道路坑坑洼洼，希望尽快修好。", "县长 inside a place code is no official"),
        # the writer denies or only repeats
        ("我没有说村主任贪污，只是希望公开账目。", "the writer denies the accusation"),
        ("不存在谁拿好处的问题，就是希望政策照顾一下。", "no one takes anything"),
        ("有人说镇长收了红包，我不知道真假。", "hearsay"),
        # relatives and cronies that are no official's favour
        ("我儿子的同学吃着低保，学校也知道。", "a classmate is no school's relative"),
        ("村干部指定的评议代表很多是他们的亲戚朋友，开会只是举手通过。", "kin, but no benefit"),
        ("是不是只有村干部的亲戚才能评上低保？", "a question about kin"),
        ("村支书的儿子在外地打工，很少回家。", "a cadre's son, no favour"),
        ("工作人员说她母亲还在，不能按孤儿申请补贴。", "the mother is the applicant's"),
        # money and pockets without an accused official
        ("业委会主任和物业经理私分了停车费。", "owners' committee and manager are private"),
        ("钱到底进了谁的口袋？", "whose pocket: no one is accused"),
        ("我给村主任送了一面锦旗，感谢他帮我们修路。", "a banner of thanks is no gift"),
        ("县里只发了一千元临时救助，太少了。", "a small payment is a policy complaint"),
        ("我把补助款存到个人账户里了。", "the writer's own account"),
        # classes, shops and agencies that are no teacher's business
        ("学校开设了免费的课后托管班，家长自愿报名。", "a school's own classes"),
        ("数学老师说她的辅导班是免费的，想来的都可以来。", "a free class"),
        ("我是一名退休教师，自己开了一个补习班。", "the writer is the teacher"),
        ("教育局要求在职教师不得推荐学生参加校外培训机构。", "a rule"),
        # collusion and backing without an official for gain
        ("物业公司与开发商勾结，侵占业主的车位。", "private parties collude"),
        ("社保局和交警队串通一气，推诿我的工伤认定。", "two bodies, no private partner"),
        ("工作人员说后台显示补贴已经发放了。", "a computer's back end"),
        ("工作人员推荐我们找第三方鉴定机构。", "a bare agency is any body"),
        ("希望政府给我们老百姓撑腰。", "a wish for backing"),
        ("扫黑除恶要深挖黑恶势力背后的保护伞。", "a slogan names no one"),
        ("有人冒充民警向老人索要保证金。", "an impostor is no official"),
        # seizures, posts and fees by the rules
        ("交警大队依法拍卖了逾期无人认领的扣押车辆。", "a lawful auction"),
        ("派出所扣押了我的摩托车，到现在还没还。", "kept, not taken"),
        ("交警扣了我的电动车，我只好骑着共享单车上班。", "the owner rides another"),
        ("城管没收了我的三轮车，交了罚款才拿回来。", "the owner gets it back"),
        ("张老师因为工作关系调到了县城小学。", "a transfer for work"),
        ("我们家没有关系，孩子进不了城区的学校。", "no connections, no one accused"),
        ("是不是有关系的老师才能调进城？", "a question"),
        ("医院为了利益让病人做了很多不必要的检查。", "a hospital's revenue, a price complaint"),
        ("我交了三百元，村会计开了三百元的收据。", "a receipt for the full sum"),
        # backer words that back no business (review probes)
        ("靠山村村主任带领村民修路，大家都很感激。", "a place name"),
        ("村委会用塑料布罩着救灾物资，防止被雨淋湿。", "a literal cover"),
        ("镇卫生院门口的井用铁网罩着，很安全。", "a literal cover"),
        ("镇政府给村民撑腰，帮我们讨回了工钱。", "praise"),
        ("派出所撑腰的赌场终于被查了，感谢政府。", "the backed business caught: news"),
        ("村支书仗着有后台，经常欺压百姓。", "the official is the one backed"),
        # collusion and siding with a firm without gain or favour
        ("民警抓获了伙同不法分子盗窃的嫌疑人。", "the police catch the colluder"),
        ("派出所民警破获了一个与黑社会勾结的团伙。", "the police catch the gang"),
        ("城管与商家串通一气，不管占道经营。", "inaction, no gain"),
        ("村主任和开发商勾结，强拆我家房子。", "a land dispute, no private gain"),
        ("环保局纵容企业排污，多次举报没人管。", "inaction"),
        ("法院偏袒开发商，我不服判决。", "a disputed ruling"),
        ("城管护着商家，不管占道。", "inaction"),
        # shops and classes only recommended or advised
        ("医生说医院没有这个药，推荐我去外面的药店买。", "a pharmacy recommended"),
        ("医生推荐我去正规药店买药，别在网上买。", "advice"),
        ("村主任介绍我去镇上一家商店打工。", "a job found"),
        ("镇长介绍本地厂家参加招商会。", "firms introduced"),
        ("班主任建议我们暑假给孩子报个培训班，我觉得没必要。", "advice"),
        ("老师说孩子数学基础差，建议去辅导机构补一补。", "advice"),
        ("老师建议孩子多参加课外培训班提高成绩。", "advice"),
        # a class of the writer's household, a question
        ("我爱人是小学老师，她开了一个培训班，请问合法吗？", "the writer's wife"),
        ("老师是否可以在家里开辅导班收费？", "a question (是否可以 kept whole)"),
        # ties that are no connections, a motive denied, a receipt instead of an invoice
        ("村干部和群众关系很好，安排工作很顺利。", "good relations"),
        ("镇政府理顺了各方关系，安排专人负责低保发放。", "relations put in order"),
        ("新来的局长为人正直，从不为了个人利益。", "从不 denies"),
        ("学校只给我们开了收据，没有正规发票。", "a receipt instead of an invoice"),
    ],
)
def test_does_not_flag(triager: Triager, text: str, why: str) -> None:
    r = triager.triage(text)
    assert r.discipline is False, (why, r.rules)


@pytest.mark.parametrize(
    ("text", "act", "actor"),
    [
        ("镇财政所所长私设小金库。", "私设", "所长"),
        ("医生收了红包才安排手术。", "红包", "医生"),
        ("那家砖厂的老板是镇长的小舅子，举报了也不了了之。", "小舅子", "镇长"),
        ("那家洗沙场有镇领导做后台。", "后台", "镇领导"),
        ("城管局职工李某把没收的水果带回家了。", "带回家", "城管局职工"),
    ],
)
def test_decision_names_the_act_and_the_actor(
    triager: Triager, text: str, act: str, actor: str
) -> None:
    r = triager.triage(text)
    rule = next(x for x in r.rules if x.startswith("discipline:"))
    assert act in rule and actor in rule
    assert act in r.keywords and actor in r.keywords


def test_a_lie_leaves_the_official_real_and_accused(triager: Triager) -> None:
    r = triager.triage("村主任谎称镇长同意了，镇长收了他两万元好处费。")
    rule = next(x for x in r.rules if x.startswith("discipline:"))
    assert "by '镇长'" in rule and "村主任" not in rule


class _CountedTokens(list[str]):
    """Tokens that count how many of them are read, one by one or in slices."""

    reads = 0

    def __getitem__(self, k: Any) -> Any:
        got = super().__getitem__(k)
        self.reads += len(got) if isinstance(k, slice) else 1
        return got

    def __iter__(self) -> Any:
        self.reads += len(self)
        return super().__iter__()


@pytest.mark.parametrize(("unit", "times"), [("老师开了培训班", 5000), ("她培训班", 2500)])
def test_a_long_text_without_a_stop_costs_its_length(
    triager: Triager, unit: str, times: int
) -> None:
    """Pairs with cancelling words (免费) in a text without a full stop: each pair once read
    its whole sentence, so ten times the text cost a hundred times the work. Counted in
    tokens read, not seconds."""
    reads = []
    for n in (times // 10, times):
        tokens = _CountedTokens(triager.tokens(unit * n))
        triager.classifier.classify(tokens)
        reads.append(tokens.reads)
    assert reads[1] <= 20 * reads[0], reads


def _work(triager: Triager, text: str) -> int:
    """The tokens read and the lines run in ``triage.discipline`` (a turn of a loop over
    hits is a line too) while the text is classified: work, not seconds."""
    tokens = _CountedTokens(triager.tokens(text))
    lines = 0

    def count(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal lines
        lines += event == "line"
        return count

    def enter(frame: FrameType, event: str, arg: Any) -> Any:
        return count if frame.f_code.co_filename == discipline.__file__ else None

    tracer = sys.gettrace()
    sys.settrace(enter)
    try:
        triager.classifier.classify(tokens)
    finally:
        sys.settrace(tracer)
    return tokens.reads + lines


@pytest.mark.parametrize(
    "unit",
    [
        "村主任说老板贪污了，",  # every act blocked by a private party
        "他贪污了。",  # a pronoun and no official
        "村主任的儿子吃低保，",  # a relative and a favour
        "老板给局长送钱，",  # a gift to an official
        "村主任说老板，后来他贪污了。",  # a pronoun's antecedent, a private party between
        "镇长说话，老板村民贪污了，",  # the topic of a long sentence
        "村主任的儿子。低保。",  # relatives with no favour in their sentence
    ],
)
def test_many_acts_and_parties_cost_the_texts_length(triager: Triager, unit: str) -> None:
    """For every act the actor was looked for among all the officials, bodies and private
    parties of the message, and for every relative among all its officials and favours, so
    ten times the text cost up to a hundred times the work. Now only those within reach
    (the scope, the anaphora window, the relative's clauses) are looked at."""
    work = [_work(triager, unit * n) for n in (100, 1000)]
    assert work[1] <= 20 * work[0], work


def test_the_favour_names_the_relative_and_the_official(triager: Triager) -> None:
    r = triager.triage("公益岗位一共八个，有三个是村主任的亲戚。")
    rule = next(x for x in r.rules if x.startswith("discipline:"))
    assert "公益岗位" in rule and "亲戚" in rule and "村主任" in rule


def test_a_pronoun_after_a_gift_stands_for_the_official(triager: Triager) -> None:
    r = triager.triage("城建科长杜某拖着不拆违建。这些违建户逢年过节都给他送红包。")
    rule = next(x for x in r.rules if x.startswith("discipline:"))
    assert "科长" in rule and "sentence before" in rule


def test_amounts_of_money() -> None:
    from triage.discipline import is_amount

    for toks, j in ((["三千块"], 0), (["两万元"], 0), (["1000", "元"], 0), (["五十"], 0)):
        assert is_amount(toks, j), toks
    for toks, j in ((["2019", "年"], 0), (["一些"], 0), (["块"], 0)):
        assert not is_amount(toks, j), toks


def test_an_earlier_sentence_is_named_in_the_rule(triager: Triager) -> None:
    r = triager.triage("村干部说危房改造有补贴。可是一年过去了，补贴已被装入某些人的腰包。")
    rule = next(x for x in r.rules if x.startswith("discipline:"))
    assert "村干部" in rule and "sentence before" in rule


def test_a_private_party_alone_says_why(triager: Triager) -> None:
    r = triager.triage("校外培训机构在网上炒作在职老师补课收费。")
    assert "not discipline: corruption word without an official (private party)" in r.rules


def test_a_question_says_why(triager: Triager) -> None:
    r = triager.triage("是否存在村干部私分补偿款的情况，请调查。")
    assert any("question or a wish" in x for x in r.rules)


def _lexicon_data() -> dict[str, Any]:
    import tomllib
    from importlib import resources

    return tomllib.loads(resources.files("triage").joinpath("data/lexicon.toml").read_text("utf-8"))


def test_lexicon_rejects_an_unknown_pair_strength() -> None:
    data = _lexicon_data()
    data["discipline"]["pairs"]["bribe"]["strength"] = "sometimes"
    with pytest.raises(ValueError, match="strength"):
        Lexicon.from_dict(data)


def test_only_words_of_two_characters_or_more_join_the_dictionary() -> None:
    lex = DisciplineLexicon.from_dict(_lexicon_data())
    words = set(lex.words())
    assert "补课费" in words and "收据" in words and "工作关系" in words
    assert not [w for w in words if len(w) < 2]
    assert not [w for w, kind, _k in lex.entries() if kind == "pair" and len(w) < 2]


def test_a_user_word_never_lowers_jiebas_own_frequency() -> None:
    base = "没有 87597 d\n学校 17020 n\n补课 167 v"
    kept = dict(_keep_base_freq([("没有", 50_000), ("学校", 50_000), ("补课费", 50_000)], base))
    assert kept == {"没有": 87597, "学校": 50_000, "补课费": 50_000}
