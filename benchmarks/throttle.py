"""CPU throttling through the Chrome DevTools Protocol: 4x approximates a mid-range phone."""

from __future__ import annotations


def throttle(page, rate: float) -> None:
    if rate > 1:
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
