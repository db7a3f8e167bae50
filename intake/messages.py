"""Text that citizens and officers read, in one place (Simplified Chinese)."""

from __future__ import annotations

EVENT_LABELS = {
    "submitted": "已登记",
    "triaged": "已完成智能分拣",
    "dispatched": "已交办承办单位",
    "location_corrected": "属地已更正",
    "accepted": "承办单位已受理",
    "objected": "承办单位申请退单",
    "verified": "核查完成",
    "decided": "已作出处理决定",
    "replied": "已答复",
    "closed": "已办结",
    "forwarded": "已转交其他部门",
    "merged": "已与同一事项合并办理",
    "duplicate_linked": "已关联重复件",
    "extension_requested": "申请延期",
    "extension_approved": "办理期限已延长",
    "extension_rejected": "延期申请未获批准",
    "escalated": "已移送纪检监察机关",
    "identity_revealed": "查看信访人身份",
    "rated": "信访人已评价",
    "review_requested": "信访人申请复查（复核）",
    "attachment_added": "补充材料",
}
