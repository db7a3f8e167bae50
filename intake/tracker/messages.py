"""Text officers and citizens read about deadlines and leads (Simplified Chinese), in one place."""

from __future__ import annotations

import datetime as dt

from triage.deadlines import CHINA_TZ

CLOCK_LABELS = {
    "dispatch": "登记转办",
    "dispatch_target": "登记转办（内部目标）",
    "acceptance_notice": "告知受理",
    "objection": "退单",
    "handle": "办理答复",
    "review_request": "请求复查",
    "review_decision": "复查答复",
    "recheck_request": "请求复核",
    "recheck_decision": "复核答复",
    "discipline_transfer": "线索移送",
    "urgent": "紧急处置",
}

EVENT_LABELS = {  # also in intake/messages.py (the timeline reads that one)
    "reminder": "期限提醒",
    "escalation": "超期督办",
    "lead_transferred": "问题线索已移送",
    "lead_preliminary": "问题线索初步核实",
    "lead_filed": "问题线索已立案",
    "lead_concluded": "问题线索已了结",
}

LEAD_STATUS_LABELS = {
    "pending_transfer": "待移送",
    "transferred": "已移送",
    "preliminary": "初核",
    "filed": "立案",
    "concluded": "了结",
}

# What a named reporter is told at each ledger step (never the accused's name or details).
LEAD_FEEDBACK = {
    "transferred": "您反映的问题线索已移送纪检监察机关依规处理。",
    "preliminary": "您反映的问题线索已进入初步核实。",
    "filed": "您反映的问题经初步核实，纪检监察机关已立案审查调查。",
    "concluded": "您反映的问题线索已办理了结。{outcome}",
}


def local(at: dt.datetime) -> str:
    return at.astimezone(CHINA_TZ).strftime("%Y年%m月%d日%H:%M")


def clock_label(name: str) -> str:
    return CLOCK_LABELS.get(name, name)


def reminder_text(reference: str, clock: str, due: dt.datetime) -> str:
    return f"信访件 {reference} 的“{clock_label(clock)}”期限将于 {local(due)} 届满，请抓紧办理。"


def escalation_text(reference: str, clock: str, due: dt.datetime, level: int) -> str:
    again = "再次" if level > 1 else ""
    return (f"督办：信访件 {reference} 的“{clock_label(clock)}”已于 {local(due)} 超期，"
            f"请{again}督促承办单位限期办结。")
