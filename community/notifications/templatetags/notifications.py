from typing import Any

from django import template

from community.notifications.forms import NotificationSettingsForm
from community.notifications.selectors import digest_enabled

register = template.Library()


@register.inclusion_tag("notifications/settings_section.html", takes_context=True)
def notification_settings(context: template.Context, user: Any) -> dict[str, Any]:
    """The settings page's "Notifications" panel: the email digest choice (off by default)."""
    form = NotificationSettingsForm(initial={"email_digest": digest_enabled(user=user)})
    return {"form": form, "csrf_token": context.get("csrf_token"), "user": user}
