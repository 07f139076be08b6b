"""Telehealth share mode: a client view to share (target only) and a separate control window.

Share mode is a layout of the one live loop (`bls.live.engine`): `ShareLayout` opens the two
windows and says what goes in each; `layout` holds the pure rules (speed cap, placement,
buttons).
"""

from __future__ import annotations

from bls.commands.share.windows import ShareLayout

__all__ = ["ShareLayout"]
