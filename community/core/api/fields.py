from __future__ import annotations

from typing import Any

from rest_framework import serializers


class SafeSlugRelatedField(serializers.SlugRelatedField):
    """SlugRelatedField that answers 400, not a database error, to a NUL character."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)
