"""Every text the WeChat bot sends to a citizen, in Simplified Chinese, in one place.

Pure constants and small formatting functions; imported by ``dialogue`` and ``notifier`` only.
"""

from __future__ import annotations

from intake import crypto

MENU = (
    "请回复数字或文字选择服务：\n"
    "1 或“举报”：反映问题\n"
    "2 或“查询”：查询办理进度\n"
    "3 或“热线”：查询县（市、区）民政服务热线\n"
    "0 或“帮助”：查看本菜单"
)

WELCOME = "您好，欢迎关注福建民政信访服务号。\n" + MENU

HELP = "抱歉，没有理解您的意思。\n" + MENU

REPORT_STARTED = (
    "请直接发送您要反映的问题，可以分多条发送文字、图片、语音或位置。\n"
    "请写明问题发生的县（市、区）和乡镇（街道）。\n"
    "默认匿名反映；如需实名，请发送：实名 姓名 手机号\n"
    "内容发完后请发送“提交”；发送“取消”放弃本次反映。"
)

REPORT_CONTINUES = "您有一份尚未提交的反映，请继续发送内容，发完后发送“提交”。"

ADDED_TEXT = "已记录（共 {parts} 条）。可继续补充，发完后请发送“提交”。"
ADDED_IMAGE = "已收到图片（共 {images} 张）。可继续补充，发完后请发送“提交”。"
ADDED_LOCATION = "已记录位置：{label}。可继续补充，发完后请发送“提交”。"
VOICE_NOT_RECOGNISED = "未能识别这段语音，录音已保存。为便于办理，请再用文字简要说明问题。"
TOO_MANY_IMAGES = "图片最多 {limit} 张，本张未保存。"
DRAFT_TOO_LONG = "内容已超过 {limit} 字上限，本条未保存。请发送“提交”或精简后重新发送。"

NOT_REPORTING = "请先发送“举报”（或 1）开始反映问题。"
NOTHING_TO_SUBMIT = "您还没有描述问题，请先发送文字说明，再发送“提交”。"
CANCELLED = "已取消本次反映。需要时请发送“举报”重新开始。"

NAMED_OK = "已设为实名反映（{masked_name}，{masked_phone}）。发送“匿名”可改回匿名。"
NAMED_FORMAT = "实名格式：实名 姓名 手机号，例如：实名 张三 13800000000"
ANONYMOUS_OK = "已改为匿名反映。"

ASK_COUNTY = (
    "请问问题发生在哪个县（市、区）？请回复名称，例如“鼓楼区”或“平潭”，也可以回复乡镇（街道）名称。\n"
    "不清楚请回复“跳过”，工作人员会为您确定属地。"
)
COUNTY_NOT_FOUND = "没有找到“{answer}”，请回复福建省内的县（市、区）或乡镇（街道）名称，或回复“跳过”。"

SUBMITTED = (
    "您的反映已受理。\n受理编号：{reference}\n查询码：{query_code}\n"
    "请妥善保存查询码，凭受理编号和查询码可查询办理进度（发送：查询 受理编号 查询码）。"
    "{county_line}"
)
SUBMITTED_COUNTY = "\n属地：{county}。"
SUBMIT_REFUSED = "未能提交：{reason}"

ASK_QUERY = "请发送：查询 受理编号 查询码\n例如：查询 2601010000001 123456"
QUERY_FORMAT = "格式不正确。请发送：查询 受理编号（13 位数字） 查询码（6 位数字）"
QUERY_NOT_FOUND = "未找到该信访件，请核对受理编号和查询码。"
QUERY_RATE_LIMITED = "查询次数过多，请稍后再试。"
STATUS = "受理编号：{reference}\n当前状态：{status}{unit_line}{reply_line}"
STATUS_UNIT = "\n承办单位：{unit}"
STATUS_REPLY = "\n最新答复（{date}）：{text}"
STATUS_NO_REPLY = "\n暂无答复，请耐心等待。"

ASK_HOTLINE_COUNTY = "请回复要查询的县（市、区）名称，例如：热线 鼓楼区"
HOTLINE = "{unit}服务热线：{numbers}"
HOTLINE_NONE = "暂未登记{county}的服务热线，请拨打 12345 政务服务便民热线。"
HOTLINE_COUNTY_NOT_FOUND = "没有找到“{answer}”，请回复福建省内的县（市、区）名称，例如：热线 鼓楼区"

STILL_WORKING = "您的消息正在处理，请稍候。"

# Outbound (notifier)
PUSH_TITLE = "信访件办理进度"
PUSH_TEXT = "【福建民政信访】受理编号 {reference}：{text}"


# Masking lives with the rest of the privacy code; re-exported for the dialogue's texts.
mask_name = crypto.mask_name
mask_phone = crypto.mask_phone
