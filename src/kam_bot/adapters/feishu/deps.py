"""What the Feishu adapter uses of the application: the services, the command language, the
conversation references (``adapters.platform.PlatformServices``)."""

from kam_bot.adapters.platform import PlatformServices as FeishuServices

__all__ = ["FeishuServices"]
