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
        ("物理老师在校外开了一个补习班，让班上学生都去上，每月八百元。", "a class the teacher opened"),
        # officials in league with a supplier or a firm
        ("派出所民警与赌场老板串通，每次检查都提前通风报信。", "collusion with a gambling den"),
        # backers and shields of a business
        ("那家洗沙场有镇领导做后台，举报了好几次都没人查。", "an official as the backer"),
        ("采石场老板仗着有村支书撑腰，把村里的山林都占了。", "the backed owner does not clear"),
        ("国土所所长一直包庇那个非法采砂的老板。", "a business shielded"),
        ("砂场老板逢年过节都给镇派出所送礼。", "gifts to a public body"),
        ("环保局的人收了化工厂老板的钱，对偷排睁一只眼闭一只眼。", "a bureau's people take cash"),
        # seized goods kept
        ("城管队员把没收的水果带回家了。", "confiscated goods taken home"),
        ("镇派出所的民警把我的电动车扣了，后来被他自己开回家了。", "a pronoun agent after 被"),
        # posts through connections
        ("今年中心小学招的代课老师都是靠关系进去的。", "hired through connections"),
        ("教师进城考试不公开，有关系的都调进城了。", "transfers through connections"),
        ("县医院这次招的护士全是领导的关系户。", "the hired are connections"),
        # power used for gain, receipts for less, a body's staff
        ("县林业局为了个人利益，违规给木材加工厂批了采伐指标。", "a bureau acting for gain"),
        ("交了九百元的卫生费，村会计只给我开了六百元的收据。", "a receipt for less"),
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
        # backing, collusion and siding with a firm, with the business or the gain named
        ("那家洗沙场有镇领导撑腰，举报了也没人查。", "撑腰 with the business"),
        ("赌场老板有派出所所长罩着，天天开张。", "罩着 with the business"),
        ("村主任和开发商勾结，从中获利几十万。", "collusion for gain"),
        ("城管与商家串通一气，收了好处就不管占道经营。", "collusion with a favour paid"),
        ("环保局长纵容企业排污，因为收了企业的好处。", "siding with a firm for gain"),
        # the one who catches is not the actor, the one caught is
        ("民警抓获了贪污低保金的村会计。", "the caught cadre"),
        ("新来的局长从不为了个人利益办事，但副局长为了个人利益违规审批。", "one denied, one not"),
        ("我是村会计张某，村主任把补偿款私分了。", "the writer named, another accused"),
        ("赌场老板有派出所所长张某罩着，天天开张。", "the backer named right before 罩着"),
        ("这次社区招的网格员全是关系户，没有公开考试。", "a negation after the connections"),
        # review 2: writer
        ("我是村主任王某的邻居，他把低保给了他的亲戚。", "not only the complement of 我是"),
        ("我是村主任刘某的堂弟，他把我家的低保金私分了。", "not only the complement of 我是"),
        ("我是镇长李某某的同村人，他收了开发商五十万元。", "not only the complement of 我是"),
        ("我是村会计张某贪污低保金一事的举报人，希望尽快处理。", "not only the complement of 我是"),
        ("我是村主任贪污低保金的受害者，我家的低保金被他私分了三年。", "not only the complement of 我是"),
        ("我们是村会计克扣低保金的受害者，每户每月被扣五十元。", "not only the complement of 我是"),
        ("我是村支书打击报复的对象，因为我举报了他私分补偿款。", "not only the complement of 我是"),
        ("我是村主任叫去按的手印，后来才知道他用我的名字冒领了低保。", "not only the complement of 我是"),
        ("我是村会计通知来领钱的，结果他每人扣了两百元。", "not only the complement of 我是"),
        # review 2: catch
        ("村支书抓住扶贫的机会，把扶贫款据为己有。", "not the act of the one caught"),
        ("镇长抓住拆迁的机会，把补偿款私分了。", "not the act of the one caught"),
        ("民政所长抓住低保户不识字，让他们签字后冒领了低保金。", "not the act of the one caught"),
        ("村支书抓住换届的机会拉选票，承诺投他的票就给低保。", "not the act of the one caught"),
        ("民警抓住我的把柄，向我敲诈勒索五千元。", "not the act of the one caught"),
        ("民警抓获了一个小偷，把追回的赃款据为己有。", "not the act of the one caught"),
        ("民警逮捕了我弟弟，他的同事向我家索贿五万元。", "not the act of the one caught"),
        # review 2: pretend
        ("民警收了我两百元。我去派出所投诉，有个自称是民警的人也来找我要钱。", "a later pretender"),
        ("村主任收了红包。后来有人自称是村主任，打电话骗钱。", "a later pretender"),
        # review 2: kin
        ("今年评上低保的有三户和村主任是亲属关系。", "亲属关系 is a relative"),
        ("村里的公益岗位都给了与村支书有亲属关系的人。", "亲属关系 is a relative"),
        ("享受特困供养的李某和民政助理有亲属关系，他家有房有车。", "亲属关系 is a relative"),
        # review 2: request
        ("可否请领导查一查，村会计私分了我们的补偿款三万元。", "a polite request does not reach the next clause"),
        ("可否派人调查，镇民政所长收了低保户的好处费。", "a polite request does not reach the next clause"),
        ("领导可否过问一下，村支书把我家的低保给了他侄子。", "a polite request does not reach the next clause"),
        ("是否可以请纪委调查一下，村会计私分了补偿款三万元。", "a polite request does not reach the next clause"),
        # review 3: social assistance
        ("村委会主任在低保评审中收受多名村民财物，合计数万元。", "收受…财物"),
        ("民政所长收了我邻居两条烟，就给他批了临时救助。", "收了…烟 with the giver between"),
        ("某村村会计私自将特困人员的供养资金转入其妻子的银行账户。", "funds moved to a relative's account"),
        ("五保户的钱，村支书全拿走了。", "plain money taken away"),
        ("镇民政干部把救灾款的差额拿走了，一分没退。", "plain money taken away"),
        ("请问纪委，村支书拿扶贫款给自己买了一辆轿车，这事该找谁？", "public money spent on himself"),
        ("社区主任把低保户的慰问金留给自己。", "public money kept for himself"),
        ("请求调查：村委会私分了上级下拨的残疾人补贴款。", "a heading is no addressee"),
        ("举报：镇政府截留了我们村的临时救助资金。", "a heading is no addressee"),
        ("社区干部在入户核查时，收取被核查家庭的好处费后帮其隐瞒收入。", "被…的 describes a noun"),
        ("民政专干利用审批低保的职权，多次向申请人索要钱财。", "利用…职权 where benefits are at stake"),
        ("村主任编了一份贫困户名单，好多人根本不存在，用假名字领了扶贫款。", "不存在 ending its clause denies nothing"),
        ("为什么我们村的扶贫资金被村书记拿去发给他的亲戚？", "a why-question takes the act as given"),
        ("请问领导，村支书把贫困户的扶贫羊拿去自己家养了，这事有人管吗？", "请问 only in its own clause"),
        ("社区干部把临时救助名额给了自己的麻将搭子。", "a card partner is a crony"),
        ("村主任把上面发的救灾物资分给了自家亲戚。", "自家 makes the relative the official's"),
        ("我们组长把扶贫羊分给了自家亲戚。", "自家 makes the relative the official's"),
        ("村主任让申请低保的人每人交三百元手续费，不交就不给报上去。", "a fee as the price of a benefit"),
        ("组长说要交两百元代办费才能领残疾人补贴。", "a fee as the price of a benefit"),
        ("社区工作人员黄某在办理临时救助时，要求申请人把救助金分一半给她。", "a share handed back"),
        ("村干部帮人办低保，条件是低保金每月分他一半。", "a share handed back"),
        ("村干部把慰问金收据只开了两百元，实际领了五百元。", "a receipt for less, either order"),
        ("敬老院院长把五保老人的米和油拿回家自己用。", "goods spent on himself"),
        ("村支书拿着残疾人的补贴存折去取钱，取出来的钱自己揣着。", "money kept on himself"),
        # probe 5: kin by 其/他 and a few sentences on, projects and places for kin, money
        # moved, kept, taken from the card or spent on debts, cards held, the dead claimed for
        ("镇民政助理员，他自己老婆的户口单独分出来报了低保。", "他自己: his wife"),
        ("村委会主任王某，以其母名义申报了危房改造补助。", "其母: his mother"),
        ("村会计管账多年。他把他岳母报成独居老人，每月领着高龄补贴。", "他 for the official a sentence before"),
        ("扶贫办主任，他亲戚家的合作社一年拿了两个扶贫项目。", "projects for a relative"),
        ("残联专干把新轮椅送给了自己的亲戚朋友。", "goods given to his relatives"),
        ("村干部把我家的名字去掉，换成了村会计的远房亲戚。", "a place given to a relative"),
        ("几个干部把低保名额分给各自的亲戚。", "各自的亲戚"),
        ("村会计利用管账的便利，从专户转出八万元至其个人账户。", "money moved to his own account"),
        ("低保金到账后，村文书从我的卡里取走200元。", "a sum taken from the card"),
        ("村主任说要先交“管理费”才能发补贴。", "a made-up fee as the price of a benefit"),
        ("副所长收受被检查商户的钱物。", "收受 with the giver between"),
        ("乡民政员与一家私人诊所合谋出具假证明，补贴下来后分成。", "collusion with a clinic for a share"),
        ("慰问金都被村文书留下了。", "money kept back"),
        ("我家的低保卡一直在村会计手里。", "a card held by the cadre"),
        ("村支书拿救灾款去还他的赌债。", "public money for his own debts"),
        ("敬老院长把去世老人的名字继续报上去领钱。", "claims for the dead"),
        ("村会计套补贴，一套就是五年。", "套 before the money"),
        ("扶贫款被村主任和包村干部套走了。", "套走"),
        ("助餐补贴变成了社区干部自己的伙食费。", "turned into their own"),
        # a name said again, a vague title with a name, 此人, 该人 and the southern 伊
        ("由包村干部叶某负责发放。叶某让每户签了八百元，实际只发了五百元。", "the name again"),
        ("管评残的工作人员姓吴。他收了我一千块钱。", "a vague title named"),
        ("一个姓黄的女工作人员经办。她收了我三千块钱。", "a vague title named before it"),
        ("敬老院院长姓蔡，伊每个月把老人的零花钱拿走了。", "伊 for the named head"),
        ("村会计王某管低保。此人把我家的低保卡拿走了。", "此人 for the one named"),
        # benefits taken, sold, priced, skimmed or made over to kin
        ("村会计用死了的人的名字领了三年低保", "claims for the dead, no punctuation"),
        ("包村干部把他舅舅评成特困户他舅有退休金", "kin made a beneficiary"),
        ("镇民政办主任把他丈母娘办成了特困户", "kin made a beneficiary"),
        ("五保户的钱被敬老院院长扣了一半", "money kept back by the head"),
        ("村会计把我妈的残疾补贴领走了两年没给", "the subsidy taken away"),
        ("阿村书记卖低保一户收两千", "a benefit sold"),
        ("民政助理员收我两条烟才给盖章", "the price of a stamp"),
        ("村支书叫我交两千才给办残疾证补贴", "the price of a service"),
        ("社区书记说每户批下来五千，要返一千给他。", "a kickback"),
        ("这个主任连老人的两百块都要吃一半。", "half eaten"),
        ("村主任拿低保户的存折去信用社抵他自己的贷款", "a bankbook pledged for his debt"),
        ("村会计扣了我家危房补助五千说是手续费", "a sum skimmed and named"),
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
        # a price, a class not the teacher's own, a tie denied, a request in its own clause
        ("县中医院的药房主任和医药公司串通，药价比外面贵一倍。", "a price, not the official's gain"),
        ("语文老师多次动员家长给孩子报校外的补习班。", "an outside class, not the teacher's"),
        ("我家和村主任没有亲属关系，低保是按政策评的。", "a tie denied"),
        ("可否请领导解释一下，为什么低保名单没有公示。", "a request, no act"),
        ("我是村会计张某，今年的低保名单已经公示了。", "the writer with his name"),
        ("社区民警提醒，有人伙同保健品公司向老人推销保健品。", "a warning, no official's gain"),
        # review 2: own_class
        ("驻村第一书记开了一个电商培训班，帮贫困户在网上卖农产品，大家都很感谢他。", "no pupils charged or pushed"),
        ("村支书开了个养殖培训班，教低保户养鸡，现在大家都脱贫了。", "no pupils charged or pushed"),
        ("村里的留守儿童没人管，村支书开了个托管班，孩子们放学有地方去了。", "no pupils charged or pushed"),
        ("张老师开了个书法兴趣班，是学校组织的，不收费。", "no pupils charged or pushed"),
        ("村主任的儿子开了个培训班，办得很好。", "no pupils charged or pushed"),
        ("我女儿是残疾人，社区干部帮她联系了培训机构学按摩。", "no pupils charged or pushed"),
        ("我女儿成绩不好，班主任建议她去培训班补一补。", "no pupils charged or pushed"),
        ("村支书说他会去培训班学习养殖技术。", "no pupils charged or pushed"),
        ("班主任说她从来不开培训班，让家长放心。", "no pupils charged or pushed"),
        ("我们学校的老师都很好，没有一个开培训班的。", "no pupils charged or pushed"),
        ("我是一名数学老师，自己开了个辅导班，想办个证。", "no pupils charged or pushed"),
        ("我是代课老师，自己开了个托管班，想办个证。", "no pupils charged or pushed"),
        ("我是一名英语教师，爱人开了个补习班，想办个证。", "no pupils charged or pushed"),
        ("我是县第一中学的一名老师，我爱人开了一个辅导班。", "no pupils charged or pushed"),
        ("本人系中学教师，妻子开了一家培训机构，与我无关。", "no pupils charged or pushed"),
        ("我在镇中心小学当老师，自己开了个辅导班，被教育局罚了，我觉得不公平。", "no pupils charged or pushed"),
        ("我当了二十年乡村教师，退休后自己开了一个托管班。", "no pupils charged or pushed"),
        # review 2: designated
        ("社区医生告诉我，慢性病要到医保指定的药店买药才能报销。", "a designated outlet is a rule, not steering"),
        ("民政所工作人员让我们凭卡到指定的商店领米面油。", "a designated outlet is a rule, not steering"),
        ("民政所工作人员说临时救助的购物卡只能在指定的商店用。", "a designated outlet is a rule, not steering"),
        ("社区工作人员说消费券只能在指定商家使用，我家附近没有。", "a designated outlet is a rule, not steering"),
        ("残联工作人员告诉我残疾人补贴要到指定的门店领取辅具。", "a designated outlet is a rule, not steering"),
        ("扶贫干部说消费扶贫要到指定的商店买农产品。", "a designated outlet is a rule, not steering"),
        ("村干部说困难群众的慰问品由指定厂家统一配送。", "a designated outlet is a rule, not steering"),
        ("医生让我到医院指定的药房取药，太远了。", "a designated outlet is a rule, not steering"),
        ("医生说这个进口药只有指定的药房有，医院没有。", "a designated outlet is a rule, not steering"),
        ("医生指定的药店离家太远了，希望医院自己能配药。", "a designated outlet is a rule, not steering"),
        ("老师说学校规定不准指定书店，让我们自己买。", "a designated outlet is a rule, not steering"),
        # review 2: pushed
        ("镇干部动员我们贫困户参加养殖培训班，学到了很多技术。", "free training or school care"),
        ("村支书动员残疾人参加技能培训班，大家都很积极。", "free training or school care"),
        ("社区主任要求低保户参加就业培训班，不去就取消低保，这合理吗？", "free training or school care"),
        ("班主任要求学生参加学校组织的课后托管班，每月收费两百元。", "free training or school care"),
        ("班主任要求学生都参加学校的课后托管班，家长有意见。", "free training or school care"),
        # review 2: collusion
        ("村主任和开发商勾结，严重损害了村民的利益。", "no gain of the official"),
        ("派出所民警与施工方勾结，把阻工的村民抓了，损害了村民的利益。", "no gain of the official"),
        ("村干部和开发商串通，逼我们签字，我家六十平米的房子被拆了。", "no gain of the official"),
        ("村主任伙同开发商强拆了我家的房子，每平米补偿八百元，远低于市场价。", "no gain of the official"),
        ("城管和商家串通，把我的摊位费涨到三千元。", "no gain of the official"),
        ("民警说房东伙同中介骗了我两万元押金，让我去法院起诉。", "no gain of the official"),
        ("社区民警提醒，有人伙同中介以办低保为名骗钱，已经有老人被骗了两万元。", "no gain of the official"),
        ("派出所民警查明，这个团伙与不法分子勾结，骗了老人十万元。", "no gain of the official"),
        # review 2: sided
        ("法院偏袒开发商，损害了我们业主的利益。", "no gain of the official"),
        ("法院偏袒开发商，判我赔偿三万元。", "no gain of the official"),
        ("住建局偏袒开发商，我们多交的两万元物业维修金退不回来。", "no gain of the official"),
        ("镇政府纵容企业拖欠农民工工资二十万元，希望上级督促。", "no gain of the official"),
        ("市场监管局纵容商家哄抬物价，菜价越来越贵。", "no gain of the official"),
        ("交警护着公司的车，撞了我只赔了两千块。", "no gain of the official"),
        # review 2: backer
        ("民政局工作人员说后台是系统自动审核的，他们也没办法。", "a back end or a patron of the poor"),
        ("社区工作人员说后台就是这么显示的，我的低保还在审核。", "a back end or a patron of the poor"),
        ("残联的工作人员说手机上有后台可以查进度。", "a back end or a patron of the poor"),
        ("贫困户有了扶贫干部当靠山，心里踏实了。", "a back end or a patron of the poor"),
        ("敬老院的老人有镇政府做靠山，生活有保障。", "a back end or a patron of the poor"),
        ("低保户有村干部做后台，什么困难都能解决。", "a back end or a patron of the poor"),
        # review 2: covered
        ("环保局要求砖厂用防尘网罩着土堆，减少扬尘。", "a literal cover"),
        ("村委会让采石场用篷布把石料罩着，防止扬尘。", "a literal cover"),
        # review 2: cause
        ("刘老师因为身体关系调到了县城。", "关系 as a cause"),
        ("张医生由于家庭关系调进城了。", "关系 as a cause"),
        ("王老师因为照顾老人的关系调到了县城小学。", "关系 as a cause"),
        ("村支书因为和群众关系好被提拔为副镇长。", "关系 as a cause"),
        ("社区工作人员因为疫情的关系不让我们进去办低保。", "关系 as a cause"),
        ("卫生院的医生说因为疫情关系住院部不让家属进去。", "关系 as a cause"),
        # review 2: door
        ("卫生院后门进去就是住院部，晚上没有路灯。", "a literal back door"),
        ("学校后门进来的车辆太多，保安也不管。", "a literal back door"),
        ("敬老院后门进去有个菜园，老人们自己种菜。", "a literal back door"),
        # review 2: hired
        ("这次社区招聘公益岗位，没有一个关系户，大家都很服气。", "connections denied"),
        ("镇政府从来不搞关系户，公益岗位都是公开招聘的。", "connections denied"),
        # review 2: posts
        ("村主任的女儿今年高考考得很好，被重点大学录取了。", "won openly"),
        ("村支书的亲戚很多，有的在外地打工，有的考上了大学被录取了。", "won openly"),
        ("我是低保户，我的女儿今年被大学录取了，村主任的侄子也被录取了，请问有助学金吗？", "won openly"),
        ("村支书的儿子考上了公务员，已经入职了，大家都为他高兴。", "won openly"),
        ("村会计的女儿考上了特岗教师，下个月入职。", "won openly"),
        ("镇长的女儿大学毕业后通过公开考试被县医院聘用。", "won openly"),
        ("社区主任的儿子在部队表现好，转正了。", "won openly"),
        # review 2: free
        ("村主任说低保户白拿国家的钱，不干活，要取消我们的低保。", "a cadre lecturing recipients takes nothing"),
        ("社区主任说我们不能白拿补贴，要参加公益劳动。", "a cadre lecturing recipients takes nothing"),
        ("镇长说贫困户不能白拿扶贫款，要自己努力。", "a cadre lecturing recipients takes nothing"),
        ("民政所长说这些钱不是让你们白拿的。", "a cadre lecturing recipients takes nothing"),
        ("村干部骂我们五保户在敬老院白吃白喝，态度很恶劣。", "a cadre lecturing recipients takes nothing"),
        ("村支书当众说我家是白吃白拿的懒汉，侮辱我们低保户。", "a cadre lecturing recipients takes nothing"),
        # review 2: for_gain
        ("驻村干部带领大家发展养殖，贫困户从中获利不少。", "no gain of the official driving an act"),
        ("扶贫干部帮贫困户种茶叶，茶农从中获利，日子越过越好。", "no gain of the official driving an act"),
        ("村支书牵头成立合作社，让低保户从中获利。", "no gain of the official driving an act"),
        ("镇长说这个项目能让老百姓从中受益，从中获利。", "no gain of the official driving an act"),
        ("扶贫干部为了利益最大化，帮贫困户把农产品卖到城里。", "no gain of the official driving an act"),
        ("民政所长从不为了群众办事，只为了个人利益。", "no gain of the official driving an act"),
        # review 2: receipt
        ("交警很通情达理，没有开罚单，只是提醒我下次注意。", "a ticket or a receipt defect, no money kept"),
        ("交警只是口头警告了我，没开罚单。", "a ticket or a receipt defect, no money kept"),
        ("交警说罚单没有生效，不用交钱。", "a ticket or a receipt defect, no money kept"),
        ("交警只开了罚单，没有扣车，态度也很好。", "a ticket or a receipt defect, no money kept"),
        ("交警开的罚单上地点不符，我要申诉。", "a ticket or a receipt defect, no money kept"),
        ("医院发票上少写了我的身份证号，报销不了。", "a ticket or a receipt defect, no money kept"),
        ("村会计给的收据少盖了一个章，民政所不认。", "a ticket or a receipt defect, no money kept"),
        # review 2: seized
        ("交警扣押的电动车我已经开回家了，谢谢交警同志。", "seized goods returned or handed to the needy"),
        ("城管没收的蔬菜分了给敬老院的老人，老人们很高兴。", "seized goods returned or handed to the needy"),
        # review 3: social assistance
        ("村主任的女儿是先天残疾，依法享受残疾人补贴，村里公示过。", "a relative's lawful benefit"),
        ("我是村支书的妹妹，丈夫去世，经过评议公示依法享受低保。", "a relative's lawful benefit"),
        ("低保评议时，村干部的亲属都主动回避了，程序很规范。", "a relative's lawful benefit"),
        ("村主任的母亲是低保户，条件确实困难，村里评议一致通过的。", "a relative's lawful benefit"),
        ("为什么村支书家的亲戚不能吃低保？他们家真的很穷。", "a favour denied"),
        ("我是村会计，低保资金都按时发放了，有人造谣说我们截留，请上级来查账。", "a rumour denied"),
        ("有人在群里传谣说村支书把残疾人补贴私吞了，请有关部门澄清。", "a rumour denied"),
        ("我看到新闻说外地有个村支书贪污低保金被判刑了，我们这里也要加强监管。", "news from elsewhere"),
        ("有个男的说自己是村主任的表哥，收了我们几家的钱就跑了。", "a kinship claimed by a swindler"),
        ("有人自称是村支书的亲戚，在外面收钱说能办低保，村支书已经报警了。", "a kinship claimed by a swindler"),
        ("有个人说自己是民政所的干部，收了我五百元就不见了。", "说自己是 claims a title"),
        ("希望对吃拿卡要的干部严惩不贷。", "a wish"),
        ("村主任每个月都亲自把五保金送到家里，非常感谢他。", "delivering, not taking"),
        ("村支书从不收礼，我给他送东西他都退回来了。", "a gift sent back"),
        ("村主任说：谁敢走后门办低保，一律取消。", "a rule laid down"),
        ("村主任说低保金让我们自己去银行领。", "自己 of the recipients, no money spent"),
        ("银行取钱要交手续费，不交就取不了。", "a bank's fee, no official"),
        ("我把一半的补贴给了他，他是我儿子。", "the writer shares with his son"),
        # probe 5 look-alikes: rumours, posts and news, a question, a benefit lawful a
        # sentence on, a name dropped, a pronoun in the title, 其 of a private person
        ("网上有人在传村支书贪污了救灾款，其实账目都公示了。", "a rumour going round"),
        ("看到市纪委通报，外县一个民政所长因受贿被开除。", "news of a case closed"),
        ("看到有人发帖子说我们镇的扶贫干部贪污，这是编造的。", "a post repeated"),
        ("请问村干部的直系亲属能不能享受低保？", "a question with 能不能"),
        ("村主任的哥哥评上了低保。他哥哥是尿毒症，家里确实困难。评议时村主任主动回避了。", "lawful a sentence after"),
        ("村文书的母亲评上了特困供养。她无儿无女，按政策符合条件。", "符合条件"),
        ("有人说社区书记给她亲戚办了低保，我去看了名单，书记的亲戚根本不在名单上。", "not on the list"),
        ("有个人到处说他认识民政所长，收了好几户每家两千块钱。", "a name dropped by a swindler"),
        ("我想举报我的前夫，他瞒报收入骗取了低保。村干部不知道他的情况。", "a pronoun in the title"),
        ("张某与其妹在学校旁边的宅基地上建了门面。村两委多次协调。", "其 is the one just named"),
        ("其子是派出所民警，经常来找我们说情。", "其子 an official is no one's favour"),
        ("村主任留下两百块钱就走了。", "money left, not kept"),
        ("我的存折一直在我自己手里。", "the owner holds the card"),
        ("他用打工挣的钱还了房贷。", "own money, own debt"),
        ("老人去世后，村干部说补贴不能继续领，名字已经报上去注销了。", "the dead struck off"),
        ("村主任带村民学习养殖，这一套做法很好，村里补贴了饲料。", "套 as a measure"),
        ("镇里把补助发给了他家，他家确实困难。", "aid to a poor family"),
        # look-alikes of this round's fixes
        ("村民王某说村主任来过。王某让我签了字。", "a villager's name, not the cadre's"),
        ("管评残的工作人员。他收了我一千块钱。", "a vague title without a name"),
        ("我邻居塞给所长一个红包，想办低保。他当场退回去了。", "a gift sent back"),
        ("有个人自称是我们镇镇长的亲戚，说可以走后门办低保，收了三千块。", "a kinship claimed"),
        ("我在网上看到一篇文章，说某地的村干部把五保户的钱拿去买理财。", "an article"),
        ("村里有人在议论，说是关系保。村支书本人回避了，公示了七天。", "gossip, rebutted"),
        ("有人在网上说危房改造名额给了村主任的儿子。我是他邻居，他家确实是危房。"
         "镇里来鉴定过。评议时村主任回避了。", "a favour rebutted three sentences on"),
        ("我交了二十元工本费才给办残疾证。", "a cost price"),
        ("村主任把他女儿的补贴款退回给他。", "no kickback without a sum"),
        ("他把钱还给了我，这一半给他。", "no official"),
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
        "我是村主任王某的邻居，他贪污了，",  # the writer's role, a pronoun
        "民警抓获了贪污的人，",  # a catcher before the act of the one caught
        "老师让学生报她的辅导班，",  # a pair that needs two sets of words in its sentence
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
