"""Textual's private names, reached from this module only (Textual is pinned to 8.2.x).

Where no public API does the job, Comptoir uses one of Textual's internals, always through
a function here; `PRIVATE_NAMES` lists them and tests/test_compat.py fails, naming the one
that moved, when an upgrade renames or removes any. It sits in `widgets`, the lowest layer
that may import Textual, so that widgets, screens, the App, the tests and bench share it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

# The footer's parts are not exported by `textual.widgets` (only `Footer` is); our footer
# translates what they show.
from textual.widgets._footer import FooterKey, FooterLabel

__all__ = [
    "PRIVATE_NAMES",
    "FooterKey",
    "FooterLabel",
    "build_mode",
    "display_hook",
    "missing_private_names",
    "notification_messages",
    "rewrite_bindings",
    "screen_lines",
    "send_to_driver",
    "style_first_screen",
    "update_regions",
]


def rewrite_bindings(node: DOMNode, change: Callable[[Binding], Binding]) -> None:
    """Replace each of `node`'s own bindings by `change(binding)` (Textual copies the class's
    BINDINGS into `node._bindings` when the node is built; there is no public setter)."""
    keys = node._bindings.key_to_bindings
    for key, bindings in list(keys.items()):
        keys[key] = [change(binding) for binding in bindings]


def style_first_screen(app: App[Any], screen: Screen[Any]) -> None:
    """Style `screen`, the first one built, from the App's styles without a full restyle.

    Textual restyles the whole App for a mode's screen that has not seen the current CSS
    variables (`_css_update_count`), reparsing every stylesheet, twice over (the reparse
    empties the parse cache). Nothing can have changed them before the first screen is
    built (a theme set in `__init__` counts as a change), so only the App's own styles are
    applied here, and the screen is marked as up to date: the parse is then done once.
    """
    if app._css_update_count == 0:
        app.stylesheet.update(app, animate=True)
        screen._css_update_count = 0


async def build_mode(app: App[Any], mode: str) -> Screen[Any] | None:
    """Build and mount the base screen of `mode` now, without showing it; None when it is
    built already (or `mode` is the current one).

    Textual builds a mode's screen when it is first switched to (`App._init_mode`, called
    by `switch_mode`), so the first key to a section pays for its compose, mount and styling.
    Called at idle time, the key then only switches. The screen is marked up to date with
    the App's styles before `_init_mode` sees it (its widgets are styled as they mount, as
    a pushed screen's are), so that neither building it nor showing it restyles everything
    (which repaints the screen shown).
    """
    if mode in app._screen_stacks or mode == app.current_mode:
        return None
    factory = app._modes.get(mode)  # none once the App is closing (its modes are gone)
    if not callable(factory):
        return None

    def styled() -> Screen[Any]:
        # A new screen is at -1: `_init_mode` would then restyle the whole App, which
        # repaints the screen shown (bytes on an idle terminal). Like a pushed screen, its
        # widgets are styled as they mount.
        made: Screen[Any] = factory()
        made._css_update_count = app._css_update_count
        # Its pointer shape is written to the terminal (OSC 22) as it mounts: only while shown.
        shape = made._watch__pointer_shape

        def pointer(pointer_shape: Any) -> None:
            if app.screen is made:
                shape(pointer_shape)

        made._watch__pointer_shape = pointer  # type: ignore[method-assign]
        return made

    app._modes[mode] = styled
    try:
        await app._init_mode(mode)
    finally:
        app._modes[mode] = factory
    screen: Screen[Any] = app._screen_stacks[mode][0]
    # Now, unseen: the stylesheet parsed with the new widgets' CSS and the screen styled by
    # it, which would otherwise wait for the key that shows it.
    app.stylesheet.update(screen, animate=False)
    screen._css_update_count = app._css_update_count
    return screen


def screen_lines(screen: Screen[Any]) -> list[str]:
    """The text of each line of `screen` as last composed (what the terminal shows)."""
    return [strip.text for strip in screen._compositor.render_strips()]


def notification_messages(app: App[Any]) -> list[str]:
    """The messages of the notifications (toasts) the App shows now."""
    return [str(notification.message) for notification in app._notifications]


# For bench.tui's FrameClock: the updates the App hands its driver, and the driver itself.


def display_hook(app: App[Any], hook: Callable[[Screen[Any], Any], None]) -> None:
    """Call `hook(screen, update)` after each compositor update the App writes out."""
    original = app._display

    def display(screen: Screen[Any], update: Any) -> None:
        original(screen, update)
        hook(screen, update)

    app._display = display  # type: ignore[method-assign, assignment]


def update_regions(update: Any) -> list[tuple[int, int, Any, int, int | None]]:
    """What a compositor update draws: (x, y, strip, x1, x2), x1:x2 the columns kept."""
    from textual._compositor import ChopsUpdate, LayoutUpdate

    drawn: list[tuple[int, int, Any, int, int | None]] = []
    if isinstance(update, LayoutUpdate):
        for y, line in enumerate(update.strips, update.region.y):
            offset = update.region.x
            for strip in line:
                drawn.append((offset, y, strip, 0, None))
                offset += strip.cell_length
    elif isinstance(update, ChopsUpdate):
        for y, x1, x2 in update.spans:
            for end, (x, chop) in zip(update.chop_ends[y], update.chops[y].items(), strict=False):
                if chop is not None and not (x > x2 or end <= x1):
                    drawn.append((x, y, chop, x1, x2))
    return drawn


def send_to_driver(app: App[Any], event: Any) -> None:
    """Hand `event` to the App as its terminal driver does (a key read from the terminal)."""
    assert app._driver is not None, "the App is not running"
    app._driver.send_message(event)


def _attribute(owner: object, dotted: str) -> bool:
    for part in dotted.split("."):
        if not hasattr(owner, part):
            return False
        owner = getattr(owner, part)
    return True


def _footer_parts() -> bool:
    return isinstance(FooterKey, type) and isinstance(FooterLabel, type)


def _compositor_updates() -> bool:
    from inspect import signature

    import textual._compositor as compositor

    def takes(cls: type, *names: str) -> bool:
        return set(names) <= set(signature(cls).parameters)

    return takes(compositor.LayoutUpdate, "strips", "region") and takes(
        compositor.ChopsUpdate, "chops", "spans", "chop_ends"
    )


def _app_names() -> bool:
    app: App[None] = App()
    return (
        isinstance(app._css_update_count, int)
        and hasattr(app, "_notifications")
        and hasattr(app, "_driver")
        and callable(App._display)
    )


def _mode_names() -> bool:
    from inspect import signature

    app: App[None] = App()
    return (
        isinstance(app._screen_stacks, dict)
        and isinstance(app._modes, dict)
        and list(signature(app._init_mode).parameters) == ["mode"]
        and list(signature(Screen()._watch__pointer_shape).parameters) == ["pointer_shape"]
    )


def _screen_names() -> bool:
    screen: Screen[None] = Screen()
    return (
        isinstance(screen._css_update_count, int)
        and _attribute(screen, "_compositor.render_strips")
        and isinstance(screen._bindings.key_to_bindings, dict)
    )


# Each private name, and how to tell it is still there (run by tests/test_compat.py).
PRIVATE_NAMES: dict[str, Callable[[], bool]] = {
    "textual.widgets._footer.FooterKey, FooterLabel": _footer_parts,
    "textual._compositor.LayoutUpdate, ChopsUpdate (strips, region, spans, chops, chop_ends)": (
        _compositor_updates
    ),
    "App._css_update_count, App._notifications, App._driver, App._display": _app_names,
    "Screen._css_update_count, Screen._compositor, DOMNode._bindings.key_to_bindings": (
        _screen_names
    ),
    "App._init_mode(mode), App._screen_stacks, App._modes, Screen._watch__pointer_shape "
    "(build_mode)": _mode_names,
}


def missing_private_names() -> list[str]:
    """The private names that this Textual no longer has (empty: all is well)."""
    missing = []
    for name, present in PRIVATE_NAMES.items():
        try:
            ok = present()
        except Exception:  # an import or attribute that moved: that name is missing
            ok = False
        if not ok:
            missing.append(name)
    return missing
