"""The WeChat official-account channel: reporting, status queries, hotlines, and replies.

``init_app`` is called by ``intake.app.create_app`` when ``INTAKE_CHANNELS`` names
``wechat``: it mounts the webhook at ``/channels/wechat``, registers the WeChat notifier for
tickets filed through this channel, and the outbox handler that downloads media.
Imports point one way: this package uses ``intake`` (services, ports) and ``triage``'s
gazetteer; nothing in ``intake`` imports it.
"""

from __future__ import annotations

from flask import Flask

from intake.config import ConfigError, Settings


def init_app(app: Flask) -> None:
    from channels.wechat import actions, views
    from channels.wechat.client import make_client
    from channels.wechat.notifier import WeChatNotifier

    settings: Settings = app.extensions["intake.settings"]
    if settings.is_production:
        missing = [name for name, value in (
            ("INTAKE_WECHAT_TOKEN", settings.wechat_token),
            ("INTAKE_WECHAT_APP_ID", settings.wechat_app_id),
            ("INTAKE_WECHAT_APP_SECRET", settings.wechat_app_secret),
        ) if not value]
        if missing:
            raise ConfigError("the wechat channel needs " + ", ".join(missing))
    app.register_blueprint(views.bp)
    registry = app.extensions["intake.notifiers"]
    registry.register("wechat", WeChatNotifier(settings, registry, make_client))
    actions.register_handlers()
