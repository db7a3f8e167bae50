"""Golden tests for domain, issue types, and the discipline, urgent and accused-unit flags."""

from __future__ import annotations

import json

import pytest

from tests.triage.conftest import FIXTURES
from triage.engine import Triager


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("我家生活困难，想申请低保。", "dibao"),
        ("村里的五保老人没人照顾。", "tekun"),
        ("特困人员供养金什么时候发？", "tekun"),
        ("家里突遭火灾，申请临时救助。", "linshi"),
        ("大病医疗救助报销太慢。", "medical"),
        ("重度残疾人护理补贴被停了。", "disability"),
        ("老区村的道路建设资金去哪了？", "laoqu"),
        ("扶贫资金被挪用。", "poverty"),
        ("婚姻登记处办事太慢。", "other_civil"),
        ("我的养老金太低了，希望提高。", "not_civil"),
        ("小区物业乱收费，噪音扰民。", "not_civil"),
    ],
)
def test_domain(triager: Triager, text: str, domain: str) -> None:
    assert triager.triage(text).domain == domain


@pytest.mark.parametrize(
    ("text", "issue"),
    [
        ("村干部贪污低保金。", "embezzlement"),
        ("村主任克扣五保金。", "withholding"),
        ("有人虚报冒领低保。", "false_claims"),
        ("办低保要给好处费，吃拿卡要。", "extortion"),
        ("村支书搞人情保、关系保。", "favouritism"),
        ("镇长以权谋私。", "abuse_of_power"),
        ("民政所不作为，反映多次置之不理。", "inaction"),
        ("去了三次都互相推诿。", "buck_passing"),
        ("工作人员态度恶劣，乱作为。", "misconduct"),
        ("我家符合条件却应保未保。", "wrongful_exclusion"),
        ("他家有车有房还吃低保，这是错保。", "wrongful_inclusion"),
        ("低保金三个月未到账。", "payment"),
        ("低保名单没有公示。", "disclosure"),
        ("请问低保怎么申请？", "inquiry"),
        ("我想申请临时救助。", "application"),
        ("建议简化残疾人补贴的手续。", "suggestion"),
    ],
)
def test_issue_type(triager: Triager, text: str, issue: str) -> None:
    assert issue in triager.triage(text).issues


def test_several_issue_types_apply(triager: Triager) -> None:
    r = triager.triage("村干部贪污低保金，名单也没有公示，反映了也置之不理。")
    assert {"embezzlement", "disclosure", "inaction"} <= set(r.issues)


def _discipline_cases() -> list[dict[str, object]]:
    path = FIXTURES / "discipline_sentences.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", _discipline_cases(), ids=lambda c: str(c["why"]))
def test_discipline_flag(triager: Triager, case: dict[str, object]) -> None:
    assert triager.triage(str(case["text"])).discipline is case["discipline"]


def test_discipline_recall_and_precision_on_the_hand_labelled_set(triager: Triager) -> None:
    cases = _discipline_cases()
    tp = sum(1 for c in cases if c["discipline"] and triager.triage(str(c["text"])).discipline)
    fp = sum(1 for c in cases if not c["discipline"] and triager.triage(str(c["text"])).discipline)
    pos = sum(1 for c in cases if c["discipline"])
    assert pos >= 30 and len(cases) - pos >= 30
    assert tp / pos >= 0.90
    assert tp / max(tp + fp, 1) >= 0.80


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("一家保健品公司骗取老人钱财。", "a private company's fraud"),
        ("社保局克扣我的养老金。", "pension complaint"),
        ("现在腐败太严重了，贪官太多。", "general anger at corruption"),
        ("村干部没有贪污，是有人造谣。", "negated"),
    ],
)
def test_not_discipline(triager: Triager, text: str, why: str) -> None:
    r = triager.triage(text)
    assert r.discipline is False, why


def test_discipline_explains_itself(triager: Triager) -> None:
    r = triager.triage("村主任贪污了扶贫资金。")
    assert r.discipline
    assert "贪污" in r.keywords
    assert any(rule.startswith("discipline:") for rule in r.rules)


@pytest.mark.parametrize(
    "text",
    [
        "低保被取消了，我实在活不下去了，想喝农药。",
        "家里已经断粮三天，老人病危。",
        "村民准备明天集体上访堵路。",
        "他说要跳楼自杀。",
    ],
)
def test_urgent(triager: Triager, text: str) -> None:
    assert triager.triage(text).urgent is True


@pytest.mark.parametrize(
    "text",
    ["请问低保怎么申请？", "低保金三个月未到账。", "我不会自杀的，只是想讨个说法。"],
)
def test_not_urgent(triager: Triager, text: str) -> None:
    assert triager.triage(text).urgent is False


@pytest.mark.parametrize(
    "text",
    [
        "安溪县民政局局长受贿，帮亲戚办低保。",
        "县民政局截留了上级拨付的临时救助金。",
        "民政局领导优亲厚友，搞关系保。",
    ],
)
def test_accuses_county_civil_affairs(triager: Triager, text: str) -> None:
    assert triager.triage(text).accuses_unit == "county_civil_affairs"


@pytest.mark.parametrize(
    "text",
    [
        "村干部贪污低保金，我向县民政局反映过。",
        "希望县民政局查处村主任的贪污问题。",
        "县民政局很快帮我办好了低保，谢谢。",
    ],
)
def test_bureau_as_addressee_is_not_accused(triager: Triager, text: str) -> None:
    assert triager.triage(text).accuses_unit is None


def test_result_is_json_able(triager: Triager) -> None:
    r = triager.triage("泉州安溪的村干部贪污低保金")
    d = r.to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert d["county_code"] == "350524"
    assert isinstance(d["issues"], list)
    assert d["label"] is None


@pytest.mark.parametrize(
    "text",
    ["这栋楼存在火灾隐患，请消防部门检查。", "危房改造什么时候开始？危房太多了，危房要修。"],
)
def test_hazards_and_repeated_words_are_not_urgent(triager: Triager, text: str) -> None:
    assert triager.triage(text).urgent is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("镇中学克扣学生的伙食费。", True),
        ("县卫生系统套取农村合作医疗资金。", True),
        ("民办培训学校虚报冒领国家补贴。", False),
        ("某公司套取扶贫资金后跑路了。", False),
    ],
)
def test_public_body_as_actor(triager: Triager, text: str, expected: bool) -> None:
    assert triager.triage(text).discipline is expected
